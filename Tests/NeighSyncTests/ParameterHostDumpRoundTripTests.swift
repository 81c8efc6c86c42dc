import Foundation
@testable import IpNet
import IpNetCore
@testable import NeighSync
import NeighSyncCore
import Testing

/// Issue 14, red-team findings 1 and 2: the RTM_GETNEIGHTBL dump of the initial namespace (captured read-only on this
/// host, the same bytes as IpNetTests' `NeighborParameterHostDumpTests`, in `Fixtures/ntable`) holds a device parms
/// with NDTPA_IFINDEX 0 beside each table's own message. Its sets must plan the host's own table-wide values as
/// unchanged, and `show --output json` of them must read back in `plan --state`.
@Suite struct ParameterHostDumpRoundTripTests {
    static func hostSets() throws -> [NeighborParameterSet] {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: LoaderFixtures.root
                                                        + "/ntable/host-initial-namespace.bin")))
        return NeighborTableMessageCodec.decodeAll(bytes)
    }

    /// The host's current table-wide values (thresholds 128/512/1024, gc_interval 30 s in both families).
    static let hostTables: [DesiredParameter] = [AddressFamily.ipv4, .ipv6].flatMap { f in
        [(NeighborParameter.gcThresh1, UInt64(128)), (.gcThresh2, 512), (.gcThresh3, 1024), (.gcInterval, 30_000)]
            .map { DesiredParameter(place: .table, family: f, key: $0.0, value: $0.1) }
    }

    @Test func theHostsOwnTableValuesPlanNoChanges() throws {
        let r = ParameterPlanner.plan(desired: Self.hostTables, current: try Self.hostSets(), links: [])
        #expect(r.changes.isEmpty, "\(r.changes)")
        #expect(r.unchanged == 8 && r.pending.isEmpty)
    }

    @Test func theHostsSnapshotReadsBackAndPlansNoChanges() throws {
        let sets = try Self.hostSets()
        let text = SnapshotWriter.json(links: [], rows: [], parameters: sets, initialNamespace: true)
        var back = SnapshotReader.Parameters()
        _ = try SnapshotReader.parse(Array(text.utf8), path: "host.json", linksPath: nil, parameters: &back) { _ in [] }
        #expect(back.sets == sets && back.initialNamespace == true)
        let r = ParameterPlanner.plan(desired: Self.hostTables, current: back.sets ?? [], links: [])
        #expect(r.changes.isEmpty, "\(r.changes)")
    }
}
