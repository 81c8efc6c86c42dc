internal import Glibc

/// A view of one netlink message inside a receive buffer (valid only while the buffer is): the `nlmsghdr` fields
/// and the payload bytes. Decoding never copies the message. Netlink equivalent: `struct nlmsghdr` followed by
/// `NLMSG_DATA(nlh)`; iproute2 walks the same with `NLMSG_OK`/`NLMSG_NEXT`.
struct NetlinkMessage {
    /// The whole message, header included (`nlmsg_len` bytes).
    let bytes: UnsafeRawBufferPointer

    /// `nlmsg_len`.
    var length: Int { Int(bytes.loadUnaligned(fromByteOffset: 0, as: UInt32.self)) }
    /// `nlmsg_type` (RTM_NEWNEIGH = 28, NLMSG_ERROR = 2, NLMSG_DONE = 3, …).
    var type: UInt16 { bytes.loadUnaligned(fromByteOffset: 4, as: UInt16.self) }
    /// `nlmsg_flags` (NLM_F_MULTI, NLM_F_DUMP_INTR, NLM_F_ACK_TLVS, …).
    var flags: UInt16 { bytes.loadUnaligned(fromByteOffset: 6, as: UInt16.self) }
    /// `nlmsg_seq`.
    var sequence: UInt32 { bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self) }
    /// `nlmsg_pid`: for kernel answers, the port id of the socket the request came from.
    var portId: UInt32 { bytes.loadUnaligned(fromByteOffset: 12, as: UInt32.self) }
    /// The bytes after the 16-byte header (`NLMSG_DATA`).
    var payload: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: bytes[16...]) }

    /// Splits a datagram into its messages, stopping at the first malformed header (`NLMSG_OK` failing), and
    /// calls `body` for each; `body` returns false to stop early. Returns false when it stopped at a malformed
    /// header or trailing bytes too short for one (a truncated datagram), true otherwise. Netlink equivalent: the
    /// `NLMSG_OK`/`NLMSG_NEXT` loop.
    @discardableResult
    static func forEach(in datagram: UnsafeRawBufferPointer, _ body: (NetlinkMessage) throws -> Bool) rethrows -> Bool {
        var offset = 0
        while datagram.count - offset >= 16 {
            let len = Int(datagram.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            guard len >= 16, len <= datagram.count - offset else { return false }
            let m = NetlinkMessage(bytes: UnsafeRawBufferPointer(rebasing: datagram[offset..<(offset + len)]))
            if try !body(m) { return true }
            offset += (len + 3) & ~3
        }
        return offset >= datagram.count
    }

    /// For an `NLMSG_ERROR` (ack) or `NLMSG_DONE` message: the errno it reports (0 = success) and the kernel's
    /// extended-ack message, if any. Handles both capped (`NETLINK_CAP_ACK`) and uncapped acks. Netlink
    /// equivalent: `struct nlmsgerr` and the `NLMSGERR_ATTR_MSG` TLV after it (`NLM_F_ACK_TLVS`).
    var status: (errno: Int32, message: String?) {
        let p = payload
        guard p.count >= 4 else {
            // A DONE without its int is read as success (old kernels); an ack without its error is unreadable.
            return type == NetlinkConstants.error ? (EPROTO, "truncated netlink ack (\(length) bytes)") : (0, nil)
        }
        // The kernel sends 0 or a negated errno (-1 … -4095); anything else (Int32.min would overflow the negation)
        // is a malformed message.
        let raw = p.loadUnaligned(fromByteOffset: 0, as: Int32.self)
        guard raw <= 0, raw >= -4095 else { return (EPROTO, "malformed netlink ack (error field \(raw))") }
        let err = -raw
        guard flags & NetlinkConstants.ackTlvs != 0 else { return (err, nil) }
        var tlvStart: Int
        if type == NetlinkConstants.done {
            tlvStart = 4
        } else {
            // struct nlmsgerr: int error + the original header; the original payload follows unless capped.
            guard p.count >= 20 else { return (err, nil) }
            let origLen = Int(p.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
            tlvStart = flags & NetlinkConstants.capped != 0 ? 20 : 4 + origLen
        }
        tlvStart = (tlvStart + 3) & ~3
        guard tlvStart <= p.count else { return (err, nil) }
        var message: String? = nil
        NetlinkAttribute.forEach(in: UnsafeRawBufferPointer(rebasing: p[tlvStart...])) { a in
            if a.type == NetlinkConstants.errAttrMessage { message = a.string }
        }
        return (err, message)
    }
}
