import ArgumentParser
import FoundationEssentials
import IpNet
import NeighSync
import IpNetCore
import NeighSyncCore

/// `neighsync plan --hosts DIR`: plans every host of a GitOps fleet directory offline (`DIR/NAME/neighbors.yaml` or
/// `neighbors/`, and `DIR/NAME/state.json`), each exactly as `plan -f F --state S` would (`Reconciliation.gather`),
/// on a small thread pool, and prints the hosts in name order whatever the scheduling: each host's diff under a
/// `── host NAME ──` header, then one summary table; with `--output json` one document keyed by host. A host that
/// fails (a bad file, a missing snapshot) is reported and the others are still planned. Exit 1 when any host failed;
/// with `--detailed-exitcode`, otherwise 2 when any host has changes.
struct FleetPlanRun {
    var directory: String
    var json: Bool
    var color: Bool
    var detailedExitcode: Bool

    /// What one host gave: its counts and its output, already rendered on the worker thread.
    struct HostOutcome: Sendable {
        var name: String
        var create = 0, set = 0, delete = 0, pending = 0
        /// Error diagnostics (0 when the host was planned).
        var errors = 0
        /// stdout: the diff text, or the host's JSON document.
        var out = ""
        /// stderr: warnings, or the error's diagnostics.
        var err = ""
        var hasChanges: Bool { create + set + delete > 0 }
    }

    func run() throws {
        let hosts: [FleetHost]
        do { hosts = try FleetHost.discover(directory: directory) } catch {
            throw Console.fail(error, outcome: "no plan was made", json: json)
        }
        if hosts.isEmpty {
            throw Console.fail("--hosts \(directory): no host directories in it; each host is a directory NAME "
                               + "with NAME/neighbors.yaml and NAME/state.json", json: json)
        }
        let json = self.json, color = self.color
        var rows: [HostOutcome] = []
        rows.reserveCapacity(hosts.count)
        if json { Console.out("{\n  \"formatVersion\" : 1,\n  \"hosts\" : {\n") }
        let workers = max(1, min(8, ProcessInfo.processInfo.activeProcessorCount))
        OrderedParallelMap.run(count: hosts.count, workers: workers, work: { i in
            Self.plan(hosts[i], json: json, color: color)
        }, emit: { i, outcome in
            if !outcome.err.isEmpty { Console.err(outcome.err) }
            if json {
                Console.out("    \(JSONText.quoted(outcome.name)) : " + outcome.out
                            + (i == hosts.count - 1 ? "\n" : ",\n"))
            } else {
                Console.out("── host \(DisplayText.escaped(outcome.name)) ──\n" + outcome.out + "\n")
            }
            var row = outcome
            row.out = ""
            row.err = ""
            rows.append(row)
        })
        let failed = rows.filter { $0.errors > 0 }.count
        let changed = rows.filter(\.hasChanges).count
        if json {
            func total(_ k: KeyPath<HostOutcome, Int>) -> Int { rows.reduce(0) { $0 + $1[keyPath: k] } }
            Console.out("  },\n  \"summary\" : {\n"
                        + "    \"create\" : \(total(\.create)),\n    \"delete\" : \(total(\.delete)),\n"
                        + "    \"errors\" : \(total(\.errors)),\n    \"hosts\" : \(rows.count),\n"
                        + "    \"hostsWithChanges\" : \(changed),\n    \"hostsWithErrors\" : \(failed),\n"
                        + "    \"pending\" : \(total(\.pending)),\n    \"set\" : \(total(\.set))\n  }\n}\n")
        } else {
            Console.out(Self.table(rows))
        }
        if failed > 0 { throw ExitCode(1) }
        if detailedExitcode && changed > 0 { throw ExitCode(2) }
    }

    /// Plans one host the way `plan -f F --state S` does (`Reconciliation.gather(path:snapshot:links:)`), and
    /// renders its output; never throws: a failure is the host's error.
    static func plan(_ host: FleetHost, json: Bool, color: Bool) -> HostOutcome {
        var o = HostOutcome(name: host.name)
        func failed(_ doc: ErrorDocument, text: String) -> HostOutcome {
            o.errors = max(1, doc.errors.count)
            o.err = "host \(DisplayText.escaped(host.name)): " + text
            o.out = json ? nested(doc) : "error: \(DisplayText.sanitized(doc.error)) (details on stderr)\n"
            return o
        }
        if let problem = host.problem {
            return failed(ErrorDocument(message: problem), text: "error: \(problem)")
        }
        let r: Reconciliation
        do {
            r = try Reconciliation.gather(path: host.neighborsPath, snapshot: host.statePath, links: nil)
        } catch {
            let f = Console.failure(error, outcome: "no plan was made")
            return failed(f.document, text: f.text)
        }
        let warnings = r.warnings(adding: r.coexistenceWarnings())
        if warnings.count > 0 {
            o.err = "host \(DisplayText.escaped(host.name)): " + warnings.rendered()
                + "\(warnings.count) warning\(warnings.count == 1 ? "" : "s")"
        }
        let plan = r.plan()
        o.create = plan.count(.create)
        o.set = plan.count(.set)
        o.delete = plan.count(.delete)
        o.pending = plan.pending.count
        o.out = json ? nested(PlanDocument(plan)) : PlanRenderer(color: color).render(plan)
        return o
    }

    /// `value`'s JSON (as `Console.json`), indented to sit inside `"hosts"`, without the final newline. JSON text
    /// holds no raw newline inside strings, so every newline is a line break of the layout.
    static func nested<T: Encodable>(_ value: T) -> String {
        let text = (try? Console.json(value)) ?? "{}"
        return text.split(separator: "\n").joined(separator: "\n    ")
    }

    /// The closing table: one row per host and a total line.
    static func table(_ rows: [HostOutcome]) -> String {
        let header = ["HOST", "CREATE", "SET", "DELETE", "PENDING", "ERRORS"]
        var cells = rows.map { r in
            [DisplayText.escaped(r.name), "\(r.create)", "\(r.set)", "\(r.delete)", "\(r.pending)", "\(r.errors)"]
        }
        func total(_ k: KeyPath<HostOutcome, Int>) -> String { "\(rows.reduce(0) { $0 + $1[keyPath: k] })" }
        cells.append(["total", total(\.create), total(\.set), total(\.delete), total(\.pending), total(\.errors)])
        let all = [header] + cells
        let widths = (0..<header.count).map { c in all.map { $0[c].count }.max()! }
        func line(_ row: [String]) -> String {
            var s = row[0] + String(repeating: " ", count: widths[0] - row[0].count)
            for c in 1..<row.count { s += "  " + String(repeating: " ", count: widths[c] - row[c].count) + row[c] }
            return s + "\n"
        }
        let changed = rows.filter(\.hasChanges).count, failed = rows.filter { $0.errors > 0 }.count
        return all.map(line).joined()
            + "\n\(rows.count) host\(rows.count == 1 ? "" : "s"): \(changed) with changes, \(failed) with errors, "
            + "\(rows.count - changed - failed) converged.\n"
    }
}
