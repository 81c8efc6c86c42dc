internal import Glibc
import IpNetCore
import Synchronization

/// A listener for neighbor-table changes in one network namespace: a NETLINK_ROUTE socket (opened inside the
/// namespace the way `NeighborTable` opens its own, without moving the caller) joined to the neighbor, link and
/// IPv4/IPv6 address multicast groups, with a 32 MiB receive buffer. `next(timeout:)` waits with `poll(2)` and returns
/// the decoded events; it returns early and empty on a signal (EINTR) or when another thread calls `wake()`, so a
/// watch loop can check its flags. `next(timeout:)` takes the socket's lock (one waiter at a time); `wake()` needs
/// no lock and may be called from any thread while another waits. Windows equivalent:
/// `NotifyIpInterfaceChange` + `NotifyUnicastIpAddressChange` (there is no neighbor notification there); netlink:
/// `NETLINK_ADD_MEMBERSHIP` of RTNLGRP_NEIGH, RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR,
/// RTNLGRP_IPV4_ROUTE (only local-table routes are decoded); iproute2: `ip monitor neigh link address route`.
public final class NeighborEventSocket: Sendable {
    private let socket: Mutex<NetlinkSocket>
    private let waker: WakePipe
    /// The namespace listened to, for messages: "NAME", a path, or nil for the caller's own.
    public let namespaceDescription: String?
    /// The namespace the socket lives in (nil when /proc is not mounted); see `NeighborTable.namespaceIdentity`.
    public let namespaceIdentity: NamespaceIdentity?

    /// Listens in the caller's namespace (`nil`) or in `/run/netns/NAME`. Throws `notFound` for a namespace that does
    /// not exist, `invalidParameter` for a NAME with a slash. Netlink equivalent: `socket(AF_NETLINK, SOCK_RAW,
    /// NETLINK_ROUTE)` + `bind(nl_groups)` (after `setns(CLONE_NEWNET)` on a helper thread); iproute2:
    /// `ip -n NAME monitor neigh link address`.
    public convenience init(namespace: String? = nil) throws {
        if let namespace {
            try self.init(path: try NamespaceName.path(namespace), description: namespace)
        } else {
            try self.init(path: nil, description: nil)
        }
    }

    /// Listens in the namespace whose handle is the file at `namespacePath` (`/run/netns/NAME`, `/proc/PID/ns/net`).
    /// Netlink equivalent: `setns(open(path), CLONE_NEWNET)` around `socket()`; iproute2: `nsenter --net=PATH ip
    /// monitor`.
    public convenience init(namespacePath: String) throws {
        try self.init(path: namespacePath, description: namespacePath)
    }

    private init(path: String?, description: String?) throws {
        namespaceDescription = description
        do throws(NetlinkFailure) {
            let opened: NetlinkSocket
            if let path {
                opened = try NetlinkSocket.open(namespacePath: path)
            } else {
                opened = try NetlinkSocket()
            }
            for g in [NetlinkConstants.groupNeigh, NetlinkConstants.groupLink, NetlinkConstants.groupIpv4Address,
                      NetlinkConstants.groupIpv6Address, NetlinkConstants.groupIpv4Route] {
                try opened.join(group: g)
            }
            waker = try WakePipe()
            namespaceIdentity = opened.namespace
            socket = Mutex(opened)
        } catch {
            let f = error
            // Names go into one-line messages and logs: escaped, so a newline cannot forge a second line.
            let place = description.map { "network namespace \(DisplayText.escaped($0))" } ?? "this network namespace"
            if f.errno == ENOENT, let path {
                throw IpNetError.notFound("no network namespace '\(DisplayText.escaped(description ?? path))' "
                                          + "(\(DisplayText.escaped(path)) does not exist); "
                                          + "create it with 'ip netns add NAME'")
            }
            throw KernelErrorTranslator.error(f, doing: "cannot listen for neighbor events in \(place)")
        }
    }

