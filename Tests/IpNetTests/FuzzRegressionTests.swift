import Testing
@testable import IpNet

/// Inputs found by `make fuzz` (Tests/Fuzz/NetlinkDecoderFuzz.swift), fed to the same decoders as plain tests.
@Suite struct FuzzRegressionTests {
    /// crash-439da31a…: an NLMSG_ERROR whose error field is Int32.min; negating it trapped (arithmetic overflow).
    /// Now it reads as a malformed ack (EPROTO), never as success.
    @Test func ackWithInt32MinErrorIsMalformedNotATrap() {
        let bytes: [UInt8] = [
            0x2a, 0x00, 0x00, 0x00, 0xa7, 0xff, 0xff, 0x0a, 0xff, 0x18, 0x00, 0x00, 0xa7, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x10, 0xff, 0xff, 0xff, 0x58, 0xff, 0xd8, 0xff,
        ]
        var statuses: [Int32] = []
        bytes.withUnsafeBytes { raw in
            NetlinkMessage.forEach(in: raw) { m in
                statuses.append(m.status.errno)
                return true
            }
        }
        #expect(statuses.count == 1)
        // Type 0xffa7 is not NLMSG_ERROR, but `status` must not trap for any type; build a real NLMSG_ERROR too.
        var ack = bytes
        ack[4] = 2; ack[5] = 0
        ack.withUnsafeBytes { raw in
            NetlinkMessage.forEach(in: raw) { m in
                let s = m.status
                #expect(s.errno == 71)  // EPROTO
                #expect(s.message?.contains("malformed netlink ack") == true)
                return true
            }
        }
        #expect(NeighborMessageCodec.decodeAll(bytes).isEmpty)
        #expect(LinkMessageCodec.decodeAll(bytes).isEmpty)
    }

    /// An NLMSG_ERROR with a positive error field or none at all is not a success ack either.
    @Test func positiveOrMissingAckErrorIsEPROTO() {
        let positive: [UInt8] = [20, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0]
        let empty: [UInt8] = [16, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]
        for bytes in [positive, empty] {
            var seen = 0
            bytes.withUnsafeBytes { raw in
                NetlinkMessage.forEach(in: raw) { m in
                    seen += 1
                    #expect(m.status.errno == 71)
                    return true
                }
            }
            #expect(seen == 1)
        }
    }

    /// A datagram whose last message claims more bytes than arrived is reported as not whole.
    @Test func truncatedDatagramIsReported() {
        let done: [UInt8] = [20, 0, 0, 0, 3, 0, 2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        let cut = Array(done + done.prefix(18))
        var seen = 0
        let whole = cut.withUnsafeBytes { raw in
            NetlinkMessage.forEach(in: raw) { _ in seen += 1; return true }
        }
        #expect(seen == 1)
        #expect(!whole)
        #expect(done.withUnsafeBytes { raw in NetlinkMessage.forEach(in: raw) { _ in true } })
    }
}
