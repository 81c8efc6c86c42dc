import IpNetCore

/// `neighsync verify`'s text output, shaped like plan's: one line per entry that is not confirmed (`!` mismatch or
/// conflict, `?` silent, `-` skipped), with the pinned MAC, what answered and where the entry is defined, then one
/// summary line. Interface names and reasons are escaped (`DisplayText`). Pure.
public struct VerifyRenderer {
    /// Whether to colour the marks (terminal only).
    public var color: Bool

    /// Builds a renderer.
    public init(color: Bool = false) { self.color = color }

    /// The whole text: the lines, a blank line when there were any, the summary.
    public func render(_ report: VerifyReport) -> String {
        var out = ""
        for e in report.entries where e.outcome != .confirmed { out += line(e, timeout: report.timeout) + "\n" }
        if !out.isEmpty { out += "\n" }
        return out + summary(report) + "\n"
    }

    /// One entry's line, e.g. `  ! 192.0.2.10 dev veth0 lladdr 02:00:00:00:00:10  # mismatch: answered by
    /// 02:00:00:00:00:99 (neighbors.yaml:4:5)`.
    public func line(_ e: VerifyEntry, timeout: Duration) -> String {
        let mark: String
        let detail: String
        switch e.outcome {
        case .confirmed:
            mark = " "
            detail = "confirmed"
        case .mismatch:
            mark = paint("!", 31)
            detail = "mismatch: answered by \(e.seen.map(\.description).joined(separator: ", "))"
        case .conflict:
            mark = paint("!", 31)
            detail = "conflict: answered by \(e.seen.count + e.unlisted) MACs: "
                + e.seen.map(\.description).joined(separator: ", ")
                + (e.unlisted > 0 ? " (and \(e.unlisted) more not listed: at most \(e.seen.count) kept)" : "")
        case .silent:
            mark = paint("?", 33)
            detail = "silent: no answer within \(DurationText.format(timeout))"
        case .skipped:
            mark = "-"
            detail = "skipped: \(DisplayText.escaped(e.reason ?? "not probed"))"
        }
        var text = "  \(mark) \(e.address.withoutScope) dev \(DisplayText.escaped(e.interfaceName))"
        if e.pinned.count > 0 { text += " lladdr \(e.pinned)" }
        text += "  # \(detail)"
        if let s = e.source { text += " (\(DisplayText.escaped(s.description)))" }
        return text
    }

    /// `Verify: 3 confirmed, 1 mismatch, 0 conflict, 1 silent, 2 skipped.`
    public func summary(_ report: VerifyReport) -> String {
        let c = report.counts
        return "Verify: " + VerifyOutcome.allCases.map { "\(c[$0] ?? 0) \($0.rawValue)" }.joined(separator: ", ") + "."
    }

    private func paint(_ s: String, _ code: Int) -> String { color ? "\u{1b}[\(code)m\(s)\u{1b}[0m" : s }
}
