import Foundation
import NeighSync
import NetnsTesting
import Testing

/// `apply --metrics FILE` against the kernel, read back with the Prometheus client's own text parser: a known run
/// (3 creates, one interface pending), then a converged run, then one that cannot apply at all; and watch mode,
/// which rewrites the file after every pass with a counter per trigger. Each test has a fresh namespace.
@Suite(.serialized) struct MetricsTests {
    static func file(optional: Bool) -> String {
        """
        version: 1
        defaults: { interface: veth0 }
        neighbors:
          - address: 192.0.2.10
            physicalAddress: "02:00:00:00:00:10"
          - address: 192.0.2.11
            physicalAddress: "02:00:00:00:00:11"
          - address: 2001:db8::10
            physicalAddress: "02:00:00:00:00:12"
          - address: 198.51.100.10
            interface: vlan100
            physicalAddress: "02:00:00:00:01:10"
            optional: \(optional)

        """
    }

    typealias Families = [PrometheusText.Family]
    static func v(_ f: Families, _ name: String, _ labels: [String: String] = [:]) -> Double? {
        PrometheusText.value(f, name, labels)
    }

    /// The families every run writes, with their types.
    static let runFamilies = ["neighsync_last_run_timestamp_seconds", "neighsync_last_success_timestamp_seconds",
                              "neighsync_last_run_success", "neighsync_run_duration_seconds",
                              "neighsync_planned_changes", "neighsync_applied_changes"]

    static func expectChanges(_ f: Families, create: Double, applied: Double) {
        #expect(v(f, "neighsync_planned_changes", ["action": "create"]) == create)
        #expect(v(f, "neighsync_planned_changes", ["action": "set"]) == 0)
        #expect(v(f, "neighsync_planned_changes", ["action": "delete"]) == 0)
        #expect(v(f, "neighsync_applied_changes", ["action": "create", "result": "applied"]) == applied)
        let samples = f.first { $0.name == "neighsync_applied_changes" }?.samples ?? []
        #expect(samples.count == 9, "every action × result, zeros included")
    }

    @Test func oneShotRunsWriteTheMetricsAndOnlyAConvergedRunAdvancesTheLastSuccess() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        let prom = dir.path + "/textfile/neighsync.prom"
        try FileManager.default.createDirectory(atPath: dir.path + "/textfile", withIntermediateDirectories: true)
        let f = try dir.write("n.yaml", Self.file(optional: false))

        // 1. Three creates, vlan100 pending (not optional): exit 1, not converged, never succeeded (0).
        let t0 = Date().timeIntervalSince1970
        let first = try NeighsyncBinary.run(["apply", "-f", f, "--netns", ns.name, "--metrics", prom])
        #expect(first.status == 1, "\(first.stderr)")
        guard let m1 = try PrometheusText.parseOrSkip(file: prom) else { return }
        #expect(Array(m1.map(\.name).prefix(6)) == Self.runFamilies)
        #expect(m1.allSatisfy { $0.type == "gauge" && !$0.help.isEmpty }, "a one-shot run has no counter")
        #expect(!m1.contains { $0.name == "neighsync_failures" })
        let run1 = try #require(Self.v(m1, "neighsync_last_run_timestamp_seconds"))
        #expect(run1 >= t0.rounded(.down) && run1 <= Date().timeIntervalSince1970 + 1)
        #expect(Self.v(m1, "neighsync_last_success_timestamp_seconds") == 0)
        #expect(Self.v(m1, "neighsync_last_run_success") == 0)
        #expect((Self.v(m1, "neighsync_run_duration_seconds") ?? -1) > 0)
        Self.expectChanges(m1, create: 3, applied: 3)
        #expect(Self.v(m1, "neighsync_desired_entries", ["kind": "permanent"]) == 4)
        #expect(Self.v(m1, "neighsync_desired_entries", ["kind": "noarp"]) == 0)
        #expect(Self.v(m1, "neighsync_owned_entries", ["interface": "veth0", "family": "ipv4", "kind": "permanent"]) == 2)
        #expect(Self.v(m1, "neighsync_owned_entries", ["interface": "veth0", "family": "ipv6", "kind": "permanent"]) == 1)
        #expect(Self.v(m1, "neighsync_pending_entries", ["interface": "vlan100", "optional": "false"]) == 1)
        // Mode 0644, and nothing but the file in the collector's directory (no temporary file left behind).
        let attrs = try FileManager.default.attributesOfItem(atPath: prom)
        #expect((attrs[.posixPermissions] as? NSNumber)?.intValue == 0o644)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path + "/textfile") == ["neighsync.prom"])

