import Testing
@testable import IpNet
@testable import IpNetCore

/// ntable encode/decode against bytes captured from this kernel (6.18, HZ=250) in a namespace of its own with a veth
/// pair (veth0 = ifindex 3). Capture: `strace -s 4096 -xx -e trace=sendmsg ip -n NS ntable change name arp_cache dev
/// veth0 base_reachable 15000 retrans 1000 ucast_probes 4` and `… ntable change name ndisc_cache thresh3 8192`
/// (RTNETLINK answers ENOENT: a table-wide key outside the initial namespace), then `-e trace=recvmsg ip -n NS ntable
/// show dev veth0 name arp_cache` for the answers.
@Suite struct NeighborParameterCodecTests {
    static let hex = CodecFixtureTests.hex

    /// The RTM_NEWNEIGHTBL of the arp_cache table itself (NDTA_THRESH1..3, NDTA_GC_INTERVAL, NDTA_CONFIG,
    /// NDTA_STATS, the default NDTA_PARMS without NDTPA_IFINDEX).
    static let arpTable = hex([
        "78010000400002000387076b1f5b0000020000000e0001006172705f63616368650000000c0008003075000000000000",
        "080002008000000008000300000200000800040000040000240005000400500102000000b047a40024290400b9ddc36a",
        "ffff010000000000000000005c0007007ba864000000000079a86400000000000e00000000000000a900000000000000",
        "4b5aa50000000000818d40000000000000000000000000000000000000000000c5020000000000000000000000000000",
        "0000000000000000b000060008000200010000000800100000400300080008006500000008000e004000000008000900",
        "0000000008000a000300000008000b000300000008001100000000000c000300aca10000000000000c00040030750000",
        "000000000c00060060ea0000000000000c00070088130000000000000c000500e8030000000000000c000c00e8030000",
        "000000000c000d0020030000000000000c000f00e8030000000000000c0013008813000000000000",
    ])

    /// The RTM_NEWNEIGHTBL of veth0's arp_cache parameters after the change above.
    static let arpVeth0 = hex([
        "dc000000400002000387076b1f5b0000020000000e0001006172705f6361636865000000b80006000800010003000000",
        "08000200010000000800100000400300080008006500000008000e0040000000080009000000000008000a0004000000",
        "08000b000300000008001100000000000c00030074460000000000000c000400983a0000000000000c00060060ea0000",
        "000000000c00070088130000000000000c000500e8030000000000000c000c00e8030000000000000c000d0020030000",
        "000000000c000f00e8030000000000000c0013008813000000000000",
    ])

    @Test func decodesTheTableAndAnInterface() {
        #expect(NeighborTableMessageCodec.decodeAll(Self.arpTable + Self.arpVeth0) == [
            NeighborParameterSet(family: .ipv4, interfaceIndex: 0, values: [
                .gcThresh1: 128, .gcThresh2: 512, .gcThresh3: 1024, .gcInterval: 30_000,
            ]),
            NeighborParameterSet(family: .ipv4, interfaceIndex: 3, values: [
                .baseReachableTime: 15_000, .retransTime: 1000, .gcStaleTime: 60_000, .delayFirstProbeTime: 5000,
                .intervalProbeTime: 5000, .ucastSolicit: 4, .mcastSolicit: 3,
            ]),
        ])
    }

    @Test func truncatedOrForeignMessagesDecodeToNothing() {
        #expect(NeighborTableMessageCodec.decodeAll(Array(Self.arpVeth0[0..<18])).isEmpty)
        var other = Self.arpVeth0
        other[4] = 0x1c  // RTM_NEWNEIGH
        #expect(NeighborTableMessageCodec.decodeAll(other).isEmpty)
        var family = Self.arpVeth0
        family[16] = 7   // neither AF_INET nor AF_INET6
        #expect(NeighborTableMessageCodec.decodeAll(family).isEmpty)
    }

    /// `ip ntable change name arp_cache dev veth0 base_reachable 15000 retrans 1000 ucast_probes 4`, byte for byte
    /// (header len 80, RTM_SETNEIGHTBL, REQUEST|ACK|REPLACE; ndtmsg AF_UNSPEC; NDTA_NAME; NDTA_PARMS { NDTPA_IFINDEX
    /// 3, NDTPA_BASE_REACHABLE_TIME u64, NDTPA_RETRANS_TIME u64, NDTPA_UCAST_PROBES u32 }), with iproute2's sequence.
    @Test func encodesAnInterfaceLikeIproute2() {
        let set = NeighborParameterSet(family: .ipv4, interfaceIndex: 3,
                                       values: [.ucastSolicit: 4, .retransTime: 1000, .baseReachableTime: 15_000])
        #expect(NeighborTableMessageCodec.encodedSet(set, sequence: 0x6b07_86fc) == Self.hex([
            "5000000043000501fc86076b00000000", "00000000", "0e0001006172705f6361636865000000",
            "2c000600", "0800010003000000", "0c000400983a000000000000", "0c000500e803000000000000",
            "08000a0004000000",
        ]))
    }

    /// `ip ntable change name ndisc_cache thresh3 8192`: NDTA_NAME and NDTA_THRESH3, no NDTA_PARMS. Sysctl-only keys
    /// never reach a netlink message.
    @Test func encodesATableLikeIproute2() {
        let set = NeighborParameterSet(family: .ipv6, interfaceIndex: 0, values: [.gcThresh3: 8192])
        #expect(NeighborTableMessageCodec.encodedSet(set, sequence: 0x6b07_86fc) == Self.hex([
            "2c00000043000501fc86076b00000000", "00000000", "100001006e646973635f636163686500", "0800040000200000",
        ]))
        let mixed = NeighborParameterSet(family: .ipv6, interfaceIndex: 3, values: [.proxyNDP: 1, .gcInterval: 5])
        #expect(NeighborTableMessageCodec.encodedSet(mixed, sequence: 1).count == 16 + 4 + 16 + 4 + 8)
    }

    @Test func everyValueRoundTripsThroughTheCodec() {
        var values: [NeighborParameter: UInt64] = [:]
        for (i, k) in NeighborParameter.interfaceKeys.enumerated() where k.scope == .interface {
            values[k] = UInt64(Int32.max) - UInt64(i)
        }
        let set = NeighborParameterSet(family: .ipv6, interfaceIndex: 7, values: values)
        var reply = NeighborTableMessageCodec.encodedSet(set, sequence: 1)
        reply[4] = 0x40  // as if the kernel sent it back: RTM_NEWNEIGHTBL
        reply[16] = 10
        #expect(NeighborTableMessageCodec.decodeAll(reply) == [set])
    }

    @Test func durationsMatchWithinOneKernelTick() {
        #expect(NeighborParameter.baseReachableTime.matches(desired: 1001, actual: 1004))  // HZ=250
        #expect(NeighborParameter.baseReachableTime.matches(desired: 1, actual: 10))        // HZ=100
        #expect(!NeighborParameter.baseReachableTime.matches(desired: 1000, actual: 1010))
        #expect(!NeighborParameter.baseReachableTime.matches(desired: 1004, actual: 1001))
        #expect(!NeighborParameter.ucastSolicit.matches(desired: 3, actual: 4))
        #expect(NeighborParameter.intervalProbeTime.range.lowerBound == 1)
    }
}
