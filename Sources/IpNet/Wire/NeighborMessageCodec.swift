internal import CNetlink
import IpNetCore

/// Pure encode/decode of neighbor messages: requests are written straight into a caller's buffer (the batch
/// buffer, no intermediate arrays) and answers are decoded from bytes into `IpNetRow2`. No IO; tested against bytes
/// captured from the kernel. Netlink equivalent: `struct ndmsg` + `NDA_DST`, `NDA_LLADDR`, `NDA_CACHEINFO`,
/// `NDA_PROTOCOL` (ip/ipneigh.c `ipneigh_modify()` and `print_neigh()`).
enum NeighborMessageCodec {
    /// The largest request `encode` writes: header, ndmsg, NDA_DST (16), NDA_LLADDR (32), NDA_PROTOCOL,
    /// NDA_FLAGS_EXT.
    static let maxRequestSize = 16 + 12 + 20 + 36 + 8 + 8

    /// Writes one request for `row` on interface `interfaceIndex` at `buffer` (at least `maxRequestSize` bytes)
    /// and returns its length. Create/set carry the state, NTF_ROUTER, the row's `NeighborFlags.writable` flags
    /// (`ndm_flags`, and NDA_FLAGS_EXT when it has extended ones: `ip neigh add … extern_learn`), NDA_LLADDR (when
    /// non-empty) and NDA_PROTOCOL (when non-zero); delete/get carry only the key; resolve asks for NUD_NONE + NTF_USE.
    /// Netlink equivalent: `ipneigh_modify()` / `ipneigh_get()` building RTM_NEWNEIGH / RTM_DELNEIGH / RTM_GETNEIGH.
    @discardableResult
    static func encode(_ verb: NeighborVerb, row: IpNetRow2, interfaceIndex: UInt32, sequence: UInt32,
                       into buffer: UnsafeMutableRawPointer) -> Int {
        let nlh = NetlinkRequestHeader.put(type: verb.messageType, flags: verb.flags,
                                           sequence: sequence, into: buffer)
        let ndm = mnl_nlmsg_put_extra_header(nlh, MemoryLayout<ndmsg>.size)!.assumingMemoryBound(to: ndmsg.self)
        ndm.pointee.ndm_family = row.address.family.linuxValue
        ndm.pointee.ndm_ifindex = Int32(bitPattern: interfaceIndex)
        switch verb {
        case .create, .set, .upsert:
            ndm.pointee.ndm_state = row.state.nudValue
            ndm.pointee.ndm_flags = UInt8(truncatingIfNeeded: row.flags.intersection(.writable).rawValue)
                | (row.isRouter ? NetlinkConstants.ntfRouter : 0)
        case .resolve:
            ndm.pointee.ndm_state = NeighborState.none.nudValue
            ndm.pointee.ndm_flags = NetlinkConstants.ntfUse
        case .delete, .get:
            break
        }
        if row.isProxy && verb != .resolve {
            // The proxy table: NTF_PROXY on every verb. A write asks for NUD_PERMANENT, as `ip neigh add proxy` does:
            // the kernel keeps a permanent proxy entry through carrier loss (`pneigh_ifdown_and_unlock()` with
            // skip_perm, from `neigh_carrier_down()`), and flushes it only when the link goes admin-down or away.
            // NTF_ROUTER rides along on a write (`ip neigh add proxy A dev D router`): the kernel stores the flags as
            // given (`pn->flags = ndm_flags`, a replace included) and answers solicitations with the router flag.
            ndm.pointee.ndm_flags = NetlinkConstants.ntfProxy
                | (verb.writesContent && row.isRouter ? NetlinkConstants.ntfRouter : 0)
            if verb.writesContent { ndm.pointee.ndm_state = NeighborState.permanent.nudValue }
        }
        putAddress(row.address, type: NetlinkConstants.ndaDestination, nlh)
        if verb.writesContent {
            if row.physicalAddress.count > 0 && !row.isProxy {
                row.physicalAddress.withUnsafeBytes { b in
                    mnl_attr_put(nlh, NetlinkConstants.ndaLinkLayerAddress, b.count, b.baseAddress)
                }
            }
            if row.protocol != 0 { mnl_attr_put_u8(nlh, NetlinkConstants.ndaProtocol, row.protocol) }
            let extended = row.isProxy ? 0 : row.flags.intersection(.writable).rawValue >> 8
            if extended != 0 { mnl_attr_put_u32(nlh, NetlinkConstants.ndaFlagsExtended, extended) }
        }
        return Int(nlh.pointee.nlmsg_len)
    }

    /// Writes an RTM_GETNEIGH dump request for one family (AF_UNSPEC = every neighbor table) and returns its
    /// length. `proxy` asks for the proxy table instead (NTF_PROXY in `ndm_flags`: `neigh_dump_info()` then walks
    /// `pneigh_dump_table()` only). Netlink equivalent: `ip neigh show` / `ip neigh show proxy` →
    /// `rtnl_neighdump_req()`.
    @discardableResult
    static func encodeDump(family: AddressFamily, proxy: Bool = false, sequence: UInt32,
                           into buffer: UnsafeMutableRawPointer) -> Int {
        let nlh = NetlinkRequestHeader.put(type: NetlinkConstants.getNeigh,
                                           flags: NetlinkConstants.request | NetlinkConstants.dump,
                                           sequence: sequence, into: buffer)
        let ndm = mnl_nlmsg_put_extra_header(nlh, MemoryLayout<ndmsg>.size)!.assumingMemoryBound(to: ndmsg.self)
        ndm.pointee.ndm_family = family.linuxValue
        if proxy { ndm.pointee.ndm_flags = NetlinkConstants.ntfProxy }
        return Int(nlh.pointee.nlmsg_len)
    }

