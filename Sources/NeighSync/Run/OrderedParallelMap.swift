import IpNet
import Synchronization

/// Maps `count` independent items on a small pool of threads and hands the results back strictly in item order, a
/// window at a time, so output is the same whatever the scheduling and at most `window` results are held at once
/// (`plan --hosts`: 500 hosts' plan texts never all sit in memory). Threads are `BackgroundWork` POSIX threads, the
/// caller's own thread being one of the workers. C equivalent: a pthread pool over an atomic index; Dispatch's
/// `concurrentPerform` per window.
public enum OrderedParallelMap {
    /// Runs `work(i)` for every `i` in `0..<count` on `workers` threads (at least 1), then `emit(i, result)` on the
    /// caller's thread in increasing `i`, after each window of `window` items.
    public static func run<T>(count: Int, workers: Int, window: Int = 32,
                              work: @escaping @Sendable (Int) -> T, emit: (Int, consuming T) -> Void) {
        var start = 0
        let window = max(1, window)
        while start < count {
            let first = start, end = min(count, start + window)
            let slots = Slots<T>(end - start)
            let next = Atomic<Int>(first)
            // Each worker takes the next unclaimed index until the window is used up; each slot is written by
            // exactly the one thread that claimed its index, and read only after every worker has been joined.
            let drain: @Sendable () -> Void = {
                while true {
                    let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard i < end else { return }
                    slots.store(i - first, work(i))
                }
            }
            let helpers = (0..<max(0, min(workers, end - start) - 1)).map { _ in BackgroundWork { drain() } }
            drain()
            for h in helpers { try? h.wait() }
            for i in start..<end { emit(i, slots.take(i - start)) }
            start = end
        }
    }

    /// The results of one window. `@unchecked Sendable`: each slot is written by one thread (the one that claimed the
    /// index from the atomic counter) and read by the caller only after `BackgroundWork.wait()` joined every writer,
    /// a happens-before edge (`pthread_join`).
    final class Slots<T>: @unchecked Sendable {
        private let values: UnsafeMutablePointer<T?>
        private let n: Int
        init(_ n: Int) {
            self.n = n
            values = .allocate(capacity: n)
            values.initialize(repeating: nil, count: n)
        }
        deinit {
            values.deinitialize(count: n)
            values.deallocate()
        }
        /// Written through the raw pointer: no Swift access to a shared property, so no exclusivity conflict.
        func store(_ i: Int, _ v: T) { values[i] = v }
        func take(_ i: Int) -> T { values[i].take()! }
    }
}
