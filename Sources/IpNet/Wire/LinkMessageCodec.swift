internal import CNetlink
import IpNetCore

/// Pure encode/decode of link messages: RTM_GETLINK requests (dump, or one link by index) and RTM_NEWLINK answers
/// decoded into `Link`. IPv4 is usable when `IFLA_AF_SPEC` holds an `AF_INET` nest (the link has an in_device);
/// IPv6 when it holds an `AF_INET6` nest whose `IFLA_INET6_CONF` array has `DEVCONF_DISABLE_IPV6` = 0 (the
/// per-link `net.ipv6.conf.NAME.disable_ipv6`, readable from outside the namespace). Netlink equivalent: `struct
/// ifinfomsg` (`ifi_type`, `ifi_flags`: IFF_UP, IFF_LOOPBACK, IFF_POINTOPOINT, IFF_NOARP) + `IFLA_IFNAME`, `IFLA_ADDRESS`, `IFLA_AF_SPEC`; iproute2: `ip -d link show`.
enum LinkMessageCodec {
    /// Writes an RTM_GETLINK request at `buffer`: a dump when `index` is 0, else a get of that one link (with an
    /// ack). Statistics are skipped (`IFLA_EXT_MASK` = RTEXT_FILTER_SKIP_STATS) to keep answers small. Returns
    /// the length. Netlink equivalent: `rtnl_linkdump_req()` / `ip link show dev NAME`.
    @discardableResult
    static func encodeRequest(index: UInt32, sequence: UInt32, into buffer: UnsafeMutableRawPointer) -> Int {
        let nlh = NetlinkRequestHeader.put(type: NetlinkConstants.getLink,
                                           flags: NetlinkConstants.request
                                               | (index == 0 ? NetlinkConstants.dump : NetlinkConstants.ack),
                                           sequence: sequence, into: buffer)
        let ifi = mnl_nlmsg_put_extra_header(nlh, MemoryLayout<ifinfomsg>.size)!
            .assumingMemoryBound(to: ifinfomsg.self)
        ifi.pointee.ifi_family = 0
        ifi.pointee.ifi_index = Int32(bitPattern: index)
        mnl_attr_put_u32(nlh, NetlinkConstants.iflaExtMask, UInt32(RTEXT_FILTER_SKIP_STATS))
        return Int(nlh.pointee.nlmsg_len)
    }

    /// `encodeRequest` into a fresh byte array (for tests and fixtures).
    static func encodedRequest(index: UInt32, sequence: UInt32) -> [UInt8] {
        let p = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 16)
        defer { p.deallocate() }
        let n = encodeRequest(index: index, sequence: sequence, into: p)
        return Array(UnsafeRawBufferPointer(start: p, count: n))
    }

    /// Decodes one RTM_NEWLINK message (header included) into a `Link`, or nil when it is not one. Netlink
    /// equivalent: iproute2's `print_linkinfo()`.
    static func decode(_ message: NetlinkMessage) -> Link? {
        guard message.type == NetlinkConstants.newLink else { return nil }
        let p = message.payload
        guard p.count >= NetlinkConstants.ifinfomsgSize else { return nil }
        let type = p.loadUnaligned(fromByteOffset: 2, as: UInt16.self)
        let index = UInt32(bitPattern: p.loadUnaligned(fromByteOffset: 4, as: Int32.self))
        let flags = p.loadUnaligned(fromByteOffset: 8, as: UInt32.self)
        var name = ""
        var hwLength = 0
        var ipv4 = false
        var ipv6 = false
        NetlinkAttribute.forEach(in: UnsafeRawBufferPointer(rebasing: p[16...])) { a in
            switch a.type {
            case NetlinkConstants.iflaName:
                name = a.interfaceName
            case NetlinkConstants.iflaAddress:
                hwLength = a.payload.count
            case NetlinkConstants.iflaAfSpec:
                NetlinkAttribute.forEach(in: a.payload) { fam in
                    if fam.type == UInt16(AddressFamily.ipv4.linuxValue) { ipv4 = true }
                    if fam.type == UInt16(AddressFamily.ipv6.linuxValue) {
                        ipv6 = true
                        NetlinkAttribute.forEach(in: fam.payload) { c in
                            let off = NetlinkConstants.devconfDisableIpv6 * 4
                            if c.type == NetlinkConstants.iflaInet6Conf, c.payload.count >= off + 4,
                               c.payload.loadUnaligned(fromByteOffset: off, as: Int32.self) != 0 {
                                ipv6 = false
                            }
                        }
                    }
                }
            default:
                break
            }
        }
        return Link(name: name, index: index, arphrdType: type, hardwareAddressLength: hwLength,
                    ipv4Enabled: ipv4, ipv6Enabled: ipv6, isUp: flags & NetlinkConstants.iffUp != 0,
                    isLoopback: flags & NetlinkConstants.iffLoopback != 0,
                    isPointToPoint: flags & NetlinkConstants.iffPointToPoint != 0,
                    isNoArp: flags & NetlinkConstants.iffNoArp != 0,
                    hasCarrier: flags & NetlinkConstants.iffLowerUp != 0)
    }

    /// Decodes every link message of a captured datagram (for tests and fixtures).
    static func decodeAll(_ bytes: [UInt8]) -> [Link] {
        bytes.withUnsafeBytes { raw in
            var links: [Link] = []
            NetlinkMessage.forEach(in: raw) { m in
                if let l = decode(m) { links.append(l) }
                return true
            }
            return links
        }
    }
}
