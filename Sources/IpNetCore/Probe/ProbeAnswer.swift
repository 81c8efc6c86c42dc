/// A frame received while `neighsync verify` listens that could answer one of its probes: an ARP reply or an
/// ICMPv6 neighbor advertisement, decoded strictly (anything malformed, truncated, with a bad checksum or a hop
/// limit other than 255 is no answer at all). Which probe it answers, if any, is decided by `VerifyMatcher`. Pure.
/// Kernel equivalent: the checks of `arp_process()` (net/ipv4/arp.c) and `ndisc_recv_na()` (net/ipv6/ndisc.c).
public enum ProbeAnswer: Hashable, Sendable {
    /// An ARP reply (op 2): who holds `senderIP` (`senderMAC`, the ARP sender hardware address, which is what a
    /// neighbor entry would learn) and to whom it was sent.
    case arpReply(senderMAC: PhysicalAddress, senderIP: IpAddress, targetMAC: PhysicalAddress, targetIP: IpAddress)
    /// A neighbor advertisement for `target`: the advertised link-layer address (the first Target Link-Layer
    /// Address option, as `ndisc_parse_options()` keeps the first of duplicates), the IPv6 source and destination,
    /// and the solicited flag.
    case neighborAdvertisement(target: IpAddress, linkLayerAddress: PhysicalAddress, source: IpAddress,
                               destination: IpAddress, solicited: Bool)

    /// `sll_pkttype` values (packet(7)) of frames the kernel itself would process: addressed to this interface's
    /// MAC (PACKET_HOST), broadcast or multicast. PACKET_OTHERHOST (another host's MAC) is dropped by `arp_rcv()`
    /// and `ipv6_rcv()`, so it is no answer here either.
    public static let acceptedPacketTypes: Set<UInt8> = [0, 1, 2]

    /// Decodes an Ethernet frame as an ARP reply or neighbor advertisement; nil for anything else. IPv6 extension
    /// headers are not followed (an advertisement carries none). `packetType` is the kernel's `sll_pkttype` for the
    /// frame and `vlanTagged` whether it carried an 802.1Q tag (PACKET_AUXDATA `TP_STATUS_VLAN_VALID`): a frame for
    /// another host's MAC, or a tagged frame on the untagged interface, is one the kernel would not learn from on
    /// this interface (a tagged frame belongs to a VLAN device, or is dropped), so it is no answer.
    public static func decode(frame f: [UInt8], packetType: UInt8 = 0, vlanTagged: Bool = false) -> ProbeAnswer? {
        guard f.count >= 14, !vlanTagged, acceptedPacketTypes.contains(packetType) else { return nil }
        let etherType = UInt16(f[12]) << 8 | UInt16(f[13])
        switch etherType {
        case ProbeFrame.etherTypeARP: return arpReply(f)
        case ProbeFrame.etherTypeIPv6: return advertisement(f)
        default: return nil
        }
    }

    private static func arpReply(_ f: [UInt8]) -> ProbeAnswer? {
        // Ethernet (1) / IPv4 (0x0800) / 6 / 4 / op 2, then sha, spa, tha, tpa.
        guard f.count >= 42, f[14...21].elementsEqual([0, 1, 0x08, 0, 6, 4, 0, 2]) else { return nil }
        guard let sha = PhysicalAddress(bytes: Array(f[22..<28])), let spa = IpAddress(bytes: f[28..<32]),
              let tha = PhysicalAddress(bytes: Array(f[32..<38])), let tpa = IpAddress(bytes: f[38..<42]) else {
            return nil
        }
        return .arpReply(senderMAC: sha, senderIP: spa, targetMAC: tha, targetIP: tpa)
    }

    private static func advertisement(_ f: [UInt8]) -> ProbeAnswer? {
        let ip = 14, icmpStart = ip + 40
        guard f.count >= icmpStart + 24, f[ip] >> 4 == 6, f[ip + 6] == 58, f[ip + 7] == 255 else { return nil }
        let payload = Int(f[ip + 4]) << 8 | Int(f[ip + 5])
        guard payload >= 24, icmpStart + payload <= f.count else { return nil }
        let icmp = f[icmpStart..<(icmpStart + payload)]
        let src = Array(f[(ip + 8)..<(ip + 24)]), dst = Array(f[(ip + 24)..<(ip + 40)])
        guard icmp[icmpStart] == ProbeFrame.typeNeighborAdvertisement, icmp[icmpStart + 1] == 0,
              InternetChecksum.isValidICMPv6(source: src, destination: dst, icmp: icmp) else { return nil }
        let solicited = icmp[icmpStart + 4] & 0x40 != 0
        guard let target = IpAddress(bytes: icmp[(icmpStart + 8)..<(icmpStart + 24)]), !target.isMulticast,
              let source = IpAddress(bytes: src), !source.isMulticast,
              let destination = IpAddress(bytes: dst) else { return nil }
        // Options: type, length in units of 8 bytes (0 is invalid: RFC 4861 section 4.6). Like `ndisc_recv_na()`:
        // the first Target Link-Layer Address option counts (later duplicates are ignored), one whose length is not
        // that of an Ethernet address (8 bytes) makes the advertisement invalid, and an advertisement without one
        // cannot teach a neighbor entry any MAC (`neigh_update()` with no lladdr leaves an unresolved entry as it
        // is), so it is no answer.
        var lladdr: PhysicalAddress?
        var at = icmpStart + 24
        while at < icmp.endIndex {
            guard at + 2 <= icmp.endIndex else { return nil }
            let length = Int(icmp[at + 1]) * 8
            guard length > 0, at + length <= icmp.endIndex else { return nil }
            if icmp[at] == 2, lladdr == nil {
                guard length == 8 else { return nil }
                lladdr = PhysicalAddress(bytes: Array(icmp[(at + 2)..<(at + 8)]))
            }
            at += length
        }
        guard let lladdr else { return nil }
        return .neighborAdvertisement(target: target, linkLayerAddress: lladdr, source: source,
                                      destination: destination, solicited: solicited)
    }
}
