import FoundationEssentials
import Synchronization

/// Phase timings for performance work: with `NEIGHSYNC_PHASES=1` in the environment, each `mark` prints the
/// seconds since the previous mark to stderr (`phase load+read 0.112 s`). Off by default; costs one check.
enum Phases {
    /// When the previous mark (or `start`) was made.
    static let last = Mutex(ContinuousClock.now)
    static let enabled = ProcessInfo.processInfo.environment["NEIGHSYNC_PHASES"] == "1"

    /// Starts the clock (the first `mark` measures from here).
    static func start() { last.withLock { $0 = ContinuousClock.now } }

    /// Prints the time spent since the previous mark (or `start`) under `name`.
    static func mark(_ name: String) {
        guard enabled else { return }
        let now = ContinuousClock.now
        let c = last.withLock { last in
            defer { last = now }
            return (now - last).components
        }
        let s = Double(c.seconds) + Double(c.attoseconds) / 1e18
        Console.err("phase \(name) \((s * 1000).rounded() / 1000) s")
    }
}
