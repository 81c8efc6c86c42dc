import Glibc
import Synchronization

/// The signals a long-running neighsync reacts to, turned into flags a loop polls between passes: SIGHUP asks for a
/// reload, SIGTERM and SIGINT for a clean stop. A `sigaction(2)` handler (no `SA_RESTART`, so a blocking `poll`
/// returns EINTR) only sets lock-free atomics, which is async-signal-safe; the loop reads them at least once a
/// second. The handler replaces the default action in one step: there is no moment where a signal is ignored and
/// lost (the earlier `signal(SIG_IGN)` + Dispatch source lost a SIGTERM sent right after start, because libdispatch
/// installs its own handler later, on another thread, and never removes it). Only one instance should exist per
/// process; `cancel()` restores the defaults. Equivalent: `sigaction(SIGTERM, {sa_handler: h})` with a
/// `volatile sig_atomic_t` flag; systemd: `ExecReload=kill -HUP $MAINPID` and `KillSignal=SIGTERM` send them.
public final class SignalFlags: Sendable {
    private static let handled: [Int32] = [SIGHUP, SIGTERM, SIGINT]

    /// Starts listening.
    public init() {
        // Touch the globals once here, so their lazy initialization never runs inside the handler.
        _ = pendingReloads.load(ordering: .relaxed)
        pendingStop.store(0, ordering: .relaxed)
        for sig in Self.handled {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = recordSignal
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            sigaction(sig, &action, nil)
        }
        // A parent may hand down a mask that blocks them (Foundation's Process does): a blocked signal would stay
        // pending for good. Unblock them on this thread, the one that runs the loop.
        var set = sigset_t()
        sigemptyset(&set)
        for sig in Self.handled { sigaddset(&set, sig) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// True once when one or more SIGHUPs arrived since the last call.
    public func takeReload() -> Bool {
        pendingReloads.exchange(0, ordering: .relaxed) > 0
    }

    /// The first SIGTERM/SIGINT received (its name, `TERM` or `INT`), or nil while none arrived.
    public var stopRequested: String? {
        switch pendingStop.load(ordering: .relaxed) {
        case SIGTERM: return "TERM"
        case SIGINT: return "INT"
        default: return nil
        }
    }

    /// Stops listening and restores each signal's default action.
    public func cancel() {
        for sig in Self.handled { signal(sig, SIG_DFL) }
    }
}

/// SIGHUPs not yet taken by the loop.
private let pendingReloads = Atomic<Int>(0)
/// The first stop signal received, 0 while none.
private let pendingStop = Atomic<Int32>(0)

/// The handler: async-signal-safe (lock-free atomic stores only).
private func recordSignal(_ sig: Int32) {
    if sig == SIGHUP {
        pendingReloads.add(1, ordering: .relaxed)
    } else {
        _ = pendingStop.compareExchange(expected: 0, desired: sig, ordering: .relaxed)
    }
}
