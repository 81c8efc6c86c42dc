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

    /// The interface index of the probe: one no link has (ifindex values are allocated upwards from 1).
    static let managedProbeInterfaceIndex = Int32.max

    /// Writes the probe request of `managedEntriesSupported()` and returns its length.
    static func encodeManagedProbe(sequence: UInt32, into buffer: UnsafeMutableRawPointer) -> Int {
        let nlh = mnl_nlmsg_put_header(buffer)!
        nlh.pointee.nlmsg_type = NetlinkConstants.newNeigh
        nlh.pointee.nlmsg_flags = NetlinkConstants.request | NetlinkConstants.ack
        nlh.pointee.nlmsg_seq = sequence
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
