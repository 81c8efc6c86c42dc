import IpNetCore

/// The JSON shape of an apply run (`apply --output json`, and the `--report` file): counts, one record per change
/// with its outcome and, for failures, the Windows status name and message, and the duration. Terraform equivalent:
/// `terraform apply -json`'s `apply_complete` / `diagnostic` messages.
public struct ApplyDocument: Codable, Hashable, Sendable {
    /// The counts of a run.
    public struct Summary: Codable, Hashable, Sendable {
        /// Entries created.
        public var created: Int
        /// Entries set.
        public var set: Int
        /// Entries deleted.
        public var deleted: Int
        /// Planned changes found already converged.
        public var converged: Int
        /// Desired entries already equal before the run.
        public var unchanged: Int
        /// Changes that failed.
        public var failed: Int
        /// Desired entries waiting for their interface (optional ones included).
        public var pending: Int
        /// Parameters written; absent when the run wrote and waited for no parameter.
        public var parametersSet: Int?
        /// Parameter writes that failed; absent as `parametersSet`.
        public var parametersFailed: Int?
        /// Parameters pending (absent interface, unavailable family); absent as `parametersSet`.
        public var parametersPending: Int?
    }

    /// One change and what happened to it.
    public struct Outcome: Codable, Hashable, Sendable {
        /// The planned action.
        public var action: Action
        /// `applied`, `converged` or `failed`.
        public var result: String
        /// The action actually written (differs from `action` when a create became a set, say).
        public var appliedAs: Action?
        /// The entry's address.
        public var address: String
        /// The interface name.
        public var interface: String
        /// The interface index.
        public var interfaceIndex: UInt32
        /// The Windows status name of a failure (`ERROR_NOT_FOUND`).
        public var status: String?
        /// The reason of a failure or of convergence.
        public var message: String?
        /// `proxy` for a proxy entry; absent for an ordinary neighbor (as in the plan's change records).
        public var kind: String?
    }

    /// Format version (1).
    public var formatVersion: Int
    /// True when nothing failed.
    public var ok: Bool
    /// The counts.
    public var summary: Summary
    /// Every planned change.
    public var changes: [Outcome]
    /// The entries waiting for their interface, in file order; `ok` is false while one of them is not optional.
    public var pending: [PendingRecord]
    /// Wall-clock seconds of the whole run.
    public var durationSeconds: Double
    /// When the run ended (RFC 3339, UTC); set for `--report` files, absent otherwise.
    public var finishedAt: String?
    /// Why the run happened in watch mode (`initial`, `event`, `resync`, `reload`); absent for a one-shot apply.
    public var trigger: String?
    /// Why the run could not plan or apply at all (file does not resolve, refusal, lock held); absent otherwise.
    public var error: String?
    /// The parameter changes and what happened to each; absent when none were planned.
    public var parameters: [ParameterRecord]?
    /// The parameters waiting for their interface; absent when there are none (`ok` is false while there are).
    public var pendingParameters: [ParameterRecord]?
    /// Watch mode with `--verify-every` (`--report` only): the last verify pass (`verify --output json`'s document,
    /// with `finishedAt`); absent before the first one.
    public var verify: VerifyDocument?

    /// The document of a report.
    public init(_ report: ApplyReport, seconds: Double) {
        formatVersion = 1
        ok = report.succeeded
        summary = Summary(created: report.count(.create), set: report.count(.set), deleted: report.count(.delete),
                          converged: report.converged, unchanged: report.unchanged, failed: report.failures,
                          pending: report.pending.count)
        changes = report.outcomes.map { o in
            var r = Outcome(action: o.change.action, result: "applied", appliedAs: nil,
                            address: o.change.key.address.description, interface: o.change.interfaceName,
                            interfaceIndex: o.change.key.interfaceIndex, status: nil, message: nil,
                            kind: o.change.key.isProxy ? "proxy" : nil)
            switch o.result {
            case .applied(let a): r.appliedAs = a
            case .converged(let why): r.result = "converged"; r.message = why
            case .failed(let e): r.result = "failed"; r.status = e.windowsName; r.message = e.reason
            }
            return r
        }
        pending = report.pending.map(PendingRecord.init)
        if !report.parameters.isEmpty || !report.pendingParameters.isEmpty {
            summary.parametersSet = report.parametersSet
            summary.parametersFailed = report.parameters.count - report.parametersSet
            summary.parametersPending = report.pendingParameters.count
        }
        if !report.pendingParameters.isEmpty {
            pendingParameters = report.pendingParameters.map { ParameterRecord($0) }
        }
        if !report.parameters.isEmpty {
            parameters = report.parameters.map { ParameterRecord($0.change, failure: $0.failure) }
        }
        durationSeconds = (seconds * 1000).rounded() / 1000
    }
}
