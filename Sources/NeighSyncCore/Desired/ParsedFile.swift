import IpNetCore

/// What one desired-state file says, before the files of a directory are merged: its settings, each with the position
/// of its value, and its finished neighbor entries (defaults applied). iproute2 equivalent: one `ip -batch` file.
package struct ParsedFile: Sendable {
    /// A setting's value and where it is written.
    package struct Setting<Value: Equatable & Sendable>: Sendable {
        package var value: Value
        package var mark: SourceMark

        package init(value: Value, mark: SourceMark) {
            self.value = value
            self.mark = mark
        }
    }

    /// The path as shown in diagnostics.
    package var path: String
    /// `owner.protocol`, when written.
    package var ownerProtocol: Setting<UInt8>?
    /// `prune`, when written.
    package var prune: Setting<PruneMode>?
    /// `maxDeletes`, when written.
    package var maxDeletes: Setting<Int>?
    /// The valid entries, in file order.
    package var neighbors: [DesiredNeighbor] = []
    /// The `parameters` section, in file order.
    package var parameters: [DesiredParameter] = []
    /// True when the file had an error (its entries may be incomplete).
    package var failed = false

    package init(path: String) { self.path = path }
}