        // 2. The wait is now expected (optional): the run converges, with nothing to change.
        try dir.write("n.yaml", Self.file(optional: true))
        let second = try NeighsyncBinary.run(["apply", "-f", f, "--netns", ns.name, "--metrics", prom])
        #expect(second.status == 0 && second.stdout.isEmpty, "\(second.stderr)")
        let m2 = try PrometheusText.parse(file: prom)
        let run2 = try #require(Self.v(m2, "neighsync_last_run_timestamp_seconds"))
        #expect(run2 >= run1)
        #expect(Self.v(m2, "neighsync_last_success_timestamp_seconds") == run2)
        #expect(Self.v(m2, "neighsync_last_run_success") == 1)
        Self.expectChanges(m2, create: 0, applied: 0)
        #expect(Self.v(m2, "neighsync_pending_entries", ["interface": "vlan100", "optional": "true"]) == 1)
        #expect(Self.v(m2, "neighsync_pending_entries", ["interface": "vlan100", "optional": "false"]) == nil)
        #expect(Self.v(m2, "neighsync_owned_entries", ["interface": "veth0", "family": "ipv4", "kind": "permanent"]) == 2)

        // 3. A file that does not load: the run could not apply at all. last_run advances, last_success is kept
        // (read back from the file), success is 0; nothing in the kernel changed.
        usleep(20_000)
        try dir.write("n.yaml", "version: 1\nneighbors: [ {address: 192.0.2.10\n")
        let table = ns.neighbors().count
        let third = try NeighsyncBinary.run(["apply", "-f", f, "--netns", ns.name, "--metrics", prom])
        #expect(third.status == 1 && third.stderr.contains("nothing was applied"), "\(third.stderr)")
        let m3 = try PrometheusText.parse(file: prom)
        #expect(try #require(Self.v(m3, "neighsync_last_run_timestamp_seconds")) > run2)
        #expect(Self.v(m3, "neighsync_last_success_timestamp_seconds") == run2)
        #expect(Self.v(m3, "neighsync_last_run_success") == 0)
        Self.expectChanges(m3, create: 0, applied: 0)
        #expect(!m3.contains { $0.name == "neighsync_desired_entries" || $0.name == "neighsync_pending_entries" })
        #expect(ns.neighbors().count == table)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path + "/textfile") == ["neighsync.prom"])

