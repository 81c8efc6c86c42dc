import Foundation
import IpNet
import CoreTestSupport
import Testing
@testable import NeighSync
import IpNetCore
@testable import NeighSyncCore

/// One pipeline (load → resolve → gather → plan → apply) for a one-shot apply, a watch pass and a saved plan:
/// the same desired state against the same table gives the same plan whichever way in, and each way stops at the
/// same step with the same message.
@Suite struct ReconciliationTests {
    static let links = [Link(name: "veth0", index: 3, arphrdType: 1, hardwareAddressLength: 6)]
    static let yaml = """
        version: 1
        maxDeletes: 1
        defaults: { interface: veth0 }
        neighbors:
          - address: 192.0.2.10
            physicalAddress: "02:00:00:00:00:10"
          - address: 192.0.2.11
            physicalAddress: "02:00:00:00:00:11"
          - address: 2001:db8::1
            interface: vlan100
            physicalAddress: "02:00:00:00:00:12"
        """

    /// A kernel table with one entry to set, one owned entry to delete and a foreign one to leave alone.
    static func table() -> MemoryNeighborTable {
        MemoryNeighborTable(links: links, rows: [
            RowFixtures.row("192.0.2.11", "02:00:00:00:00:99", proto: 245),
            RowFixtures.row("192.0.2.50", proto: 245),
            RowFixtures.row("192.0.2.60", proto: 11),
        ])
    }

    static func file() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reconciliation-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("n.yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func lines(_ p: Plan) -> [String] { p.changes.map { PlanRenderer(color: false).line($0) } }

    @Test func oneShotWatchPassAndSavedPlanPlanAlike() throws {
        let path = try Self.file()
        let oneShot = try Reconciliation.gather(path: path, table: Self.table())
        let state = try DesiredStateLoader.load(path: path).get()
        let pass = try Reconciliation.gather(state, table: Self.table()).get()
        let a = oneShot.plan(), b = pass.plan()
        #expect(Self.lines(a).count == 3)
        #expect(Self.lines(a) == Self.lines(b))
        #expect(a.pending == b.pending && a.pending.count == 1)
        #expect(a.unchanged == b.unchanged && a.maxDeletes == b.maxDeletes)

        // A saved plan goes through the same steps and plans the same changes, pending entries included.
        let saved = try PlanFileReader.read(Array(try JSONEncoder().encode(
            PlanFile(namespace: nil, desired: oneShot.desired, links: oneShot.links, current: oneShot.current,
                     plan: a))), file: "p.json")
        let replay = try Reconciliation.gather(saved, path: "p.json", table: Self.table())
        let c = try replay.plan(replaying: saved, path: "p.json")
        #expect(c.changes.map(CanonicalChange.init) == a.changes.map(CanonicalChange.init))
        #expect(c.pending.map(\.address) == a.pending.map(\.address))
        #expect((c.ownerProtocol, c.prune, c.maxDeletes) == (a.ownerProtocol, a.prune, a.maxDeletes))

        // Applied through the pipeline, a second plan of each kind is empty.
        let table = Self.table()
        let report = try pass.apply(pass.plan(), to: table, force: false)
        #expect(report.count(.create) == 1 && report.count(.set) == 1 && report.count(.delete) == 1)
        #expect(try Reconciliation.gather(path: path, table: table).plan().isEmpty)
        #expect(try Reconciliation.gather(state, table: table).get().plan().isEmpty)
        // The saved plan is stale now, and says so without writing.
        let before = table.entries
        #expect(throws: Reconciliation.Failure.self) { try Reconciliation.gather(saved, path: "p.json", table: table) }
        do { _ = try Reconciliation.gather(saved, path: "p.json", table: table) } catch {
            #expect("\(error)" == "p.json is stale: the neighbor table changed since the plan was made; run "
                        + "'neighsync plan' again")
        }
        #expect(table.entries == before)
    }

    @Test func heldKeysAreLeftAlone() throws {
        let state = try DesiredStateLoader.load(text: Self.yaml, fileName: "n.yaml").get()
        let run = try Reconciliation.gather(state, table: Self.table()).get()
        let held: Set<NeighborKey> = [RowFixtures.row("192.0.2.11").key]
        #expect(run.plan().changes.count == 3)
        #expect(run.plan(holding: held).changes.map(\.key.address.description) == ["192.0.2.10", "192.0.2.50"])
    }

    @Test func aWatchPassStopsAtTheStepThatFailedWithNothingWritten() throws {
        let state = try DesiredStateLoader.load(text: Self.yaml, fileName: "n.yaml").get()
        let t = Self.table()
        t.readFailure.links = .accessDenied("no")
        var round = ApplyRound.run(state, table: t, force: false)
        #expect(round.error == "cannot read the interfaces: \(IpNetError.accessDenied("no"))")
        #expect(round.scope == nil && round.report == nil)

        t.readFailure = (nil, .accessDenied("no"))
        round = ApplyRound.run(state, table: t, force: false)
        #expect(round.error == "cannot read the neighbor table: \(IpNetError.accessDenied("no"))")
        // The scope is the resolved one, so events still find their way to a new pass.
        #expect(round.scope?.desired.count == 2 && round.scope?.interfaceNames == ["veth0", "vlan100"])

        t.readFailure = (nil, nil)
        t.linkList = [Link(name: "veth0", index: 3, arphrdType: 1, hardwareAddressLength: 8)]
        round = ApplyRound.run(state, table: t, force: false)
        // A link that refuses entries after admission blocks them for the pass; the rest is written.
        #expect(round.error == nil && round.report?.pending.count == 3)
        #expect(t.log.allSatisfy { $0.row.address.description == "192.0.2.50" })
    }
}
