internal import CNetlink

/// The `struct nlmsghdr` every request of neighsync starts with, written in one place: message type, flags and
/// sequence number at the start of `buffer` (libmnl's `mnl_nlmsg_put_header`, which zeroes it and sets its length).
/// The codecs append their family header and attributes after it. Netlink equivalent: the `n` member of iproute2's
/// request structs (`struct { struct nlmsghdr n; struct ndmsg ndm; … } req`).
enum NetlinkRequestHeader {
    /// Puts the header and returns it, for the family header and attributes that follow.
    static func put(type: UInt16, flags: UInt16, sequence: UInt32,
                    into buffer: UnsafeMutableRawPointer) -> UnsafeMutablePointer<nlmsghdr> {
        let nlh = mnl_nlmsg_put_header(buffer)!
        nlh.pointee.nlmsg_type = type
        nlh.pointee.nlmsg_flags = flags
        nlh.pointee.nlmsg_seq = sequence
        return nlh
    }
}