    /// `encode` into a fresh byte array (for tests and fixtures).
    static func encoded(_ verb: NeighborVerb, row: IpNetRow2, interfaceIndex: UInt32, sequence: UInt32) -> [UInt8] {
        withScratch { encode(verb, row: row, interfaceIndex: interfaceIndex, sequence: sequence, into: $0) }
    }

    /// `encodeDump` into a fresh byte array (for tests and fixtures).
    static func encodedDump(family: AddressFamily, proxy: Bool = false, sequence: UInt32) -> [UInt8] {
        withScratch { encodeDump(family: family, proxy: proxy, sequence: sequence, into: $0) }
    }

    private static func withScratch(_ body: (UnsafeMutableRawPointer) -> Int) -> [UInt8] {
        let p = UnsafeMutableRawPointer.allocate(byteCount: 256, alignment: 16)
        defer { p.deallocate() }
        p.initializeMemory(as: UInt8.self, repeating: 0, count: 256)
        let n = body(p)
        return Array(UnsafeRawBufferPointer(start: p, count: n))
    }

    private static func putAddress(_ a: IpAddress, type: UInt16, _ nlh: UnsafeMutablePointer<nlmsghdr>) {
        switch a {
        case .v4(let v):
            var be = v.bigEndian
            mnl_attr_put(nlh, type, 4, &be)
        case .v6(let hi, let lo, _):
            var be = (hi.bigEndian, lo.bigEndian)
            mnl_attr_put(nlh, type, 16, &be)
        }
    }

    /// Decodes one RTM_NEWNEIGH message (header included) into a row, or nil when it is not an IPv4/IPv6 neighbor
    /// (another type or family, no NDA_DST). A proxy entry (`pneigh_fill_info()`: NTF_PROXY, NUD_NONE, no
    /// NDA_LLADDR) decodes with `.proxy` in `flags` and state `.none`. `flags` holds `ndm_flags` (without NTF_ROUTER) and
    /// `NDA_FLAGS_EXT`. `interfaceLuid` is left zero: the caller fills it from
    /// the link. `reachabilityTime` is `ndm_confirmed` converted from USER_HZ ticks to milliseconds. Netlink
    /// equivalent: iproute2's `print_neigh()`.
    static func decode(_ message: NetlinkMessage) -> IpNetRow2? {
        guard message.type == NetlinkConstants.newNeigh else { return nil }
        return decodeBody(message)
    }

    /// Decodes an RTM_NEWNEIGH or RTM_DELNEIGH notification (same layout) into the row it announces: for a delete,
    /// the entry as it was. Netlink equivalent: iproute2's `print_neigh()` under `ip monitor neigh` (`Deleted …`).
    static func decodeNotification(_ message: NetlinkMessage) -> IpNetRow2? {
        guard message.type == NetlinkConstants.newNeigh || message.type == NetlinkConstants.delNeigh else { return nil }
        return decodeBody(message)
    }

    /// The body shared by `decode` and `decodeNotification`: the type has been checked.
    private static func decodeBody(_ message: NetlinkMessage) -> IpNetRow2? {
        let p = message.payload
        guard p.count >= NetlinkConstants.ndmsgSize else { return nil }
        let family = p.loadUnaligned(fromByteOffset: 0, as: UInt8.self)
        guard family == AddressFamily.ipv4.linuxValue || family == AddressFamily.ipv6.linuxValue else { return nil }
        let ifindex = UInt32(bitPattern: p.loadUnaligned(fromByteOffset: 4, as: Int32.self))
        let state = p.loadUnaligned(fromByteOffset: 8, as: UInt16.self)
        let flags = p.loadUnaligned(fromByteOffset: 10, as: UInt8.self)
        var address: IpAddress? = nil
        var mac = PhysicalAddress.empty
        var confirmed: UInt32? = nil
        var proto: UInt8 = 0
        var extended: UInt32 = 0
        NetlinkAttribute.forEach(in: UnsafeRawBufferPointer(rebasing: p[12...])) { a in
            switch a.type {
            case NetlinkConstants.ndaDestination:
                address = IpAddress(raw: a.payload)
            case NetlinkConstants.ndaLinkLayerAddress:
                if let base = a.payload.baseAddress {
                    mac = PhysicalAddress(pointer: base, count: a.payload.count) ?? .empty
                }
            case NetlinkConstants.ndaCacheInfo:
                confirmed = a.integer(UInt32.self)  // nda_cacheinfo.ndm_confirmed comes first
            case NetlinkConstants.ndaProtocol:
                proto = a.integer(UInt8.self) ?? 0
            case NetlinkConstants.ndaFlagsExtended:
                extended = a.integer(UInt32.self) ?? 0
            default:
                break
            }
        }
        guard let address, address.family.linuxValue == family else { return nil }
        let nud = NeighborState(nudValue: state)
        return IpNetRow2(address: address, interfaceIndex: ifindex, physicalAddress: mac, state: nud,
                         isRouter: flags & NetlinkConstants.ntfRouter != 0, isUnreachable: nud == .unreachable,
                         reachabilityTime: confirmed.map { UInt32(truncatingIfNeeded: UInt64($0) * 1000
                                                                    / UInt64(NetlinkConstants.userHz)) },
                         protocol: proto, flags: NeighborFlags(ndmFlags: flags, extended: extended))
    }

    /// Decodes every neighbor message of a captured datagram (for tests and fixtures).
    static func decodeAll(_ bytes: [UInt8]) -> [IpNetRow2] {
        bytes.withUnsafeBytes { raw in
            var rows: [IpNetRow2] = []
            NetlinkMessage.forEach(in: raw) { m in
                if let r = decode(m) { rows.append(r) }
                return true
            }
            return rows
        }
    }
}
