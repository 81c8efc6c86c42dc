import IpNetCore

/// A desired entry whose interface has been found in a link list: the row to write (interface index and LUID from
/// the link, owner protocol, state, router flag, link-layer address), the entry as the file wrote it, and the link's
/// name for display. Produced by `DesiredState.resolve(links:)`. Windows equivalent: a `MIB_IPNET_ROW2` after
/// `ConvertInterfaceNameToLuid`; iproute2: a `neigh replace ADDR lladdr MAC dev DEV nud permanent protocol N` line
/// whose `dev` exists.
public struct ResolvedNeighbor: Hashable, Sendable {
    /// The row to write; `protocol` is the owner protocol.
    public var row: IpNetRow2
    /// The entry as loaded, with its positions.
    public var desired: DesiredNeighbor
    /// The name of the link the entry resolved to.
    public var interfaceName: String

    /// Builds a resolved entry. iproute2 equivalent: writing one `neigh replace` line.
    public init(row: IpNetRow2, desired: DesiredNeighbor, interfaceName: String) {
        self.row = row
        self.desired = desired
        self.interfaceName = interfaceName
    }

    /// The planner's input for this entry: the row and the position of its list item. iproute2 equivalent: the
    /// `neigh replace` line itself.
    public var desiredRow: DesiredRow { DesiredRow(row: row, source: desired.mark) }
}
