import FoundationEssentials
import IpNet
import IpNetCore
import NeighSyncCore

/// A saved kernel state: the links and the neighbor rows of one namespace, so `plan --state` can plan with no
/// privileges and no netlink. Written by `neighsync show --output json`; also read from the pair `ip -j neigh show` +
/// `ip -j link show` (see `IprouteImport`). netlink equivalent: an RTM_GETLINK dump plus an RTM_GETNEIGH dump.
public struct Snapshot: Codable, Hashable, Sendable {
    /// The snapshot format version (1).
    public var formatVersion: Int
    /// Always `neighsync-snapshot`, so a wrong file is recognised.
    public var kind: String
    /// The interfaces.
    public var links: [Link]
    /// The neighbor rows.
    public var neighbors: [RowRecord]

    /// Builds a snapshot of rows and links. netlink equivalent: the two dumps.
    public init(links: [Link], rows: [IpNetRow2]) {
        formatVersion = 1
        kind = "neighsync-snapshot"
        self.links = links
        var names: [UInt32: String] = [:]
        for l in links { names[l.index] = l.name }
        neighbors = rows.map { RowRecord($0, interfaceName: names[$0.effectiveInterfaceIndex]) }
    }

    /// The rows, parsed back.
    public func rows() throws -> [IpNetRow2] { try neighbors.map { try $0.row() } }

    /// Reads a state file for `plan --state`: our snapshot JSON, or `ip -j neigh show` output with `linksPath`
    /// naming `ip -j link show` output. Errors name the file, the item and what to do. iproute2 equivalent: reading
    /// back `ip -j neigh show` / `ip -j link show`.
    public static func load(path: String, linksPath: String?) throws -> (links: [Link], rows: [IpNetRow2]) {
        try SnapshotReader.load(path: path, linksPath: linksPath)
    }

    /// `load`, with the snapshot's neighbor-table parameters and whether it was taken in the initial namespace (nil
    /// each when it does not say: an older snapshot, or iproute2's output).
    public static func loadWithParameters(path: String, linksPath: String?) throws
        -> (links: [Link], rows: [IpNetRow2], parameters: [NeighborParameterSet]?, initialNamespace: Bool?) {
        let r = try SnapshotReader.loadWithParameters(path: path, linksPath: linksPath)
        return (r.links, r.rows, r.parameters.sets, r.parameters.initialNamespace)
    }
}
