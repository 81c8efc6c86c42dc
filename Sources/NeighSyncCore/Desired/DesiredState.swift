import IpNetCore

/// What a desired-state file (or a directory of them, merged) asks for: the settings and the list of neighbors, each
/// with its position. Produced by `DesiredStateLoader`; turned into rows by `resolve(links:)`. iproute2 equivalent:
/// an `ip -batch` file of `neigh replace` lines, plus the pruning no iproute2 command does.
public struct DesiredState: Hashable, Sendable {
    /// The default owner protocol (NDA_PROTOCOL): 245, from the unassigned range between RTPROT_* numbers in
    /// `/etc/iproute2/rt_protos`. `owner.protocol` in the file overrides it (within `OwnerProtocolRule`).
    public static let defaultOwnerProtocol: UInt8 = OwnerProtocolRule.defaultOwnerProtocol
    /// The default ceiling on deletes per run (`maxDeletes`).
    public static let defaultMaxDeletes = 50

    /// The file format version (1).
    public var version: Int
    /// The NDA_PROTOCOL value that marks entries as neighsync's.
    public var ownerProtocol: UInt8
    /// Whether owned entries missing from the file are deleted.
    public var prune: PruneMode
    /// The most deletes a plan may hold without `--force`.
    public var maxDeletes: Int
    /// The desired neighbors, in file order (files sorted by name).
    public var neighbors: [DesiredNeighbor]
    /// The files that were read, in order.
    public var files: [String]
    /// The neighbor-table parameters of the `parameters` section (files merged), in file order.
    public var parameters: [DesiredParameter] = []
    /// What the loader allowed but reports (e.g. an owner protocol a routing daemon also uses), positioned, in
    /// file order; shown by the commands on stderr. Errors never end up here: they fail the load.
    public var warnings = DiagnosticList([])

    /// Builds a desired state; defaults as documented.
    public init(version: Int = 1, ownerProtocol: UInt8 = DesiredState.defaultOwnerProtocol,
                prune: PruneMode = .owned, maxDeletes: Int = DesiredState.defaultMaxDeletes,
                neighbors: [DesiredNeighbor] = [], files: [String] = []) {
        self.version = version
        self.ownerProtocol = ownerProtocol
        self.prune = prune
        self.maxDeletes = maxDeletes
        self.neighbors = neighbors
        self.files = files
    }
}

/// Which entries a plan may delete: `owned` (entries carrying the owner protocol that the file no longer lists) or
/// `none` (never delete). systemd-networkd equivalent: `ManageForeignRoutes=`-style mark-and-sweep of its own entries.
public enum PruneMode: String, Hashable, Sendable, CaseIterable {
    /// Delete owned entries that are not desired.
    case owned
    /// Never delete.
    case none
}
