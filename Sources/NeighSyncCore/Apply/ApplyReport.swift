import IpNetCore

/// The result of an apply run: one outcome per planned change and the unchanged count. The run succeeded when no
/// outcome failed. Windows equivalent: the statuses of the individual calls; iproute2: `ip -batch -force` output.
public struct ApplyReport: Hashable, Sendable {
    /// The planned changes (shared with the plan, not copied).
    public var changes: [Change]
    /// What happened to each change, parallel to `changes`.
    public var results: [ApplyOutcome.Result]
    /// Desired entries that were already equal.
    public var unchanged: Int
    /// Desired entries that could not be written (interface absent, family unusable), from the plan.
    public var pending: [PendingNeighbor]
    /// The parameter changes written before the entries, each with its failure (nil: applied).
    public var parameters: [ParameterOutcome] = []
    /// Desired parameters whose interface does not exist, from the plan; the run does not succeed while there are any.
    public var pendingParameters: [DesiredParameter] = []

    /// One outcome per change, in plan order (built on access from `changes` and `results`).
    public var outcomes: Outcomes { Outcomes(changes: changes, results: results) }

    /// The outcomes as a collection, without storing a copy of every change.
    public struct Outcomes: RandomAccessCollection, Sendable {
        let changes: [Change]
        let results: [ApplyOutcome.Result]
        /// 0.
        public var startIndex: Int { 0 }
        /// The number of changes.
        public var endIndex: Int { results.count }
        /// The outcome of change `i`.
        public subscript(i: Int) -> ApplyOutcome { ApplyOutcome(change: changes[i], result: results[i]) }
    }

    /// Builds a report from changes and their results (same length).
    public init(changes: [Change], results: [ApplyOutcome.Result], unchanged: Int, pending: [PendingNeighbor] = []) {
        precondition(changes.count == results.count, "one result per change")
        self.changes = changes
        self.results = results
        self.unchanged = unchanged
        self.pending = pending
    }

    /// Builds a report from outcomes.
    public init(outcomes: [ApplyOutcome], unchanged: Int, pending: [PendingNeighbor] = []) {
        self.init(changes: outcomes.map(\.change), results: outcomes.map(\.result), unchanged: unchanged,
                  pending: pending)
    }

    /// How many changes were written with the action.
    public func count(_ action: Action) -> Int {
        results.reduce(0) { if case .applied(action) = $1 { return $0 + 1 } else { return $0 } }
    }

    /// How many changes turned out to be converged already.
    public var converged: Int {
        results.reduce(0) { if case .converged = $1 { return $0 + 1 } else { return $0 } }
    }

    /// How many changes failed.
    public var failures: Int { results.reduce(0) { if case .failed = $1 { return $0 + 1 } else { return $0 } } }

    /// The pending entries not marked `optional: true`.
    public var requiredPending: [PendingNeighbor] { pending.filter { !$0.isExpected } }

    /// True when nothing failed and no entry that is not optional is pending.
    public var succeeded: Bool {
        failures == 0 && requiredPending.isEmpty && !parameters.contains { $0.failure != nil }
            && pendingParameters.isEmpty
    }

    /// `Apply: 3 created, 1 set, 2 deleted, 0 already converged, 40 unchanged, 0 failed.`, with `, 2 pending`
    /// before the full stop when entries are pending.
    public var summary: String {
        "Apply: " + Action.allCases.map { "\(count($0)) \($0.pastTense), " }.joined() + "\(converged) already "
            + "converged, \(unchanged) unchanged, \(failures) failed"
            + (pending.isEmpty ? "" : ", \(pending.count) pending")
            + (parameters.isEmpty ? "." : "; \(parametersSet) parameter\(parametersSet == 1 ? "" : "s") set, "
               + "\(parameters.count - parametersSet) failed.")
    }

    /// The parameters written without a failure.
    public var parametersSet: Int { parameters.filter { $0.failure == nil }.count }

    /// One line per interface whose entries wait and are not optional, for the error output (see
    /// `PendingNeighbor.problems`), in file order.
    public var pendingProblems: [String] { PendingNeighbor.problems(requiredPending) }

    /// One line per interface whose parameters wait, for the error output, in file order.
    public var pendingParameterProblems: [String] {
        var lines: [String] = []
        var seen: Set<String> = []
        for p in pendingParameters {
            guard let name = p.place.interfaceName, seen.insert("\(name)/\(p.pendingReason)").inserted else { continue }
            let n = pendingParameters.filter { $0.place.interfaceName == name && $0.pendingReason == p.pendingReason }
                .count
            let what = "\(n) \(n == 1 ? "parameter" : "parameters")"
            if p.pendingCause == .familyUnavailable {
                lines.append("\(what) of \(p.family.rawValue) not written: \(p.pendingReason); enable the family "
                             + "on it, or remove them from the file")
            } else {
                lines.append("\(what) waiting for interface \(DisplayText.escaped(name)), which does not exist in "
                             + "this namespace")
            }
        }
        return lines
    }
}
