/// The neighbor-table calls the reconciler needs, as a protocol so that `apply` can run against the kernel
/// (`NeighborTable`) or against a test seam that injects faults. Every error thrown is an `IpNetError`. Windows
/// equivalent: the IP Helper neighbor functions (`GetIpNetTable2`, `GetIpNetEntry2`, `CreateIpNetEntry2`,
/// `SetIpNetEntry2`, `DeleteIpNetEntry2`); netlink: RTM_GETNEIGH / RTM_NEWNEIGH / RTM_DELNEIGH on NETLINK_ROUTE.
public protocol NeighborTableProtocol: AnyObject {
    /// All interfaces of the namespace. Netlink: RTM_GETLINK dump; iproute2: `ip link show`.
    func links() throws -> [Link]
    /// Every entry of one family, or both for `.unspecified`. Windows: `GetIpNetTable2`; iproute2: `ip neigh show`.
    func table(family: AddressFamily) throws -> [IpNetRow2]
    /// Every proxy entry of one family, or both for `.unspecified` (rows with `.proxy` in `flags`). No Windows
    /// twin; iproute2: `ip neigh show proxy`.
    func proxyTable(family: AddressFamily) throws -> [IpNetRow2]
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
    /// The neighbor-table parameters: per interface and family, and each table's own (interface index 0). Netlink:
    /// RTM_GETNEIGHTBL dump + the proxy sysctls; iproute2: `ip ntable show`. Default: none (a table without them).
    func parameters() throws -> [NeighborParameterSet]
    /// Writes the values of one set (one interface and family, or one table). Netlink: RTM_SETNEIGHTBL; iproute2:
    /// `ip ntable change`.
    func setParameters(_ set: NeighborParameterSet) throws
    /// Whether the table lives in the initial network namespace, the only one where table-wide parameters can be set.
    func isInitialNamespace() throws -> Bool
    /// Whether the kernel keeps managed entries (NTF_EXT_MANAGED in NDA_FLAGS_EXT, Linux 5.16+): true, false, or
    /// nil when it cannot tell (the probe was refused). Default: true (test seams). iproute2: none (`ip neigh add …
    /// managed` on an older kernel silently writes an unmanaged NONE entry).
    func managedEntriesSupported() -> Bool?
    /// The namespace's IPv4 local routing table (`LocalRouteTable.missing` while it does not exist), or nil when
    /// this table does not know it (a test seam): the managed IPv4 checks that need it are then skipped. Netlink:
    /// RTM_GETROUTE dump of table 255 (strict); iproute2: `ip route show table local`.
    func ownLocalRoutes() throws -> LocalRouteTable?
}

extension NeighborTableProtocol {
    /// No proxy entries (test seams that model ordinary entries only).
    public func proxyTable(family: AddressFamily) throws -> [IpNetRow2] { [] }

    /// What the reconciler compares the desired state with: `table(family:)` followed by `proxyTable(family:)`
    /// (ordinary entries, then proxies: `NeighborKey`'s order). iproute2: `ip neigh show` and `ip neigh show proxy`.
    public func tableWithProxies(family: AddressFamily) throws -> [IpNetRow2] {
        let rows = try table(family: family)
        let proxies = try proxyTable(family: family)
        return proxies.isEmpty ? rows : rows + proxies
    }

    /// No parameters (test seams that model entries only).
    public func parameters() throws -> [NeighborParameterSet] { [] }
    /// Refused: this table has no parameters.
    public func setParameters(_ set: NeighborParameterSet) throws {
        throw IpNetError.notSupported("this neighbor table has no parameters")
    }
    /// True: a table without parameters has nothing to refuse.
    public func isInitialNamespace() throws -> Bool { true }
    /// Nil: a test seam knows no local routing table.
    public func ownLocalRoutes() throws -> LocalRouteTable? { nil }
    /// True: a test seam models a kernel that keeps managed entries.
    public func managedEntriesSupported() -> Bool? { true }
}
