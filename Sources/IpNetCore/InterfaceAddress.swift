/// One of the host's own addresses: the address and the interface it is configured on. neighsync reads them to warn
/// about a desired neighbor entry for an address the host itself holds on that link (the kernel answers for its own
/// addresses locally, so such an entry is never used). Windows equivalent: `MIB_UNICASTIPADDRESS_ROW` (`Address`,
/// `InterfaceIndex`); netlink: RTM_NEWADDR (`ifa_index`, `IFA_LOCAL`/`IFA_ADDRESS`); iproute2: `ip addr show`.
public struct InterfaceAddress: Hashable, Sendable {
    /// The interface index.
    public var interfaceIndex: UInt32
    /// The address (IPv6 link-local ones carry no scope id here).
    public var address: IpAddress
    /// The prefix length.
    public var prefixLength: UInt8
    /// IPv6 duplicate address detection still running (`IFA_F_TENTATIVE`; `ip addr`: `tentative`): the address is
    /// not the host's yet, and may not be used as a source (RFC 4862 section 5.4).
    public var isTentative: Bool
    /// Duplicate address detection failed (`IFA_F_DADFAILED`; `ip addr`: `dadfailed`): another host holds it.
    public var isDadFailed: Bool
    /// The broadcast address configured on an IPv4 address (`IFA_BROADCAST`; `ip addr add A/P broadcast B`), nil
    /// when none is: the kernel adds a broadcast route for it (`fib_add_ifaddr()`), primary or secondary.
    public var broadcast: IpAddress?

    /// Builds an address row.
    public init(interfaceIndex: UInt32, address: IpAddress, prefixLength: UInt8, isTentative: Bool = false,
                isDadFailed: Bool = false, broadcast: IpAddress? = nil) {
        self.interfaceIndex = interfaceIndex
        self.address = address
        self.prefixLength = prefixLength
        self.isTentative = isTentative
        self.isDadFailed = isDadFailed
        self.broadcast = broadcast
    }

    /// True when the host really holds the address and may send from it: not tentative, not DAD-failed.
    public var isUsable: Bool { !isTentative && !isDadFailed }
}
