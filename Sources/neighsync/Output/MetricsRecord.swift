import FoundationEssentials
import IpNet
import NeighSync
import IpNetCore
import NeighSyncCore

/// `apply --metrics FILE` for a run outside the watcher's loop (a one-shot apply, a watch-mode start that fails):
/// written once, whatever ends the run. `write` records a run that planned (and applied, or was refused);
/// `writeUnappliedUnlessWritten` records, when nothing was written yet, a run that could not apply at all (load
/// error, lock timeout, no rights): `neighsync_last_run_timestamp_seconds` advances, the last success is kept, and
/// `neighsync_last_run_success` is 0. The last success is read back from the previous file (`MetricsFile.lastSuccess`).
final class MetricsRecord {
    /// The metrics file.
    let path: String
    /// When the run started.
    let started: Date
    /// True once the file was written for this run (or handed over to the watcher).
    var written = false

    init(path: String, started: Date) {
        self.path = path
        self.started = started
    }

    /// Writes the metrics of a run that planned: with its `report` (nil when the plan was refused before any
    /// write, then `refused` is that plan), whether it `converged`, the desired entries by kind and the owned
    /// entries read from `table` afterwards. Throws when the file cannot be written.
    func write(report: ApplyReport?, refused: Plan? = nil, converged: Bool, desired: [String: Int]?,
               table: NeighborTableProtocol, ownerProtocol: UInt8) throws {
        var m = metrics(report: report, converged: converged)
        if let refused { m.refused(refused) }
        m.desired = desired
        m.owned = RunMetrics.owned(in: table, ownerProtocol: ownerProtocol)
        written = true
        try MetricsFile.write(m, to: path)
    }

    /// Writes the metrics of a run that could not apply at all, unless this run already wrote them. Best effort:
    /// the run is failing already, with its own message.
    func writeUnappliedUnlessWritten() {
        guard !written else { return }
        written = true
        do { try MetricsFile.write(metrics(report: nil, converged: false), to: path) } catch {
            Console.err("error: \(error)")
        }
    }

    private func metrics(report: ApplyReport?, converged: Bool) -> RunMetrics {
        let now = Date()
        return RunMetrics(finishedAt: now.timeIntervalSince1970, durationSeconds: now.timeIntervalSince(started),
                          report: report, converged: converged, previousSuccess: MetricsFile.lastSuccess(at: path))
    }
}
