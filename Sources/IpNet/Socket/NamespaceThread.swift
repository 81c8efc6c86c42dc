internal import CNetlink
internal import Glibc

/// The one way IpNet works inside another network namespace: a fresh OS thread opens the namespace at a path
/// (`/run/netns/NAME`), enters it with `setns(2)`, runs a closure there and ends, while the caller's thread never
/// changes namespace. Sockets made on it (`NetlinkSocket.open(namespacePath:)`, the probe sockets of
/// `neighsync verify`) stay in that namespace for good; files opened on it under `/proc/sys/net` are that
/// namespace's (`NamespaceSysctl`). Each caller words the failure in its own terms (`EntryFailure` says which step
/// failed and its errno). C equivalent: `pthread_create` + `setns(open(path), CLONE_NEWNET)` + `pthread_join`;
/// iproute2: `ip -n NAME` / `ip netns exec NAME …` (`netns_switch()`), which move the whole process instead.
///
/// Why a raw `pthread_create` and not a Dispatch queue, a `Thread` or a Swift-concurrency task: `setns(2)` moves the
/// calling OS thread only, and a pooled thread would go back to its pool still inside the foreign namespace, to run
/// unrelated work there (should a way back even be attempted and fail); this thread is made for one closure and
/// ends with it, so it never has to go back. The price is the one step the compiler cannot check: the closure and
/// its result cross to the thread through `pthread_create`'s untyped argument (`Unmanaged`, retained by the caller
/// and released by the thread), and the caller reads the result only after `pthread_join`, which orders the two
/// threads' accesses. No `@unchecked Sendable` or `nonisolated(unsafe)` is needed: nothing crosses as a Swift value.
enum NamespaceThread {
    /// Which step stopped the closure from running in the namespace, with the error number of that step.
    enum EntryFailure: Error, Equatable {
        /// No thread could be made (`pthread_create` returned this error number).
        case start(Int32)
        /// The namespace file could not be opened (`open(path)`: ENOENT when there is no such namespace).
        case open(Int32)
        /// The namespace could not be entered (`setns`: EPERM without CAP_SYS_ADMIN, EINVAL when the file is not a
        /// network namespace).
        case enter(Int32)
    }

    /// Runs `body` on a new OS thread inside the network namespace at `path` and returns its result, or the step
    /// that failed before `body` could run. Blocks until the thread has ended.
    static func run<T>(in path: String, _ body: () -> T) -> Result<T, EntryFailure> {
        var outcome: Result<T, EntryFailure>?
        let started = withoutActuallyEscaping(body) { body in
            onDedicatedThread {
                let target = open(path, O_RDONLY | O_CLOEXEC)
                guard target >= 0 else {
                    outcome = .failure(.open(errno))
                    return
                }
                defer { close(target) }
                guard neighsync_setns_net(target) == 0 else {
                    outcome = .failure(.enter(errno))
                    return
                }
                // The thread ends right after `body`: it never goes back.
                outcome = .success(body())
            }
        }
        if started != 0 { return .failure(.start(started)) }
        return outcome!
    }

    /// Runs `work` on a new OS thread and waits for it to end; returns 0, or `pthread_create`'s error number when
    /// no thread could be made (then `work` did not run).
    private static func onDedicatedThread(_ work: @escaping () -> Void) -> Int32 {
        /// What crosses to the thread: retained here, released by the thread (or here when it could not start).
        final class Start {
            let work: () -> Void
            init(_ work: @escaping () -> Void) { self.work = work }
        }
        let entry: @convention(c) (UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? = { raw in
            Unmanaged<Start>.fromOpaque(raw!).takeRetainedValue().work()
            return nil
        }
        var thread = pthread_t()
        let start = Unmanaged.passRetained(Start(work)).toOpaque()
        let rc = pthread_create(&thread, nil, entry, start)
        guard rc == 0 else {
            Unmanaged<Start>.fromOpaque(start).release()
            return rc
        }
        pthread_join(thread, nil)
        return 0
    }
}