        // 4. A metrics directory that does not exist: the run fails, saying where (and still applies).
        try dir.write("n.yaml", Self.file(optional: true))
        let fourth = try NeighsyncBinary.run(["apply", "-f", f, "--netns", ns.name, "--metrics", dir.path + "/no/x.prom"])
        #expect(fourth.status == 1 && fourth.stderr.contains("cannot write the metrics file \(dir.path)/no/x.prom"),
                "\(fourth.stderr)")
        // An empty path or a directory is refused by the parser.
        let bad = try NeighsyncBinary.run(["apply", "-f", f, "--netns", ns.name, "--metrics", dir.path + "/"])
        #expect(bad.status != 0 && bad.stderr.contains("--metrics needs a file path"), "\(bad.stderr)")
    }

    /// The lock held by someone else: a one-shot run that times out, and watch-mode passes that time out, write
    /// the metrics of a run that could not apply (success 0, the last success kept); watch mode counts the retries.
    @Test func aLockTimeoutStillWritesTheMetrics() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        let prom = dir.path + "/neighsync.prom"
        let f = try dir.write("n.yaml", Self.file(optional: true))
        let converged = try NeighsyncBinary.run(["apply", "-f", f, "--netns", ns.name, "--metrics", prom])
        #expect(converged.status == 0, "\(converged.stderr)")
        guard let m0 = try PrometheusText.parseOrSkip(file: prom) else { return }
        let success = try #require(Self.v(m0, "neighsync_last_success_timestamp_seconds"))
        #expect(success > 0 && Self.v(m0, "neighsync_last_run_success") == 1)

        var lock: ApplyLock? = try ApplyLock(namespace: try LockAndNamespaceTests.identity(ns), label: "test", timeout: 0)
        let held = try NeighsyncBinary.run(["apply", "-f", f, "--netns", ns.name, "--metrics", prom,
                                            "--lock-timeout", "0.2"])
        #expect(held.status == 1 && held.stderr.contains("holds the lock"), "\(held.stderr)")
        let m1 = try PrometheusText.parse(file: prom)
        #expect(try #require(Self.v(m1, "neighsync_last_run_timestamp_seconds")) > success)
        #expect(Self.v(m1, "neighsync_last_success_timestamp_seconds") == success)
        #expect(Self.v(m1, "neighsync_last_run_success") == 0)
        #expect((Self.v(m1, "neighsync_run_duration_seconds") ?? 0) >= 0.2)

        let w = try WatchCommandTests.Watch(["apply", "-f", f, "--netns", ns.name, "--watch", "--lock-timeout", "0.1",
                                            "--metrics", prom], dir: dir)
        func passes(_ t: String) -> Double? {
            (try? PrometheusText.parse(file: prom)).flatMap { Self.v($0, "neighsync_passes_total", ["trigger": t]) }
        }
        #expect(WatchCommandTests.waitFor { (passes("retry") ?? 0) >= 1 } != nil, "\(w.log)")
        let m2 = try PrometheusText.parse(file: prom)
        #expect(Self.v(m2, "neighsync_passes_total", ["trigger": "initial"]) == 1)
        #expect(Self.v(m2, "neighsync_last_run_success") == 0)
        #expect(Self.v(m2, "neighsync_last_success_timestamp_seconds") == success, "read back at the start")
        #expect(lock != nil)
        lock = nil      // released: the next retry takes it
        // Once the lock is free, a retry pass converges and advances the last success.
        #expect(WatchCommandTests.waitFor {
            (try? PrometheusText.parse(file: prom)).flatMap { Self.v($0, "neighsync_last_run_success") } == 1
        } != nil, "\(w.log)")
        #expect(try #require(Self.v(try PrometheusText.parse(file: prom), "neighsync_last_success_timestamp_seconds"))
                > success)
        #expect(w.stop() == 0)
    }

    @Test func watchModeRewritesTheFileAfterEveryPassWithAPassCounterPerTrigger() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        let prom = dir.path + "/neighsync.prom"
        let f = try dir.write("n.yaml", Self.file(optional: true))
        let w = try WatchCommandTests.Watch(["apply", "-f", f, "--netns", ns.name, "--watch", "--lock-timeout", "5",
                                            "--debounce", "50ms", "--metrics", prom], dir: dir)
        func read() -> Families? { try? PrometheusText.parse(file: prom) }
        func passes(_ t: String) -> Double? { read().flatMap { Self.v($0, "neighsync_passes_total", ["trigger": t]) } }
        #expect(WatchCommandTests.waitFor { FileManager.default.fileExists(atPath: prom) } != nil, "\(w.log)")
        guard try PrometheusText.parseOrSkip(file: prom) != nil else { _ = w.stop(); return }
        // The first file that shows the initial pass (kernel events of the fresh links, IPv6 addresses coming up
        // after DAD, may already have caused an event pass after it).
        var first: Families?
        #expect(WatchCommandTests.waitFor {
            guard let f = read(), Self.v(f, "neighsync_passes_total", ["trigger": "initial"]) == 1 else { return false }
            first = f
            return true
        } != nil, "\(w.log)")
        let m1 = try #require(first)
        #expect(m1.first { $0.name == "neighsync_passes" }?.type == "counter")
        let later = ["event", "resync", "reload", "overrun", "retry"].map { Self.v(m1, "neighsync_passes_total", ["trigger": $0]) }
        #expect(later.allSatisfy { $0 != nil }, "every trigger is listed")
        #expect(later.compactMap { $0 }.allSatisfy { $0 == 0 || $0 == 1 })
        if later.allSatisfy({ $0 == 0 }) {
            Self.expectChanges(m1, create: 3, applied: 3)
        } else {
            Self.expectChanges(m1, create: 0, applied: 0)        // a later pass found nothing to do
        }
        #expect(Self.v(m1, "neighsync_last_run_success") == 1)
        let success1 = try #require(Self.v(m1, "neighsync_last_success_timestamp_seconds"))
        #expect(success1 == Self.v(m1, "neighsync_last_run_timestamp_seconds"))

        // An entry deleted behind its back: an event pass re-creates it and rewrites the file.
        let events = passes("event") ?? 0
        try ns.check(["neigh", "del", "192.0.2.10", "dev", "veth0"])
        #expect(WatchCommandTests.waitFor {
            guard let f = read() else { return false }
            return (Self.v(f, "neighsync_passes_total", ["trigger": "event"]) ?? 0) > events
                && Self.v(f, "neighsync_owned_entries", ["interface": "veth0", "family": "ipv4", "kind": "permanent"]) == 2
        } != nil, "\(w.log)")
        let m2 = try #require(read())
        #expect(try #require(Self.v(m2, "neighsync_last_run_timestamp_seconds")) > success1)
        #expect(Self.v(m2, "neighsync_passes_total", ["trigger": "initial"]) == 1)
        #expect(WatchCommandTests.count("event=create address=192.0.2.10 ", in: w.log) == 2, "\(w.log)")
        // SIGHUP: a reload pass.
        w.signal(SIGHUP)
        #expect(WatchCommandTests.waitFor { passes("reload") == 1 } != nil, "\(w.log)")
        #expect(Self.v(try #require(read()), "neighsync_owned_entries",
                       ["interface": "veth0", "family": "ipv4", "kind": "permanent"]) == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
                == ["n.yaml", "neighsync.prom", "watch.log"])
        #expect(w.stop() == 0)
    }
}
