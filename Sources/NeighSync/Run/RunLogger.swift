import FoundationEssentials
import IpNet
import IpNetCore
import NeighSyncCore
import Synchronization

/// The operational log of apply runs: one line per change written and per failure, on stderr, as `key=value` pairs
/// or JSON (`LogFormat`), with a UTC timestamp and a level; nothing at all for a run that changed nothing, so cron
/// mail stays empty. Watch mode adds lines for its own events (start, reload, overrun, stop). The sink and clock
/// are injectable for tests. Lines from several threads never interleave: each goes to the sink under a lock.
/// Equivalent: `ip monitor neigh` lines for what changed; systemd-journald fields.
public final class RunLogger: Sendable {
    /// The line format.
    public let format: LogFormat
    private let sink: @Sendable (String) -> Void
    private let now: @Sendable () -> Date
    /// Held while a line goes to the sink.
    private let lock = Mutex(())

    /// A logger writing lines to `sink` (stderr by default) stamped with `now()` (the wall clock by default).
    public init(format: LogFormat, sink: (@Sendable (String) -> Void)? = nil,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.format = format
        self.sink = sink ?? { StandardError.write($0) }
        self.now = now
    }

    /// Logs one line with `level` (`info`, `warn`, `error`), `event` and further ordered fields; nil values are
    /// left out. Equivalent: `sd_journal_send("PRIORITY=…", "EVENT=…", …)`.
    public func log(_ level: String, _ event: String, _ fields: [(String, String?)] = []) {
        var pairs: [(String, String)] = [("ts", Self.timestamp(now())), ("level", level), ("event", event)]
        for (k, v) in fields { if let v { pairs.append((k, v)) } }
        let line: String
        switch format {
        case .text:
            line = pairs.map { "\($0.0)=\(Self.logfmtValue($0.1))" }.joined(separator: " ")
        case .json:
            line = "{" + pairs.map { "\(JSONText.quoted($0.0)):\(JSONText.quoted($0.1))" }.joined(separator: ",") + "}"
        }
        lock.withLock { _ in sink(line + "\n") }
    }

    /// Logs each change written (`event=create|set|delete`) and each failure (`event=failure`, level error) of a run;
    /// converged and unchanged entries log nothing. `trigger` (watch mode: `initial`, `event`, `resync`, `reload`)
    /// is added to every line when given. iproute2 equivalent: the lines `ip monitor neigh` would print for the writes.
    public func log(_ report: ApplyReport, trigger: String? = nil) {
        // Parameters first, as they were written (`event=parameter`, or a failure with `action=parameter`).
        for p in report.parameters {
            let d = p.change.desired
            var fields: [(String, String?)] = [
                ("interface", d.place.interfaceName ?? "table"), ("family", d.family.rawValue), ("key", d.key.rawValue),
                ("before", p.change.before.map { DesiredParameter.text($0, of: d.key) }),
                ("after", DesiredParameter.text(d.value, of: d.key)),
            ]
            if let e = p.failure {
                fields.insert(("action", "parameter"), at: 0)
                fields += [("status", e.windowsName), ("message", e.reason), ("trigger", trigger)]
                log("error", "failure", fields)
            } else {
                fields.append(("trigger", trigger))
                log("info", "parameter", fields)
            }
        }
        for o in report.outcomes {
            let c = o.change
            let row = c.after ?? c.before
            var fields: [(String, String?)] = [
                ("address", c.key.address.description), ("interface", c.interfaceName),
                ("lladdr", row.map { $0.physicalAddress.count == 0 ? "none" : $0.physicalAddress.description }),
            ]
            // A proxy entry says so (`kind=proxy`); ordinary entries' lines stay as they were.
            if c.key.isProxy { fields.insert(("kind", "proxy"), at: 0) }
            switch o.result {
            case .applied(let action):
                if action == .set { fields.append(("reason", c.reason)) }
                fields.append(("trigger", trigger))
                log("info", action.rawValue, fields)
            case .converged:
                continue
            case .failed(let e):
                fields.insert(("action", c.action.rawValue), at: 0)
                fields += [("status", e.windowsName), ("message", e.reason), ("trigger", trigger)]
                log("error", "failure", fields)
            }
        }
    }

    /// `2026-11-25T18:00:00Z` (RFC 3339, UTC, whole seconds).
    static func timestamp(_ d: Date) -> String {
        d.formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
    }

    /// A logfmt value: bare when it has no space, quote, `=`, `\\` or control character, else double-quoted with
    /// `\"` for a quote and `DisplayText`'s escapes for everything else (`\\`, `\n` as `\x0a`, ESC as `\x1b`), so an
    /// interface named `a\e[31m` cannot inject terminal escapes or forge a second line.
    static func logfmtValue(_ v: String) -> String {
        let plain = !v.isEmpty && v.unicodeScalars.allSatisfy {
            $0.value > 0x20 && $0 != "\"" && $0 != "=" && !DisplayText.needsEscape($0)
        }
        if plain { return v }
        return "\"" + DisplayText.escaped(v).replacing("\"", with: "\\\"") + "\""
    }
}
