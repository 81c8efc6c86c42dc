internal import CNetlink
internal import Glibc

/// The two system calls under `NetlinkSocket` (send one buffer of messages, receive a group of datagrams), as
/// replaceable closures. Production always uses `kernel(handle:fd:)`; tests wrap it to inject faults (a failing
/// send, an error ack, NLM_F_DUMP_INTR, ENOBUFS, a truncated datagram) around the real kernel. Both closures
/// follow the libc convention: a negative result with `errno` set. Netlink equivalent: `mnl_socket_sendto` and
/// `recvmmsg(2)` on the NETLINK_ROUTE socket.
struct NetlinkIO {
    /// Sends `length` bytes; returns the bytes sent or -1 with `errno`. Netlink equivalent: `mnl_socket_sendto`.
    var send: (_ bytes: UnsafeRawPointer, _ length: Int) -> Int
    /// Receives up to `slotCount` datagrams into `slotSize`-byte slots of `buffer`, storing each length in
    /// `lengths`; returns the number of datagrams or -1 with `errno`. Netlink equivalent: `recvmmsg(2)`.
    var receive: (_ buffer: UnsafeMutableRawPointer, _ slotSize: Int, _ slotCount: UInt32,
                  _ lengths: UnsafeMutablePointer<UInt32>, _ flags: Int32) -> Int32

    /// The real calls on the socket `handle` (file descriptor `fd`).
    static func kernel(handle: OpaquePointer, fd: Int32) -> NetlinkIO {
        NetlinkIO(send: { bytes, length in mnl_socket_sendto(handle, bytes, length) },
                  receive: { buffer, slotSize, slotCount, lengths, flags in
                      neighsync_recv_many(fd, buffer, slotSize, slotCount, lengths, flags)
                  })
    }
}
