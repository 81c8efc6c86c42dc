import ArgumentParser
import FoundationEssentials
import IpNet
import NeighSync
import IpNetCore
import NeighSyncCore

/// The operations options of `neighsync apply`: `--watch` (keep running and repair drift on kernel events),
/// `--debounce`, `--resync`, `--log-format text|json` (one line per change and per failure on stderr) and
/// `--report FILE` (the JSON result of each run, written atomically), `--metrics FILE` (the node_exporter textfile
/// format, `MetricsFile`). Without `--log-format` a one-shot apply logs nothing extra; watch mode logs `text` by
/// default. iproute2 equivalent: `ip monitor neigh` for the event side.
struct WatchOptions: ParsableArguments {
    @Flag(name: .long, help: ArgumentHelp("Keep running: apply once, then re-apply after kernel events that touch "
                                          + "the desired entries, on SIGHUP (reloading the file) and every --resync."))
    var watch = false

    @Option(name: .long, help: ArgumentHelp("Watch mode: wait this long after the first relevant event before "
                                            + "re-planning (e.g. 200ms, 1s; 0s for none).", valueName: "duration"))
    var debounce = "200ms"

    @Option(name: .long, help: ArgumentHelp("Watch mode: full reconcile at this interval (e.g. 30s, 5m, 1h).",
                                            valueName: "duration"))
    var resync = "5m"

    @Option(name: .customLong("log-format"), help: ArgumentHelp("Log each change and failure to stderr as text "
                                                                 + "(key=value) or json.", valueName: "format"))
    var logFormat: String?

    @Option(name: .long, help: ArgumentHelp("Write the JSON result of each run to this file (atomically).",
                                            valueName: "file"))
    var report: String?

    @Option(name: .long, help: ArgumentHelp("Write Prometheus metrics of each run to this file (atomically), for "
                                            + "node_exporter's textfile collector (name it *.prom).",
                                            valueName: "file"))
    var metrics: String?

    @Option(name: .customLong("verify-every"),
            help: ArgumentHelp("Watch mode: check the pinned MACs against the wire at this interval, as "
                               + "'neighsync verify' does (e.g. 10m; needs CAP_NET_RAW); mismatches are logged and "
                               + "go into --report and --metrics.", valueName: "duration"))
    var verifyEvery: String?

    /// The parsed `--verify-every`.
    var verifyEveryDuration: Duration? { verifyEvery.flatMap(DurationText.parse) }

    /// The parsed `--debounce`.
    var debounceDuration: Duration { DurationText.parse(debounce) ?? .milliseconds(200) }
    /// The parsed `--resync`.
    var resyncDuration: Duration { DurationText.parse(resync) ?? .seconds(300) }

    /// Checks the values; called from the command's `validate()`.
    func check() throws {
        guard let d = DurationText.parse(debounce), d <= .seconds(60) else {
            throw ValidationError("--debounce '\(debounce)' is not a duration from 0s to 60s; write e.g. 200ms or 1s")
        }
        _ = d
        guard let r = DurationText.parse(resync), r >= .seconds(1) else {
            throw ValidationError("--resync '\(resync)' is not a duration of at least 1s; write e.g. 30s, 5m or 1h")
        }
        _ = r
        if let v = verifyEvery {
            guard watch else { throw ValidationError("--verify-every only applies with --watch; run 'neighsync verify' "
                                                     + "from a timer otherwise") }
            guard let d = DurationText.parse(v), d >= .seconds(1) else {
                throw ValidationError("--verify-every '\(v)' is not a duration of at least 1s; write e.g. 10m")
            }
            _ = d
        }
        if let f = logFormat, LogFormat(rawValue: f) == nil {
            throw ValidationError("--log-format '\(f)' is not one of: text, json")
        }
        if !watch && (debounce != "200ms" || resync != "5m") {
            throw ValidationError("--debounce and --resync only apply with --watch")
        }
        if let report, report.isEmpty || report.hasSuffix("/") {
            throw ValidationError("--report needs a file path, e.g. /var/lib/neighsync/last-run.json")
        }
        if let metrics, metrics.isEmpty || metrics.hasSuffix("/") {
            throw ValidationError("--metrics needs a file path, e.g. "
                                  + "/var/lib/node_exporter/textfile_collector/neighsync.prom")
        }
    }

