internal import CNetlink
import IpNetCore

/// Pure encode/decode of address messages: the RTM_GETADDR dump request and RTM_NEWADDR answers decoded into
/// `InterfaceAddress`. The local address is `IFA_LOCAL` when present (on IPv4 and point-to-point links `IFA_ADDRESS`
/// is the peer), else `IFA_ADDRESS` (IPv6). Netlink equivalent: `struct ifaddrmsg` + `IFA_LOCAL` / `IFA_ADDRESS` (+ `IFA_BROADCAST`);
/// iproute2: `ip addr show` (`print_addrinfo()`).
enum AddressMessageCodec {
    /// Writes an RTM_GETADDR dump request for both families at `buffer` and returns its length. Netlink equivalent:
    /// `rtnl_addrdump_req()`.
    @discardableResult
    static func encodeDumpRequest(sequence: UInt32, into buffer: UnsafeMutableRawPointer) -> Int {
        let nlh = NetlinkRequestHeader.put(type: NetlinkConstants.getAddr,
                                           flags: NetlinkConstants.request | NetlinkConstants.dump,
                                           sequence: sequence, into: buffer)
        let ifa = mnl_nlmsg_put_extra_header(nlh, MemoryLayout<ifaddrmsg>.size)!
            .assumingMemoryBound(to: ifaddrmsg.self)
        ifa.pointee.ifa_family = 0
        return Int(nlh.pointee.nlmsg_len)
    }

    /// `encodeDumpRequest` into a fresh byte array (for tests and fixtures).
    static func encodedDumpRequest(sequence: UInt32) -> [UInt8] {
        let p = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 16)
        defer { p.deallocate() }
        let n = encodeDumpRequest(sequence: sequence, into: p)
        return Array(UnsafeRawBufferPointer(start: p, count: n))
    }

    /// Decodes one RTM_NEWADDR message (header included), or nil when it is not one or carries no usable address.
    static func decode(_ message: NetlinkMessage) -> InterfaceAddress? {
        guard message.type == NetlinkConstants.newAddr else { return nil }
        let p = message.payload
        guard p.count >= NetlinkConstants.ifaddrmsgSize else { return nil }
        let prefix = p.load(fromByteOffset: 1, as: UInt8.self)
        let index = p.loadUnaligned(fromByteOffset: 4, as: UInt32.self)
        var local: IpAddress? = nil
        var address: IpAddress? = nil
        var broadcast: IpAddress? = nil
        var flags = UInt32(p.load(fromByteOffset: 2, as: UInt8.self))
        NetlinkAttribute.forEach(in: UnsafeRawBufferPointer(rebasing: p[NetlinkConstants.ifaddrmsgSize...])) { a in
            switch a.type {
            case NetlinkConstants.ifaLocal: local = IpAddress(raw: a.payload)
            case NetlinkConstants.ifaAddress: address = IpAddress(raw: a.payload)
            case NetlinkConstants.ifaBroadcast: broadcast = IpAddress(raw: a.payload)
            case NetlinkConstants.ifaFlags where a.payload.count >= 4:
                flags = a.payload.loadUnaligned(as: UInt32.self)
            default: break
            }
        }
        guard let a = local ?? address else { return nil }
        return InterfaceAddress(interfaceIndex: index, address: a, prefixLength: prefix,
                                isTentative: flags & NetlinkConstants.ifaFlagTentative != 0,
                                isDadFailed: flags & NetlinkConstants.ifaFlagDadFailed != 0, broadcast: broadcast)
    }
}
