internal import CNetlink
import IpNetCore

/// Pure encode/decode of neighbor-table (ntable) messages: the `RTM_GETNEIGHTBL` dump request, `RTM_NEWNEIGHTBL`
/// answers decoded into `NeighborParameterSet`s, and `RTM_SETNEIGHTBL` requests. No IO; tested against bytes captured
/// from `ip ntable change` and `ip ntable show` on this kernel. Netlink equivalent: iproute2's ip/ipntable.c
/// (`ipntable_modify()`, `print_ntable()`); kernel: `neightbl_set()`, `neightbl_fill_info()`,
/// `neightbl_fill_param_info()` in net/core/neighbour.c.
enum NeighborTableMessageCodec {
    /// The largest request `encodeSet` writes: header, ndtmsg, NDTA_NAME ("ndisc_cache"), NDTA_PARMS with the
    /// index and every per-interface key (u64 each), or the four table-wide keys.
    static let maxRequestSize = 16 + 4 + 16 + 4 + 8 + 7 * 12

    /// The `NDTPA_*` attribute of a per-interface key, and whether it is a u64 (durations, `NLA_U64` in
    /// `nl_ntbl_parm_policy`) or a u32 (counts).
    static func parmsAttribute(_ p: NeighborParameter) -> (type: UInt16, wide: Bool)? {
        switch p {
        case .baseReachableTime: return (NetlinkConstants.ndtpaBaseReachableTime, true)
        case .retransTime: return (NetlinkConstants.ndtpaRetransTime, true)
        case .gcStaleTime: return (NetlinkConstants.ndtpaGcStaleTime, true)
        case .delayFirstProbeTime: return (NetlinkConstants.ndtpaDelayProbeTime, true)
        case .intervalProbeTime: return (NetlinkConstants.ndtpaIntervalProbeTime, true)
        case .ucastSolicit: return (NetlinkConstants.ndtpaUcastProbes, false)
        case .mcastSolicit: return (NetlinkConstants.ndtpaMcastProbes, false)
        default: return nil
        }
    }

    /// The `NDTA_*` attribute of a table-wide key (`NDTA_GC_INTERVAL` is a u64 of milliseconds, the thresholds u32).
    static func tableAttribute(_ p: NeighborParameter) -> (type: UInt16, wide: Bool)? {
        switch p {
        case .gcThresh1: return (NetlinkConstants.ndtaThresh1, false)
        case .gcThresh2: return (NetlinkConstants.ndtaThresh2, false)
        case .gcThresh3: return (NetlinkConstants.ndtaThresh3, false)
        case .gcInterval: return (NetlinkConstants.ndtaGcInterval, true)
        default: return nil
        }
    }

    /// Writes the `RTM_SETNEIGHTBL` request that sets `set`'s values and returns its length. With an interface index:
    /// `NDTA_NAME` + `NDTA_PARMS` { `NDTPA_IFINDEX`, the keys by attribute number } (`ip ntable change name arp_cache
    /// dev IF base_reachable MS …`); with index 0: `NDTA_NAME` + the table-wide `NDTA_*` keys (`ip ntable change name
    /// arp_cache thresh3 N`). Keys of the other scope (and the sysctl ones) are not written: the caller splits them.
    /// `ndtm_family` is AF_UNSPEC and the flags REQUEST|ACK|REPLACE, as iproute2 sends them (the kernel finds the
    /// table by its name).
    @discardableResult
    static func encodeSet(_ set: NeighborParameterSet, sequence: UInt32, into buffer: UnsafeMutableRawPointer) -> Int {
        let nlh = NetlinkRequestHeader.put(type: NetlinkConstants.setNeighTable,
                                           flags: NetlinkConstants.request | NetlinkConstants.ack
                                               | NetlinkConstants.replace,
                                           sequence: sequence, into: buffer)
        _ = mnl_nlmsg_put_extra_header(nlh, NetlinkConstants.ndtmsgSize)
        mnl_attr_put_strz(nlh, NetlinkConstants.ndtaName, NeighborParameterSet.tableName(set.family))
        let keys = set.values.keys.sorted()
        if set.interfaceIndex != 0 {
            let nest = mnl_attr_nest_start(nlh, NetlinkConstants.ndtaParms)!
            // Without NLA_F_NESTED, as iproute2's `addattr_nest()` writes it (the kernel takes both).
            nest.pointee.nla_type = NetlinkConstants.ndtaParms
            mnl_attr_put_u32(nlh, NetlinkConstants.ndtpaIfindex, set.interfaceIndex)
            let attrs = keys.compactMap { k in parmsAttribute(k).map { ($0, set.values[k]!) } }
            for (a, v) in attrs.sorted(by: { $0.0.type < $1.0.type }) { put(a, v, nlh) }
            mnl_attr_nest_end(nlh, nest)
        } else {
            let attrs = keys.compactMap { k in tableAttribute(k).map { ($0, set.values[k]!) } }
            for (a, v) in attrs.sorted(by: { $0.0.type < $1.0.type }) { put(a, v, nlh) }
        }
        return Int(nlh.pointee.nlmsg_len)
    }

