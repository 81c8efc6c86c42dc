internal import CNetlink
internal import Glibc
import IpNetCore

/// Pure encode/decode of IPv4 route messages of the local table: the RTM_GETROUTE dump request for table 255 and
/// RTM_NEWROUTE answers decoded into `LocalRouteTable.Route`. Netlink equivalent: `struct rtmsg` + `RTA_TABLE` /
/// `RTA_DST` / `RTA_OIF`; the kernel side is `inet_dump_fib()` in net/ipv4/fib_frontend.c; iproute2: `ip route show
/// table local` (`iproute_dump_filter()`).
enum RouteMessageCodec {
    /// Writes an RTM_GETROUTE dump request for the IPv4 local table (rtm_table 255 and RTA_TABLE 255) at `buffer`
    /// and returns its length. On a socket with NETLINK_GET_STRICT_CHK the kernel dumps that table only, or fails
    /// with ENOENT "ipv4: FIB table does not exist". Netlink equivalent: iproute2's `rtnl_routedump_req()` with a
    /// table filter.
    @discardableResult
    static func encodeLocalTableDumpRequest(sequence: UInt32, into buffer: UnsafeMutableRawPointer) -> Int {
        let nlh = NetlinkRequestHeader.put(type: NetlinkConstants.getRoute,
                                           flags: NetlinkConstants.request | NetlinkConstants.dump,
                                           sequence: sequence, into: buffer)
        let rtm = mnl_nlmsg_put_extra_header(nlh, MemoryLayout<rtmsg>.size)!.assumingMemoryBound(to: rtmsg.self)
        rtm.pointee.rtm_family = UInt8(AF_INET)
        rtm.pointee.rtm_table = UInt8(NetlinkConstants.tableLocal)
        mnl_attr_put_u32(nlh, NetlinkConstants.rtaTable, NetlinkConstants.tableLocal)
        return Int(nlh.pointee.nlmsg_len)
    }

    /// Decodes one RTM_NEWROUTE message (header included) of the IPv4 local table, or nil for any other message,
    /// family or table.
    static func decodeLocal(_ message: NetlinkMessage) -> LocalRouteTable.Route? {
        guard message.type == NetlinkConstants.newRoute || message.type == NetlinkConstants.delRoute else {
            return nil
        }
        let p = message.payload
        guard p.count >= NetlinkConstants.rtmsgSize, p.load(fromByteOffset: 0, as: UInt8.self) == UInt8(AF_INET)
        else { return nil }
        let prefix = p.load(fromByteOffset: 1, as: UInt8.self)
        let tos = p.load(fromByteOffset: 3, as: UInt8.self)
        let flags = p.loadUnaligned(fromByteOffset: 8, as: UInt32.self)
        var isDead = flags & NetlinkConstants.nexthopDead != 0
        var table = UInt32(p.load(fromByteOffset: 4, as: UInt8.self))
        let type = p.load(fromByteOffset: 7, as: UInt8.self)
        var destination = IpAddress.v4(0)
        var index: UInt32 = 0
        NetlinkAttribute.forEach(in: UnsafeRawBufferPointer(rebasing: p[NetlinkConstants.rtmsgSize...])) { a in
            switch a.type {
            case NetlinkConstants.rtaDst: destination = IpAddress(raw: a.payload) ?? destination
            case NetlinkConstants.rtaOif where a.payload.count >= 4: index = a.payload.loadUnaligned(as: UInt32.self)
            case NetlinkConstants.rtaTable where a.payload.count >= 4: table = a.payload.loadUnaligned(as: UInt32.self)
            case NetlinkConstants.rtaMultipath: isDead = Self.everyNexthopDead(a.payload)
            default: break
            }
        }
        guard table == NetlinkConstants.tableLocal else { return nil }
        return LocalRouteTable.Route(destination: destination, prefixLength: prefix, type: type,
                                     interfaceIndex: index, tos: tos, isDead: isDead)
    }

    /// True when every `struct rtnexthop` of an `RTA_MULTIPATH` payload has RTNH_F_DEAD in `rtnh_flags` (the
    /// kernel's `fib_table_lookup()` skips dead nexthops; a route with none alive is never its answer). An empty or
    /// malformed list counts as alive, leaving the route in the lookup as before.
    static func everyNexthopDead(_ payload: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        var sawOne = false
        while offset + NetlinkConstants.rtnexthopSize <= payload.count {
            let length = Int(payload.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
            guard length >= NetlinkConstants.rtnexthopSize else { break }
            let flags = UInt32(payload.load(fromByteOffset: offset + 2, as: UInt8.self))
            if flags & NetlinkConstants.nexthopDead == 0 { return false }
            sawOne = true
            offset += (length + 3) & ~3
        }
        return sawOne
    }
}
