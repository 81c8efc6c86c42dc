import Foundation
import IpNet
import NetnsTesting
@testable import NeighSync
import Testing
import IpNetCore
@testable import NeighSyncCore

/// `apply --metrics FILE`: the rendering of `RunMetrics` in the Prometheus text format (golden text, no IO), the
/// escaping of hostile interface names, the strict read-back of the last success, and the atomic write.
@Suite struct MetricsFileTests {
    static func change(_ action: Action, _ address: String, dev: String = "veth0") -> Change {
        let row = IpNetRow2(address: IpAddress(address)!, interfaceIndex: 2,
                            physicalAddress: PhysicalAddress("02:00:00:00:00:10")!, protocol: 245)
        return Change(action: action, interfaceName: dev, before: action == .create ? nil : row,
                      after: action == .delete ? nil : row)
    }

    static func pending(_ address: String, _ dev: String, optional: Bool) -> PendingNeighbor {
        PendingNeighbor(address: IpAddress(address)!, interfaceName: dev, interfaceIndex: nil,
                        physicalAddress: PhysicalAddress("02:00:00:00:01:10")!, state: .permanent, isRouter: false,
                        isOptional: optional, cause: .interfaceAbsent, reason: "waiting for interface \(dev)",
                        source: nil)
    }

    /// A run with every kind of outcome: 3 creates (one found converged), a set that failed, a delete, entries
    /// pending on two interfaces (one of them optional), a link with a hostile name.
    static var known: RunMetrics {
        let report = ApplyReport(
            changes: [change(.create, "192.0.2.10"), change(.create, "192.0.2.11"), change(.create, "2001:db8::1"),
                      change(.set, "192.0.2.12"), change(.delete, "192.0.2.13")],
            results: [.applied(.create), .applied(.set), .converged("equal"), .failed(.notFound("gone")),
                      .applied(.delete)],
            unchanged: 7,
            pending: [pending("198.51.100.10", "vlan100", optional: false),
                      pending("198.51.100.11", "vlan100", optional: false),
                      pending("198.51.100.12", "wlan0", optional: true)])
        var m = RunMetrics(finishedAt: 1_764_112_985.1234, durationSeconds: 0.0125, report: report,
                           converged: report.succeeded, previousSuccess: 1_764_112_900)
        m.desired = RunMetrics.desired(["permanent", "permanent", "permanent", "noarp"])
        m.owned = RunMetrics.owned(
            [IpNetRow2(address: IpAddress("192.0.2.10")!, interfaceIndex: 2, protocol: 245),
             IpNetRow2(address: IpAddress("192.0.2.11")!, interfaceIndex: 2, protocol: 245),
             IpNetRow2(address: IpAddress("2001:db8::1")!, interfaceIndex: 2, state: .noarp, protocol: 245),
             IpNetRow2(address: IpAddress("192.0.2.20")!, interfaceIndex: 3, protocol: 245),
             IpNetRow2(address: IpAddress("192.0.2.30")!, interfaceIndex: 2, protocol: 4),     // foreign
             IpNetRow2(address: IpAddress("192.0.2.31")!, interfaceIndex: 2, state: .reachable)],
            links: [Link(name: "veth0", index: 2, arphrdType: 1, hardwareAddressLength: 6),
                    Link(name: "a\"b\\c\n\u{1B}[31m", index: 3, arphrdType: 1, hardwareAddressLength: 6)],
            ownerProtocol: 245)
        return m
    }

