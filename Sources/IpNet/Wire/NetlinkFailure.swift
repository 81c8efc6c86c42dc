internal import Glibc

/// A failed netlink exchange as the kernel reported it: the errno (positive) and, when the kernel sent one, its
/// extended-ack message. Internal: `NeighborTable` turns it into an `IpNetError` naming the address and interface.
/// Netlink equivalent: `nlmsgerr.error` (negated) plus the `NLMSGERR_ATTR_MSG` TLV; iproute2 prints it as
/// `RTNETLINK answers: <strerror>` followed by `Error: <message>`.
struct NetlinkFailure: Error, Equatable, Sendable {
    /// The errno, positive (EEXIST = 17, ENOENT = 2, …).
    var errno: Int32
    /// The kernel's extended-ack text (`NLMSGERR_ATTR_MSG`), nil when it sent none.
    var message: String?

    /// The extended-ack text when there is one, else `strerror(errno)`.
    var text: String {
        if let message, !message.isEmpty { return message }
        return String(cString: strerror(errno))
    }
}
