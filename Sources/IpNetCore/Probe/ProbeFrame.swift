/// The Ethernet frames `neighsync verify` sends, built byte for byte as the kernel builds its own (checked against
/// frames captured from this kernel in `ProbeFrameTests`), so a probe is an ordinary ARP request or neighbor
/// solicitation to every host on the link. Pure: no socket, no clock. Kernel equivalent: `arp_create()` in
/// net/ipv4/arp.c and `ndisc_send_ns()` in net/ipv6/ndisc.c; iproute2 has none (`arping`, `ndisc6` send these).
public enum ProbeFrame {
    /// EtherType of ARP (`ETH_P_ARP`).
    public static let etherTypeARP: UInt16 = 0x0806
    /// EtherType of IPv6 (`ETH_P_IPV6`).
    public static let etherTypeIPv6: UInt16 = 0x86DD
    /// ICMPv6 type of a neighbor solicitation (RFC 4861 section 4.3).
    public static let typeNeighborSolicitation: UInt8 = 135
    /// ICMPv6 type of a neighbor advertisement (RFC 4861 section 4.4).
    public static let typeNeighborAdvertisement: UInt8 = 136

    /// An ARP request (RFC 826) for `target` from `senderMAC`, broadcast. With `senderIP` nil it is the RFC 5227
    /// ARP probe (sender protocol address 0.0.0.0), which no receiver may learn a neighbor entry from; the kernel
    /// answers both with a unicast reply to `senderMAC`. 42 bytes, unpadded, like the kernel's own. nil unless
    /// `target` (and `senderIP`) are IPv4 and `senderMAC` has 6 bytes. C equivalent:
    /// `arp_create(ARPOP_REQUEST, ETH_P_ARP, tip, dev, sip, NULL, dev->dev_addr, NULL)`; `arping -D` for the probe.
    public static func arpRequest(senderMAC: PhysicalAddress, senderIP: IpAddress?, target: IpAddress) -> [UInt8]? {
        guard senderMAC.count == 6, target.family == .ipv4, senderIP.map({ $0.family == .ipv4 }) ?? true else {
            return nil
        }
        let mac = senderMAC.bytes
        var f: [UInt8] = Array(repeating: 0xff, count: 6) + mac + [0x08, 0x06]
        f += [0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01]              // Ethernet, IPv4, lengths, op = request
        f += mac + (senderIP?.bytes ?? [0, 0, 0, 0])
        f += [0, 0, 0, 0, 0, 0] + target.bytes
        return f
    }

    /// The solicited-node multicast address of `target` (ff02::1:ffXX:XXXX, RFC 4291 section 2.7.1).
    public static func solicitedNode(_ target: IpAddress) -> IpAddress {
        let b = target.bytes
        return IpAddress(bytes: [0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff, b[13], b[14], b[15]])!
    }

    /// A neighbor solicitation (RFC 4861 section 7.2.2) for `target` from `senderMAC`, to the solicited-node
    /// multicast address (Ethernet 33:33:ff:XX:XX:XX), hop limit 255. With a `source` it carries the Source
    /// Link-Layer Address option, so the target answers with a solicited advertisement without resolving us; with
    /// `source` nil it is the duplicate-address-detection form (from ::, no option, RFC 4862 section 5.4.2) whose
    /// answer goes to all nodes (ff02::1). nil unless the addresses are IPv6 and `senderMAC` has 6 bytes. C
    /// equivalent: `ndisc_send_ns(dev, target, &mcaddr, saddr, 0)`; `ndisc6 TARGET DEV`.
    public static func neighborSolicitation(senderMAC: PhysicalAddress, source: IpAddress?, target: IpAddress)
        -> [UInt8]? {
        guard senderMAC.count == 6, target.family == .ipv6, source.map({ $0.family == .ipv6 }) ?? true else {
            return nil
        }
        let mac = senderMAC.bytes
        let group = solicitedNode(target).bytes
        let src = source?.bytes ?? [UInt8](repeating: 0, count: 16)
        var icmp: [UInt8] = [typeNeighborSolicitation, 0, 0, 0, 0, 0, 0, 0] + target.bytes
        if source != nil { icmp += [1, 1] + mac }                  // Source Link-Layer Address, 8 bytes
        let sum = InternetChecksum.icmpv6(source: src, destination: group, icmp: icmp[...])
        icmp[2] = UInt8(sum >> 8)
        icmp[3] = UInt8(sum & 0xff)
        var f: [UInt8] = [0x33, 0x33] + group[12..<16] + mac + [0x86, 0xdd]
        f += [0x60, 0, 0, 0, 0, UInt8(icmp.count), 58, 255]         // version 6, payload length, ICMPv6, hop limit
        f += src + group + icmp
        return f
    }
}
