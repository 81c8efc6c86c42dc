import Testing
@testable import IpNet
@testable import IpNetCore

/// Proxy entries on the wire (NTF_PROXY), against bytes captured from this kernel (6.18). Capture: `ip -n NS neigh add
/// proxy 192.0.2.7 dev veth0 protocol 245`, `ip -n NS neigh add proxy 2001:db8::8 dev veth0` (veth0 is ifindex 3),
/// then an RTM_GETNEIGH dump with `ndm_flags = NTF_PROXY` (what `ip neigh show proxy` sends), answered by
/// `pneigh_fill_info()`: NUD_NONE, `ndm_flags` NTF_PROXY, `ndm_type` RTN_UNICAST, NDA_DST and NDA_PROTOCOL when set.
@Suite struct ProxyCodecTests {
    static let proxyDump = CodecFixtureTests.hex([
        "2c0000001c000200070000002e31000002000000030000000000080108000100c000020705000c00f5000000",
        "300000001c000200070000002e3100000a00000003000000000008011400010020010db8000000000000000000000008",
    ])

    @Test func decodesTheProxyTable() {
        let rows = NeighborMessageCodec.decodeAll(Self.proxyDump)
        #expect(rows == [
            IpNetRow2(address: IpAddress("192.0.2.7")!, interfaceIndex: 3, state: .none, protocol: 245, flags: .proxy),
            IpNetRow2(address: IpAddress("2001:db8::8")!, interfaceIndex: 3, state: .none, flags: .proxy),
        ])
        #expect(rows.allSatisfy { $0.isProxy && $0.key.isProxy })
        // The ordinary dump's rows are no proxies (the fixture of CodecFixtureTests).
        #expect(NeighborMessageCodec.decodeAll(CodecFixtureTests.neighDump).allSatisfy { !$0.isProxy })
    }

    @Test func dumpRequestAsksForTheProxyTable() {
        let m = NeighborMessageCodec.encodedDump(family: .unspecified, proxy: true, sequence: 7)
        #expect(m[4..<6] == [0x1e, 0x00])  // RTM_GETNEIGH
        #expect(m[16] == 0 && m[26] == 0x08)  // AF_UNSPEC, ndm_flags NTF_PROXY
        #expect(NeighborMessageCodec.encodedDump(family: .unspecified, sequence: 7)[26] == 0)
    }

    /// Every verb sends NTF_PROXY; a write asks for NUD_PERMANENT (kept through carrier loss) and carries
    /// NDA_PROTOCOL, never NDA_LLADDR or NDA_FLAGS_EXT, whatever the row holds; delete and get carry the key only.
    @Test func encodesProxyRequests() {
        let row = IpNetRow2(address: IpAddress("192.0.2.7")!, interfaceIndex: 3,
                            physicalAddress: PhysicalAddress("02:00:00:00:00:10")!, state: .none, protocol: 245,
                            flags: [.proxy, .managed])
        #expect(NeighborMessageCodec.encoded(.create, row: row, interfaceIndex: 3, sequence: 9) == CodecFixtureTests.hex([
            "2c0000001c0005060900000000000000", "020000000300000080000800", "08000100c0000207", "05000c00f5000000",
        ]))
        let set = NeighborMessageCodec.encoded(.set, row: row, interfaceIndex: 3, sequence: 9)
        #expect(set[6..<8] == [0x05, 0x01] && set[24..<27] == [0x80, 0x00, 0x08])
        #expect(NeighborMessageCodec.encoded(.delete, row: row, interfaceIndex: 3, sequence: 9) == CodecFixtureTests.hex([
            "240000001d0005000900000000000000", "020000000300000000000800", "08000100c0000207",
        ]))
        let get = NeighborMessageCodec.encoded(.get, row: row, interfaceIndex: 3, sequence: 9)
        #expect(get[4..<6] == [0x1e, 0x00] && get[26] == 0x08)
    }

    @Test func tableOrderPutsProxiesAfterOrdinaryEntries() {
        let proxy = IpNetRow2(address: IpAddress("192.0.2.1")!, interfaceIndex: 1, state: .none, flags: .proxy)
        let v6 = IpNetRow2(address: IpAddress("2001:db8::1")!, interfaceIndex: 9)
        let v4 = IpNetRow2(address: IpAddress("192.0.2.1")!, interfaceIndex: 9)
        #expect(NeighborTable.inTableOrder([proxy, v6, v4]) == [v4, v6, proxy])
    }
}
