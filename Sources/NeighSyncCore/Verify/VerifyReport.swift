import IpNetCore

/// The result of one verify run: every entry with its outcome, ordered as plan orders changes (interface index,
/// family, address; entries without a link last, in file order), the counts by outcome, and the exit status.
/// Exit 0 when nothing is `mismatch` or `conflict`, 2 when something is (with `strict`, `silent` too); 1 is for
/// errors, which never get this far. Pure.
public struct VerifyReport: Hashable, Sendable {
    /// The entries, in display order.
    public var entries: [VerifyEntry]
    /// The collection window the probes had.
    public var timeout: Duration
    /// Probes sent.
    public var probesSent: Int
    /// Answers heard beyond the bound and not kept (0 in any sane network).
    public var answersDropped: Int
    /// True when the run was cut short (watch mode's SIGTERM) before every probe went out and its window passed:
    /// its `silent` and `skipped` say nothing about the network, so it is never recorded as a result.
    public var interrupted = false

    /// Builds a report from classified entries.
    public init(entries: [VerifyEntry], timeout: Duration, probesSent: Int = 0, answersDropped: Int = 0) {
        self.entries = entries.enumerated().sorted { a, b in
            switch (a.element.interfaceIndex, b.element.interfaceIndex) {
            case (let x?, let y?) where x != y: return x < y
            case (.some, .none): return true
            case (.none, .some): return false
            case (.none, .none): return a.offset < b.offset
            default:
                let fa = a.element.address.family == .ipv4 ? 0 : 1, fb = b.element.address.family == .ipv4 ? 0 : 1
                if fa != fb { return fa < fb }
                if a.element.address != b.element.address { return a.element.address < b.element.address }
                return a.offset < b.offset
            }
        }.map(\.element)
        self.timeout = timeout
        self.probesSent = probesSent
        self.answersDropped = answersDropped
    }

    /// The number of entries with each outcome (every outcome present, 0 when none).
    public var counts: [VerifyOutcome: Int] {
        var c: [VerifyOutcome: Int] = [:]
        for o in VerifyOutcome.allCases { c[o] = 0 }
        for e in entries { c[e.outcome, default: 0] += 1 }
        return c
    }

    /// 2 when some entry is `mismatch` or `conflict` (with `strict` also `silent`), else 0.
    public func exitCode(strict: Bool) -> Int32 {
        entries.contains { $0.outcome.fails(strict: strict) } ? 2 : 0
    }
}
