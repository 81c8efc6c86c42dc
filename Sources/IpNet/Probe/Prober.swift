internal import CNetlink
internal import Glibc
import IpNetCore

/// Sends the probes of `neighsync verify` from raw packet sockets and collects the answers: one AF_PACKET socket per
/// interface and family, bound to that interface and filtered in the kernel to ARP replies / neighbor
/// advertisements, created inside the target namespace (`NamespaceThread`); all probes go out paced at `rate` per
/// second, then the sockets are read until `window` after the last one. Nothing here writes the neighbor table,
/// and the frames are not IP traffic the kernel would resolve neighbors for: the table of the namespace stays as it
/// was. The count of probes and the time are bounded by the caller (`requests.count / rate + window`), the answers
/// kept by `maxAnswers`. C equivalent: `socket(AF_PACKET, SOCK_RAW)` + `bind(sockaddr_ll)` + `sendto` + `poll`;
/// tools: `arping`, `ndisc6`.
public enum Prober {
    /// Probes `requests` in the namespace `namespace` (a name under /run/netns, nil for the caller's own). Throws
    /// `accessDenied` (CAP_NET_RAW missing) or `notFound` (no such namespace) before any frame is sent; a request
    /// that cannot be sent (its interface vanished, went down) is recorded in `unsent`, the others still go out.
    /// `stop` is asked between sends and at least every 100 ms while listening: when it says true (watch mode got
    /// SIGTERM) the run ends early with what it has, marked `interrupted` (not a result to record).
    public static func probe(_ requests: [ProbeRequest], namespace: String?, rate: Int, window: Duration,
                             maxAnswers: Int, stop: () -> Bool = { false }) throws(IpNetError) -> ProbeCapture {
        let path: String? = try namespace.map { name throws(IpNetError) in try NamespaceName.path(name) }
        var keys: [SocketKey] = []
        var seen = Set<SocketKey>()
        for r in requests {
            let k = SocketKey(interfaceIndex: r.interfaceIndex, etherType: r.target.family == .ipv4
                                ? ProbeFrame.etherTypeARP : ProbeFrame.etherTypeIPv6)
            if seen.insert(k).inserted { keys.append(k) }
        }
        let opened = try inNamespace(path, description: namespace) { openAll(keys) }
        var sockets: [SocketKey: PacketSocket] = [:]
        var capture = ProbeCapture()
        var failedToOpen: [SocketKey: IpNetError] = [:]
        for (k, result) in opened {
            switch result {
            case .success(let s):
                sockets[k] = s
                capture.localAddresses[k.interfaceIndex] = s.hardwareAddress
            case .failure(let e):
                if case .accessDenied = e {
                    throw .accessDenied("sending ARP/ND probes needs CAP_NET_RAW (a raw packet socket on interface "
                                        + "index \(k.interfaceIndex) was refused); run as root, or grant the "
                                        + "capability (systemd: AmbientCapabilities=CAP_NET_RAW)")
                }
                failedToOpen[k] = e
            }
        }
        var loop = Loop(sockets: Array(sockets.values), maxAnswers: maxAnswers)
        let interval = rate > 0 ? 1_000_000_000 / Int64(rate) : 0
        var next = Loop.now()
        for (i, r) in requests.enumerated() {
            if stop() {
                capture.interrupted = true
                capture.unsent[i] = .notSupported("stopped before this probe was sent")
                continue
            }
            let k = SocketKey(interfaceIndex: r.interfaceIndex, etherType: r.target.family == .ipv4
                                ? ProbeFrame.etherTypeARP : ProbeFrame.etherTypeIPv6)
            guard let socket = sockets[k] else {
                capture.unsent[i] = failedToOpen[k] ?? .notFound("no socket for interface index \(r.interfaceIndex)")
                continue
            }
            loop.receive(until: next, into: &capture, stop: stop)
            guard let frame = r.frame(from: socket.hardwareAddress) else {
                capture.unsent[i] = .invalidParameter(.other("interface index \(r.interfaceIndex) has no Ethernet "
                                                             + "address to send a probe from"))
                continue
            }
            if let e = socket.send(frame, etherType: k.etherType) {
                capture.unsent[i] = e
            } else {
                capture.sent += 1
            }
            next = max(next + interval, Loop.now() - interval)
        }
        loop.receive(until: Loop.now() + nanoseconds(window), into: &capture, stop: stop)
        return capture
    }

