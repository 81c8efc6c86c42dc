/// One write of a batch: create, set or delete a row. `NeighborTableProtocol.perform(_:)` sends many of these in
/// one go and answers each one separately. Windows equivalent: a `CreateIpNetEntry2` / `SetIpNetEntry2` /
/// `DeleteIpNetEntry2` call; netlink: one `RTM_NEWNEIGH` (CREATE|EXCL, REPLACE or CREATE|REPLACE) or
/// `RTM_DELNEIGH` request; iproute2: one line of `ip -batch` (`neigh add` / `neigh change` / `neigh replace` /
/// `neigh del`).
public enum NeighborOperation: Hashable, Sendable {
    /// Create a new entry; fails with `objectAlreadyExists` if it exists. Netlink: NLM_F_CREATE|NLM_F_EXCL.
    case create(IpNetRow2)
    /// Replace an existing entry; fails with `notFound` if it does not exist. Netlink: NLM_F_REPLACE.
    case set(IpNetRow2)
    /// Delete an entry; fails with `notFound` if it does not exist. Netlink: RTM_DELNEIGH.
    case delete(IpNetRow2)
    /// Create the entry or replace the one there: converges whether it exists or not (the reconciler's write
    /// over a leftover and its retry after EEXIST/ENOENT). Netlink: NLM_F_CREATE|NLM_F_REPLACE; iproute2:
    /// `ip neigh replace`.
    case upsert(IpNetRow2)

    /// The row the operation writes.
    public var row: IpNetRow2 {
        switch self {
        case .create(let r), .set(let r), .delete(let r), .upsert(let r): return r
        }
    }
}
