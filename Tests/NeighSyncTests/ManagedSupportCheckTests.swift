import Foundation
import Testing
@testable import NeighSync
import IpNetCore
import CoreTestSupport
@testable import NeighSyncCore

/// A kernel without NTF_EXT_MANAGED (before Linux 5.16), simulated through the table seam: every managed entry is
/// an ERROR_NOT_SUPPORTED error at its position, the probe is asked only when the file has managed entries, and
/// the one pipeline stops before planning, so nothing is written (the permanent entries of the same file neither:
/// never a half-applied file). `ManagedEntryTableTests` checks the probe itself against the kernel.
@Suite struct ManagedSupportCheckTests {
    /// A table whose kernel answers the managed probe with `supported`, counting the probes and the writes.
    final class OldKernelTable: NeighborTableProtocol {
        let memory: MemoryNeighborTable
        let supported: Bool?
        var probes = 0
        init(supported: Bool?) {
            memory = MemoryNeighborTable(links: RowFixtures.links)
            self.supported = supported
        }
        func managedEntriesSupported() -> Bool? { probes += 1; return supported }
        func links() throws -> [Link] { try memory.links() }
        func table(family: AddressFamily) throws -> [IpNetRow2] { try memory.table(family: family) }
        func get(_ row: IpNetRow2) throws -> IpNetRow2 { try memory.get(row) }
        func create(_ row: IpNetRow2) throws { try memory.create(row) }
        func set(_ row: IpNetRow2) throws { try memory.set(row) }
        func delete(_ row: IpNetRow2) throws { try memory.delete(row) }
        func perform(_ operations: [NeighborOperation]) -> [IpNetError?] { memory.perform(operations) }
    }

    static let text = """
        version: 1
        defaults: { interface: veth0 }
        neighbors:
          - address: 192.0.2.10
            physicalAddress: "02:00:00:00:00:10"
          - address: 192.0.2.20
            state: managed
          - address: 2001:db8::20
            state: managed

        """

    func file(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("managed-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func oldKernelGetsOneErrorPerManagedEntryAndNoWrite() throws {
        let path = try file(Self.text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let table = OldKernelTable(supported: false)
        do {
            _ = try Reconciliation.gather(path: path, table: table)
            Issue.record("gather must fail")
        } catch let list as DiagnosticList {
            #expect(list.diagnostics.map { "\($0.mark!.line):\($0.mark!.column)" } == ["6:5", "8:5"])
            #expect(list.diagnostics.allSatisfy { $0.message == ManagedSupportCheck.message })
            #expect(list.description.contains("error: ERROR_NOT_SUPPORTED: this kernel does not keep managed "
                                              + "neighbor entries (NTF_EXT_MANAGED in NDA_FLAGS_EXT needs Linux 5.16"))
        }
        #expect(table.probes == 1)
        #expect(table.memory.log.isEmpty)

        // A watch pass of the same state: the same errors, as a failure of the pass, nothing written.
        let state = try DesiredStateLoader.load(path: path).get()
        guard case .failure(.desired(let d)) = Reconciliation.gather(state, table: table) else {
            Issue.record("the pass must fail")
            return
        }
        #expect(d.count == 2)
        #expect(table.memory.log.isEmpty)
    }

    @Test func supportedOrUnknownKernelsAndFilesWithoutManagedEntriesGoOn() throws {
        let path = try file(Self.text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        for supported in [true, nil] as [Bool?] {
            let table = OldKernelTable(supported: supported)
            let run = try Reconciliation.gather(path: path, table: table)
            #expect(run.plan().count(.create) == 3)
            #expect(table.probes == 1)
        }
        let plain = try file("version: 1\nneighbors:\n  - { address: 192.0.2.10, interface: veth0, "
                             + "physicalAddress: \"02:00:00:00:00:10\" }\n")
        defer { try? FileManager.default.removeItem(atPath: plain) }
        let old = OldKernelTable(supported: false)
        #expect(try Reconciliation.gather(path: plain, table: old).plan().count(.create) == 1)
        #expect(old.probes == 0)
    }
}