    private static func nanoseconds(_ d: Duration) -> Int64 {
        let (s, a) = d.components
        return s * 1_000_000_000 + a / 1_000_000_000
    }

    /// One socket per interface and EtherType.
    struct SocketKey: Hashable {
        var interfaceIndex: UInt32
        var etherType: UInt16
    }

    /// Runs `body` on a `NamespaceThread` inside the namespace at `path` (`description`: the name the user gave), or
    /// right here when `path` is nil. Throws `notFound` when the namespace does not exist, `accessDenied` when it
    /// cannot be entered.
    private static func inNamespace<T>(_ path: String?, description: String?,
                                       _ body: () -> T) throws(IpNetError) -> T {
        guard let path else { return body() }
        let shown = DisplayText.escaped(description ?? path)
        switch NamespaceThread.run(in: path, body) {
        case .success(let result): return result
        case .failure(.open(ENOENT)):
            throw .notFound("no network namespace '\(shown)' (\(DisplayText.escaped(path)) does not exist); create it "
                            + "with 'ip netns add NAME' or check the name with 'ip netns list'")
        case .failure(.open(let e)):
            throw KernelErrorTranslator.error(NetlinkFailure(errno: e, message: nil),
                                              doing: "cannot open network namespace " + shown)
        case .failure(.enter(let e)):
            throw KernelErrorTranslator.error(NetlinkFailure(errno: e, message: nil),
                                              doing: "cannot enter network namespace " + shown)
        case .failure(.start):
            throw .notSupported("cannot start a thread to enter network namespace \(DisplayText.escaped(path))")
        }
    }

    /// Runs inside the namespace: opens every socket (in order).
    private static func openAll(_ keys: [SocketKey]) -> [(SocketKey, Result<PacketSocket, IpNetError>)] {
        keys.map { k in (k, Result { () throws(IpNetError) in try PacketSocket(interfaceIndex: k.interfaceIndex,
                                                                              etherType: k.etherType) }) }
    }

    /// The receive side: polls every socket until a deadline and decodes what arrives.
    private struct Loop {
        let sockets: [PacketSocket]
        let maxAnswers: Int
        var buffer = [UInt8](repeating: 0, count: 4096)

        init(sockets: [PacketSocket], maxAnswers: Int) {
            self.sockets = sockets
            self.maxAnswers = maxAnswers
        }

        static func now() -> Int64 {
            var t = timespec()
            clock_gettime(CLOCK_MONOTONIC, &t)
            return Int64(t.tv_sec) * 1_000_000_000 + Int64(t.tv_nsec)
        }

        /// Reads every socket until `deadline` (monotonic nanoseconds); returns at once when it has passed, after
        /// one non-blocking read of each socket.
        mutating func receive(until deadline: Int64, into capture: inout ProbeCapture, stop: () -> Bool) {
            var fds = sockets.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
            while true {
                drain(&capture)
                let left = deadline - Self.now()
                if left <= 0 { return }
                if stop() {
                    capture.interrupted = true
                    return
                }
                for i in fds.indices { fds[i].revents = 0 }
                let ms = Int32(min((left + 999_999) / 1_000_000, 100))
                let n = poll(&fds, nfds_t(fds.count), ms)
                if n < 0 && errno != EINTR { return }
            }
        }

        /// Reads what is queued on every socket, without blocking.
        mutating func drain(_ capture: inout ProbeCapture) {
            for s in sockets {
                // At most 1,024 frames per socket per call, so a flood cannot hold the sender up for long.
                for _ in 0..<1024 {
                    guard let frame = s.receive(&buffer) else { break }
                    guard let answer = ProbeAnswer.decode(frame: frame.bytes, packetType: frame.packetType,
                                                          vlanTagged: frame.vlanTagged) else { continue }
                    if capture.received.count < maxAnswers {
                        capture.received.append(.init(interfaceIndex: s.interfaceIndex, answer: answer))
                    } else {
                        capture.dropped += 1
                    }
                }
            }
        }
    }
}
