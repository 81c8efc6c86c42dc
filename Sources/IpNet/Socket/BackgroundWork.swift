import Dispatch
import Synchronization

/// Runs one closure on a Dispatch worker thread while the caller does something else, then hands back its result.
/// neighsync uses it to parse the desired-state file while the kernel table is read, to parse the files of a `-f`
/// directory two at a time, and to render the text of an apply while the kernel does the writes, so work overlaps on
/// a 2-core machine. The closure is `@Sendable` and the result `Sendable`, so the compiler checks that the two
/// threads share nothing they could race on; the result is moved to the caller, never copied. C equivalent:
/// `dispatch_group_async` + `dispatch_group_wait`.
public final class BackgroundWork<T: Sendable>: Sendable {
    /// The result, stored once by the worker and taken once by `wait()`.
    private let result = Mutex<Result<T, any Error>?>(nil)
    private let done = DispatchGroup()

    /// Starts `body` on a serial queue of its own. libdispatch runs a serial queue on an overcommit thread, one not
    /// counted against the number of CPUs: a work that waits for others (the directory loader, itself started on
    /// a second thread by `Reconciliation.gather`, waits for its two file parses) never keeps them from starting,
    /// as it would in the CPU-wide pool of `DispatchQueue.global()`.
    public init(_ body: @escaping @Sendable () throws -> T) {
        done.enter()
        DispatchQueue(label: "neighsync.background-work").async { [self] in
            // Moved, not copied, into the mutex: a copy left in this block until it returns would still hold the
            // result when `wait()` takes it (a 100,000-row result would be freed late, and not by the caller).
            var value: Result<T, any Error>? = Result { try body() }
            result.withLock { $0 = value.take() }
            done.leave()
        }
    }

    /// Waits for the closure to finish and returns its value or rethrows its error. Call it once: the value is
    /// handed over, so the worker keeps no reference to it (a 100,000-row result is freed with the caller's copy).
    public func wait() throws -> T {
        done.wait()
        guard let value = result.withLock({ $0.take() }) else {
            preconditionFailure("BackgroundWork.wait() called twice")
        }
        return try value.get()
    }
}
