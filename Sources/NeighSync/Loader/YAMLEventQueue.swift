import Dispatch
import Synchronization

/// The hand-over between the thread libyaml runs on and `YAMLEventReader.next()`: a bounded queue of event batches.
/// The libyaml thread waits while `capacity` batches are unread (memory stays bounded whatever the file), the reader
/// waits while none is; `cancel()` (the reader is going) lets a waiting libyaml thread go and makes it stop. C
/// equivalent: a bounded producer/consumer queue on a mutex and two counting semaphores.
final class YAMLEventQueue: Sendable {
    /// Batches that may wait unread.
    static let capacity = 8

    private struct State {
        var batches: [YAMLEventBatch] = []
        var cancelled = false
    }

    private let state = Mutex(State())
    /// Counts published batches. Both semaphores start at 0 (libdispatch refuses to free one whose count is below
    /// its initial value, which a queue left with unread batches would be); `space` is raised to `capacity` here.
    private let available = DispatchSemaphore(value: 0)
    private let space = DispatchSemaphore(value: 0)

    init() {
        for _ in 0..<Self.capacity { space.signal() }
    }

    /// Publishes `batch`, waiting for room; false when the reader has cancelled (the libyaml thread then stops).
    func put(_ batch: YAMLEventBatch) -> Bool {
        space.wait()
        let published = state.withLock { s -> Bool in
            if s.cancelled { return false }
            s.batches.append(batch)
            return true
        }
        if published { available.signal() }
        return published
    }

    /// The oldest unread batch, waiting for one.
    func take() -> YAMLEventBatch {
        available.wait()
        let b = state.withLock { $0.batches.removeFirst() }
        space.signal()
        return b
    }

    /// The reader is going: a libyaml thread waiting for room wakes and stops, one still parsing stops at its next
    /// `put`.
    func cancel() {
        state.withLock { $0.cancelled = true }
        space.signal()
    }
}