    static let golden = #"""
    # HELP neighsync_last_run_timestamp_seconds When the last apply run ended, converged or not (Unix time).
    # TYPE neighsync_last_run_timestamp_seconds gauge
    neighsync_last_run_timestamp_seconds 1764112985.123
    # HELP neighsync_last_success_timestamp_seconds When the last run that converged ended (no failure, no entry pending that is not optional; Unix time; 0 if none ever did).
    # TYPE neighsync_last_success_timestamp_seconds gauge
    neighsync_last_success_timestamp_seconds 1764112900.000
    # HELP neighsync_last_run_success 1 if the last run converged, 0 if it failed or could not apply at all (load error, lock timeout).
    # TYPE neighsync_last_run_success gauge
    neighsync_last_run_success 0
    # HELP neighsync_run_duration_seconds How long the last run took.
    # TYPE neighsync_run_duration_seconds gauge
    neighsync_run_duration_seconds 0.012500
    # HELP neighsync_planned_changes Changes the last run planned, by action.
    # TYPE neighsync_planned_changes gauge
    neighsync_planned_changes{action="create"} 3
    neighsync_planned_changes{action="set"} 1
    neighsync_planned_changes{action="delete"} 1
    # HELP neighsync_applied_changes What became of the last run's planned changes, by planned action and result.
    # TYPE neighsync_applied_changes gauge
    neighsync_applied_changes{action="create",result="applied"} 2
    neighsync_applied_changes{action="create",result="converged"} 1
    neighsync_applied_changes{action="create",result="failed"} 0
    neighsync_applied_changes{action="set",result="applied"} 0
    neighsync_applied_changes{action="set",result="converged"} 0
    neighsync_applied_changes{action="set",result="failed"} 1
    neighsync_applied_changes{action="delete",result="applied"} 1
    neighsync_applied_changes{action="delete",result="converged"} 0
    neighsync_applied_changes{action="delete",result="failed"} 0
    # HELP neighsync_failures Failed changes of the last run, by Windows status name.
    # TYPE neighsync_failures gauge
    neighsync_failures{status="ERROR_NOT_FOUND"} 1
    # HELP neighsync_desired_entries Entries the desired state asks for, by kind.
    # TYPE neighsync_desired_entries gauge
    neighsync_desired_entries{kind="permanent"} 3
    neighsync_desired_entries{kind="noarp"} 1
    # HELP neighsync_owned_entries Entries in the kernel table carrying the owner protocol after the last run.
    # TYPE neighsync_owned_entries gauge
    neighsync_owned_entries{interface="a\"b\\\\c\\n\\x1b[31m",family="ipv4",kind="permanent"} 1
    neighsync_owned_entries{interface="veth0",family="ipv4",kind="permanent"} 2
    neighsync_owned_entries{interface="veth0",family="ipv6",kind="noarp"} 1
    # HELP neighsync_pending_entries Desired entries waiting for their interface (or their family on it) after the last run.
    # TYPE neighsync_pending_entries gauge
    neighsync_pending_entries{interface="vlan100",optional="false"} 2
    neighsync_pending_entries{interface="wlan0",optional="true"} 1

    """#

    @Test func goldenText() {
        #expect(MetricsFile.render(Self.known) == Self.golden)
    }

    @Test func watchModeAddsThePassCounterWithEveryTrigger() {
        var m = RunMetrics(finishedAt: 10, durationSeconds: 0, report: ApplyReport(outcomes: [], unchanged: 0),
                           converged: true, previousSuccess: nil)
        m.passes = ["initial": 1, "event": 4]
        let text = MetricsFile.render(m)
        #expect(text.contains("\nneighsync_last_success_timestamp_seconds 10.000\n"))
        #expect(text.contains("\nneighsync_last_run_success 1\n"))
        #expect(text.hasSuffix("""
            # HELP neighsync_passes_total Watch-mode passes since the start, by trigger.
            # TYPE neighsync_passes_total counter
            neighsync_passes_total{trigger="initial"} 1
            neighsync_passes_total{trigger="event"} 4
            neighsync_passes_total{trigger="resync"} 0
            neighsync_passes_total{trigger="reload"} 0
            neighsync_passes_total{trigger="overrun"} 0
            neighsync_passes_total{trigger="retry"} 0

            """))
        // One-shot: no counter at all (`_total` only where something counts up).
        m.passes = nil
        #expect(!MetricsFile.render(m).contains("_total"))
    }

    /// A run that could not apply at all: last_run advances, the last success is kept, success is 0, the planned
    /// and applied changes are all 0, and what the run never learnt (desired, owned, pending) is left out.
    @Test func aRunThatCouldNotApplyKeepsTheLastSuccess() {
        let m = RunMetrics(finishedAt: 2000, durationSeconds: 30, report: nil, converged: true, previousSuccess: 1000)
        #expect(!m.converged && m.lastSuccessAt == 1000)
        let text = MetricsFile.render(m)
        #expect(text.contains("\nneighsync_last_run_timestamp_seconds 2000.000\n"))
        #expect(text.contains("\nneighsync_last_success_timestamp_seconds 1000.000\n"))
        #expect(text.contains("\nneighsync_last_run_success 0\n"))
        #expect(text.contains("\nneighsync_planned_changes{action=\"delete\"} 0\n"))
        for absent in ["neighsync_desired_entries", "neighsync_owned_entries", "neighsync_pending_entries",
                       "neighsync_failures"] {
            #expect(!text.contains(absent), "\(absent)")
        }
        // A previous success in the future (a planted or clock-skewed file) is no success: the alert must fire.
        let future = RunMetrics(finishedAt: 2000, durationSeconds: 1, report: nil, converged: false,
                                previousSuccess: 99_999_999_999)
        #expect(future.lastSuccessAt == nil)
        #expect(MetricsFile.render(future).contains("\nneighsync_last_success_timestamp_seconds 0.000\n"))
        // Never succeeded: 0, so `time() - neighsync_last_success_timestamp_seconds > 600` fires.
        let never = RunMetrics(finishedAt: 2000, durationSeconds: 1, report: nil, converged: false, previousSuccess: nil)
        #expect(MetricsFile.render(never).contains("\nneighsync_last_success_timestamp_seconds 0.000\n"))
        // A refused plan (maxDeletes): planned counts, nothing applied.
        var refused = never
        refused.refused(Plan(changes: [Self.change(.delete, "192.0.2.1"), Self.change(.delete, "192.0.2.2")],
                             unchanged: 0, ownerProtocol: 245, prune: .owned, maxDeletes: 1, pending: []))
        #expect(MetricsFile.render(refused).contains("\nneighsync_planned_changes{action=\"delete\"} 2\n"))
        #expect(MetricsFile.render(refused).contains("\nneighsync_applied_changes{action=\"delete\",result=\"applied\"} 0\n"))
    }

    /// Round 2 of issue 13: desired proxies and managed entries are labelled `proxy` and `managed` (they were
    /// lumped as `none`), as the owned entries are; a managed row keeps `managed` whatever it resolved to.
    @Test func desiredAndOwnedKindsNameProxiesAndManagedEntries() {
        var m = RunMetrics(finishedAt: 1_700_000_000, durationSeconds: 0.5, report: nil, converged: false,
                           previousSuccess: nil)
        m.desired = RunMetrics.desired([RunMetrics.desiredKind(state: .permanent, isProxy: false),
                                        RunMetrics.desiredKind(state: DesiredRules.managedState, isProxy: false),
                                        RunMetrics.desiredKind(state: .none, isProxy: true),
                                        RunMetrics.desiredKind(state: .none, isProxy: true)])
        let text = MetricsFile.render(m)
        #expect(text.contains("""
            neighsync_desired_entries{kind="permanent"} 1
            neighsync_desired_entries{kind="noarp"} 0
            neighsync_desired_entries{kind="managed"} 1
            neighsync_desired_entries{kind="proxy"} 2

