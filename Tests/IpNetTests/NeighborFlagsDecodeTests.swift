import Testing
@testable import IpNet

/// `ndm_flags` and `NDA_FLAGS_EXT` decode into `IpNetRow2.flags` (NTF_ROUTER stays `isRouter`). The message is
/// built by hand in the kernel's layout: what `ip neigh add 192.0.2.20 dev veth0 lladdr … extern_learn router
/// managed proto zebra` leaves in a dump (checked on this kernel with `ip -j neigh show`: `extern_learn`, `managed`).
@Suite struct NeighborFlagsDecodeTests {
    static func message(ndmFlags: UInt8, extended: UInt32?) -> [UInt8] {
        var body: [UInt8] = [2, 0, 0, 0, 3, 0, 0, 0, 0x80, 0, ndmFlags, 0]      // ndmsg: AF_INET, ifindex 3, PERMANENT
        body += [8, 0, 1, 0, 192, 0, 2, 20]                                      // NDA_DST 192.0.2.20
        body += [10, 0, 2, 0, 2, 0, 0, 0, 0, 0x20, 0, 0]                          // NDA_LLADDR 02:00:00:00:00:20
        body += [5, 0, UInt8(NetlinkConstants.ndaProtocol), 0, 11, 0, 0, 0]      // NDA_PROTOCOL zebra
        if let e = extended {
            body += [8, 0, UInt8(NetlinkConstants.ndaFlagsExtended), 0] + withUnsafeBytes(of: e.littleEndian) { Array($0) }
        }
        let len = UInt32(16 + body.count)
        var header = withUnsafeBytes(of: len.littleEndian) { Array($0) }
        header += withUnsafeBytes(of: NetlinkConstants.newNeigh.littleEndian) { Array($0) }
        header += [2, 0] + [1, 0, 0, 0] + [0, 0, 0, 0]
        return header + body
    }

    @Test func extLearnedRouterAndManagedDecode() throws {
        let rows = NeighborMessageCodec.decodeAll(Self.message(ndmFlags: 0x10 | 0x80, extended: 1))
        let r = try #require(rows.first)
        #expect(r.isRouter)
        #expect(r.flags == [.externallyLearned, .managed])
        #expect(r.flags.words == ["managed", "extern_learn"])
        #expect(r.protocol == 11)
    }

    @Test func noFlagsDecodeEmpty() throws {
        let r = try #require(NeighborMessageCodec.decodeAll(Self.message(ndmFlags: 0, extended: nil)).first)
        #expect(r.flags.isEmpty && !r.isRouter)
    }
}
