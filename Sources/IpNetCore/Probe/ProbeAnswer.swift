/// A frame received while `neighsync verify` listens that could answer one of its probes: an ARP reply or an
/// ICMPv6 neighbor advertisement, decoded strictly (anything malformed, truncated, with a bad checksum or a hop
/// limit other than 255 is no answer at all). Which probe it answers, if any, is decided by `VerifyMatcher`. Pure.
/// Kernel equivalent: the checks of `arp_process()` (net/ipv4/arp.c) and `ndisc_recv_na()` (net/ipv6/ndisc.c).
public enum ProbeAnswer: Hashable, Sendable {
    /// An ARP reply (op 2): who holds `senderIP` (`senderMAC`, the ARP sender hardware address, which is what a
    /// neighbor entry would learn) and to whom it was sent.
    case arpReply(senderMAC: PhysicalAddress, senderIP: IpAddress, targetMAC: PhysicalAddress, targetIP: IpAddress)
    /// A neighbor advertisement for `target`: the advertised link-layer address (the Target Link-Layer Address
    /// option, else the Ethernet source), the IPv6 source and destination, and the solicited flag.
    case neighborAdvertisement(target: IpAddress, linkLayerAddress: PhysicalAddress, source: IpAddress,
                               destination: IpAddress, solicited: Bool)

    /// Decodes an Ethernet frame as an ARP reply or neighbor advertisement; nil for anything else. IPv6 extension
    /// headers are not followed (an advertisement carries none).
    public static func decode(frame f: [UInt8]) -> ProbeAnswer? {
        guard f.count >= 14 else { return nil }
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
              let source = IpAddress(bytes: src), let destination = IpAddress(bytes: dst) else { return nil }
        // Options: type, length in units of 8 bytes (0 is invalid: RFC 4861 section 4.6).
        var lladdr = PhysicalAddress(bytes: Array(f[6..<12]))!
        var at = icmpStart + 24
        while at < icmp.endIndex {
            guard at + 2 <= icmp.endIndex else { return nil }
            let length = Int(icmp[at + 1]) * 8
            guard length > 0, at + length <= icmp.endIndex else { return nil }
            if icmp[at] == 2, length >= 8 { lladdr = PhysicalAddress(bytes: Array(icmp[(at + 2)..<(at + 8)]))! }
            at += length
        }
        return .neighborAdvertisement(target: target, linkLayerAddress: lladdr, source: source,
                                      destination: destination, solicited: solicited)
    }
}
