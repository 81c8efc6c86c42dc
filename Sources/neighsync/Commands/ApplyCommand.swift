import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
import IpNet
import NeighSync
import IpNetCore
import NeighSyncCore

/// `neighsync apply`: makes the kernel table equal to the desired state (or carries out a saved plan, refused when
/// the table changed since), under a per-namespace lock. Quiet when nothing drifted, so cron mail stays empty.
/// Failures are reported one by one with their Windows status names; exit 1 if any. iproute2 equivalent:
/// `ip -batch -force FILE` of `neigh replace`/`neigh del` lines, without ownership or convergence.
struct ApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Make the neighbor table match the desired state (or carry out a saved plan).")

    @Argument(help: ArgumentHelp("A plan saved with 'neighsync plan --out FILE'.", valueName: "planfile"))
    var planFile: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("Desired-state file or directory of *.yaml files; - reads standard input.",
                                                    valueName: "path"))
    var file: String?

    @Flag(help: "Apply even when the plan deletes more than maxDeletes entries.")
    var force = false

    // `.unconditional`: a mistaken negative value (`--lock-timeout -1`) reaches validate() and its message instead of
    // being taken for an option ("Missing value").
    @Option(parsing: .unconditional, help: ArgumentHelp("Seconds to wait for another neighsync run on the same namespace.",
                               valueName: "seconds"))
    var lockTimeout: Double = 30

    @Flag(name: .shortAndLong, help: "Print the summary even when nothing changed.")
    var verbose = false

    @OptionGroup var common: CommonOptions

    @OptionGroup(title: "Operations") var operations: WatchOptions

    func validate() throws {
        if (planFile == nil) == (file == nil) { throw ValidationError("give either -f PATH or a PLANFILE") }
        try operations.check()
        if operations.watch && planFile != nil { throw ValidationError("--watch needs -f PATH, not a plan file") }
        if !lockTimeout.isFinite || lockTimeout < 0 {
            throw ValidationError("--lock-timeout must be a number of seconds, 0 or more (e.g. 30), found "
                                  + "'\(lockTimeout)'")
        }
    }

    /// True with `--output json`: failures then also print an `ErrorDocument` on stdout.
    var json: Bool { common.output == .json }

    func run() throws {
        if operations.watch {
            let status = try operations.runWatch(path: file!, netns: common.netns, force: force, lockTimeout: lockTimeout)
            if status != 0 { throw ExitCode(status) }
            return
        }
        let started = Date()
        // --metrics is written by every run, also one that ends before it could apply (load error, lock timeout).
        let metrics = operations.metrics.map { MetricsRecord(path: $0, started: started) }
        do { try applyOnce(started: started, metrics: metrics) } catch {
            metrics?.writeUnappliedUnlessWritten()
            throw error
        }
    }

    /// One apply run (not watch mode); `metrics` is written when the run got as far as planning.
    func applyOnce(started: Date, metrics: MetricsRecord?) throws {
        var namespace = common.netns
        var saved: PlanFile?
        if let planFile {
            do { saved = try PlanFile.load(path: planFile) } catch {
                if Self.looksLikeDesiredState(planFile) {
                    throw Console.fail("\(planFile) is a desired-state file (or directory), not a saved plan; apply "
                                       + "it with '\(Self.desiredStateCommand(planFile: planFile))'", json: json)
                }
                throw Console.fail(error, outcome: "nothing was applied", json: json)
            }
            // The plan's `namespace` (required; null = the namespace of the process that made it) decides where it
            // goes; a --netns that names another namespace is refused, naming both.
            switch (saved?.namespace, namespace) {
            case (let n?, let given?) where n != given:
                throw Console.fail("\(planFile) was made for \(RunNamespace(name: n).label), not "
                                   + "\(RunNamespace(name: given).label); apply it without --netns, or make the plan "
                                   + "with --netns \(given)", json: json)
            case (nil, let given?):
                throw Console.fail("\(planFile) was made for the network namespace of the process that made it "
                                   + "(namespace: null), not \(RunNamespace(name: given).label); apply it without "
                                   + "--netns "
                                   + "in that namespace, or make the plan with --netns \(given)", json: json)
            case (let n?, _): namespace = n
            case (nil, nil): break
            }
        }
        // The sockets first: the lock is keyed by the namespace they live in, and the name is checked against it.
        let table: NeighborTable
        do { table = try NeighborTable(namespace: namespace) } catch {
            throw Console.fail(error, outcome: "nothing was applied", json: json)
        }
        let lock = try Self.takeLock(table, netns: namespace, timeout: lockTimeout, json: json)
        defer { withExtendedLifetime(lock) {} }
        let named = RunNamespace(name: namespace)
        if let problem = named.problem(table.namespaceStatus(), changes: nil) {
            try? operations.record(nil, error: problem, seconds: Date().timeIntervalSince(started))
            throw Console.fail(problem, json: json)
        }

        var run: Reconciliation
        let plan: Plan
        var desired: [String: Int]?     // for --metrics
        do {
            if let saved {
                run = try Reconciliation.gather(saved, path: planFile!, table: table)
                plan = try run.plan(replaying: saved, path: planFile!)
            } else {
                run = try Reconciliation.gather(path: file!, table: table)
                // Warnings only with -v: a scheduled apply that changes nothing stays silent (validate and plan
                // show them every time).
                if verbose { Console.warn(run.state.warnings) }
                Phases.mark("load+read")
                plan = run.plan()
                Phases.mark("plan")
            }
            if metrics != nil {
                desired = RunMetrics.desired(
                    run.desired.map { RunMetrics.desiredKind(state: $0.row.state, isProxy: $0.row.isProxy) }
                    + run.pending.map { RunMetrics.desiredKind(state: $0.state, isProxy: $0.isProxy) })
            }
            run.releaseRows()
        } catch {
            // A file that does not load or resolve is logged and reported (--report) as the run's error.
            if let list = error as? DiagnosticList {
                try? operations.record(nil, error: list.description, seconds: Date().timeIntervalSince(started))
            }
            throw Console.fail(error, outcome: "nothing was applied", json: json)
        }
        if !plan.isEmpty && !Capabilities.hasNetAdmin {
            throw Console.fail("ERROR_ACCESS_DENIED: applying "
                               + "\(plan.changes.count + plan.parameterChanges.count) changes needs CAP_NET_ADMIN; "
                               + "run as root, or grant the capability (systemd: AmbientCapabilities=CAP_NET_ADMIN)",
                               json: json, status: IpNetError.accessDenied("").windowsName)
        }
        // The text of a fully successful run is rendered on a second thread while the kernel does the writes.
        let changes = plan.changes
        let prerendered = common.output == .text && !changes.isEmpty
            ? BackgroundWork { ApplyRenderer.appliedLines(changes) } : nil
        let report: ApplyReport
        do { report = try run.apply(plan, to: table, force: force); Phases.mark("write") } catch {
            try? operations.record(nil, error: "\(error)", seconds: Date().timeIntervalSince(started))
            do {
                try metrics?.write(report: nil, refused: plan, converged: false, desired: desired, table: table,
                                   ownerProtocol: plan.ownerProtocol)
            } catch let failure { Console.err("error: \(failure)") }
            throw Console.fail(error, outcome: "nothing was applied", json: json)
        }
        let seconds = Date().timeIntervalSince(started)
        // Writes into a namespace deleted (or replaced) meanwhile went nowhere that matters: that is a failure.
        let moved = named.problem(table.namespaceStatus(), changes: report.outcomes.count)
        var recorded = true
        do { try operations.record(report, error: moved, seconds: seconds) } catch {
            Console.err("error: \(error)")
            recorded = false
        }
        do {
            try metrics?.write(report: report, converged: report.succeeded && moved == nil, desired: desired,
                               table: table, ownerProtocol: plan.ownerProtocol)
        } catch {
            Console.err("error: \(error)")
            recorded = false
        }
        switch common.output {
        case .json:
            var doc = ApplyDocument(report, seconds: seconds)
            if let moved {
                doc.ok = false
                doc.error = moved
            }
            Console.out(try Console.json(doc))
        case .text:
            for p in report.parameters {
                if let e = p.failure {
                    Console.err("error: \(e.windowsName): set \(p.change.text): \(e.reason)")
                } else {
                    Console.out("set \(p.change.text)\n")
                }
            }
            let allApplied = zip(report.changes, report.results).allSatisfy { c, r in r == .applied(c.action) }
            if allApplied, !(verbose && !report.pending.isEmpty), let text = try? prerendered?.wait() {
                Console.out(text + report.summary + "\n")
            } else {
                let (text, errors) = ApplyRenderer(verbose: verbose).render(report)
                for e in errors { Console.err(e) }
                Console.out(text)
            }
            Phases.mark("output")
        }
        if common.output != .json {
            for line in report.pendingParameterProblems {
                Console.err("error: pending: \(line); nothing was written for them. They are written once it exists "
                            + "(apply again, or run with --watch)")
            }
            for line in report.pendingProblems {
                Console.err("error: pending: \(line); nothing was written for them. They are written once they can "
                            + "be (apply again, or run with --watch); mark them optional: true if that is expected")
            }
        }
        if let moved { Console.err("error: \(moved)") }
        if !report.succeeded || !recorded || moved != nil { throw ExitCode(1) }
    }

    /// Takes the per-namespace lock of the namespace `table`'s socket lives in (`ApplyLock`), waiting up to
    /// `timeout` seconds. SIGTERM/SIGINT end the wait: the message says so and the exit status is 128 + the signal
    /// (143, 130), as if the signal had ended the process; nothing was written. During the wait the two signals are
    /// blocked and polled with `sigtimedwait` (not a Dispatch signal source: libdispatch keeps its own handler
    /// installed for good, which would swallow a SIGINT in the middle of the writes later); afterwards the mask is
    /// restored, so a signal during the writes ends the process as before. C equivalent: `pthread_sigmask` +
    /// `sigtimedwait(2)` with a zero timeout.
    static func takeLock(_ table: NeighborTable, netns: String?, timeout: Double, json: Bool = false) throws
        -> ApplyLock {
        guard let identity = table.namespaceIdentity else {
            throw Console.fail("cannot tell which network namespace the netlink socket lives in (is /proc mounted?); "
                               + "the per-namespace lock needs it", json: json)
        }
        var stops = sigset_t(), previous = sigset_t()
        sigemptyset(&stops)
        sigaddset(&stops, SIGINT)
        sigaddset(&stops, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &stops, &previous)
        var caught: Int32 = 0
        func stopRequested() -> String? {
            if caught == 0 {
                var now = timespec(tv_sec: 0, tv_nsec: 0)
                let s = sigtimedwait(&stops, nil, &now)
                if s > 0 { caught = s }
            }
            return caught == 0 ? nil : caught == SIGINT ? "INT" : "TERM"
        }
        let result: Result<ApplyLock, ApplyLock.Failure>
        do throws(ApplyLock.Failure) {
            result = .success(try ApplyLock(namespace: identity, label: RunNamespace(name: netns).label,
                                            timeout: timeout,
                                            interrupted: stopRequested))
        } catch {
            result = .failure(error)
        }
        // A signal that came after the lock was taken (still blocked, so pending) is honoured here.
        let late = stopRequested()
        pthread_sigmask(SIG_SETMASK, &previous, nil)
        func status(_ sig: String) -> Int32 { 128 + (sig == "INT" ? SIGINT : SIGTERM) }
        switch result {
        case .success(let lock):
            if let late {
                _ = Console.fail("interrupted by SIG\(late) after taking the lock of "
                                 + "\(RunNamespace(name: netns).label); "
                                 + "nothing was applied", json: json)
                throw ExitCode(status(late))
            }
            return lock
        case .failure(let f):
            _ = Console.fail("\(f)", json: json)
            throw ExitCode(f.signal.map(status) ?? 1)
        }
    }

    /// True when `path` looks like a desired-state file rather than a saved plan: a directory, a name ending in
    /// `.yaml`/`.yml`, or text starting (after blank lines) with `---`, a comment or a top-level key of the file
    /// format. Used only to turn "not a plan file" into a hint to use `-f`.
    static func looksLikeDesiredState(_ path: String) -> Bool {
        var st = stat()
        if stat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFDIR { return true }
        if path.hasSuffix(".yaml") || path.hasSuffix(".yml") { return true }
        // Never blocks: a FIFO or a device is no desired-state file (and must not hang apply; BoundedFileReader).
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { return false }
        var head = [UInt8](repeating: 0, count: 256)
        let n = head.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return false }
        var text = Substring(String(decoding: head[0..<n], as: UTF8.self))
        if text.hasPrefix("\u{FEFF}") { text = text.dropFirst() }
        text = text.drop { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        if text.hasPrefix("---") || text.hasPrefix("#") { return true }
        return ["version", "owner", "prune", "maxDeletes", "defaults", "neighbors"].contains { key in
            text.hasPrefix(key + ":")
        }
    }

    /// The command line that applies `planFile` as a desired state: this run's own arguments with the plan file given
    /// as `-f PATH`, every other option kept (a hint that dropped `--netns` would apply to the host's namespace).
    /// Words a shell would split or expand are double-quoted.
    static func desiredStateCommand(planFile: String,
                                    arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> String {
        var rest = arguments
        if let apply = rest.firstIndex(of: "apply") { rest.removeSubrange(...apply) }
        if let i = rest.firstIndex(of: planFile) { rest.remove(at: i) }
        return (["neighsync", "apply", "-f", planFile] + rest).map(shellWord).joined(separator: " ")
    }

    /// `word` as a POSIX shell reads it back: unchanged when it holds only safe characters, else double-quoted with
    /// `"`, `$`, `` ` `` and `\` escaped.
    static func shellWord(_ word: String) -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=@%+,-")
        if !word.isEmpty && word.allSatisfy(safe.contains) { return word }
        var out = "\""
        for c in word {
            if c == "\"" || c == "$" || c == "`" || c == "\\" { out.append("\\") }
            out.append(c)
        }
        return out + "\""
    }
}
