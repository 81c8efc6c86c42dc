internal import CNetlink
internal import Glibc

/// The netlink socket of IpNet: a NETLINK_ROUTE socket (optionally created inside another network namespace) with
/// a large receive buffer, extended and capped acks, checked sequence numbers and port ids, one reused receive buffer
/// read with `recvmmsg`, request/ack exchanges, restartable dumps and batched writes. The socket's own libmnl and
/// libc calls (open, bind, options, `poll`, the `mnl_nlmsg_batch` buffer) are here, `setns` in `NamespaceThread`;
/// the send and receive system calls sit behind `NetlinkIO` (so tests can inject faults); requests are built with
/// libmnl's `mnl_nlmsg_put_*` / `mnl_attr_put*` in `NeighborMessageCodec`, `LinkMessageCodec` and
/// `AddressMessageCodec`, and answers are read without libmnl by `NetlinkMessage` and `NetlinkAttribute`. Not
/// thread-safe: one caller at a time. Netlink equivalent: `mnl_socket_open(NETLINK_ROUTE)` +
/// `setsockopt(NETLINK_EXT_ACK, NETLINK_CAP_ACK, SO_RCVBUFFORCE)`; iproute2: `rtnl_open()` in lib/libnetlink.c.
final class NetlinkSocket {
    private let handle: OpaquePointer
    private let fd: Int32
    /// The port id the kernel assigned at bind time; every answer must carry it.
    let portId: UInt32
    private var nextSequence: UInt32
    /// Receive slots: `slotCount` datagrams of `slotSize` bytes, read with one `recvmmsg`.
    private let slotSize = 65_536
    private let slotCount = 64
    private let receiveBuffer: UnsafeMutableRawPointer
    private let receiveLengths: UnsafeMutablePointer<UInt32>
    /// Send buffer for single requests and batches (`batchLimit` plus room for one overflowing message). 32 KiB per
    /// `sendmsg` measured a little faster than 128 KiB at 1,000,000 entries (the kernel copies each batch into one
    /// skb, and smaller ones are cheaper to allocate) and the same at 100,000.
    let batchLimit = 32 * 1024
    private let sendBuffer: UnsafeMutableRawPointer
    /// The most acks one batch may wait for, derived from the receive buffer so acks are never dropped.
    let maxAcksPerBatch: Int
    /// How often a dump is restarted after NLM_F_DUMP_INTR or ENOBUFS before giving up.
    static let dumpRetries = 5
    /// How often a send failing with ENOBUFS or EAGAIN (nothing was queued) is retried before giving up.
    static let sendRetries = 3
    /// The send/receive calls; always the kernel's in production, wrapped by fault-injection tests.
    var io: NetlinkIO
    /// The network namespace the socket was created in (so lives in for good), or nil when /proc is not mounted.
    let namespace: NamespaceIdentity?

