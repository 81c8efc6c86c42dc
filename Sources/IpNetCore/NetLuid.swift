/// The 64-bit locally unique interface identifier of Windows' `NET_LUID`: `IfType` in bits 48–63 and
/// `NetLuidIndex` in bits 24–47 (bits 0–23 reserved, zero). On Linux neighsync derives it from the link: the index
/// is the ifindex and the type comes from the ARPHRD type (see `init(ifIndex:arphrdType:)`). Netlink equivalent:
/// none directly; it is built from `ifi_index` and `ifi_type` of `RTM_NEWLINK`.
public struct NetLuid: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The raw 64-bit value, e.g. 0x0006000003000000 for Ethernet ifindex 3.
    public let value: UInt64

    /// Wraps a raw value. Windows equivalent: `NET_LUID.Value`.
    public init(value: UInt64) { self.value = value }

    /// Builds a LUID from an interface type (IANA ifType) and a LUID index (24 bits). Windows equivalent:
    /// `ConvertInterfaceIndexToLuid` result fields `Info.IfType` / `Info.NetLuidIndex`.
    public init(ifType: UInt16, netLuidIndex: UInt32) {
        self.value = UInt64(ifType) << 48 | UInt64(netLuidIndex & 0xff_ffff) << 24
    }

    /// Derives the LUID of a Linux link: NetLuidIndex = ifindex, IfType from the ARPHRD type
    /// (ether→6, loopback→24, IEEE 802.11→71, tunnels→131, other→1). Netlink equivalent: `ifi_index`, `ifi_type`.
    public init(ifIndex: UInt32, arphrdType: UInt16) {
        self.init(ifType: NetLuid.ifType(forArphrd: arphrdType), netLuidIndex: ifIndex)
    }

    /// The IANA ifType for an ARPHRD value, as listed in DESIGN.md. Netlink equivalent: mapping `ifi_type`.
    public static func ifType(forArphrd t: UInt16) -> UInt16 {
        switch t {
        case 1: return 6                      // ARPHRD_ETHER → IF_TYPE_ETHERNET_CSMACD
        case 772: return 24                   // ARPHRD_LOOPBACK → IF_TYPE_SOFTWARE_LOOPBACK
        case 801, 802, 803: return 71         // ARPHRD_IEEE80211* → IF_TYPE_IEEE80211
        case 768, 769, 776, 778, 823: return 131  // TUNNEL, TUNNEL6, SIT, IPGRE, IP6GRE → IF_TYPE_TUNNEL
        default: return 1                     // IF_TYPE_OTHER
        }
    }

    /// The IfType field (bits 48–63). Windows equivalent: `NET_LUID.Info.IfType`.
    public var ifType: UInt16 { UInt16(value >> 48) }

    /// The NetLuidIndex field (bits 24–47); the ifindex on Linux. Windows equivalent: `NET_LUID.Info.NetLuidIndex`.
    public var netLuidIndex: UInt32 { UInt32((value >> 24) & 0xff_ffff) }

    /// True for the zero LUID, which means "use the interface index instead" in a row.
    public var isZero: Bool { value == 0 }

    /// Parses `0x0006000003000000` (hex with 0x) or a decimal number. Nil for anything else or a value with
    /// reserved bits set.
    public init?(_ text: String) {
        var v: UInt64?
        // The usual form (`0x` and 1…16 hex digits, as snapshots hold one per row) read straight from the UTF-8
        // bytes; anything else takes the general path below, which gives the same value for this form.
        var fast: UInt64 = 0
        var digits = 0
        for (i, c) in text.utf8.enumerated() {
            if i == 0 { if c != 0x30 { digits = -1; break } else { continue } }
            if i == 1 { if c != 0x78 && c != 0x58 { digits = -1; break } else { continue } }
            let d: UInt8
            switch c {
            case 0x30...0x39: d = c - 0x30
            case 0x61...0x66: d = c - 0x57
            case 0x41...0x46: d = c - 0x37
            default: d = 0xff
            }
            digits += 1
            if d == 0xff || digits > 16 { digits = -1; break }
            fast = fast << 4 | UInt64(d)
        }
        if digits > 0 {
            v = fast
        } else if text.hasPrefix("0x") || text.hasPrefix("0X") {
            let h = text.dropFirst(2)
            v = h.isEmpty || h.count > 16 ? nil : UInt64(h, radix: 16)
        } else {
            v = text.isEmpty || text.count > 20 ? nil : UInt64(text)
        }
        guard let v, v & 0xff_ffff == 0 else { return nil }
        self.value = v
    }

    /// Sixteen hex digits with `0x`, as Windows tools print it.
    public var description: String {
        let h = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 16 - h.count)) + h
    }

    /// Orders by raw value.
    public static func < (a: NetLuid, b: NetLuid) -> Bool { a.value < b.value }
}
