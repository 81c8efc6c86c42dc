import IpNet
import IpNetCore
import NeighSyncCore

extension MetricsFile {
    /// One metric family in the exposition format: `# HELP`, `# TYPE`, then the samples; nothing when there are no
    /// samples. The one place that writes the format's lines.
    static func familyText(_ name: String, _ type: String, _ help: String,
                           _ samples: [(labels: String, value: String)]) -> String {
        guard !samples.isEmpty else { return "" }
        var out = "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        for s in samples { out += name + (s.labels.isEmpty ? "" : "{\(s.labels)}") + " " + s.value + "\n" }
        return out
    }

    /// `neighsync_verify_results{result}`: the entries of the last verify run by result, every result always
    /// present (bounded labels: the five results, never an address).
    static func verifyResultsText(_ counts: [VerifyOutcome: Int]) -> String {
        familyText("neighsync_verify_results", "gauge",
                   "Entries of the last verify run by result (confirmed, mismatch, conflict, silent, skipped).",
                   VerifyOutcome.allCases.map { ("result=\"\($0.rawValue)\"", "\(counts[$0] ?? 0)") })
    }

    /// The metrics file of `neighsync verify --metrics FILE`: the results of the run, when it ended and how long
    /// it took. (A watch mode with `--verify-every` puts the same `neighsync_verify_results` in apply's file.)
    public static func render(verify report: VerifyReport, finishedAt: Double, durationSeconds: Double) -> String {
        verifyResultsText(report.counts)
            + familyText("neighsync_verify_last_run_timestamp_seconds", "gauge",
                         "When the last verify run ended (Unix time).", [("", decimal(finishedAt, places: 3))])
            + familyText("neighsync_verify_run_duration_seconds", "gauge", "How long the last verify run took.",
                         [("", decimal(durationSeconds, places: 6))])
    }

    /// Checks that `write(verify:…)` could write `path` (its directory exists and is writable), before any probe is
    /// sent: a bad `--metrics` path is a usage error, not a failure after the run. Throws the reason.
    public static func checkWritable(_ path: String) throws {
        do { try AtomicFile.checkDirectory(of: path, what: "the metrics file") } catch {
            throw Failure(description: error.description)
        }
    }

    /// Writes `render(verify:…)` to `path` atomically, as `write(_:to:)` does for apply's metrics.
    public static func write(verify report: VerifyReport, finishedAt: Double, durationSeconds: Double,
                             to path: String) throws {
        let text = render(verify: report, finishedAt: finishedAt, durationSeconds: durationSeconds)
        do { try AtomicFile.write(Array(text.utf8), to: path, what: "the metrics file") } catch {
            throw Failure(description: error.description)
        }
    }
}