    /// Opens a socket in the caller's network namespace. Netlink equivalent: `mnl_socket_open` + `mnl_socket_bind`.
    init() throws(NetlinkFailure) {
        guard let h = mnl_socket_open2(NETLINK_ROUTE, Int32(SOCK_CLOEXEC.rawValue)) else {
            throw NetlinkFailure(errno: errno, message: "cannot open a NETLINK_ROUTE socket")
        }
        handle = h
        fd = mnl_socket_get_fd(h)
        // A socket stays in the namespace of the thread that created it: on the namespace thread of
        // `open(namespacePath:)` that is the target namespace.
        namespace = NamespaceIdentity.ofCurrentThread()
        guard mnl_socket_bind(h, 0, pid_t(MNL_SOCKET_AUTOPID)) == 0 else {
            let e = errno
            mnl_socket_close(h)
            throw NetlinkFailure(errno: e, message: "cannot bind the netlink socket")
        }
        portId = mnl_socket_get_portid(h)
        io = NetlinkIO.kernel(handle: h, fd: fd)
        var one: Int32 = 1
        _ = mnl_socket_setsockopt(h, NETLINK_EXT_ACK, &one, socklen_t(MemoryLayout<Int32>.size))
        _ = mnl_socket_setsockopt(h, NETLINK_CAP_ACK, &one, socklen_t(MemoryLayout<Int32>.size))
        // 32 MiB receive buffer (the kernel doubles it); without CAP_NET_ADMIN fall back to the rmem_max cap.
        var rcv: Int32 = 32 << 20
        if setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, socklen_t(MemoryLayout<Int32>.size)) != 0 {
            _ = setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, socklen_t(MemoryLayout<Int32>.size))
        }
        var snd: Int32 = 1 << 20
        if setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &snd, socklen_t(MemoryLayout<Int32>.size)) != 0 {
            _ = setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &snd, socklen_t(MemoryLayout<Int32>.size))
        }
        var actual: Int32 = 0
        var len = socklen_t(MemoryLayout<Int32>.size)
        _ = getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &actual, &len)
        // A success ack costs about 1 KiB of receive buffer (skb truesize); keep half the buffer free.
        maxAcksPerBatch = max(64, min(16_384, Int(actual) / 2048))
        // A reply that never comes (it cannot, but be safe) fails after 30 s instead of hanging.
        var tv = timeval(tv_sec: 30, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var seed = timespec()
        clock_gettime(CLOCK_REALTIME, &seed)
        nextSequence = UInt32(truncatingIfNeeded: seed.tv_sec &* 1000 &+ seed.tv_nsec / 1_000_000)
        receiveBuffer = .allocate(byteCount: slotSize * slotCount, alignment: 16)
        receiveLengths = .allocate(capacity: slotCount)
        sendBuffer = .allocate(byteCount: batchLimit + 65_536, alignment: 16)
    }

    deinit {
        mnl_socket_close(handle)
        receiveBuffer.deallocate()
        receiveLengths.deallocate()
        sendBuffer.deallocate()
    }

    /// Opens a socket inside the network namespace at `path` (e.g. `/run/netns/NAME`) without moving the caller:
    /// the socket is made on a `NamespaceThread` (which says why that is a dedicated OS thread) and stays bound to
    /// the target namespace. Netlink equivalent: `setns(fd, CLONE_NEWNET)` around `socket()`; iproute2: `ip -n NAME`
    /// (`netns_switch()`), which switches the whole process instead.
    static func open(namespacePath path: String) throws(NetlinkFailure) -> NetlinkSocket {
        let made = NamespaceThread.run(in: path) { () -> Result<NetlinkSocket, NetlinkFailure> in
            do throws(NetlinkFailure) {
                return .success(try NetlinkSocket())
            } catch {
                return .failure(error)
            }
        }
        switch made {
        case .success(let socket): return try socket.get()
        case .failure(.open(let e)):
            throw NetlinkFailure(errno: e, message: "cannot open network namespace \(path)")
        case .failure(.enter(let e)):
            throw NetlinkFailure(errno: e, message: "cannot enter network namespace \(path)")
        case .failure(.start(let e)):
            throw NetlinkFailure(errno: e, message: "cannot start the namespace thread")
        }
    }

    /// Turns NETLINK_GET_STRICT_CHK on or off: with it the kernel checks dump requests strictly and honours their
    /// filters (a route dump of one table). Off by default, so the other dumps keep their plain requests. Netlink
    /// equivalent: `setsockopt(SOL_NETLINK, NETLINK_GET_STRICT_CHK)`; iproute2: `rtnl_set_strict_dump()`.
    func setStrictChecking(_ on: Bool) throws(NetlinkFailure) {
        var v: Int32 = on ? 1 : 0
        guard mnl_socket_setsockopt(handle, NETLINK_GET_STRICT_CHK, &v, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw NetlinkFailure(errno: errno, message: "cannot set NETLINK_GET_STRICT_CHK")
        }
    }

    // MARK: Multicast events

    /// What `waitForInput` saw.
    enum InputWait {
        /// The netlink socket has datagrams (or an error such as ENOBUFS) to read.
        case readable
        /// The wake descriptor was written to (another thread asked the waiter to return).
        case woken
        /// The timeout passed with nothing to read.
        case timedOut
        /// A signal handler ran (EINTR); the caller should check its flags.
        case interrupted
    }

    /// Joins the rtnetlink multicast group `group` (an `RTNLGRP_*` number), so the kernel copies its notifications
    /// to this socket. Netlink equivalent: `setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, group)`; iproute2:
    /// `ip monitor` (`rtnl_add_nl_group()`).
    func join(group: UInt32) throws(NetlinkFailure) {
        var g = group
        guard mnl_socket_setsockopt(handle, NETLINK_ADD_MEMBERSHIP, &g, socklen_t(MemoryLayout<UInt32>.size)) == 0 else {
            throw NetlinkFailure(errno: errno, message: "cannot join rtnetlink multicast group \(group)")
        }
    }

    /// Waits up to `timeoutMilliseconds` (-1 = forever) until this socket or `wakeDescriptor` is readable. EINTR
    /// is reported, not retried, so a signal can end the wait. Netlink equivalent: `poll(2)` on the netlink fd, as
    /// `ip monitor` waits in `rtnl_listen()`.
    func waitForInput(timeoutMilliseconds: Int32, wakeDescriptor: Int32) throws(NetlinkFailure) -> InputWait {
        var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: wakeDescriptor, events: Int16(POLLIN), revents: 0)]
        let n = poll(&fds, nfds_t(fds.count), timeoutMilliseconds)
        if n < 0 {
            if errno == EINTR { return .interrupted }
            throw NetlinkFailure(errno: errno, message: "cannot wait for netlink events: \(String(cString: strerror(errno)))")
        }
        if fds[1].revents != 0 { return .woken }
        if fds[0].revents != 0 { return .readable }
        return .timedOut
    }

    /// Reads the datagrams waiting on the socket without blocking (at most `maxReads` `recvmmsg` calls of up to
    /// 64 datagrams, so a flood cannot starve the caller) and calls `body` for every message, whatever its port id
    /// (notifications carry the port of whoever caused them). Throws the ENOBUFS failure when the kernel dropped
    /// notifications because the receive buffer was full; messages read before are delivered first. Netlink
    /// equivalent: `recvmmsg(MSG_DONTWAIT)` + `mnl_cb_run` in a monitor loop.
    func drainNotifications(maxReads: Int = 16, _ body: (NetlinkMessage) -> Void) throws(NetlinkFailure) {
        for _ in 0..<maxReads {
            let n = neighsync_recv_many(fd, receiveBuffer, slotSize, UInt32(slotCount), receiveLengths,
                                        Int32(MSG_DONTWAIT))
            if n < 0 {
                let e = errno
                if e == EINTR { continue }
                if e == EAGAIN || e == EWOULDBLOCK { return }
                throw NetlinkFailure(errno: e, message: e == ENOBUFS
                    ? "netlink notifications were lost (receive buffer overflow)" : nil)
            }
            for i in 0..<Int(n) {
                let datagram = UnsafeRawBufferPointer(start: receiveBuffer + i * slotSize,
                                                      count: Int(receiveLengths[i]))
                NetlinkMessage.forEach(in: datagram) { m in
                    body(m)
                    return true
                }
            }
            if n < Int32(slotCount) { return }
        }
    }

    /// A fresh sequence number. Netlink equivalent: `nlmsg_seq`.
    func takeSequence() -> UInt32 {
        nextSequence &+= 1
        if nextSequence == 0 { nextSequence = 1 }
        return nextSequence
    }

    /// Sends `length` bytes (one or more complete messages), retrying EINTR, and ENOBUFS/EAGAIN up to
    /// `sendRetries` times after a short pause (a netlink `sendmsg` is all or nothing, so nothing was queued).
    /// Netlink equivalent: `mnl_socket_sendto`.
    private func send(_ bytes: UnsafeRawPointer, _ length: Int) throws(NetlinkFailure) {
        var retries = 0
        while true {
            let n = io.send(bytes, length)
            if n >= 0 { return }
            let e = errno
            if e == EINTR { continue }
            if (e == ENOBUFS || e == EAGAIN) && retries < NetlinkSocket.sendRetries {
                retries += 1
                var ts = timespec(tv_sec: 0, tv_nsec: 1_000_000 << retries)
                nanosleep(&ts, nil)
                continue
            }
            throw NetlinkFailure(errno: e, message: "cannot send to the kernel: \(String(cString: strerror(e)))")
        }
    }

    /// Reads the next group of datagrams (blocking for the first) and calls `body` for each message whose port
    /// id is ours. EINTR is retried; ENOBUFS is reported as a thrown `NetlinkFailure` for the caller to act on.
    /// `body` returns false once the exchange is complete. Netlink equivalent: `recvmmsg` + `mnl_cb_run`.
    private func receive(_ body: (NetlinkMessage) throws(NetlinkFailure) -> Bool) throws(NetlinkFailure) {
        var more = true
        while more {
            let n = io.receive(receiveBuffer, slotSize, UInt32(slotCount), receiveLengths, Int32(MSG_WAITFORONE))
            if n < 0 {
                let e = errno
                if e == EINTR { continue }
                if e == EAGAIN || e == EWOULDBLOCK {
                    throw NetlinkFailure(errno: ETIMEDOUT, message: "the kernel did not answer within 30 s")
                }
                throw NetlinkFailure(errno: e, message: nil)
            }
            for i in 0..<Int(n) where more {
                let datagram = UnsafeRawBufferPointer(start: receiveBuffer + i * slotSize,
                                                      count: Int(receiveLengths[i]))
                var failure: NetlinkFailure? = nil
                let whole = NetlinkMessage.forEach(in: datagram) { m in
                    guard m.portId == portId else { return true }
                    do throws(NetlinkFailure) {
                        more = try body(m)
                    } catch {
                        failure = error
                        return false
                    }
                    return more
                }
                if let failure { throw failure }
                if more && !whole {
                    throw NetlinkFailure(errno: EPROTO, message: "the kernel sent a truncated netlink message "
                                         + "(datagram of \(datagram.count) bytes); the answer was not read")
                }
            }
        }
    }

    /// Sends one request built by `encode` (which writes it at the given buffer, stamps the given sequence number
    /// and returns its length; the request must ask for an ack) and calls `onReply` for each answer message before
    /// the ack. Throws the ack's error. Netlink equivalent: `rtnl_talk()`.
    func request(encode: (UnsafeMutableRawPointer, UInt32) -> Int,
                 onReply: (NetlinkMessage) -> Void = { _ in }) throws(NetlinkFailure) {
        let seq = takeSequence()
        let len = encode(sendBuffer, seq)
        try send(sendBuffer, len)
        var failure: NetlinkFailure? = nil
        try receive { (m: NetlinkMessage) throws(NetlinkFailure) -> Bool in
            guard m.sequence == seq else { return true }  // a stale answer to an earlier request
            if m.type == NetlinkConstants.error {
                let s = m.status
                if s.errno != 0 { failure = NetlinkFailure(errno: s.errno, message: s.message) }
                return false
            }
            onReply(m)
            return true
        }
        if let failure { throw failure }
    }

    /// Runs a dump built by `encode` and returns what `decode` makes of each message. Restarts the dump (up to
    /// `dumpRetries` times) when the kernel flags it inconsistent (NLM_F_DUMP_INTR) or the receive buffer overflowed
    /// (ENOBUFS). Netlink equivalent: `NLM_F_DUMP` + `rtnl_dump_filter()`.
    func dump<T>(encode: (UnsafeMutableRawPointer, UInt32) -> Int,
                 decode: (NetlinkMessage) -> T?) throws(NetlinkFailure) -> [T] {
        var attempt = 0
        while true {
            attempt += 1
            var out: [T] = []
            var interrupted = false
            var overrun = false
            let seq = takeSequence()
            let len = encode(sendBuffer, seq)
            try send(sendBuffer, len)
            var failure: NetlinkFailure? = nil
            var finished = false
            while !finished {
                do throws(NetlinkFailure) {
                    try receive { (m: NetlinkMessage) throws(NetlinkFailure) -> Bool in
                        guard m.sequence == seq else { return true }
                        if m.flags & NetlinkConstants.dumpInterrupted != 0 { interrupted = true }
                        if m.type == NetlinkConstants.done || m.type == NetlinkConstants.error {
                            let s = m.status
                            if s.errno != 0 { failure = NetlinkFailure(errno: s.errno, message: s.message) }
                            finished = true
                            return false
                        }
                        if !overrun, let v = decode(m) { out.append(v) }
                        return true
                    }
                } catch where error.errno == ENOBUFS {
                    // Messages were lost; read on to the end of this dump, then start over.
                    overrun = true
                }
            }
            if let failure, !(failure.errno == EINTR && attempt <= NetlinkSocket.dumpRetries) { throw failure }
            if failure == nil && !interrupted && !overrun { return out }
            if attempt > NetlinkSocket.dumpRetries {
                throw NetlinkFailure(errno: EAGAIN, message: "the table kept changing during \(attempt) dumps; retry")
            }
        }
    }

    /// Sends `count` requests in batches: `encode(i, buffer, seq)` writes request `i` (with NLM_F_ACK) at `buffer`
    /// and returns true, or returns false to skip it. Many requests go per `sendmsg` (libmnl `mnl_nlmsg_batch`);
    /// each ack is matched to its request by sequence number and reported with `onAck(i, failure)`. The kernel
    /// handles every message of a batch even when one fails. Netlink equivalent: `mnl_nlmsg_batch_*`; iproute2:
    /// `ip -batch` (which sends one message per call).
    func batch(count: Int, encode: (Int, UnsafeMutableRawPointer, UInt32) -> Bool,
               onAck: (Int, NetlinkFailure?) -> Void) {
        guard count > 0 else { return }
        let maxAcks = maxAcksPerBatch
        // Index of the request sent with sequence number firstSeq + k, for k in the batch in flight.
        var indexOfSlot = [Int](repeating: 0, count: maxAcks + 1)
        let b = mnl_nlmsg_batch_start(sendBuffer, batchLimit)!
        defer { mnl_nlmsg_batch_stop(b) }
        var firstSeq: UInt32 = 0
        var pending = 0           // messages in the batch buffer, the overflowing one not included

        func flush(upTo sent: Int) {
            guard sent > 0 else { return }
            let head = mnl_nlmsg_batch_head(b)!
            let size = mnl_nlmsg_batch_size(b)
            var acked = 0
            var seen = [Bool](repeating: false, count: sent)
            func failAll(_ f: NetlinkFailure) {
                for k in 0..<sent where !seen[k] { onAck(indexOfSlot[k], f) }
            }
            // Only the last request asks for an ack: the kernel answers every failing request anyway (an error
            // carries its sequence number) and handles the requests of one sendmsg in order, so the last ack means
            // every request before it without an error succeeded. This halves the messages the kernel builds.
            var offset = 0
            for k in 0..<sent {
                let nlh = (head + offset).assumingMemoryBound(to: nlmsghdr.self)
                if k < sent - 1 { nlh.pointee.nlmsg_flags &= ~UInt16(NLM_F_ACK) }
                offset += Int(neighsync_nlmsg_align(nlh.pointee.nlmsg_len))
            }
            do throws(NetlinkFailure) {
                try send(head, size)
            } catch {
                failAll(error)
                return
            }
            while acked < sent {
                do throws(NetlinkFailure) {
                    try receive { (m: NetlinkMessage) throws(NetlinkFailure) -> Bool in
                        guard m.type == NetlinkConstants.error else { return true }
                        let k = Int(m.sequence &- firstSeq)
                        guard k >= 0, k < sent, !seen[k] else { return true }
                        seen[k] = true
                        acked += 1
                        let s = m.status
                        onAck(indexOfSlot[k], s.errno == 0 ? nil : NetlinkFailure(errno: s.errno, message: s.message))
                        if k == sent - 1 {
                            // The closing ack: everything not answered so far succeeded.
                            for j in 0..<sent where !seen[j] { seen[j] = true; onAck(indexOfSlot[j], nil) }
                            acked = sent
                        }
                        return acked < sent
                    }
                } catch {
                    let note = error.errno == ENOBUFS
                        ? "the ack was lost (receive buffer overflow); the write may have been applied, re-read the table"
                        : error.errno == EPROTO
                        ? "\(error.text); the write may have been applied, re-read the table"
                        : error.text
                    failAll(NetlinkFailure(errno: error.errno, message: note))
                    return
                }
            }
        }

        // Sequence numbers stay contiguous within a batch: a number is used up only by an encoded request.
        var seq = takeSequence()
        for i in 0..<count {
            let cur = mnl_nlmsg_batch_current(b)!
            guard encode(i, cur, seq) else { continue }
            defer { seq = takeSequence() }
            if pending == 0 { firstSeq = seq }
            if mnl_nlmsg_batch_next(b) {
                indexOfSlot[pending] = i
                pending += 1
                if pending >= maxAcks {
                    flush(upTo: pending)
                    mnl_nlmsg_batch_reset(b)
                    pending = 0
                }
            } else {
                // The batch is full and message i overflowed: send the rest, then it opens the next batch.
                flush(upTo: pending)
                mnl_nlmsg_batch_reset(b)
                pending = 1
                firstSeq = seq
                indexOfSlot[0] = i
            }
        }
        flush(upTo: pending)
    }
}
