internal import CNetlink
internal import Glibc
import IpNetCore

extension NeighborTable {
    /// Whether this kernel keeps managed entries (NTF_EXT_MANAGED, Linux 5.16+), asked once per table with a
    /// request that cannot write on any kernel: an RTM_NEWNEIGH without NLM_F_CREATE for 192.0.2.0 on an interface
    /// index no link has, whose NDA_FLAGS_EXT carries `managed` and a reserved bit. A kernel that knows
    /// NDA_FLAGS_EXT checks it against its policy (`NLA_POLICY_MASK(NLA_U32, NTF_EXT_MASK)` in `nda_policy`) while
    /// parsing and answers EINVAL before looking at the interface; an older kernel ignores the unknown attribute
    /// and answers ENODEV for the interface. Anything else (EPERM without CAP_NET_ADMIN, …) gives nil: unknown,
    /// the writes will tell. Netlink equivalent: `neigh_add()` in net/core/neighbour.c; iproute2: none.
    public func managedEntriesSupported() -> Bool? {
        if let known = managedSupport { return known }
        var answer: Bool? = nil
        do throws(NetlinkFailure) {
            try socket.request(encode: { Self.encodeManagedProbe(sequence: $1, into: $0) })
            answer = nil  // accepted: no kernel should; unknown
        } catch {
            if error.errno == EINVAL { answer = true } else if error.errno == ENODEV { answer = false }
        }
        managedSupport = .some(answer)
        return answer
    }

    /// The first step of a managed set or upsert, or nil for any other operation: the same write of a NUD_NONE
    /// entry without a MAC or flags (owner protocol kept). A managed write alone cannot turn a NOARP entry into a
    /// managed one: with NEIGH_UPDATE_F_MANAGED `__neigh_update()` sets the state to `old & ~NUD_PERMANENT`, whatever
    /// the request says, so a NOARP entry stays NOARP with its MAC (a PERMANENT one becomes NONE). Cleared first,
    /// every entry becomes NONE, and the managed write then starts resolving it (INCOMPLETE). Should the second
    /// step fail, the entry is left a NONE leftover, which the next plan writes again. iproute2: `ip neigh replace
    /// A dev D nud none protocol P` then `ip neigh replace A dev D managed protocol P`.
    static func managedClearing(_ op: NeighborOperation) -> NeighborOperation? {
        guard op.row.flags.contains(.managed) else { return nil }
        var r = op.row
        r.flags = []
        r.state = .none
        r.physicalAddress = .empty
        r.isRouter = false
        switch op {
        case .set: return .set(r)
        case .upsert: return .upsert(r)
        case .create, .delete: return nil
        }
    }

    /// True when `op` writes a managed entry (create, set, upsert; a delete only names it).
    static func writesManaged(_ op: NeighborOperation) -> Bool {
        if case .delete = op { return false }
        return op.row.flags.contains(.managed)
    }

    /// The reason of `notSupported` for a managed write on a kernel without NTF_EXT_MANAGED.
    static let managedUnsupported = "this kernel does not keep managed neighbor entries (NTF_EXT_MANAGED in "
        + "NDA_FLAGS_EXT needs Linux 5.16 or later); write a permanent entry with the neighbor's MAC instead"

    /// The interface index of the probe: one no link has (ifindex values are allocated upwards from 1).
    static let managedProbeInterfaceIndex = Int32.max

    /// Writes the probe request of `managedEntriesSupported()` and returns its length.
    static func encodeManagedProbe(sequence: UInt32, into buffer: UnsafeMutableRawPointer) -> Int {
        let nlh = NetlinkRequestHeader.put(type: NetlinkConstants.newNeigh,
                                           flags: NetlinkConstants.request | NetlinkConstants.ack,
                                           sequence: sequence, into: buffer)
        let ndm = mnl_nlmsg_put_extra_header(nlh, MemoryLayout<ndmsg>.size)!.assumingMemoryBound(to: ndmsg.self)
        ndm.pointee.ndm_family = AddressFamily.ipv4.linuxValue
        ndm.pointee.ndm_ifindex = managedProbeInterfaceIndex
        ndm.pointee.ndm_state = NeighborState.none.nudValue
        var dst: UInt32 = UInt32(0xc000_0200).bigEndian  // 192.0.2.0
        mnl_attr_put(nlh, NetlinkConstants.ndaDestination, 4, &dst)
        mnl_attr_put_u32(nlh, NetlinkConstants.ndaFlagsExtended, NeighborFlags.managed.rawValue >> 8 | 1 << 31)
        return Int(nlh.pointee.nlmsg_len)
    }
}