    /// Waits up to `timeout` for notifications and returns the events decoded from everything waiting, in the
    /// kernel's order. Returns an empty array when the timeout passed, a signal interrupted the wait, or `wake()`
    /// was called. When the kernel dropped notifications (ENOBUFS) the result ends with `.overrun`. Messages of
    /// other kinds are skipped. Netlink equivalent: `poll()` + `recvmsg()` on the multicast socket; iproute2: one
    /// turn of `rtnl_listen()`.
    public func next(timeout: Duration) throws -> [NeighborEvent] {
        let c = timeout.components
        let ms = max(0, min(Int64(Int32.max), c.seconds * 1000 + (c.attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000))
        do throws(NetlinkFailure) {
            return try socket.withLock { (socket) throws(NetlinkFailure) -> [NeighborEvent] in
                let wait = try socket.waitForInput(timeoutMilliseconds: Int32(ms),
                                                   wakeDescriptor: waker.readDescriptor)
                switch wait {
                case .timedOut, .interrupted:
                    return []
                case .woken:
                    waker.drain()
                    return []
                case .readable:
                    break
                }
                var events: [NeighborEvent] = []
                do throws(NetlinkFailure) {
                    try socket.drainNotifications { m in
                        if let e = NeighborEventSocket.decode(m) { events.append(e) }
                    }
                } catch where error.errno == ENOBUFS {
                    events.append(.overrun)
                }
                return events
            }
        } catch {
            let f = error
            throw KernelErrorTranslator.error(f, doing: "cannot read neighbor events")
        }
    }

    /// Makes a `next(timeout:)` in progress (or the next one) return at once with no events. Safe from any thread
    /// and cheap. (A signal needs no wake-up: it interrupts the `poll` with EINTR.) Equivalent: a write to a
    /// self-pipe.
    public func wake() {
        waker.signal()
    }

    /// Decodes one notification, or nil for kinds the neighbor table does not care about. Pure. Netlink
    /// equivalent: the `switch (n->nlmsg_type)` of iproute2's `accept_msg()` in ip/ipmonitor.c.
    static func decode(_ m: NetlinkMessage) -> NeighborEvent? {
        switch m.type {
        case NetlinkConstants.newNeigh:
            return NeighborMessageCodec.decode(m).map { .neighborChanged($0) }
        case NetlinkConstants.delNeigh:
            return NeighborMessageCodec.decodeNotification(m).map { .neighborDeleted($0) }
        case NetlinkConstants.newLink:
            return LinkMessageCodec.decode(m).map { .linkChanged($0) }
        case NetlinkConstants.delLink:
            // struct ifinfomsg: family, pad, type (u16), index (i32) at offset 4.
            guard m.payload.count >= NetlinkConstants.ifinfomsgSize else { return nil }
            return .linkDeleted(interfaceIndex: UInt32(bitPattern: m.payload.loadUnaligned(fromByteOffset: 4,
                                                                                           as: Int32.self)))
        case NetlinkConstants.newAddr, NetlinkConstants.delAddr:
            // struct ifaddrmsg: family, prefixlen, flags, scope (u8 each), index (u32) at offset 4.
            guard m.payload.count >= 8 else { return nil }
            return .addressChanged(interfaceIndex: m.payload.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
        case NetlinkConstants.newRoute, NetlinkConstants.delRoute:
            // Routes of other tables (main, policy routing) never change how a neighbor entry is typed.
            return RouteMessageCodec.decodeLocal(m).map { _ in .localRouteChanged }
        default:
            return nil
        }
    }

    /// Decodes every notification of a captured datagram (for tests and fixtures).
    static func decodeAll(_ bytes: [UInt8]) -> [NeighborEvent] {
        bytes.withUnsafeBytes { raw in
            var events: [NeighborEvent] = []
            NetlinkMessage.forEach(in: raw) { m in
                if let e = decode(m) { events.append(e) }
                return true
            }
            return events
        }
    }
}
