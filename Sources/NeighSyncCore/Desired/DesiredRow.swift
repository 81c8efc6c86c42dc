import IpNetCore

/// A desired entry ready for planning: the row to write (interface resolved, owner protocol set) and where it is
/// defined. `DesiredState.resolve(links:)` makes these from the loaded entries; rows read back from a plan file
/// become these too. iproute2 equivalent: one resolved `neigh replace` line.
public struct DesiredRow: Hashable, Sendable {
    /// The row to write.
    public var row: IpNetRow2
    /// Where the entry is defined, when it came from a file.
    public var source: SourceMark?

    /// Builds a desired row.
    public init(row: IpNetRow2, source: SourceMark? = nil) {
        self.row = row
        self.source = source
    }
}