            """), "\(text)")
        #expect(!text.contains("kind=\"none\""))
        let link = Link(name: "veth0", index: 3, arphrdType: 1, hardwareAddressLength: 6)
        let managed = IpNetRow2(address: IpAddress("192.0.2.20")!, interfaceIndex: 3, state: .reachable, protocol: 245,
                                flags: [.managed, .externallyLearned])
        let proxy = IpNetRow2(address: IpAddress("192.0.2.77")!, interfaceIndex: 3, state: .none, protocol: 245,
                              flags: .proxy)
        #expect(RunMetrics.owned([managed, proxy], links: [link], ownerProtocol: 245)
                == [RunMetrics.Owned(interface: "veth0", family: .ipv4, kind: "managed"): 1,
                    RunMetrics.Owned(interface: "veth0", family: .ipv4, kind: "proxy"): 1])
    }

    @Test func numbersAreNeverInExponentNotation() {
        #expect(MetricsFile.decimal(0.000012, places: 6) == "0.000012")
        #expect(MetricsFile.decimal(1e-9, places: 6) == "0.000000")
        #expect(MetricsFile.decimal(1_764_112_985.9996, places: 3) == "1764112986.000")
        #expect(MetricsFile.decimal(.nan, places: 3) == "0.000")
        #expect(MetricsFile.decimal(-5, places: 3) == "0.000")
        #expect(MetricsFile.decimal(.infinity, places: 6) == "0.000000")
    }

    /// Every control character, quote, backslash and newline of an interface name is escaped; the line structure of
    /// the file survives any name.
    @Test func hostileInterfaceNamesCannotBreakTheFile() {
        for name in ["a\nb", "a\"} 1\nneighsync_up 1\n#", "\\", "a\u{1B}[31m", "a\r\u{7F}\u{9B}", "\u{202E}x"] {
            let v = MetricsFile.labelValue(name)
            #expect(!v.unicodeScalars.contains { $0.value < 0x20 || ($0.value >= 0x7f && $0.value <= 0x9f) }, "\(v)")
            // Outside escape sequences, no bare quote: each `\` starts a pair.
            var it = v.unicodeScalars.makeIterator()
            while let u = it.next() {
                if u == "\\" { #expect(["\\", "\"", "n"].contains(it.next() ?? "?"), "\(v)") } else { #expect(u != "\"") }
            }
        }
        #expect(MetricsFile.labelValue("veth0") == "veth0")
        #expect(MetricsFile.labelValue("a\u{1B}[31m") == "a\\\\x1b[31m")
    }

    /// The golden text, and one with hostile names, read by the Prometheus client's own parser: names, types,
    /// labels (a hostile name comes back as its `DisplayText.escaped` form) and values.
    @Test func thePrometheusParserReadsItBack() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("metrics-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var m = Self.known
        m.passes = ["initial": 1]
        m.pending = [RunMetrics.Pending(interface: "x\"}\n\u{7}", optional: false): 1]
        try MetricsFile.write(m, to: dir + "/neighsync.prom")
        guard let f = try PrometheusText.parseOrSkip(file: dir + "/neighsync.prom") else { return }
        #expect(f.map(\.name) == ["neighsync_last_run_timestamp_seconds", "neighsync_last_success_timestamp_seconds",
                                  "neighsync_last_run_success", "neighsync_run_duration_seconds",
                                  "neighsync_planned_changes", "neighsync_applied_changes", "neighsync_failures",
                                  "neighsync_desired_entries", "neighsync_owned_entries", "neighsync_pending_entries",
                                  "neighsync_passes"])
        #expect(f.allSatisfy { $0.type == ($0.name == "neighsync_passes" ? "counter" : "gauge") && !$0.help.isEmpty })
        #expect(PrometheusText.value(f, "neighsync_last_run_timestamp_seconds") == 1764112985.123)
        #expect(PrometheusText.value(f, "neighsync_owned_entries",
                                     ["interface": "a\"b\\\\c\\n\\x1b[31m", "family": "ipv4", "kind": "permanent"]) == 1)
        #expect(PrometheusText.value(f, "neighsync_pending_entries", ["interface": "x\"}\\n\\x07", "optional": "false"]) == 1)
        #expect(PrometheusText.value(f, "neighsync_passes_total", ["trigger": "retry"]) == 0)
        #expect(PrometheusText.value(f, "neighsync_failures", ["status": "ERROR_NOT_FOUND"]) == 1)
    }

    /// Only one line is read back, strictly: anything odd means "no previous success", never a wrong one.
    @Test func theLastSuccessIsReadBackStrictly() {
        let n = MetricsFile.lastSuccessName
        #expect(MetricsFile.lastSuccess(in: Self.golden) == 1_764_112_900)
        #expect(MetricsFile.lastSuccess(in: "# HELP \(n) x\n\(n) 12.5\n") == 12.5)
        #expect(MetricsFile.lastSuccess(in: "\(n)_other 5\n\(n) 7\n") == 7)
        for bad in ["", "\(n) 0.000\n", "\(n)\n", "\(n) \n", "\(n) 1e9\n", "\(n) -5\n", "\(n) +5\n", "\(n) 5.\n",
                    "\(n) .5\n", "\(n) NaN\n", "\(n) Inf\n", "\(n){a=\"b\"} 5\n", "\(n) 5 123\n", "\(n)  5\n",
                    "\(n) 5\n\(n) 6\n", "\(n) 0x10\n", "\(n) ٣\n", "\(n) 99999999999999\n"] {
            #expect(MetricsFile.lastSuccess(in: bad) == nil, "\(bad.debugDescription)")
        }
    }

    /// The atomic write: mode 0644 whatever the umask, no temporary file left, a symlink at FILE is replaced
    /// (its target untouched), and only a regular file of this user is read back.
    @Test func theWriteIsAtomicAndNeverFollowsASymlink() throws {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("metrics-\(UUID().uuidString)").path
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? fm.removeItem(atPath: dir) }
        let path = dir + "/neighsync.prom", target = dir + "/target"
        try "precious\n".write(toFile: target, atomically: false, encoding: .utf8)
        try fm.createSymbolicLink(atPath: path, withDestinationPath: target)
        #expect(MetricsFile.lastSuccess(at: path) == nil, "a symlink is not followed")
        let old = umask(0o077)
        defer { umask(old) }
        try MetricsFile.write(Self.known, to: path)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "precious\n")
        let attrs = try fm.attributesOfItem(atPath: path)
        #expect(attrs[.type] as? FileAttributeType == .typeRegular)
        #expect((attrs[.posixPermissions] as? NSNumber)?.intValue == 0o644)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == Self.golden)
        #expect(try fm.contentsOfDirectory(atPath: dir).sorted() == ["neighsync.prom", "target"])
        #expect(MetricsFile.lastSuccess(at: path) == 1_764_112_900)
        // Another user's file is not trusted.
        if geteuid() == 0 {
            #expect(chown(path, 65534, 65534) == 0)
            #expect(MetricsFile.lastSuccess(at: path) == nil)
        }
        // A FIFO never blocks the read-back.
        #expect(mkfifo(dir + "/fifo.prom", 0o644) == 0)
        #expect(MetricsFile.lastSuccess(at: dir + "/fifo.prom") == nil)
        // A directory that does not exist: a message naming it.
        #expect(throws: MetricsFile.Failure.self) { try MetricsFile.write(Self.known, to: dir + "/nope/x.prom") }
        do { try MetricsFile.write(Self.known, to: dir + "/nope/x.prom") } catch {
            #expect("\(error)".contains("\(dir)/nope") && "\(error)".contains("exists and is writable"))
        }
    }
}
