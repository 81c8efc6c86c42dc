import Dispatch
import FoundationEssentials
import Glibc

/// The signals a long-running neighsync reacts to, turned into flags a loop polls between passes: SIGHUP asks for a
/// reload, SIGTERM and SIGINT for a clean stop. Each signal's default action is replaced by SIG_IGN first (so it can
/// never kill the process in the middle of a batch), then a Dispatch signal source records it and calls `onSignal`
/// (which wakes the loop's `poll`). Only one instance should exist per process; `cancel()` restores the defaults.
/// Equivalent: `signal(SIGHUP, SIG_IGN)` + `DISPATCH_SOURCE_TYPE_SIGNAL`; systemd: `ExecReload=kill -HUP $MAINPID`
/// and `KillSignal=SIGTERM` are what send them.
public final class SignalFlags: @unchecked Sendable {
    private let lock = PosixLock()
    private var reloads = 0
    private var stopSignal: Int32 = 0
    private var sources: [DispatchSourceSignal] = []
    private let queue = DispatchQueue(label: "neighsync.signals")
    private static let handled: [Int32] = [SIGHUP, SIGTERM, SIGINT]

    /// Starts listening; `onSignal` runs on a private queue after each flag is set. Equivalent: see the type.
    public init(onSignal: @escaping @Sendable () -> Void) {
        for sig in Self.handled {
            signal(sig, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            s.setEventHandler { [weak self] in
                guard let self else { return }
                self.lock.lock()
                if sig == SIGHUP { self.reloads += 1 } else if self.stopSignal == 0 { self.stopSignal = sig }
                self.lock.unlock()
                onSignal()
            }
            s.resume()
            sources.append(s)
        }
    }

    /// True once when one or more SIGHUPs arrived since the last call.
    public func takeReload() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        let r = reloads > 0
        reloads = 0
        return r
    }

    /// The first SIGTERM/SIGINT received (its name, `TERM` or `INT`), or nil while none arrived.
    public var stopRequested: String? {
        lock.lock()
        defer { lock.unlock() }
        switch stopSignal {
        case SIGTERM: return "TERM"
        case SIGINT: return "INT"
        default: return nil
        }
    }

    /// Stops listening and restores each signal's default action.
    public func cancel() {
        for s in sources { s.cancel() }
        sources = []
        for sig in Self.handled { signal(sig, SIG_DFL) }
    }
}
