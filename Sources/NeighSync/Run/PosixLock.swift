import Glibc

/// A mutex for the few values shared between a signal queue, a watch loop and a logger (the thin layer over
/// `pthread_mutex_t`, so the library needs only FoundationEssentials). Same calls as NSLock: `lock()`, `unlock()`.
/// C equivalent: `pthread_mutex_lock` / `pthread_mutex_unlock`.
final class PosixLock: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    init() { pthread_mutex_init(mutex, nil) }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }
}
