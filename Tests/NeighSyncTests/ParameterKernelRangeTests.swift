import IpNet
import IpNetCore
@testable import NeighSync
@testable import NeighSyncCore
import Testing

/// Issue 14, red-team finding 3: values the kernel holds above a file's range (2^31-1 ms rounded up to a tick reads
/// back 2147483648; `ip ntable change … retrans 4000000000` is held in jiffies and reads back as set).
@Suite struct ParameterKernelRangeTests {
    static let links = [Link(name: "veth0", index: 3, arphrdType: 1, hardwareAddressLength: 6)]
    static let sets = [
        NeighborParameterSet(family: .ipv4, interfaceIndex: 3, values: [.retransTime: 4_000_000_000,
                             .baseReachableTime: 2_147_483_648, .ucastSolicit: 3]),
        NeighborParameterSet(family: .ipv4, interfaceIndex: 0, values: [.gcThresh3: 4_294_967_295, .gcThresh1: 128]),
    ]

    @Test func aSnapshotReadsEveryValueTheKernelCanHold() throws {
        let text = SnapshotWriter.json(links: Self.links, rows: [], parameters: Self.sets, initialNamespace: true)
        var back = SnapshotReader.Parameters()
        _ = try SnapshotReader.parse(Array(text.utf8), path: "s.json", linksPath: nil, parameters: &back) { _ in [] }
        #expect(back.sets == Self.sets)
    }

    @Test func theBootstrapLeavesOutWhatAFileCannotHoldAndPlansNoChanges() throws {
        let section = ParameterWriter.yaml(Self.sets, links: Self.links, initialNamespace: true)
        #expect(section.contains("      # ipv4 retransTime is 4000000000 in the kernel"), "\(section)")
        #expect(section.contains("      ipv4: { ucastSolicit: 3 }\n"), "\(section)")
        #expect(section.contains("    ipv4: { gcThresh1: 128 }\n"), "\(section)")
        let state = try DesiredStateLoader.load(text: "version: 1\nneighbors: []\n" + section, fileName: "b.yaml").get()
        #expect(state.parameters.count == 2)
        let r = ParameterPlanner.plan(desired: state.parameters, current: Self.sets, links: Self.links)
        #expect(r.changes.isEmpty && r.pending.isEmpty && r.unchanged == 2)
    }
}
