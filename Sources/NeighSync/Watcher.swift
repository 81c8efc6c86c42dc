import FoundationEssentials
import Glibc
import IpNet

/// Watch mode (`neighsync apply --watch`): applies once, then listens for kernel events and re-converges whenever
/// one touches the desired state (`WatchScope.touches`), debounced so that a burst (a link going down flushes every
/// entry at once) costs one pass; runs a full pass every `resync` as a safety net and at once after an overrun;
/// reloads the file on SIGHUP (an invalid file keeps the old state and logs why); stops on SIGTERM/SIGINT only
/// between passes, so no batch is ever cut in half. Each pass takes the per-namespace `ApplyLock`, logs its
/// changes and failures (`RunLogger`) and, with a report path, rewrites the report (`ReportFile`). systemd-networkd
/// equivalent: its event loop re-applying `[Neighbor]` sections on link changes; iproute2: `ip monitor neigh` plus
/// a script.
public final class Watcher {
    /// The knobs of the loop.
    public struct Settings: Sendable {
        /// How long to wait after the first relevant event before re-planning (default 200 ms).
        public var debounce: Duration
        /// The interval of the periodic full reconcile (default 5 minutes).
        public var resync: Duration
        /// Apply plans that delete more than `maxDeletes` entries.
        public var force: Bool
        /// Where to write the JSON result of each pass, if anywhere.
        public var reportPath: String?
        /// How long a pass waits for the per-namespace lock before giving up and retrying later.
        public var lockTimeout: Double

        /// Settings with the documented defaults.
        public init(debounce: Duration = .milliseconds(200), resync: Duration = .seconds(300), force: Bool = false,
                    reportPath: String? = nil, lockTimeout: Double = 30) {
            self.debounce = debounce
            self.resync = resync
            self.force = force
            self.reportPath = reportPath
            self.lockTimeout = lockTimeout
        }
    }

    private let settings: Settings
    private let table: NeighborTableProtocol
    private let events: NeighborEventSocket
    private let logger: RunLogger
    private let lockNamespacePath: String
    private let reload: () -> Result<DesiredState, DiagnosticList>
    private var state: DesiredState
    private var scope: WatchScope?

    /// A watcher for `state` over `table`, fed by `events` (opened on the same namespace before the first pass, so
    /// no change between the first pass and the subscription is missed). `reload` re-reads the file on SIGHUP;
    /// `lockNamespacePath` names the namespace for the `ApplyLock` (`/run/netns/NAME` or `/proc/self/ns/net`).
    public init(state: DesiredState, table: NeighborTableProtocol, events: NeighborEventSocket, logger: RunLogger,
                settings: Settings, lockNamespacePath: String,
                reload: @escaping () -> Result<DesiredState, DiagnosticList>) {
        self.state = state
        self.table = table
        self.events = events
        self.logger = logger
        self.settings = settings
        self.lockNamespacePath = lockNamespacePath
        self.reload = reload
    }

    /// Runs until SIGTERM or SIGINT and returns the exit status (0). Equivalent: see the type.
    public func run() -> Int32 {
        let signals = SignalFlags(onSignal: { [events] in events.wake() })
        defer { signals.cancel() }
        let clock = ContinuousClock()
        logger.log("info", "watch-start", [("files", state.files.joined(separator: ",")),
                                           ("entries", "\(state.neighbors.count)"),
                                           ("debounce", DurationText.format(settings.debounce)),
                                           ("resync", DurationText.format(settings.resync))])
        var due: ContinuousClock.Instant? = nil     // when the debounced pass runs
        var dueTrigger = "event"
        var nextResync = clock.now
        var trigger = "initial"
        var passNow = true
        while true {
            if let sig = signals.stopRequested {
                logger.log("info", "watch-stop", [("signal", sig)])
                return 0
            }
            if signals.takeReload() {
                switch reload() {
                case .success(let s):
                    state = s
                    logger.log("info", "reload", [("files", s.files.joined(separator: ",")),
                                                  ("entries", "\(s.neighbors.count)")])
                    passNow = true
                    trigger = "reload"
                case .failure(let d):
                    logger.log("error", "reload-failed", [("message", d.description.replacing(
                        "\n", with: "; ")), ("action", "keeping the previous desired state")])
                }
            }
            let now = clock.now
            if !passNow, let d = due, now >= d {
                passNow = true
                trigger = dueTrigger
            }
            if !passNow, now >= nextResync {
                passNow = true
                trigger = "resync"
            }
            if passNow {
                due = nil
                if pass(trigger: trigger) {
                    nextResync = clock.now + settings.resync
                } else {
                    // The lock was held or the table unreadable: try again soon rather than at the next resync.
                    due = clock.now + .seconds(1)
                    dueTrigger = "retry"
                    nextResync = clock.now + settings.resync
                }
                passNow = false
                continue
            }
            let wake = min(due ?? nextResync, nextResync)
            let wait = max(.zero, min(wake - clock.now, .seconds(60)))
            let batch: [NeighborEvent]
            do {
                batch = try events.next(timeout: wait)
            } catch {
                logger.log("error", "events-failed", [("message", "\(error)"), ("action", "retrying in 1s")])
                usleep(1_000_000)
                continue
            }
            for e in batch {
                if e == .overrun {
                    logger.log("warn", "overrun", [("message", "kernel notifications were lost; full reconcile")])
                    passNow = true
                    trigger = "overrun"
                    break
                }
                if due == nil, scope?.touches(e) ?? true {
                    due = clock.now + settings.debounce
                    dueTrigger = "event"
                }
            }
        }
    }

    /// One pass under the lock: apply, log, report. Returns false when it should be retried soon (lock held, the
    /// kernel could not be read).
    private func pass(trigger: String) -> Bool {
        let lock: ApplyLock
        do {
            lock = try ApplyLock(namespacePath: lockNamespacePath, timeout: settings.lockTimeout)
        } catch {
            logger.log("error", "lock-failed", [("message", "\(error)"), ("trigger", trigger)])
            return false
        }
        let round = ApplyRound.run(state, table: table, force: settings.force)
        withExtendedLifetime(lock) {}
        if let s = round.scope { scope = s }
        if let report = round.report { logger.log(report, trigger: trigger) }
        if let error = round.error { logger.log("error", "apply-failed", [("message", error), ("trigger", trigger)]) }
        if let path = settings.reportPath {
            do {
                try ReportFile.write(round.document(trigger: trigger), to: path)
            } catch {
                logger.log("error", "report-failed", [("message", "\(error)")])
            }
        }
        return round.report != nil || round.scope != nil
    }
}
