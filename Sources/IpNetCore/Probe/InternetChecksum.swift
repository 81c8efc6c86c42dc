/// The Internet checksum (RFC 1071: the ones' complement of the ones' complement sum of 16-bit words) over an
/// ICMPv6 message and its IPv6 pseudo-header (RFC 8200 section 8.1: source, destination, upper-layer length, next
/// header 58), as a neighbor solicitation carries it and as a received advertisement is checked. Pure: bytes in,
/// number out. Kernel equivalent: `csum_ipv6_magic()` + `csum_partial()` in `ndisc_send_skb()` / `icmpv6_rcv()`.
public enum InternetChecksum {
    /// The checksum to write into an ICMPv6 message whose checksum field is zero; `icmp` is the whole message.
    public static func icmpv6(source: [UInt8], destination: [UInt8], icmp: ArraySlice<UInt8>) -> UInt16 {
        var sum: UInt32 = 0
        func add(_ bytes: some Collection<UInt8>) {
            var high = true
            for b in bytes {
                sum &+= high ? UInt32(b) << 8 : UInt32(b)
                high.toggle()
            }
        }
        add(source)
        add(destination)
        let length = UInt32(icmp.count)
        add([UInt8(length >> 24), UInt8((length >> 16) & 0xff), UInt8((length >> 8) & 0xff), UInt8(length & 0xff)])
        add([0, 0, 0, 58])
        add(icmp)
        while sum > 0xffff { sum = (sum & 0xffff) + (sum >> 16) }
        return ~UInt16(sum)
    }

    /// True when a received ICMPv6 message (checksum field included) sums to zero with its pseudo-header.
    public static func isValidICMPv6(source: [UInt8], destination: [UInt8], icmp: ArraySlice<UInt8>) -> Bool {
        icmpv6(source: source, destination: destination, icmp: icmp) == 0
    }
}
