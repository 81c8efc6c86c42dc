import Glibc
import IpNet
import IpNetCore
import NeighSyncCore

/// `apply --metrics FILE`: the `RunMetrics` of the last run in the Prometheus text exposition format, for
/// node_exporter's textfile collector (`--collector.textfile.directory`, files named `*.prom`). Rendering is pure
/// (`render`); `write` replaces the file atomically (`AtomicFile`: a new `mkstemp` file in the same directory, mode
/// 0644, `fsync`, then `rename(2)` over FILE, never following a symlink), so a scrape never sees half a file. `lastSuccess(at:)` reads `neighsync_last_success_timestamp_seconds` back from the previous file,
/// so a one-shot apply keeps it across runs. Names follow the Prometheus rules: `neighsync_` prefix, base units
/// (`_seconds`), `_total` only on the one counter. Equivalent: node_exporter's `sponge`-then-rename recipe.
public enum MetricsFile {
    /// The name of the one line `lastSuccess(at:)` reads back.
    public static let lastSuccessName = "neighsync_last_success_timestamp_seconds"
    /// The largest previous file read back (a metrics file of neighsync's is a few KiB).
    static let readLimit = 1 << 20

    /// The metrics as text: `# HELP` and `# TYPE` lines, then the samples of each family in a fixed order, labels
    /// sorted, every label value escaped (`labelValue`). A family without any sample (owned entries when the
    /// kernel could not be read, passes in a one-shot run) is left out entirely.
    public static func render(_ m: RunMetrics) -> String {
        var out = ""
        func family(_ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            out += familyText(name, type, help, samples)
        }
        func label(_ pairs: (String, String)...) -> String {
            pairs.map { "\($0.0)=\"\(labelValue($0.1))\"" }.joined(separator: ",")
        }
        family("neighsync_last_run_timestamp_seconds", "gauge",
               "When the last apply run ended, converged or not (Unix time).",
               [("", decimal(m.finishedAt, places: 3))])
        family(lastSuccessName, "gauge",
               "When the last run that converged ended (no failure, no entry pending that is not optional; Unix "
               + "time; 0 if none ever did).",
               [("", decimal(m.lastSuccessAt ?? 0, places: 3))])
        family("neighsync_last_run_success", "gauge",
               "1 if the last run converged, 0 if it failed or could not apply at all (load error, lock timeout).",
               [("", m.converged ? "1" : "0")])
        family("neighsync_run_duration_seconds", "gauge", "How long the last run took.",
               [("", decimal(m.durationSeconds, places: 6))])
        family("neighsync_planned_changes", "gauge", "Changes the last run planned, by action.",
               Action.allCases.map { (label(("action", $0.rawValue)), "\(m.planned[$0] ?? 0)") })
        family("neighsync_applied_changes", "gauge",
               "What became of the last run's planned changes, by planned action and result.",
               Action.allCases.flatMap { a in
                   RunMetrics.Result.allCases.map { r in
                       (label(("action", a.rawValue), ("result", r.rawValue)),
                        "\(m.applied[RunMetrics.Applied(action: a, result: r)] ?? 0)")
                   }
               })
        family("neighsync_failures", "gauge", "Failed changes of the last run, by Windows status name.",
               m.failures.keys.sorted().map { (label(("status", $0)), "\(m.failures[$0]!)") })
        if let desired = m.desired {
            let kinds = RunMetrics.desiredKinds + desired.keys.filter { !RunMetrics.desiredKinds.contains($0) }
                .sorted()
            family("neighsync_desired_entries", "gauge", "Entries the desired state asks for, by kind.",
                   kinds.map { (label(("kind", $0)), "\(desired[$0] ?? 0)") })
        }
        if let owned = m.owned {
            family("neighsync_owned_entries", "gauge",
                   "Entries in the kernel table carrying the owner protocol after the last run.",
                   owned.keys.sorted().map {
                       (label(("interface", $0.interface), ("family", $0.family.rawValue), ("kind", $0.kind)),
                        "\(owned[$0]!)")
                   })
        }
        if let pending = m.pending {
            family("neighsync_pending_entries", "gauge",
                   "Desired entries waiting for their interface (or their family on it) after the last run.",
                   pending.keys.sorted().map {
                       (label(("interface", $0.interface), ("optional", $0.optional ? "true" : "false")),
                        "\(pending[$0]!)")
                   })
        }
        if let verify = m.verify { out += verifyResultsText(verify) }
        if let passes = m.passes {
            family("neighsync_passes_total", "counter", "Watch-mode passes since the start, by trigger.",
                   (RunMetrics.triggers + passes.keys.filter { !RunMetrics.triggers.contains($0) }.sorted()).map {
                       (label(("trigger", $0)), "\(passes[$0] ?? 0)")
                   })
        }
        return out
    }