    /// The logger: the chosen format, `text` in watch mode when none was chosen, none otherwise.
    var logger: RunLogger? {
        if let f = logFormat.flatMap(LogFormat.init(rawValue:)) { return RunLogger(format: f) }
        return watch ? RunLogger(format: .text) : nil
    }

    /// For a one-shot apply: logs the run's changes and failures (with `--log-format`) and writes `--report`.
    /// `error` is set when the run could not plan or apply at all. Throws when the report cannot be written.
    func record(_ report: ApplyReport?, error: String? = nil, seconds: Double) throws {
        let logger = self.logger
        if let report { logger?.log(report) }
        if let error { logger?.log("error", "apply-failed", [("message", error)]) }
        guard let path = self.report else { return }
        var doc = ApplyDocument(report ?? ApplyReport(outcomes: [], unchanged: 0), seconds: seconds)
        if let error {
            doc.ok = false
            doc.error = error
        }
        try ReportFile.write(doc, to: path)
    }

    /// Runs watch mode until SIGTERM/SIGINT: refuses a `path` SIGHUP could not re-read (standard input, a pipe),
    /// loads it (failing with the diagnostics when it does not load),
    /// opens the event listener and the table in `netns`, and hands over to `Watcher`. Returns the exit status.
    func runWatch(path: String, netns: String?, force: Bool, lockTimeout: Double) throws -> Int32 {
        // A start that fails still writes --metrics (the run could not apply: last_run advances, success does not).
        let metricsRecord = metrics.map { MetricsRecord(path: $0, started: Date()) }
        defer { metricsRecord?.writeUnappliedUnlessWritten() }
        if let problem = DesiredStateLoader.reloadProblem(path: path) {
            StandardError.write(DisplayText.sanitized("error: \(problem)\n"))
            return 1
        }
        do {
            // Listen first, so nothing that happens during the first pass is missed.
            let events = try NeighborEventSocket(namespace: netns)
            let table = try NeighborTable(namespace: netns)
            // Both sockets must live in one namespace (the name could have been re-created between the two opens).
            guard let identity = table.namespaceIdentity, events.namespaceIdentity == identity else {
                Console.err("error: \(RunNamespace(name: netns).label) changed while neighsync was opening it "
                            + "(or /proc is not mounted); start again")
                return 1
            }
            // The start is judged by the same rule as a SIGHUP reload: the file's faults refuse it, pending
            // entries (interface absent) do not.
            let state: DesiredState
            switch ApplyRound.admit(DesiredStateLoader.load(path: path, regularOnly: true), table: table) {
            case .success(let s): state = s
            case .failure(let d):
                StandardError.write(DisplayText.sanitized(d.rendered()))
                return 1
            }
            var settings = Watcher.Settings(debounce: debounceDuration, resync: resyncDuration, force: force,
                                            reportPath: report, lockTimeout: lockTimeout, metricsPath: metrics)
            settings.verifyEvery = verifyEveryDuration
            settings.verifyNamespace = netns
            // Every reload reads -f as the start did: regular files only, opened non-blocking, so a FIFO or a
            // device put in its place is a reload-failed line at once, never a hang or a read of /dev/zero.
            let reloadState = { ApplyRound.admit(DesiredStateLoader.load(path: path, regularOnly: true), table: table) }
            let watcher = Watcher(state: state, table: table, events: events, logger: logger ?? RunLogger(format: .text),
                                  settings: settings, namespace: identity,
                                  named: RunNamespace(name: netns),
                                  namespaceStatus: { table.namespaceStatus() },
                                  reload: reloadState)
            metricsRecord?.written = true       // from here on the watcher writes them
            return watcher.run()
        } catch let e as IpNetError {
            _ = Console.fail(e)
            return 1
        }
    }
}