    private static func put(_ a: (type: UInt16, wide: Bool), _ v: UInt64, _ nlh: UnsafeMutablePointer<nlmsghdr>) {
        if a.wide {
            mnl_attr_put_u64(nlh, a.type, v)
        } else {
            mnl_attr_put_u32(nlh, a.type, UInt32(truncatingIfNeeded: v))
        }
    }

    /// Writes the `RTM_GETNEIGHTBL` dump request for every table (`ndtm_family` AF_UNSPEC, no attributes, as the
    /// kernel's strict check wants) and returns its length. Netlink equivalent: `ip ntable show`
    /// (`rtnl_neightbldump_req`).
    @discardableResult
    static func encodeDump(sequence: UInt32, into buffer: UnsafeMutableRawPointer) -> Int {
        let nlh = NetlinkRequestHeader.put(type: NetlinkConstants.getNeighTable,
                                           flags: NetlinkConstants.request | NetlinkConstants.dump,
                                           sequence: sequence, into: buffer)
        _ = mnl_nlmsg_put_extra_header(nlh, NetlinkConstants.ndtmsgSize)
        return Int(nlh.pointee.nlmsg_len)
    }

    /// Decodes one `RTM_NEWNEIGHTBL` message: a table's own message (its `NDTA_PARMS`, the table's default parms, has
    /// no `NDTPA_IFINDEX`: the table-wide keys, index 0) or an interface's (its per-interface keys). Nil for other
    /// types, families other than IPv4/IPv6, a message without `NDTA_NAME`, and a device's parms whose
    /// `NDTPA_IFINDEX` is 0 (the initial namespace holds one per family, `dev *` in `ip ntable show`): it names no
    /// interface neighsync can address, and taken as index 0 it would be a second, empty table-wide set. Values the kernel did not send (an older kernel without `NDTPA_INTERVAL_PROBE_TIME_MS`)
    /// are absent. Netlink equivalent: iproute2's `print_ntable()`.
    static func decode(_ message: NetlinkMessage) -> NeighborParameterSet? {
        guard message.type == NetlinkConstants.newNeighTable else { return nil }
        let p = message.payload
        guard p.count >= NetlinkConstants.ndtmsgSize,
              let family = AddressFamily(linuxValue: p.loadUnaligned(fromByteOffset: 0, as: UInt8.self)),
              family != .unspecified else { return nil }
        var named = false
        var index: UInt32 = 0
        var indexed = false
        var table: [NeighborParameter: UInt64] = [:]
        var parms: [NeighborParameter: UInt64] = [:]
        func value(_ a: NetlinkAttribute, wide: Bool) -> UInt64? {
            wide ? a.integer(UInt64.self) : a.integer(UInt32.self).map(UInt64.init)
        }
        NetlinkAttribute.forEach(in: UnsafeRawBufferPointer(rebasing: p[NetlinkConstants.ndtmsgSize...])) { a in
            if a.type == NetlinkConstants.ndtaName { named = true; return }
            if a.type == NetlinkConstants.ndtaParms {
                NetlinkAttribute.forEach(in: a.payload) { n in
                    if n.type == NetlinkConstants.ndtpaIfindex {
                        indexed = true
                        index = n.integer(UInt32.self) ?? 0
                        return
                    }
                    for k in NeighborParameter.interfaceKeys {
                        if let attr = parmsAttribute(k), attr.type == n.type, let v = value(n, wide: attr.wide) {
                            parms[k] = v
                        }
                    }
                }
                return
            }
            for k in NeighborParameter.tableKeys {
                if let attr = tableAttribute(k), attr.type == a.type, let v = value(a, wide: attr.wide) { table[k] = v }
            }
        }
        guard named, !(indexed && index == 0) else { return nil }
        return NeighborParameterSet(family: family, interfaceIndex: index, values: index == 0 ? table : parms)
    }

    /// `encodeSet` into a fresh byte array (for tests and fixtures).
    static func encodedSet(_ set: NeighborParameterSet, sequence: UInt32) -> [UInt8] {
        let p = UnsafeMutableRawPointer.allocate(byteCount: maxRequestSize + 64, alignment: 16)
        defer { p.deallocate() }
        p.initializeMemory(as: UInt8.self, repeating: 0, count: maxRequestSize + 64)
        return Array(UnsafeRawBufferPointer(start: p, count: encodeSet(set, sequence: sequence, into: p)))
    }

    /// Decodes every ntable message of a captured datagram (for tests and fixtures).
    static func decodeAll(_ bytes: [UInt8]) -> [NeighborParameterSet] {
        bytes.withUnsafeBytes { raw in
            var sets: [NeighborParameterSet] = []
            NetlinkMessage.forEach(in: raw) { m in
                if let s = decode(m) { sets.append(s) }
                return true
            }
            return sets
        }
    }
}