    /// A label value as the exposition format wants it: `\`, `"` and newline escaped (`\\`, `\"`, `\n`), after
    /// `DisplayText.escaped` has written every control character visibly (`a\x1b[31m`), since the format has no
    /// escape for them: an interface name cannot inject terminal escapes into a `cat` of the file, nor break a line.
    public static func labelValue(_ s: String) -> String {
        var out = ""
        for u in DisplayText.escaped(s).unicodeScalars {
            switch u {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }

    /// `x` with exactly `places` decimals, never in exponent notation (`1764112985.123`, `0.000012`); 0 for a value
    /// that is not finite or is negative.
    static func decimal(_ x: Double, places: Int) -> String {
        guard x.isFinite, x > 0 else { return places == 0 ? "0" : "0." + String(repeating: "0", count: places) }
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = (x * scale).rounded()
        guard scaled < 9e18 else { return "0" }
        let n = UInt64(scaled), unit = UInt64(scale)
        guard places > 0 else { return "\(n)" }
        let frac = String(n % unit)
        return "\(n / unit)." + String(repeating: "0", count: places - frac.count) + frac
    }

    /// Writes `render(metrics)` to `path` atomically (`AtomicFile`: `mkstemp` in the same directory, mode 0644,
    /// `fsync`, `rename`). Throws an error naming the path and what to check.
    public static func write(_ metrics: RunMetrics, to path: String) throws {
        do { try AtomicFile.write(Array(render(metrics).utf8), to: path, what: "the metrics file") } catch {
            throw Failure(description: error.description)
        }
    }

    /// The `neighsync_last_success_timestamp_seconds` value of the metrics file at `path`, or nil when there is
    /// none to trust: not a regular file (a symlink is not followed, a FIFO never blocks), not owned by this user,
    /// larger than 1 MiB, or without exactly one such line that `lastSuccess(in:)` accepts. C equivalent:
    /// `open(O_NOFOLLOW|O_NONBLOCK)` + `fstat(2)`.
    public static func lastSuccess(at path: String) -> Double? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG, st.st_uid == geteuid(),
              st.st_size <= readLimit else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(st.st_size) + 1)
        var got = 0
        while got < bytes.count {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + got, $0.count - got) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { return nil }
            if n == 0 { break }
            got += n
        }
        guard got <= readLimit else { return nil }
        return lastSuccess(in: String(decoding: bytes[0..<got], as: UTF8.self))
    }

    /// The value of the one line `neighsync_last_success_timestamp_seconds VALUE` in `text`, where VALUE is
    /// digits with an optional fraction (as `render` writes it) and is positive; nil when the line is absent,
    /// appears twice, carries labels or a timestamp, or its value is anything else.
    public static func lastSuccess(in text: String) -> Double? {
        var found: Double?? = nil
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            guard line.hasPrefix(lastSuccessName) else { continue }
            let rest = line.dropFirst(lastSuccessName.count)
            if let c = rest.first, c != " " { continue }        // another metric whose name starts the same
            guard found == nil else { return nil }
            let value = rest.dropFirst()
            let parts = value.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            let wellFormed = !value.isEmpty && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
            found = .some(wellFormed ? Double(value).flatMap { $0.isFinite && $0 > 0 && $0 < 1e12 ? $0 : nil } : nil)
            if found! == nil { return nil }
        }
        return found ?? nil
    }

    /// A metrics file that could not be written.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        /// The message for the user.
        public var description: String
    }
}
