/// A network interface as the neighbor calls need it: name, index, LUID, hardware type and address length, and
/// whether each family is usable on it. Windows equivalent: the parts of `MIB_IF_ROW2`/`MIB_IPINTERFACE_ROW` that
/// `CreateIpNetEntry2` consults; netlink: `RTM_NEWLINK` (`ifi_index`, `ifi_type`, `IFLA_IFNAME`, `IFLA_ADDRESS`)
/// plus the per-family state; iproute2: one entry of `ip -j link show`.
public struct Link: Hashable, Sendable, Codable {
    /// The interface name (`IFLA_IFNAME`), e.g. `veth0`. The kernel allows any bytes (`dev_valid_name()`), not
    /// only UTF-8: each byte that is not part of valid UTF-8 is held as the private-use scalar U+10FF00 + byte (see
    /// `Link.name(fromBytes:)`), so the name keeps the exact bytes, `DisplayText.escaped` prints it as `b\xffc`, and
    /// `isNameExact` is false.
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
    /// True for a loopback link (`IFF_LOOPBACK`, `lo`): the kernel keys every IPv4 neighbor on it under 0.0.0.0.
    public var isLoopback: Bool
    /// True for a point-to-point link (`IFF_POINTOPOINT`: tun, ipip, wireguard, …): the kernel keys every IPv4
    /// neighbor on it under 0.0.0.0 and makes IPv6 entries NOARP with the link's broadcast address.
    public var isPointToPoint: Bool
    /// True when the link does not resolve neighbors (`IFF_NOARP`, `ip link set DEV arp off`): the kernel makes new
    /// entries NOARP with the link's own address.
    public var isNoArp: Bool
    /// True when the link has carrier (`IFF_LOWER_UP`; `ip link`: `LOWER_UP`): an up link without it (cable out,
    /// veth peer down) sends nothing. Not kept in snapshots (`Codable` leaves it out): decoded links say true.
    public var hasCarrier: Bool

    /// Builds a link description. `isLoopback` defaults to true for the ARPHRD_LOOPBACK type (772). Netlink
    /// equivalent: decoding one `RTM_NEWLINK` message.
    public init(name: String, index: UInt32, arphrdType: UInt16, hardwareAddressLength: Int,
                ipv4Enabled: Bool = true, ipv6Enabled: Bool = true, isUp: Bool = true, isLoopback: Bool? = nil,
                isPointToPoint: Bool = false, isNoArp: Bool = false, hasCarrier: Bool = true) {
        self.name = name
        self.index = index
        self.arphrdType = arphrdType
        self.hardwareAddressLength = hardwareAddressLength
        self.ipv4Enabled = ipv4Enabled
        self.ipv6Enabled = ipv6Enabled
        self.isUp = isUp
        self.isLoopback = isLoopback ?? (arphrdType == 772)
        self.isPointToPoint = isPointToPoint
        self.isNoArp = isNoArp
        self.hasCarrier = hasCarrier
    }

    /// True when the kernel stores every IPv4 neighbor of this link under 0.0.0.0, whatever address it was given,
    /// so that no IPv4 entry can be kept (or found again) under its own address. Kernel: `arp_constructor()` in
    /// net/ipv4/arp.c rewrites the key for `IFF_LOOPBACK | IFF_POINTOPOINT` devices.
    public var keysIPv4NeighborsAsUnspecified: Bool { isLoopback || isPointToPoint }

    /// True when the kernel itself supplies the link-layer address of a NOARP entry written without one for
    /// `address`: links without hardware addresses (nothing to supply), multicast addresses (the mapped group
    /// address, e.g. 33:33:00:00:00:fb), and NOARP, loopback and point-to-point links (their own or broadcast
    /// address). Elsewhere (a unicast address on an ARP/NDP link) the kernel answers `No link layer address given`,
    /// or for IPv4 may store the broadcast address, depending on the routes. Kernel: `arp_constructor()`,
    /// `ndisc_constructor()` and `__neigh_update()` (net/core/neighbour.c).
    public func suppliesLinkLayerAddress(for address: IpAddress) -> Bool {
        hardwareAddressLength == 0 || address.isMulticast || isNoArp || isLoopback || isPointToPoint
    }

