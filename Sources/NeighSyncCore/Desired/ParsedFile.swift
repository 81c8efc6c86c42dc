import IpNet

/// What one desired-state file says, before the files of a directory are merged: its settings, each with the position
/// of its value, and its finished neighbor entries (defaults applied). iproute2 equivalent: one `ip -batch` file.
struct ParsedFile {
    /// A setting's value and where it is written.
    struct Setting<Value: Equatable> {
        var value: Value
        var mark: SourceMark
    }

    /// The path as shown in diagnostics.
    var path: String
    /// `owner.protocol`, when written.
    var ownerProtocol: Setting<UInt8>?
    /// `prune`, when written.
    var prune: Setting<PruneMode>?
    /// `maxDeletes`, when written.
    var maxDeletes: Setting<Int>?
    /// The valid entries, in file order.
    var neighbors: [DesiredNeighbor] = []
    /// True when the file had an error (its entries may be incomplete).
    var failed = false

    init(path: String) { self.path = path }
}
