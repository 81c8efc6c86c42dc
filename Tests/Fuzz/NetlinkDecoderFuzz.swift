// libFuzzer target for IpNet's netlink decoders: compiled into the IpNet module itself (so internal codecs are
// reachable) by .ci/fuzz.sh, never by SwiftPM. Each input is treated as one received datagram.

/// Feeds one fuzzer input to every decoder a kernel answer goes through: the datagram splitter
/// (`NLMSG_OK`/`NLMSG_NEXT`), the ack/done status parser (`struct nlmsgerr` + `NLMSGERR_ATTR_MSG`), and the
/// RTM_NEWNEIGH / RTM_NEWLINK decoders (dump replies and notifications). A crash, hang or sanitizer report is a
/// finding; returning is success. libFuzzer equivalent: `LLVMFuzzerTestOneInput`.
@_cdecl("LLVMFuzzerTestOneInput")
public func neighsyncFuzzNetlink(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = size > 0 && data != nil ? Array(UnsafeBufferPointer(start: data, count: size)) : []
    var sink = 0
    sink &+= NeighborMessageCodec.decodeAll(bytes).count
    sink &+= LinkMessageCodec.decodeAll(bytes).count
    bytes.withUnsafeBytes { raw in
        NetlinkMessage.forEach(in: raw) { m in
            let s = m.status
            sink &+= Int(s.errno) &+ (s.message?.utf8.count ?? 0)
            if let r = NeighborMessageCodec.decode(m) { sink &+= r.physicalAddress.count }
            if let r = NeighborMessageCodec.decodeNotification(m) { sink &+= Int(r.interfaceIndex) }
            if let l = LinkMessageCodec.decode(m) { sink &+= l.name.utf8.count }
            return true
        }
    }
    return sink == Int.min ? 1 : 0
}
