import Dispatch
import IpNet
import Synchronization

/// Maps `count` independent items on a small pool of threads and hands the results back strictly in item order, a
/// window at a time, so output is the same whatever the scheduling and at most `window` results are held at once
/// (`plan --hosts`: 500 hosts' plan texts never all sit in memory). The threads are Dispatch's, the caller's own
/// thread being one of the workers. C equivalent: `dispatch_apply` per window over an atomic index.
public enum OrderedParallelMap {
    /// Runs `work(i)` for every `i` in `0..<count` on `workers` threads (at least 1), then `emit(i, result)` on the
    /// caller's thread in increasing `i`, after each window of `window` items.
    public static func run<T: Sendable>(count: Int, workers: Int, window: Int = 32,
                                        work: @escaping @Sendable (Int) -> T, emit: (Int, consuming T) -> Void) {
        var start = 0
        let window = max(1, window)
        while start < count {
            let first = start, end = min(count, start + window)
            let slots = Mutex<[T?]>(Array(repeating: nil, count: end - start))
            let next = Atomic<Int>(first)
            // Each worker takes the next unclaimed index until the window is used up and stores its result in that
            // index's slot; `concurrentPerform` returns once every worker is done.
            DispatchQueue.concurrentPerform(iterations: max(1, min(workers, end - start))) { _ in
                while true {
                    let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard i < end else { return }
                    let value = work(i)
                    slots.withLock { $0[i - first] = value }
                }
            }
            let results = slots.withLock { s in
                defer { s = [] }
                return s
            }
            for (k, value) in results.enumerated() { emit(first + k, value!) }
            start = end
        }
    }
}
