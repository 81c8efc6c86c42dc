/// One change the kernel announced on the rtnetlink multicast groups that matter to the neighbor table: a neighbor
/// entry added, changed or deleted, a link changed (up/down, renamed, new MAC) or deleted, an interface address
/// added or removed (removing the last IPv4 address flushes even permanent ARP entries), or `overrun` when the
/// kernel dropped notifications because the receive buffer was full, after which only a full re-read of the table
/// tells the truth. Windows equivalent: the `MibAddInstance` / `MibParameterNotification` / `MibDeleteInstance`
/// callbacks of `NotifyIpInterfaceChange` and friends; netlink: RTM_NEWNEIGH / RTM_DELNEIGH / RTM_NEWLINK /
/// RTM_DELLINK / RTM_NEWADDR / RTM_DELADDR notifications and ENOBUFS; iproute2: `ip monitor neigh link address`.
public enum NeighborEvent: Hashable, Sendable {
    /// A neighbor entry was created or updated (the kernel does not say which: both are RTM_NEWNEIGH). The row
    /// carries the interface index; its `interfaceLuid` is zero. iproute2: a plain `ip monitor neigh` line.
    case neighborChanged(IpNetRow2)
    /// A neighbor entry was removed (by a delete, a flush, link down or garbage collection); the row is the entry as
    /// it was. iproute2: `Deleted 192.0.2.10 dev veth0 …` in `ip monitor neigh`.
    case neighborDeleted(IpNetRow2)
    /// A link appeared or changed: `link.isUp` tells whether it is administratively up. iproute2: `ip monitor link`.
    case linkChanged(Link)
    /// The link with this index was removed. iproute2: `Deleted N: NAME …` in `ip monitor link`.
    case linkDeleted(interfaceIndex: UInt32)
    /// An IPv4 or IPv6 address was added to or removed from the interface with this index. iproute2:
    /// `ip monitor address`.
    case addressChanged(interfaceIndex: UInt32)
    /// A route of the IPv4 local routing table (table 255) was added or removed (an address change adds and removes
    /// its local and broadcast routes; `ip route add broadcast … table local` adds one by hand). iproute2: `ip
    /// monitor route` lines of `table local`.
    case localRouteChanged
    /// Notifications were lost (ENOBUFS on the socket): the listener must re-read everything. iproute2:
    /// `ip monitor` prints nothing and carries on; the kernel's `netlink_overrun()` is the cause.
    case overrun
}
