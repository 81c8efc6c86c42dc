import Foundation
import NeighSync
import NeighSyncCore
import NetnsTesting
import Testing

/// The metrics side of the operations examples: the DaemonSet, the watch unit and the timer's service pass
/// `--metrics` into node_exporter's textfile collector directory, and the Prometheus alert rules
/// (`examples/prometheus/neighsync-alerts.yaml`, also shown in the README) parse and name only metrics neighsync
/// writes; `promtool check rules` when Prometheus's tools are installed.
@Suite struct MetricsExamplesTests {
    static let textfileDirectory = "/var/lib/node_exporter/textfile_collector"
    static let rulesFile = "examples/prometheus/neighsync-alerts.yaml"

    /// Every metric name neighsync can write: the families of a rendering with all of them present.
    static var writtenNames: Set<String> {
        var m = RunMetrics(finishedAt: 1, durationSeconds: 0, report: nil, converged: false, previousSuccess: nil)
        m.failures = ["ERROR_NOT_FOUND": 1]
        m.desired = [:]
        m.owned = [RunMetrics.Owned(interface: "veth0", family: .ipv4, kind: "permanent"): 1]
        m.pending = [RunMetrics.Pending(interface: "vlan100", optional: false): 1]
        m.passes = [:]
        return Set(MetricsFile.render(m).split(separator: "\n").filter { !$0.hasPrefix("#") }.map {
            String($0.prefix { $0 != "{" && $0 != " " })
        })
    }

    @Test func theExamplesWriteIntoTheTextfileCollectorDirectory() throws {
        let prom = Self.textfileDirectory + "/neighsync.prom"
        let c = try #require(try OperationsExamplesTests.yaml("examples/kubernetes/daemonset.yaml").first)
        let args = c["args"] as? [String] ?? []
        let i = try #require(args.firstIndex(of: "--metrics"))
        #expect(args[i + 1] == prom)
        let mounts = c["volumeMounts"] as? [[String: Any]] ?? []
        let mount = try #require(mounts.first { $0["mountPath"] as? String == Self.textfileDirectory })
        let ds = try OperationsExamplesTests.read("examples/kubernetes/daemonset.yaml")
        #expect(ds.contains("- name: \(mount["name"] as? String ?? "?")\n          hostPath: { path: "
                            + "\(Self.textfileDirectory), type: DirectoryOrCreate }"))
        for unit in ["examples/systemd/neighsync.service", "examples/systemd/neighsync-apply.service"] {
            let text = try OperationsExamplesTests.read(unit)
            let exec = try #require(text.split(separator: "\n").first { $0.hasPrefix("ExecStart=") })
            #expect(exec.hasSuffix(" --metrics \(prom)"), "\(unit)")
            // ProtectSystem=strict: the directory must be writable for the unit, and created when missing (a host
            // without node_exporter would otherwise fail every run on the metrics write).
            #expect(text.contains("\nStateDirectory=node_exporter/textfile_collector\n"), "\(unit)")
        }
        // The timer's service command line is accepted by the parser too.
        let apply = try OperationsExamplesTests.read("examples/systemd/neighsync-apply.service")
        let exec = try #require(apply.split(separator: "\n").first { $0.hasPrefix("ExecStart=") })
        var a = exec.dropFirst("ExecStart=".count).split(separator: " ").map(String.init)
        #expect(a.removeFirst() == "/usr/local/bin/neighsync")
        try OperationsExamplesTests.expectAccepted(a)
    }

    @Test func alertRulesParseAndNameOnlyMetricsNeighsyncWrites() throws {
        let script = """
            import json, sys, yaml
            d = yaml.safe_load(open(sys.argv[1]))
            print(json.dumps([r for g in d["groups"] for r in g["rules"]]))
            """
        let path = OperationsExamplesTests.root.appendingPathComponent(Self.rulesFile).path
        let r = Netns.run("/usr/bin/python3", ["-c", script, path])
        try #require(r.status == 0, "\(Self.rulesFile) does not parse: \(r.stderr)")
        let rules = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        #expect(rules.map { $0["alert"] as? String } == ["NeighsyncNotConverged", "NeighsyncPendingEntries"])
        let exprs = rules.map { $0["expr"] as? String ?? "" }
        #expect(exprs[0] == "time() - neighsync_last_success_timestamp_seconds > 600")
        #expect(exprs[1] == "sum by (instance) (neighsync_pending_entries{optional=\"false\"}) > 0")
        #expect(rules[1]["for"] as? String == "10m")
        let written = Self.writtenNames
        #expect(written.contains("neighsync_passes_total") && written.contains("neighsync_owned_entries"))
        let named = try Regex("neighsync_[a-z_]+")
        for e in exprs {
            let names = e.matches(of: named).map { String(e[$0.range]) }
            #expect(!names.isEmpty)
            for n in names { #expect(written.contains(n), "\(n) in '\(e)' is not a metric neighsync writes") }
        }
        // The README shows the same rules.
        let readme = try OperationsExamplesTests.read("README.md")
        for e in exprs { #expect(readme.contains("expr: \(e)"), "README lacks '\(e)'") }
        guard let promtool = Self.promtool else { return }
        let check = Netns.run(promtool, ["check", "rules", path])
        #expect(check.status == 0, "promtool check rules: \(check.stdout)\(check.stderr)")
    }

    /// `promtool` (`$PROMTOOL`, or on the PATH's usual places; Debian package `prometheus`, or just the binary
    /// from `apt-get download prometheus && dpkg-deb -x`), or nil with a printed reason.
    static var promtool: String? {
        let candidates = [ProcessInfo.processInfo.environment["PROMTOOL"], "/usr/bin/promtool", "/usr/local/bin/promtool"]
        guard let p = candidates.compactMap({ $0 }).first(where: { FileManager.default.isExecutableFile(atPath: $0) })
        else {
            print("skipping the promtool checks: promtool is not installed (Debian package prometheus, or PROMTOOL=path)")
            return nil
        }
        return p
    }

    /// `promtool check metrics` (the Prometheus naming lint: units, `_total` only on counters, HELP present) finds
    /// nothing in a file with every family, hostile interface names included.
    @Test func promtoolFindsNothingToLint() throws {
        guard let promtool = Self.promtool else { return }
        var m = RunMetrics(finishedAt: 1_764_112_985, durationSeconds: 0.5, report: nil, converged: false,
                           previousSuccess: 1_764_112_000)
        m.failures = ["ERROR_NOT_FOUND": 1, "ERRNO_22": 2]
        m.desired = ["permanent": 3, "proxy": 1, "managed": 1]
        m.owned = [RunMetrics.Owned(interface: "a\"b\\\n\u{1B}", family: .ipv6, kind: "noarp"): 1]
        m.pending = [RunMetrics.Pending(interface: "vlan100", optional: true): 2]
        m.passes = ["initial": 1, "event": 3]
        let dir = try TempDir()
        let file = try dir.write("neighsync.prom", MetricsFile.render(m))
        let r = Netns.run("/bin/sh", ["-c", "\"$0\" check metrics < \"$1\"", promtool, file])
        #expect(r.status == 0 && r.stdout.isEmpty && r.stderr.isEmpty, "promtool check metrics: \(r.stdout)\(r.stderr)")
    }
}
