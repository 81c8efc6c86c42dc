import Foundation

/// Runs one closure on its own thread while the caller does something else, then hands back its result: used to
/// read the kernel table (links and neighbor dump) while the YAML file is being parsed, so the two overlap on a
/// 2-core machine. The closure's captures are handed over, not shared: the caller must not touch them until
/// `wait()` returns. iproute2 equivalent: none (`ip` does one thing at a time).
final class BackgroundWork<T>: @unchecked Sendable {
    private var result: Result<T, Error>?
    private let done = DispatchSemaphore(value: 0)

    /// Starts `body` on a new thread.
    init(_ body: @escaping () throws -> T) {
        nonisolated(unsafe) let work = body
        let thread = Thread { [self] in
            result = Result { try work() }
            done.signal()
        }
        thread.stackSize = 1 << 22
        thread.start()
    }

    /// Waits for the thread and returns its value or rethrows its error.
    func wait() throws -> T {
        done.wait()
        return try result!.get()
    }
}
