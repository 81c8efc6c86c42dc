/// The neighbor-table calls the reconciler needs, as a protocol so that `apply` can run against the kernel
/// (`NeighborTable`) or against a test seam that injects faults. Every error thrown is an `IpNetError`. Windows
/// equivalent: the IP Helper neighbor functions (`GetIpNetTable2`, `GetIpNetEntry2`, `CreateIpNetEntry2`,
/// `SetIpNetEntry2`, `DeleteIpNetEntry2`); netlink: RTM_GETNEIGH / RTM_NEWNEIGH / RTM_DELNEIGH on NETLINK_ROUTE.
public protocol NeighborTableProtocol: AnyObject {
    /// All interfaces of the namespace. Netlink: RTM_GETLINK dump; iproute2: `ip link show`.
    func links() throws -> [Link]
    /// Every entry of one family, or both for `.unspecified`. Windows: `GetIpNetTable2`; iproute2: `ip neigh show`.
    func table(family: AddressFamily) throws -> [IpNetRow2]
    /// One entry by (interface, address). Windows: `GetIpNetEntry2`; iproute2: `ip neigh get ADDR dev DEV`.
    func get(_ row: IpNetRow2) throws -> IpNetRow2
    /// Creates an entry. Windows: `CreateIpNetEntry2`; iproute2: `ip neigh add`.
    func create(_ row: IpNetRow2) throws
    /// Replaces an existing entry. Windows: `SetIpNetEntry2`; iproute2: `ip neigh change`.
    func set(_ row: IpNetRow2) throws
    /// Deletes an entry. Windows: `DeleteIpNetEntry2`; iproute2: `ip neigh del`.
    func delete(_ row: IpNetRow2) throws
    /// Sends many writes batched (many requests per sendmsg) and returns one result per operation, in order: nil
    /// for success, else the error of that request alone. Netlink: `mnl_nlmsg_batch`, acks matched by sequence
    /// number; iproute2: `ip -batch`.
    func perform(_ operations: [NeighborOperation]) -> [IpNetError?]
}
