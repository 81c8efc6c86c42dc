import IpNet

/// The result of an apply run: one outcome per planned change and the unchanged count. The run succeeded when no
/// outcome failed. Windows equivalent: the statuses of the individual calls; iproute2: `ip -batch -force` output.
public struct ApplyReport: Hashable, Sendable {
    /// One outcome per change, in plan order.
    public var outcomes: [ApplyOutcome]
    /// Desired entries that were already equal.
    public var unchanged: Int

    /// Builds a report.
    public init(outcomes: [ApplyOutcome], unchanged: Int) {
        self.outcomes = outcomes
        self.unchanged = unchanged
    }

    /// How many changes were written with the action.
    public func count(_ action: Action) -> Int {
        outcomes.reduce(0) { if case .applied(action) = $1.result { return $0 + 1 } else { return $0 } }
    }

    /// How many changes turned out to be converged already.
    public var converged: Int {
        outcomes.reduce(0) { if case .converged = $1.result { return $0 + 1 } else { return $0 } }
    }

    /// How many changes failed.
    public var failures: Int { outcomes.reduce(0) { $0 + ($1.failed ? 1 : 0) } }

    /// True when nothing failed.
    public var succeeded: Bool { failures == 0 }

    /// `Apply: 3 created, 1 set, 2 deleted, 0 already converged, 40 unchanged, 0 failed.`
    public var summary: String {
        "Apply: \(count(.create)) created, \(count(.set)) set, \(count(.delete)) deleted, \(converged) already "
            + "converged, \(unchanged) unchanged, \(failures) failed."
    }
}
