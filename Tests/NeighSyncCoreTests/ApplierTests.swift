import CoreTestSupport
import Testing
import IpNetCore
@testable import NeighSyncCore

/// Applier rules against an in-memory table with kernel semantics: converge on EEXIST, fall back on ENOENT,
/// partial failures, the delete ceiling.
@Suite struct ApplierTests {
    typealias P = PlannerTests
    let links = PlannerTests.links

    func planAndApply(_ desired: [IpNetRow2], _ table: MemoryNeighborTable, force: Bool = false,
                      maxDeletes: Int = 50) throws -> ApplyReport {
        let plan = Planner.plan(desired: desired.map { DesiredRow(row: $0) }, current: try table.table(family: .unspecified),
                                links: links, ownerProtocol: 245, prune: .owned, maxDeletes: maxDeletes)
        return try Applier.apply(plan, to: table, force: force)
    }

    @Test func applyThenSecondPlanIsEmpty() throws {
        let t = MemoryNeighborTable(links: links, rows: [P.row("192.0.2.50", proto: 245), P.row("192.0.2.60")])
        let desired = [P.row("192.0.2.10"), P.row("2001:db8::1", router: true), P.row("192.0.2.60")]
        let r = try planAndApply(desired, t)
        #expect(r.succeeded)
        #expect(r.count(.create) == 2 && r.count(.set) == 1 && r.count(.delete) == 1)
        let again = Planner.plan(desired: desired.map { DesiredRow(row: $0) }, current: try t.table(family: .unspecified),
                                 links: links, ownerProtocol: 245, prune: .owned)
        #expect(again.isEmpty)
        #expect(t.entries.values.allSatisfy { $0.protocol == 245 })
    }

    @Test func createThatFindsAnEqualEntryIsConverged() throws {
        let t = MemoryNeighborTable(links: links)
        t.beforeEach = { op, t in
            if case .create(let r) = op, t.entries[r.key] == nil { t.entries[r.key] = r }  // someone else won the race
        }
        let r = try planAndApply([P.row("192.0.2.10")], t)
        #expect(r.converged == 1 && r.failures == 0)
    }

    @Test func createThatFindsADifferentEntryReplacesIt() throws {
        let t = MemoryNeighborTable(links: links)
        var raced = false
        t.beforeEach = { op, t in
            if case .create(let r) = op, !raced {
                raced = true
                var other = r
                other.physicalAddress = PhysicalAddress("02:00:00:00:00:99")!
                t.entries[r.key] = other
            }
        }
        let r = try planAndApply([P.row("192.0.2.10")], t)
        #expect(r.outcomes.map(\.result) == [.applied(.set)])
        #expect(t.entries.values.first?.physicalAddress == PhysicalAddress("02:00:00:00:00:10"))
    }

    @Test func setOfAVanishedEntryCreatesIt() throws {
        let t = MemoryNeighborTable(links: links, rows: [P.row("192.0.2.10", "02:00:00:00:00:01", proto: 245)])
        t.beforeEach = { op, t in if case .set(let r) = op { t.entries[r.key] = nil } }
        let r = try planAndApply([P.row("192.0.2.10")], t)
        #expect(r.outcomes.map(\.result) == [.applied(.create)])
    }

    @Test func theRetryAfterEexistIsAnUpsertThatConvergesWhenTheEntryVanishesAgain() throws {
        let t = MemoryNeighborTable(links: links)
        t.beforeEach = { op, t in
            switch op {
            case .create(let r):  // another writer creates it first…
                var other = r
                other.physicalAddress = PhysicalAddress("02:00:00:00:00:99")!
                t.entries[r.key] = other
            case .upsert(let r):  // …and deletes it again between our read and our retry
                t.entries[r.key] = nil
            default: break
            }
        }
        let r = try planAndApply([P.row("192.0.2.10")], t)
        #expect(r.outcomes.map(\.result) == [.applied(.set)] && r.succeeded)
        #expect(t.log.map { if case .upsert = $0 { "upsert" } else if case .create = $0 { "create" } else { "other" } }
                == ["create", "upsert"])
        #expect(t.entries.values.first?.physicalAddress == PhysicalAddress("02:00:00:00:00:10"))
    }

    @Test func theRetryAfterEnoentIsAnUpsertThatConvergesWhenTheEntryComesBack() throws {
        let t = MemoryNeighborTable(links: links, rows: [P.row("192.0.2.10", "02:00:00:00:00:01", proto: 245)])
        t.beforeEach = { op, t in
            switch op {
            case .set(let r): t.entries[r.key] = nil               // deleted under us…
            case .upsert(let r): t.entries[r.key] = P.row("192.0.2.10", "02:00:00:00:00:99")  // …and made again
            default: break
            }
        }
        let r = try planAndApply([P.row("192.0.2.10")], t)
        #expect(r.outcomes.map(\.result) == [.applied(.create)] && r.succeeded)
        #expect(t.entries.values.first?.physicalAddress == PhysicalAddress("02:00:00:00:00:10"))
    }

    @Test func aCreateOverALeftoverIsOneWriteCountedAsACreate() throws {
        let t = MemoryNeighborTable(links: links, rows: [P.row("192.0.2.10", "", state: .unreachable)])
        let r = try planAndApply([P.row("192.0.2.10")], t)
        #expect(r.outcomes.map(\.result) == [.applied(.create)] && r.count(.create) == 1 && r.count(.set) == 0)
        #expect(t.log.count == 1)
        #expect(r.summary == "Apply: 1 created, 0 set, 0 deleted, 0 already converged, 0 unchanged, 0 failed.")
    }

    @Test func deleteOfAVanishedEntryIsConverged() throws {
        let t = MemoryNeighborTable(links: links, rows: [P.row("192.0.2.10", proto: 245)])
        t.beforeEach = { op, t in if case .delete(let r) = op { t.entries[r.key] = nil } }
        let r = try planAndApply([], t)
        #expect(r.outcomes.map(\.result) == [.converged("already gone")])
    }

    @Test func oneFailureDoesNotStopTheOthers() throws {
        let t = MemoryNeighborTable(links: links)
        t.failures[IpAddress("192.0.2.11")!] = .notFound("no interface with index 3")
        let r = try planAndApply([P.row("192.0.2.10"), P.row("192.0.2.11"), P.row("192.0.2.12")], t)
        #expect(r.failures == 1 && r.count(.create) == 2)
        #expect(r.outcomes[1].result == .failed(.notFound("no interface with index 3")))
        #expect(t.entries.count == 2)
    }

    @Test func tooManyDeletesIsRefusedBeforeAnyWrite() throws {
        let t = MemoryNeighborTable(links: links, rows: (1...3).map { P.row("192.0.2.\($0)", proto: 245) })
        #expect(throws: Applier.Refusal.self) { try planAndApply([P.row("192.0.2.100")], t, maxDeletes: 2) }
        #expect(t.log.isEmpty)
        let r = try planAndApply([P.row("192.0.2.100")], t, force: true, maxDeletes: 2)
        #expect(r.count(.delete) == 3 && r.count(.create) == 1)
    }
}
