import IpNetCore
/// A view of one netlink attribute (`struct nlattr`: length, type, payload) inside a message buffer. The type has
/// the `NLA_F_NESTED` / `NLA_F_NET_BYTEORDER` bits stripped. Netlink equivalent: `struct nlattr` / `struct rtattr`
/// walked with `RTA_OK`/`RTA_NEXT` (libmnl: `mnl_attr_for_each`).
struct NetlinkAttribute {
    /// The attribute type (`nla_type & NLA_TYPE_MASK`).
    let type: UInt16
    /// The payload (`nla_len - 4` bytes).
    let payload: UnsafeRawBufferPointer

    /// The payload as a NUL-terminated string (`IFLA_IFNAME`, `NLMSGERR_ATTR_MSG`).
    /// The payload up to its NUL as an interface name (`Link.name(fromBytes:)`: bytes that are not UTF-8 kept).
    var interfaceName: String {
        let end = payload.firstIndex(of: 0) ?? payload.count
        return Link.name(fromBytes: UnsafeRawBufferPointer(rebasing: payload[..<end]))
    }

    var string: String {
        let end = payload.firstIndex(of: 0) ?? payload.count
        return String(decoding: UnsafeRawBufferPointer(rebasing: payload[..<end]), as: UTF8.self)
    }

    /// The payload as a host-order integer of type `T`, nil when the payload is shorter.
    func integer<T: FixedWidthInteger>(_: T.Type) -> T? {
        guard payload.count >= MemoryLayout<T>.size else { return nil }
        return payload.loadUnaligned(as: T.self)
    }

    /// Calls `body` for each well-formed attribute of `buffer`, stopping at the first malformed one. Netlink
    /// equivalent: `mnl_attr_for_each_payload`.
    static func forEach(in buffer: UnsafeRawBufferPointer, _ body: (NetlinkAttribute) -> Void) {
        var offset = 0
        while buffer.count - offset >= 4 {
            let len = Int(buffer.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
            let type = buffer.loadUnaligned(fromByteOffset: offset + 2, as: UInt16.self) & 0x3fff
            guard len >= 4, len <= buffer.count - offset else { return }
            body(NetlinkAttribute(type: type,
                                  payload: UnsafeRawBufferPointer(rebasing: buffer[(offset + 4)..<(offset + len)])))
            offset += (len + 3) & ~3
        }
    }
}