    private enum CodingKeys: String, CodingKey {
        case name, index, arphrdType, hardwareAddressLength, ipv4Enabled, ipv6Enabled, isUp, isLoopback,
             isPointToPoint, isNoArp
    }

    /// Decodes a link; the flags added later (`isLoopback`, `isPointToPoint`, `isNoArp`) may be absent (older
    /// snapshots): loopback then follows from the ARPHRD type, the others are false.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(name: try c.decode(String.self, forKey: .name), index: try c.decode(UInt32.self, forKey: .index),
                  arphrdType: try c.decode(UInt16.self, forKey: .arphrdType),
                  hardwareAddressLength: try c.decode(Int.self, forKey: .hardwareAddressLength),
                  ipv4Enabled: try c.decode(Bool.self, forKey: .ipv4Enabled),
                  ipv6Enabled: try c.decode(Bool.self, forKey: .ipv6Enabled), isUp: try c.decode(Bool.self, forKey: .isUp),
                  isLoopback: try c.decodeIfPresent(Bool.self, forKey: .isLoopback),
                  isPointToPoint: try c.decodeIfPresent(Bool.self, forKey: .isPointToPoint) ?? false,
                  isNoArp: try c.decodeIfPresent(Bool.self, forKey: .isNoArp) ?? false)
    }

    /// The first scalar of the range standing for a byte of an interface name that is not valid UTF-8.
    public static let rawByteBase: UInt32 = 0x10FF00

    /// True when the name is valid UTF-8 and can therefore be written in a desired-state file (YAML strings are
    /// Unicode): false for a name decoded with raw bytes (`name(fromBytes:)`). Such a link is never selected by
    /// name, only by index or LUID.
    public var isNameExact: Bool { !Self.holdsRawBytes(name) }

    /// True when `s` holds a scalar standing for a raw byte (U+10FF00…U+10FFFF).
    public static func holdsRawBytes(_ s: String) -> Bool {
        s.unicodeScalars.contains { $0.value >= rawByteBase }
    }

    /// Decodes `IFLA_IFNAME` bytes: valid UTF-8 as it is, every other byte as the scalar U+10FF00 + byte, so no
    /// two different names decode alike (as `String(decoding:)` would: `b\xffc` and `b\xfec` would both be
    /// `b\u{FFFD}c`) and the bytes can be recovered. Python's `surrogateescape` does the same with lone surrogates,
    /// which a Swift string cannot hold.
    public static func name<C: Collection>(fromBytes bytes: C) -> String where C.Element == UInt8 {
        let b = Array(bytes)
        if let s = String(validating: b, as: UTF8.self) { return s }
        var out = String.UnicodeScalarView()
        var i = 0
        while i < b.count {
            let lead = b[i]
            let length = lead < 0x80 ? 1 : lead >= 0xC2 && lead <= 0xDF ? 2 : lead >= 0xE0 && lead <= 0xEF ? 3
                : lead >= 0xF0 && lead <= 0xF4 ? 4 : 0
            if length > 0, i + length <= b.count,
               let s = String(validating: b[i..<(i + length)], as: UTF8.self), s.unicodeScalars.count == 1 {
                out.append(s.unicodeScalars.first!)
                i += length
            } else {
                out.append(Unicode.Scalar(rawByteBase + UInt32(lead))!)
                i += 1
            }
        }
        return String(out)
    }

    /// The LUID derived as DESIGN.md says: NetLuidIndex = ifindex, IfType from the ARPHRD type. Windows equivalent:
    /// `ConvertInterfaceIndexToLuid`.
    public var luid: NetLuid { NetLuid(ifIndex: index, arphrdType: arphrdType) }
}
