/// A network interface as the neighbor calls need it: name, index, LUID, hardware type and address length, and
/// whether each family is usable on it. Windows equivalent: the parts of `MIB_IF_ROW2`/`MIB_IPINTERFACE_ROW` that
/// `CreateIpNetEntry2` consults; netlink: `RTM_NEWLINK` (`ifi_index`, `ifi_type`, `IFLA_IFNAME`, `IFLA_ADDRESS`)
/// plus the per-family state; iproute2: one entry of `ip -j link show`.
public struct Link: Hashable, Sendable, Codable {
    /// The interface name (`IFLA_IFNAME`), e.g. `veth0`.
    public var name: String
    /// The interface index (`ifi_index`).
    public var index: UInt32
    /// The ARPHRD hardware type (`ifi_type`): 1 Ethernet, 772 loopback, …
    public var arphrdType: UInt16
    /// The length of the link's hardware address in bytes (6 for Ethernet, 0 for none); a neighbor's physical
    /// address on this link must have this length. Netlink: the length of `IFLA_ADDRESS`.
    public var hardwareAddressLength: Int
    /// True when IPv4 can be used (the kernel has an IPv4 device for the link). Netlink: `IFLA_AF_SPEC`/`AF_INET`.
    public var ipv4Enabled: Bool
    /// True when IPv6 is enabled on the link (`disable_ipv6` = 0). Netlink: `IFLA_AF_SPEC`/`AF_INET6`.
    public var ipv6Enabled: Bool
    /// True when the link is administratively up (`IFF_UP`).
    public var isUp: Bool

    /// Builds a link description. Netlink equivalent: decoding one `RTM_NEWLINK` message.
    public init(name: String, index: UInt32, arphrdType: UInt16, hardwareAddressLength: Int,
                ipv4Enabled: Bool = true, ipv6Enabled: Bool = true, isUp: Bool = true) {
        self.name = name
        self.index = index
        self.arphrdType = arphrdType
        self.hardwareAddressLength = hardwareAddressLength
        self.ipv4Enabled = ipv4Enabled
        self.ipv6Enabled = ipv6Enabled
        self.isUp = isUp
    }

    /// The LUID derived as DESIGN.md says: NetLuidIndex = ifindex, IfType from the ARPHRD type. Windows equivalent:
    /// `ConvertInterfaceIndexToLuid`.
    public var luid: NetLuid { NetLuid(ifIndex: index, arphrdType: arphrdType) }
}
