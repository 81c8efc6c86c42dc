import Testing
@testable import IpNetCore

/// The probe frames of `neighsync verify` against frames captured from this kernel (6.18): two namespaces joined by
/// a veth pair, 02:00:00:00:aa:01 with 198.51.100.1/24, 2001:db8:51::1/64 and fe80::ff:fe00:aa01 on one side,
/// 02:00:00:00:bb:02 with .2, ::2 and fe80::ff:fe00:bb02 on the other. Capture: a Python AF_PACKET socket
/// (ETH_P_ALL, bound to veth0) on the first side while a UDP datagram to .2 / ::2 / fe80::ff:fe00:bb02%veth0 makes
/// the kernel resolve them (its ARP request and neighbor solicitations, the peer's reply and advertisements);
/// `ip addr add 2001:db8:51::2/64 dev veth0` there for the kernel's own DAD solicitation and the peer's answer to
/// all nodes; a hand-sent RFC 5227 ARP probe for .2 and the peer's reply. Hex as captured.
@Suite struct ProbeFrameTests {
    static func hex(_ s: String) -> [UInt8] {
        let b = Array(s.utf8)
        return stride(from: 0, to: b.count, by: 2).map { UInt8(String(decoding: b[$0..<($0 + 2)], as: UTF8.self), radix: 16)! }
    }
    static let ours = PhysicalAddress("02:00:00:00:aa:01")!
    static let peer = PhysicalAddress("02:00:00:00:bb:02")!

    // The kernel's ARP request for 198.51.100.2 from 198.51.100.1.
    static let kernelArpRequest = hex("ffffffffffff02000000aa010806000108000604000102000000aa01c6336401000000000000c6336402")
    // The peer's reply to it.
    static let peerArpReply = hex("02000000aa0102000000bb020806000108000604000202000000bb02c633640202000000aa01c6336401")
    // The peer's reply to an RFC 5227 probe (sender 0.0.0.0): target protocol address 0.0.0.0.
    static let peerProbeReply = hex("02000000aa0102000000bb020806000108000604000202000000bb02c633640202000000aa0100000000")
    // The kernel's solicitation for 2001:db8:51::2 from 2001:db8:51::1 (with the Source Link-Layer Address option).
    static let kernelSolicitation = hex("3333ff00000202000000aa0186dd6000000000203aff20010db800510000000000000000000"
        + "1ff0200000000000000000001ff000002870071840000000020010db8005100000000000000000002010102000000aa01")
    // The peer's solicited advertisement (S and O set, Target Link-Layer Address option).
    static let peerAdvertisement = hex("02000000aa0102000000bb0286dd6000000000203aff20010db8005100000000000000000002"
        + "20010db80051000000000000000000018800ce7d6000000020010db8005100000000000000000002020102000000bb02")
    // The kernel's solicitation for fe80::ff:fe00:bb02 from fe80::ff:fe00:aa01.
    static let kernelLinkLocalSolicitation = hex("3333ff00bb0202000000aa0186dd6000000000203afffe8000000000000000"
        + "0000fffe00aa01ff0200000000000000000001ff00bb028700b29400000000fe80000000000000000000fffe00bb02010102000000aa01")
    // The peer's answer to the kernel's DAD solicitation for 2001:db8:51::2: to ff02::1, O set, S clear.
    static let peerDadAdvertisement = hex("33330000000102000000bb0286dd6000000000203aff20010db800510000000000000000"
        + "0002ff02000000000000000000000000000188003d852000000020010db8005100000000000000000002020102000000bb02")
    // The kernel's DAD solicitation (from ::, with a nonce option, RFC 7527): only its checksum rule is compared.
    static let kernelDadSolicitation = hex("3333ff00000202000000aa0186dd6000000000203aff0000000000000000000000000000"
        + "0000ff0200000000000000000001ff0000028700c43d0000000020010db80051000000000000000000020e01e847654b2cc0")

    @Test func arpRequestIsTheKernelsOwnByteForByte() {
        let f = ProbeFrame.arpRequest(senderMAC: Self.ours, senderIP: IpAddress("198.51.100.1"),
                                      target: IpAddress("198.51.100.2")!)
        #expect(f == Self.kernelArpRequest)
    }

