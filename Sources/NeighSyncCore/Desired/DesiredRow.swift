import IpNetCore

/// A desired entry ready for planning: the row to write (interface resolved, owner protocol set) and where it is
/// defined. `ResolvedNeighbor`s from the loader and rows read back from a plan file both become these. iproute2
/// equivalent: one resolved `neigh replace` line.
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
