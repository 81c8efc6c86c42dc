internal import Glibc

/// Runs one closure on its own POSIX thread while the caller does something else, then hands back its result.
/// neighsync uses it to read the kernel table while the YAML file is parsed, and to send the second half of a large
/// batch over a second socket, so work overlaps on a 2-core machine. The closure's captures are handed over, not
/// shared: the caller must not touch them until `wait()` returns. netlink equivalent: none; iproute2 does one
/// thing at a time.
public final class BackgroundWork<T>: @unchecked Sendable {
    private let box = ResultBox()
    private let thread: PosixThread?

    /// Holds the result across threads (written once by the worker, read after the join).
    private final class ResultBox: @unchecked Sendable {
        var value: Result<T, Error>?
    }

    /// Starts `body` on a new thread (or runs it right here when no thread can be made).
    public init(_ body: @escaping () throws -> T) {
        let box = self.box
        nonisolated(unsafe) let work = body
        thread = PosixThread { box.value = Result { try work() } }
        if thread == nil { box.value = Result { try body() } }
    }

    /// Waits for the thread and returns its value or rethrows its error.
    public func wait() throws -> T {
        thread?.join()
        return try box.value!.get()
    }
}

/// A joinable POSIX thread running one closure; the thin layer over `pthread_create`/`pthread_join`. C equivalent:
/// `pthread_create(&t, &attr, entry, arg)` then `pthread_join(t, NULL)`.
final class PosixThread: @unchecked Sendable {
    private var handle = pthread_t()
    private var joined = false

    /// The closure handed to the new thread.
    private final class Start {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    /// Starts the thread with an 8 MiB stack; nil when the system refuses.
    init?(_ run: @escaping () -> Void) {
        var attr = pthread_attr_t()
        pthread_attr_init(&attr)
        defer { pthread_attr_destroy(&attr) }
        pthread_attr_setstacksize(&attr, 8 << 20)
        let start = Unmanaged.passRetained(Start(run)).toOpaque()
        guard pthread_create(&handle, &attr, posixThreadEntry, start) == 0 else {
            Unmanaged<Start>.fromOpaque(start).release()
            return nil
        }
    }

    /// Waits for the thread to finish (once).
    func join() {
        guard !joined else { return }
        pthread_join(handle, nil)
        joined = true
    }

    deinit { join() }

    /// Runs and releases a `Start` (the C entry point's body).
    static func enter(_ raw: UnsafeMutableRawPointer) {
        Unmanaged<Start>.fromOpaque(raw).takeRetainedValue().run()
    }
}

/// The C entry point of every `PosixThread`.
private func posixThreadEntry(_ raw: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    PosixThread.enter(raw!)
    return nil
}
