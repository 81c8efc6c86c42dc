import IpNetCore

/// Renders an apply run for people, as `neighsync apply` prints it: one `created|set|deleted ADDRESS dev NAME
/// [lladdr MAC]` line per change written, with `-v` a `converged …` line per change found converged and the pending
/// entries, then the summary; each failure is an error line (`error: ERROR_NOT_FOUND: set 192.0.2.10 dev veth0 …:
/// reason`) for standard error. A run that changed nothing and failed nothing prints nothing (cron mail stays
/// empty). iproute2 equivalent: what `ip -batch` would echo with `-v`, and its `RTNETLINK answers: …` errors.
public struct ApplyRenderer: Sendable {
    /// Also show converged changes, pending entries and the summary of a run that changed nothing.
    public var verbose: Bool

    /// Builds a renderer.
    public init(verbose: Bool) { self.verbose = verbose }

    /// `created|set|deleted ADDRESS dev NAME [lladdr MAC]` for each change, one a line: the text of a run in which
    /// every change was applied as planned (rendered while the kernel does the writes).
    public static func appliedLines(_ changes: [Change]) -> String {
        var text = ""
        text.reserveCapacity(changes.count * 64)
        for c in changes {
            text += c.action.pastTense
            text += " "
            text += what(c)
            text += "\n"
        }
        return text
    }

    /// `ADDRESS dev NAME [lladdr MAC]` of a change (`RowText.head`).
    public static func what(_ c: Change) -> String {
        RowText.head(c.key.address, interfaceName: c.interfaceName,
                     physicalAddress: (c.after ?? c.before!).physicalAddress, isProxy: c.key.isProxy)
    }

    /// The text of `report` for standard output (empty when there is nothing to say) and the error lines for
    /// standard error, one per failed change.
    public func render(_ report: ApplyReport) -> (text: String, errors: [String]) {
        var text = ""
        text.reserveCapacity(report.changes.count * 64)
        var errors: [String] = []
        var changed = false
        for o in report.outcomes {
            let c = o.change
            let what = Self.what(c)
            switch o.result {
            case .applied(let a):
                changed = true
                text += a.pastTense
                text += " "
                text += what
                text += "\n"
            case .converged(let why):
                if verbose { text += "converged \(what) (\(why))\n" }
            case .failed(let e):
                errors.append("error: \(e.windowsName): \(c.action.rawValue) \(what): \(e.reason)")
            }
        }
        if verbose {
            let r = PlanRenderer(color: false)
            for p in report.pending { text += r.line(p).dropFirst(2) + "\n" }
        }
        if changed || verbose || !report.succeeded || !report.parameters.isEmpty { text += report.summary + "\n" }
        return (text, errors)
    }
}
