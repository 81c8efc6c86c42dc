import IpNetCore

/// Renders a plan for people, Terraform style: one `+`/`~`/`-` line per change with its reason, a `?` line per
/// pending entry (`# waiting for interface vlan100`), then the summary line, or `No changes.` Colour
/// (green/yellow/red) only when asked (the CLI asks when `ColorPolicy` allows it).
/// Terraform equivalent: `terraform plan`'s diff; iproute2 equivalent: the `ip neigh` lines of each entry.
public struct PlanRenderer: Sendable {
    /// Use ANSI colours.
    public var color: Bool

    /// Builds a renderer.
    public init(color: Bool) { self.color = color }

    /// The whole text, ending with a newline.
    public func render(_ plan: Plan) -> String {
        let noChanges = "No changes. \(plan.unchanged) \(plan.unchanged == 1 ? "entry matches" : "entries match") "
            + "the desired state"
        if plan.isEmpty && plan.pending.isEmpty && plan.pendingParameters.isEmpty { return noChanges + ".\n" }
        var out = ""
        out.reserveCapacity((plan.changes.count + plan.pending.count) * 90)
        // Parameters first: apply writes them before the entries.
        for c in plan.parameterChanges { out += line(c) + "\n" }
        for c in plan.changes { out += line(c) + "\n" }
        for p in plan.pending { out += line(p) + "\n" }
        for p in plan.pendingParameters { out += line(pending: p) + "\n" }
        let pendingCount = plan.pending.count + plan.pendingParameters.count
        out += "\n" + (plan.isEmpty ? noChanges + "; \(pendingCount) pending." : plan.summary) + "\n"
        if plan.exceedsMaxDeletes {
            out += "warning: this plan deletes \(plan.count(.delete)) entries, more than maxDeletes "
                + "(\(plan.maxDeletes)); apply will refuse it without --force\n"
        }
        return out
    }

    /// One change: `  + 192.0.2.10 dev veth0 lladdr 02:00:00:00:00:10 permanent  # absent`.
    public func line(_ c: Change) -> String {
        let row = c.after ?? c.before!
        let s = "  \(c.action.symbol) "
            + RowText.head(c.key.address, interfaceName: c.interfaceName, physicalAddress: row.physicalAddress,
                           isProxy: c.key.isProxy)
            + Self.tail(c.key.isProxy ? nil : Self.stateWord(row), isRouter: row.isRouter, reason: c.reason,
                        source: c.source)
        guard color else { return s }
        let code: String
        switch c.action {
        case .create: code = "32"
        case .set: code = "33"
        case .delete: code = "31"
        }
        return "\u{1B}[\(code)m\(s)\u{1B}[0m"
    }

    /// One parameter change: `  ~ parameter veth0 ipv4 baseReachableTime 30s → 15s  (n.yaml:4:36)`.
    public func line(_ c: ParameterChange) -> String {
        var s = "  ~ \(c.text)"
        if let src = c.desired.source { s += "  (\(DisplayText.escaped(src.description)))" }
        return color ? "\u{1B}[33m\(s)\u{1B}[0m" : s
    }

    /// One parameter waiting for its interface: `  ? parameter vlan100 ipv4 retransTime 1s  # waiting for interface
    /// vlan100 (n.yaml:4:5)`.
    public func line(pending p: DesiredParameter) -> String {
        let name = DisplayText.escaped(p.place.interfaceName ?? "table")
        var s = "  ? parameter \(name) \(p.family.rawValue) \(p.key.rawValue) "
            + "\(DesiredParameter.text(p.value, of: p.key))  # \(p.pendingReason)"
        if let src = p.source { s += " (\(DisplayText.escaped(src.description)))" }
        return color ? "\u{1B}[36m\(s)\u{1B}[0m" : s
    }

    /// One pending entry: `  ? 198.51.100.10 dev vlan100 lladdr 02:00:00:00:00:10 permanent  # waiting for interface
    /// vlan100 (n.yaml:12:5)`, with `, optional` after the reason for an `optional: true` entry. The name, reason
    /// and source are escaped (`DisplayText`), as in a change's line.
    public func line(_ p: PendingNeighbor) -> String {
        let s = "  ? " + RowText.head(p.address, interfaceName: p.interfaceName, physicalAddress: p.physicalAddress,
                                      isProxy: p.isProxy)
            + Self.tail(p.isProxy ? nil : DesiredRules.fileName(of: p.state), isRouter: p.isRouter,
                        reason: DisplayText.escaped(p.reason)
                            + (p.isOptional ? ", optional" : ""), source: p.source)
        return color ? "\u{1B}[36m\(s)\u{1B}[0m" : s
    }

    /// The state of a change's row as its line shows it: `permanent`, `noarp`; `managed` for a managed row to write,
    /// `managed reachable` for a managed kernel entry (its resolution state).
    static func stateWord(_ row: IpNetRow2) -> String {
        guard row.flags.contains(.managed) else { return row.state.rawValue }
        return row.state == .none ? "managed" : "managed \(row.state.rawValue)"
    }

    /// ` STATE [router]  # REASON (SOURCE)`: the end of a change's and a pending entry's line; the source escaped.
    /// A proxy entry has no state (nil).
    static func tail(_ state: String?, isRouter: Bool, reason: String, source: SourceMark?) -> String {
        var s = state.map { " \($0)" } ?? ""
        if isRouter { s += " router" }
        s += "  # \(reason)"
        if let source { s += " (\(DisplayText.escaped(source.description)))" }
        return s
    }
}