    @Test func arpProbeClaimsNoAddress() throws {
        let f = try #require(ProbeFrame.arpRequest(senderMAC: Self.ours, senderIP: nil,
                                                   target: IpAddress("198.51.100.2")!))
        // The request with the sender protocol address zeroed, and nothing else changed (RFC 5227 section 2.1.1).
        var expected = Self.kernelArpRequest
        for i in 28..<32 { expected[i] = 0 }
        #expect(f == expected)
    }

    @Test func neighborSolicitationIsTheKernelsOwnByteForByte() {
        #expect(ProbeFrame.neighborSolicitation(senderMAC: Self.ours, source: IpAddress("2001:db8:51::1"),
                                                target: IpAddress("2001:db8:51::2")!) == Self.kernelSolicitation)
        #expect(ProbeFrame.neighborSolicitation(senderMAC: Self.ours, source: IpAddress("fe80::ff:fe00:aa01"),
                                                target: IpAddress("fe80::ff:fe00:bb02")!)
                == Self.kernelLinkLocalSolicitation)
    }

    @Test func dadSolicitationIsFromTheUnspecifiedAddressWithoutTheSourceOption() throws {
        let f = try #require(ProbeFrame.neighborSolicitation(senderMAC: Self.ours, source: nil,
                                                             target: IpAddress("2001:db8:51::2")!))
        // The kernel's own DAD frame up to the target, minus its nonce option: same headers, 24-byte payload.
        #expect(f.count == 14 + 40 + 24)
        #expect(f[0..<18] == Self.kernelDadSolicitation[0..<18])
        #expect(f[18..<20] == [0, 24])
        #expect(f[20..<56] == Self.kernelDadSolicitation[20..<56])
        #expect(f[58..<78] == Self.kernelDadSolicitation[58..<78])
        // Its checksum is right (the kernel's differs only because of the nonce).
        let icmp = f[54...]
        #expect(InternetChecksum.isValidICMPv6(source: Array(f[22..<38]), destination: Array(f[38..<54]), icmp: icmp))
        let k = Self.kernelDadSolicitation
        #expect(InternetChecksum.isValidICMPv6(source: Array(k[22..<38]), destination: Array(k[38..<54]),
                                               icmp: k[54...]))
    }

    @Test func repliesAndAdvertisementsDecode() {
        #expect(ProbeAnswer.decode(frame: Self.peerArpReply)
                == .arpReply(senderMAC: Self.peer, senderIP: IpAddress("198.51.100.2")!, targetMAC: Self.ours,
                             targetIP: IpAddress("198.51.100.1")!))
        #expect(ProbeAnswer.decode(frame: Self.peerProbeReply)
                == .arpReply(senderMAC: Self.peer, senderIP: IpAddress("198.51.100.2")!, targetMAC: Self.ours,
                             targetIP: IpAddress("0.0.0.0")!))
        #expect(ProbeAnswer.decode(frame: Self.peerAdvertisement)
                == .neighborAdvertisement(target: IpAddress("2001:db8:51::2")!, linkLayerAddress: Self.peer,
                                          source: IpAddress("2001:db8:51::2")!,
                                          destination: IpAddress("2001:db8:51::1")!, solicited: true))
        #expect(ProbeAnswer.decode(frame: Self.peerDadAdvertisement)
                == .neighborAdvertisement(target: IpAddress("2001:db8:51::2")!, linkLayerAddress: Self.peer,
                                          source: IpAddress("2001:db8:51::2")!, destination: IpAddress("ff02::1")!,
                                          solicited: false))
    }

    @Test func requestsAndDamagedFramesAreNoAnswer() {
        // Requests are not answers.
        #expect(ProbeAnswer.decode(frame: Self.kernelArpRequest) == nil)
        #expect(ProbeAnswer.decode(frame: Self.kernelSolicitation) == nil)
        // Every truncation of an answer is refused.
        for n in 0..<Self.peerArpReply.count { #expect(ProbeAnswer.decode(frame: Array(Self.peerArpReply[0..<n])) == nil) }
        for n in 0..<Self.peerAdvertisement.count {
            #expect(ProbeAnswer.decode(frame: Array(Self.peerAdvertisement[0..<n])) == nil)
        }
        // One flipped bit in the advertisement's target breaks its checksum; a hop limit below 255 means it was
        // routed (RFC 4861 section 7.1.2); an option of length 0 is invalid.
        var bad = Self.peerAdvertisement
        bad[77] ^= 1
        #expect(ProbeAnswer.decode(frame: bad) == nil)
        var routed = Self.peerAdvertisement
        routed[21] = 254
        #expect(ProbeAnswer.decode(frame: routed) == nil)
        var zeroOption = Self.peerAdvertisement
        zeroOption[79] = 0
        #expect(ProbeAnswer.decode(frame: zeroOption) == nil)
    }

    /// The peer's advertisement with its options replaced by `options` (and optionally another IPv6 source), the
    /// payload length and checksum recomputed: a valid frame apart from what the options say.
    static func advertisement(options: [UInt8], source: [UInt8]? = nil) -> [UInt8] {
        var f = Array(peerAdvertisement[0..<78]) + options
        if let source { f.replaceSubrange(22..<38, with: source) }
        let payload = f.count - 54
        f[18] = UInt8(payload >> 8)
        f[19] = UInt8(payload & 0xff)
        f[56] = 0
        f[57] = 0
        let sum = InternetChecksum.icmpv6(source: Array(f[22..<38]), destination: Array(f[38..<54]), icmp: f[54...])
        f[56] = UInt8(sum >> 8)
        f[57] = UInt8(sum & 0xff)
        return f
    }

    static func tlla(_ mac: String, units: UInt8 = 1) -> [UInt8] {
        [2, units] + PhysicalAddress(mac)!.bytes + [UInt8](repeating: 0, count: Int(units) * 8 - 8)
    }

    // Red-team findings 1 and 2 (issue 15): an 802.1Q-tagged answer and one sent to another host's MAC are frames
    // the kernel would not learn from on this interface, so they are no answer.
    @Test func taggedAndOtherHostFramesAreNoAnswer() {
        for f in [Self.peerArpReply, Self.peerAdvertisement] {
            #expect(ProbeAnswer.decode(frame: f, packetType: 0, vlanTagged: true) == nil)
            #expect(ProbeAnswer.decode(frame: f, packetType: 3) == nil) // PACKET_OTHERHOST
            #expect(ProbeAnswer.decode(frame: f, packetType: 4) == nil) // PACKET_OUTGOING
            #expect(ProbeAnswer.decode(frame: f, packetType: 0) != nil) // PACKET_HOST
        }
        #expect(ProbeAnswer.decode(frame: Self.peerDadAdvertisement, packetType: 2) != nil) // PACKET_MULTICAST
        // A tag still in the data (not offloaded): EtherType 0x8100 is neither ARP nor IPv6.
        let inline = Array(Self.peerArpReply[0..<12]) + [0x81, 0x00, 0x00, 0x64] + Array(Self.peerArpReply[12...])
        #expect(ProbeAnswer.decode(frame: inline) == nil)
    }

    // Red-team finding 3 (issue 15): the MAC reported is the one the kernel would learn.
    @Test func advertisedAddressIsTheOneTheKernelWouldLearn() {
        let evil = PhysicalAddress("02:ee:00:00:00:ee")!
        // The rebuilt frame with the original option decodes as before (the helper is sound).
        #expect(ProbeAnswer.decode(frame: Self.advertisement(options: Self.tlla("02:00:00:00:bb:02")))
                == ProbeAnswer.decode(frame: Self.peerAdvertisement))
        // Two TLLA options: the first counts, as ndisc_parse_options() keeps the first.
        let two = Self.advertisement(options: Self.tlla("02:ee:00:00:00:ee") + Self.tlla("02:ee:00:00:00:ef"))
        guard case .neighborAdvertisement(_, let mac, _, _, _)? = ProbeAnswer.decode(frame: two) else {
            Issue.record("two TLLA options: no answer")
            return
        }
        #expect(mac == evil)
        // An unknown option before the TLLA is skipped.
        let unknown = Self.advertisement(options: [200, 1, 0, 0, 0, 0, 0, 0] + Self.tlla("02:ee:00:00:00:ee"))
        guard case .neighborAdvertisement(_, let mac2, _, _, _)? = ProbeAnswer.decode(frame: unknown) else {
            Issue.record("unknown option then TLLA: no answer")
            return
        }
        #expect(mac2 == evil)
        // A TLLA of 16 bytes is not an Ethernet address: the advertisement is invalid.
        #expect(ProbeAnswer.decode(frame: Self.advertisement(options: Self.tlla("02:ee:00:00:00:ee", units: 2))) == nil)
        // No TLLA at all: it could teach no entry a MAC (not the Ethernet source's either).
        #expect(ProbeAnswer.decode(frame: Self.advertisement(options: [])) == nil)
        #expect(ProbeAnswer.decode(frame: Self.advertisement(options: [200, 1, 0, 0, 0, 0, 0, 0])) == nil)
        // A multicast IPv6 source is invalid (RFC 4861 section 7.1.2 for the target; ipv6_rcv() for the source).
        let multicastSource = Self.advertisement(options: Self.tlla("02:ee:00:00:00:ee"),
                                                 source: IpAddress("ff02::1")!.bytes)
        #expect(ProbeAnswer.decode(frame: multicastSource) == nil)
    }

    @Test func wrongFamiliesAndMACsBuildNothing() {
        #expect(ProbeFrame.arpRequest(senderMAC: Self.ours, senderIP: nil, target: IpAddress("2001:db8::1")!) == nil)
        #expect(ProbeFrame.neighborSolicitation(senderMAC: Self.ours, source: nil, target: IpAddress("192.0.2.1")!) == nil)
        #expect(ProbeFrame.arpRequest(senderMAC: PhysicalAddress(bytes: [1, 2, 3, 4])!, senderIP: nil,
                                      target: IpAddress("192.0.2.1")!) == nil)
        #expect(ProbeFrame.solicitedNode(IpAddress("2001:db8::abcd:1234")!) == IpAddress("ff02::1:ffcd:1234")!)
    }

    /// Frames come from the wire: 50,000 mutations of the captured answers (bytes flipped, cut, grown) and random
    /// frames decode or are refused, never trap; whatever decodes is an ARP reply or an advertisement.
    @Test func hostileFramesNeverTrap() {
        var rng = SplitMix(state: 0x5eed_f00d)
        let seeds = [Self.peerArpReply, Self.peerProbeReply, Self.peerAdvertisement, Self.peerDadAdvertisement,
                     Self.kernelSolicitation]
        var decoded = 0
        for i in 0..<50_000 {
            var f = seeds[i % seeds.count]
            switch rng.next() % 4 {
            case 0:
                for _ in 0..<(1 + rng.next() % 4) {
                    f[Int(rng.next() % UInt64(f.count))] = UInt8(truncatingIfNeeded: rng.next())
                }
            case 1: f = Array(f[0..<Int(rng.next() % UInt64(f.count))])
            case 2: f += (0..<(rng.next() % 64)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            default: f = (0..<(rng.next() % 128)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            }
            if ProbeAnswer.decode(frame: f) != nil { decoded += 1 }
        }
        // Some mutations leave a valid answer (a flipped MAC byte in an ARP reply), most do not.
        #expect(decoded > 0 && decoded < 50_000)
    }

    @Test func prefixMembership() {
        let a = InterfaceAddress(interfaceIndex: 2, address: IpAddress("198.51.100.1")!, prefixLength: 24)
        #expect(a.contains(IpAddress("198.51.100.200")!))
        #expect(!a.contains(IpAddress("198.51.101.1")!))
        #expect(!a.contains(IpAddress("2001:db8::1")!))
        let b = InterfaceAddress(interfaceIndex: 2, address: IpAddress("2001:db8:51::1")!, prefixLength: 63)
        #expect(b.contains(IpAddress("2001:db8:51:1::9")!))
        #expect(!b.contains(IpAddress("2001:db8:51:2::9")!))
    }
}

/// A tiny seeded generator (SplitMix64), so the pure test target needs nothing but IpNetCore.
private struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
