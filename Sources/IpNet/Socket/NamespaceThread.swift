internal import CNetlink
internal import Glibc
import IpNetCore

/// Runs a closure on a fresh thread that has entered the network namespace at a path (`/run/netns/NAME`), so that
/// sockets it creates live there for good, while the caller's thread never changes namespace. Used by the probe
/// sockets of `neighsync verify`; `NetlinkSocket.open(namespacePath:)` does the same for netlink. C equivalent:
/// `pthread_create` + `setns(open(path), CLONE_NEWNET)`; iproute2: `ip netns exec NAME …` (which moves the whole
/// process).
enum NamespaceThread {
    /// Runs `body` inside the namespace at `path` (or right here when `path` is nil) and returns its result.
    /// Throws `notFound` when the namespace does not exist, `accessDenied` when it cannot be entered.
    static func run<T>(in path: String?, description: String?, _ body: @escaping () -> T) throws(IpNetError) -> T {
        guard let path else { return body() }
        let box = NamespaceThreadBox(path: path, body: body)
        let shared = box
        // A raw pthread, not a Dispatch or Swift-concurrency worker: setns(2) moves the calling OS thread only, and
        // a pooled thread would go back to the pool inside the namespace; this one ends with `body`.
        let entry: @convention(c) (UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? = { raw in
            Unmanaged<NamespaceThreadStart>.fromOpaque(raw!).takeRetainedValue().work()
            return nil
        }
        var thread = pthread_t()
        let start = Unmanaged.passRetained(NamespaceThreadStart {
            shared.result = enter(shared.path, description ?? shared.path, shared.body)
        }).toOpaque()
        guard pthread_create(&thread, nil, entry, start) == 0 else {
            Unmanaged<NamespaceThreadStart>.fromOpaque(start).release()
            throw .notSupported("cannot start a thread to enter network namespace \(DisplayText.escaped(path))")
        }
        pthread_join(thread, nil)
        return try box.result!.get()
    }

    private static func enter<T>(_ path: String, _ description: String, _ body: () -> T) -> Result<T, IpNetError> {
        let target = open(path, O_RDONLY | O_CLOEXEC)
        guard target >= 0 else {
            let e = errno
            if e == ENOENT {
                return .failure(.notFound("no network namespace '\(DisplayText.escaped(description))' "
                                          + "(\(DisplayText.escaped(path)) does not exist); create it with "
                                          + "'ip netns add NAME' or check the name with 'ip netns list'"))
            }
            return .failure(KernelErrorTranslator.error(NetlinkFailure(errno: e, message: nil),
                                                        doing: "cannot open network namespace "
                                                            + DisplayText.escaped(description)))
        }
        defer { close(target) }
        guard neighsync_setns_net(target) == 0 else {
            return .failure(KernelErrorTranslator.error(NetlinkFailure(errno: errno, message: nil),
                                                        doing: "cannot enter network namespace "
                                                            + DisplayText.escaped(description)))
        }
        // The thread ends right after `body`: it never has to go back.
        return .success(body())
    }
}

/// What the namespace thread hands back: written by the worker thread only, read after the join (the join orders
/// the accesses, hence `@unchecked Sendable`).
private final class NamespaceThreadBox<T>: @unchecked Sendable {
    var result: Result<T, IpNetError>?
    let path: String
    let body: () -> T
    init(path: String, body: @escaping () -> T) {
        self.path = path
        self.body = body
    }
}

/// The closure handed to the namespace thread through `pthread_create`'s argument.
private final class NamespaceThreadStart {
    let work: () -> Void
    init(_ work: @escaping () -> Void) { self.work = work }
}
