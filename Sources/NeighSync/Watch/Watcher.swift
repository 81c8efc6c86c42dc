import FoundationEssentials
import Glibc
import IpNet
import IpNetCore
import NeighSyncCore

/// Watch mode (`neighsync apply --watch`): applies once, then listens for kernel events and re-converges whenever
/// one touches the desired state (`WatchScope.touches`), debounced so that a burst (a link going down flushes every
/// entry at once) costs one pass; runs a full pass every `resync` as a safety net and at once after an overrun;
/// reloads the file on SIGHUP (an invalid file keeps the old state and logs why); stops on SIGTERM/SIGINT only
/// between passes (or while waiting for the lock), so no batch is ever cut in half. Each pass takes the
/// per-namespace `ApplyLock`, logs its changes and failures (`RunLogger`) and, with a report path, rewrites the
/// report (`ReportFile`); with a metrics path, the metrics (`MetricsFile`, with the passes by trigger). Keys that
/// oscillate (another writer with the same owner protocol undoes every write) are held by an `OscillationGuard` and
/// logged once. Proxy entries added or deleted by a request raise no kernel notification
/// (`WatchScope.watchesProxyTable`), so every `proxyPollPeriod` (2 s) the loop dumps the proxy table once and runs a
/// pass (trigger `proxy`) only when the digest of the owned and desired proxy rows differs from the one the last
/// pass left (`WatchScope.proxyFingerprint`): quiet while nothing changes. At least once a second, and around every
/// pass, the loop checks that the namespace name still names the namespace its sockets live in; when it was deleted
/// or replaced the loop
/// logs one `namespace-gone` / `namespace-replaced` error and returns 1, so a service manager restarts neighsync on
/// the namespace the name now names (systemd `Restart=on-failure`). systemd-networkd
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
        /// Where to write the metrics after each pass (`MetricsFile`), if anywhere.
        public var metricsPath: String?
        /// `--verify-every`: how often to check the pinned MACs against the wire (`VerifyRun`); nil for never.
        public var verifyEvery: Duration?
        /// The namespace name the probes go out in (`--netns`; nil for the caller's own).
        public var verifyNamespace: String?
        /// Probes per second and the collection window of each verify pass (`verify`'s defaults).
        public var verifyRate = 1000
        public var verifyTimeout: Duration = .seconds(1)

        /// Settings with the documented defaults.
        public init(debounce: Duration = .milliseconds(200), resync: Duration = .seconds(300), force: Bool = false,
                    reportPath: String? = nil, lockTimeout: Double = 30, metricsPath: String? = nil) {
            self.debounce = debounce
            self.resync = resync
            self.force = force
            self.reportPath = reportPath
            self.lockTimeout = lockTimeout
            self.metricsPath = metricsPath
        }
    }

    private let settings: Settings
    private let table: NeighborTableProtocol
    private let events: NeighborEventSocket
    private let logger: RunLogger
    private let namespace: NamespaceIdentity
    private let named: RunNamespace
    private let namespaceStatus: () -> NamespaceIdentity.Status
    private var oscillation = OscillationGuard()
    /// Set by a pass when the lock can never be taken (no rights, an unsafe lock directory): the loop then exits 1.
    private var lockUnusable = false
    private let clock = ContinuousClock()
    /// How often the loop reads the proxy table, which changes without a notification (`WatchScope.watchesProxyTable`).
    public static let proxyPollPeriod: Duration = .seconds(2)
    /// The proxy-table digest the last pass left behind (`WatchScope.proxyFingerprint`); nil before the first pass or
    /// when the table could not be read then (the next poll then runs a pass).
    private var proxyFingerprint: String?
    private let reload: () -> Result<DesiredState, DiagnosticList>
    private var state: DesiredState
    private var scope: WatchScope?
    /// The pending entries per interface as last logged (`event=pending`), so each change is logged once.
    private var waiting: [String: (count: Int, reason: String)] = [:]
    /// The link index of those interfaces, when the link existed (family or link blocked).
    private var waitingIndex: [String: UInt32] = [:]
    /// For `--metrics`: the passes so far by trigger, and when the last converged pass ended (read back from the
    /// previous metrics file at the start, so a restart keeps it).
    private var passes: [String: Int] = [:]
    private var lastSuccess: Double?
    /// `--verify-every`: the counts of the last verify pass (for `--metrics`), the last report and metrics written
    /// (rewritten with the verify results after each verify pass), and the last verify document (for `--report`).
    private var verifyCounts: [VerifyOutcome: Int]?
    private var lastDocument: ApplyDocument?
    private var lastMetrics: RunMetrics?
    private var lastVerify: VerifyDocument?

    /// A watcher for `state` over `table`, fed by `events` (opened on the same namespace before the first pass, so
    /// no change between the first pass and the subscription is missed). `reload` re-reads the file on SIGHUP;
    /// `namespace` is the identity of the namespace both sockets live in (it keys the `ApplyLock`), `named` is how
    /// the run names it (`--netns`), and `namespaceStatus` tells whether its name still names it
    /// (`NeighborTable.namespaceStatus`).
    public init(state: DesiredState, table: NeighborTableProtocol, events: NeighborEventSocket, logger: RunLogger,
                settings: Settings, namespace: NamespaceIdentity, named: RunNamespace,
                namespaceStatus: @escaping () -> NamespaceIdentity.Status,
                reload: @escaping () -> Result<DesiredState, DiagnosticList>) {
        self.state = state
        self.table = table
        self.events = events
        self.logger = logger
        self.settings = settings
        self.namespace = namespace
        self.named = named
        self.namespaceStatus = namespaceStatus
        self.reload = reload
        lastSuccess = settings.metricsPath.flatMap(MetricsFile.lastSuccess(at:))
    }

    /// Runs until SIGTERM or SIGINT and returns the exit status: 0, or 1 when the namespace was deleted or
    /// replaced or the lock can never be taken (no rights, an unsafe lock directory); a lock held by another run is
    /// retried a second later.
    public func run() -> Int32 {
        let signals = SignalFlags()
        defer { signals.cancel() }
        logger.log("info", "watch-start", [("files", state.files.joined(separator: ",")),
                                           ("entries", "\(state.neighbors.count)"),
                                           ("debounce", DurationText.format(settings.debounce)),
                                           ("resync", DurationText.format(settings.resync))])
        var due: ContinuousClock.Instant? = nil     // when the debounced pass runs
        var dueTrigger = "event"
        var nextResync = clock.now
        var trigger = "initial"
        var passNow = true
        // The first verify pass follows the initial apply pass, then every --verify-every.
        var nextVerify: ContinuousClock.Instant? = settings.verifyEvery == nil ? nil : clock.now
        var nextProxyPoll = clock.now + Self.proxyPollPeriod
        while true {
            if let sig = signals.stopRequested {
                logger.log("info", "watch-stop", [("signal", sig)])
                return 0
            }
            if let problem = namespaceProblem() {
                logger.log("error", problem.event, [("message", problem.message)])
                return 1
            }
            if signals.takeReload() {
                switch reload() {
                case .success(let s):
                    state = s
                    oscillation.reset()
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
                let passed = pass(trigger: trigger, signals: signals)
                if lockUnusable { return 1 }
                if passed {
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
            if let every = settings.verifyEvery, let v = nextVerify, clock.now >= v {
                verifyPass(signals: signals)
                nextVerify = clock.now + every
                continue
            }
            if clock.now >= nextProxyPoll {
                nextProxyPoll = clock.now + Self.proxyPollPeriod
                if due == nil, proxyTableChanged() {
                    due = clock.now
                    dueTrigger = "proxy"
                }
                continue
            }
            let wake = min(due ?? nextResync, nextResync, nextVerify ?? nextResync, nextProxyPoll)
            // At most a second, so a deleted or replaced namespace is noticed even when no event comes.
            let wait = max(.zero, min(wake - clock.now, .seconds(1)))
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

    /// One pass under the lock: apply (leaving held keys alone), log, report. Returns false when it should be
    /// retried soon (lock held, the kernel could not be read, the namespace is gone: the loop then exits).
    private func pass(trigger: String, signals: SignalFlags) -> Bool {
        let started = clock.now
        passes[trigger, default: 0] += 1
        let lock: ApplyLock
        do {
            lock = try ApplyLock(namespace: namespace, label: named.label, timeout: settings.lockTimeout,
                                 interrupted: { signals.stopRequested }, abandon: { namespaceProblem()?.message })
        } catch {
            // The namespace went away during the wait: the loop logs it and exits 1.
            if error.abandoned { return false }
            // Interrupted by SIGTERM/SIGINT: the loop stops cleanly, no error line. Held too long: retried soon.
            // Anything else will not get better by retrying every second: exit 1 (the service manager says why).
            if error.signal == nil {
                lockUnusable = !error.timedOut
                logger.log("error", "lock-failed", [("message", "\(error)"), ("trigger", trigger),
                                                    ("action", error.timedOut ? "retrying in 1s" : "exiting")])
                writeMetrics(RunMetrics(finishedAt: Date().timeIntervalSince1970,
                                        durationSeconds: Self.seconds(clock.now - started), report: nil,
                                        converged: false, previousSuccess: lastSuccess))
            }
            return false
        }
        // Checked under the lock, before writing: a namespace deleted meanwhile is not written to.
        if namespaceProblem() != nil { return false }
        let round = ApplyRound.run(state, table: table, force: settings.force, holding: oscillation.held(at: clock.now),
                                   holdingParameters: oscillation.heldParameters(at: clock.now))
        // Read under the lock, so the count is what this pass left behind.
        let owned = settings.metricsPath == nil ? nil : RunMetrics.owned(in: table, ownerProtocol: state.ownerProtocol)
        if let s = round.scope { scope = s }
        // Read under the lock too: the proxy rows this pass left behind, which the polls compare against.
        proxyFingerprint = scope.flatMap { s in
            s.watchesProxyTable ? (try? table.proxyTable(family: .unspecified)).map(s.proxyFingerprint) : nil
        }
        let after = namespaceProblem()
        withExtendedLifetime(lock) {}
        if let report = round.report {
            logger.log(report, trigger: trigger)
            for c in oscillation.record(report, at: clock.now) {
                logger.log("error", "oscillation", [
                    ("address", c.key.address.description), ("interface", c.interfaceName),
                    ("message", "this entry was set or deleted more than \(oscillation.limit) times within "
                     + "\(DurationText.format(oscillation.window)): another writer with the same owner protocol "
                     + "undoes neighsync's writes, e.g. a second neighsync with a different file"),
                    ("action", "not writing it for \(DurationText.format(oscillation.hold)) (or until a reload)"),
                ])
            }
            for c in oscillation.recordParameters(report, at: clock.now) {
                logger.log("error", "oscillation", [
                    ("parameter", c.desired.path), ("interface", c.placeName),
                    ("message", "this parameter was written more than \(oscillation.limit) times within "
                     + "\(DurationText.format(oscillation.window)): another writer sets it back, e.g. a second "
                     + "neighsync with a different file, sysctl or ip ntable change"),
                    ("action", "not writing it for \(DurationText.format(oscillation.hold)) (or until a reload)"),
                ])
            }
            logPending(report.pending)
        }
        if let error = round.error { logger.log("error", "apply-failed", [("message", error), ("trigger", trigger)]) }
        if let path = settings.reportPath {
            var doc = round.document(trigger: trigger)
            if let after {
                doc.ok = false
                doc.error = after.message
            }
            doc.verify = lastVerify
            lastDocument = doc
            writeReport(doc, to: path)
        }
        if settings.metricsPath != nil {
            var m = RunMetrics(finishedAt: Date().timeIntervalSince1970, durationSeconds: round.seconds,
                               report: round.report, converged: round.succeeded && after == nil,
                               previousSuccess: lastSuccess)
            m.desired = RunMetrics.desired(state.neighbors.lazy.map {
                RunMetrics.desiredKind(state: $0.state, isProxy: $0.isProxy)
            })
            m.owned = owned
            writeMetrics(m)
        }
        return after == nil && (round.report != nil || round.scope != nil)
    }

    /// One proxy-table poll: true when the owned or desired proxy rows differ from what the last pass left (or
    /// could not be compared then). False when the scope needs no poll, or the dump fails (the next poll or
    /// `--resync` tries again). Netlink: one RTM_GETNEIGH dump with `NTF_PROXY`; iproute2: `ip neigh show proxy`.
    private func proxyTableChanged() -> Bool {
        guard let scope, scope.watchesProxyTable,
              let proxies = try? table.proxyTable(family: .unspecified) else { return false }
        return scope.proxyFingerprint(proxies) != proxyFingerprint
    }

    /// Writes `--metrics` (with the passes so far), remembering when the last converged pass ended; a failure to
    /// write is logged (`event=metrics-failed`), not fatal.
    private func writeMetrics(_ metrics: RunMetrics) {
        guard let path = settings.metricsPath else { return }
        var m = metrics
        m.passes = passes
        m.verify = verifyCounts
        lastMetrics = m
        lastSuccess = m.lastSuccessAt
        do {
            try MetricsFile.write(m, to: path)
        } catch {
            logger.log("error", "metrics-failed", [("message", "\(error)")])
        }
    }

    /// Writes `--report`; a failure to write is logged (`event=report-failed`), not fatal.
    private func writeReport(_ doc: ApplyDocument, to path: String) {
        do {
            try ReportFile.write(doc, to: path)
        } catch {
            logger.log("error", "report-failed", [("message", "\(error)")])
        }
    }

    /// One `--verify-every` pass: the desired entries resolved against the links as they are now, probed
    /// (`VerifyRun`, nothing written to the table, no lock needed); one line per mismatch and conflict
    /// (`event=verify-mismatch address=… interface=… pinned=… seen=…`), one summary line (`event=verify`), and the
    /// results in `--report` and `--metrics` (`neighsync_verify_results`). A pass that cannot run (no CAP_NET_RAW,
    /// the links unreadable) logs `event=verify-failed` and the loop goes on.
    private func verifyPass(signals: SignalFlags) {
        let started = clock.now
        let report: VerifyReport
        do {
            let links = try table.links()
            let resolution = try state.resolve(links: links).get()
            let addresses = try (table as? NeighborTable)?.addresses() ?? []
            report = try VerifyRun.run(rows: resolution.entries, pending: resolution.pending, links: links,
                                       addresses: addresses, namespace: settings.verifyNamespace,
                                       rate: settings.verifyRate, timeout: settings.verifyTimeout,
                                       stop: { signals.stopRequested != nil })
        } catch {
            logger.log("error", "verify-failed", [("message", "\(error)".replacing("\n", with: "; ")),
                                                  ("action", "retrying in \(DurationText.format(settings.verifyEvery!))")])
            return
        }
        // Cut short by SIGTERM: what it has is no result. Say so, and keep the last complete pass in --report and
        // --metrics.
        guard !report.interrupted else {
            logger.log("info", "verify-interrupted", [("message", "the verify pass was stopped by a signal before it "
                                                       + "finished; its results are not recorded, the last complete "
                                                       + "pass stays in --report and --metrics")])
            return
        }
        for e in report.entries where e.outcome == .mismatch || e.outcome == .conflict {
            logger.log("warn", "verify-\(e.outcome.rawValue)", [
                ("address", e.address.withoutScope.description), ("interface", e.interfaceName),
                ("pinned", e.pinned.description), ("seen", e.seen.map(\.description).joined(separator: ",")),
            ])
        }
        let counts = report.counts
        let failing = counts[.mismatch]! + counts[.conflict]! > 0
        logger.log(failing ? "warn" : "info", "verify",
                   VerifyOutcome.allCases.map { ($0.rawValue, "\(counts[$0]!)") }
                       + [("seconds", MetricsFile.decimal(Self.seconds(clock.now - started), places: 3))])
        verifyCounts = counts
        var doc = VerifyDocument(report)
        doc.finishedAt = RunLogger.timestamp(Date())
        lastVerify = doc
        if let path = settings.reportPath, var last = lastDocument {
            last.verify = doc
            lastDocument = last
            writeReport(last, to: path)
        }
        if let m = lastMetrics { writeMetrics(m) }
    }

    /// `d` in seconds.
    private static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// The log event and message when the namespace name no longer names the namespace of the sockets, else nil
    /// (`RunNamespace.watchProblem`).
    private func namespaceProblem() -> (event: String, message: String)? {
        named.watchProblem(namespaceStatus(), identity: namespace)
    }

    /// One line per interface when its entries become pending (`event=pending interface=vlan100 entries=3`, level
    /// warn, info when all are optional) or their number or reason changes (waiting → blocked), and one when none
    /// waits any more (`event=pending-resolved`), or `event=pending-dropped` when a reload removed its entries from
    /// the desired state: never one per pass.
    private func logPending(_ pending: [PendingNeighbor]) {
        var now: [String: [PendingNeighbor]] = [:]
        for p in pending { now[p.interfaceName, default: []].append(p) }
        for name in now.keys.sorted() {
            let entries = now[name]!
            guard waiting[name]?.count != entries.count || waiting[name]?.reason != entries[0].reason else { continue }
            let optional = entries.allSatisfy(\.isExpected)
            logger.log(optional ? "info" : "warn", "pending", [("interface", name), ("entries", "\(entries.count)"),
                                                               ("reason", entries[0].reason),
                                                               ("optional", optional ? "true" : nil)])
        }
        for name in waiting.keys.sorted() where now[name] == nil {
            // After a reload that removed the interface's entries, they did not get written: they are gone.
            let event = stillWanted(name) ? "pending-resolved" : "pending-dropped"
            logger.log("info", event, [("interface", name), ("entries", "\(waiting[name]!.count)"),
                                       ("reason", event == "pending-dropped" ? "no longer in the desired state" : nil)])
        }
        waiting = now.mapValues { ($0.count, $0[0].reason) }
        waitingIndex = now.compactMapValues { $0.first?.interfaceIndex }
    }

    /// True when an entry of the desired state selects the interface that pending entries were shown under: by
    /// name, as `if7` (an index or LUID without a name), or by the link index they were blocked on.
    private func stillWanted(_ name: String) -> Bool {
        let index = waitingIndex[name]
        return state.neighbors.contains { n in
            let i = n.interface.index ?? n.interface.luid?.netLuidIndex
            return n.interface.name == name || i.map { "if\($0)" == name || $0 == index } ?? false
        }
    }
}
