import IpNetCore

/// The result of `Planner.plan`: the ordered changes, how many desired entries already match, and the settings the
/// plan was made with. A plan with no changes means the table has converged. Terraform equivalent: `plans.Plan`.
public struct Plan: Hashable, Sendable {
    /// Changes ordered by interface index, family, address.
    public var changes: [Change]
    /// Desired entries that already equal the kernel's.
    public var unchanged: Int
    /// The owner protocol used.
    public var ownerProtocol: UInt8
    /// The prune mode used.
    public var prune: PruneMode
    /// The configured ceiling on deletes.
    public var maxDeletes: Int
    /// Desired entries that cannot be written yet (interface absent, family unusable), in file order; not changes.
    public var pending: [PendingNeighbor]
    /// The neighbor-table parameters to change (`ParameterPlanner`); apply writes them before the entries.
    public var parameterChanges: [ParameterChange] = []
    /// Desired parameters whose interface does not exist; not changes.
    public var pendingParameters: [DesiredParameter] = []
    /// Desired parameters the kernel already holds.
    public var unchangedParameters = 0

    /// Builds a plan.
    public init(changes: [Change], unchanged: Int, ownerProtocol: UInt8, prune: PruneMode, maxDeletes: Int,
                pending: [PendingNeighbor] = []) {
        self.changes = changes
        self.unchanged = unchanged
        self.ownerProtocol = ownerProtocol
        self.prune = prune
        self.maxDeletes = maxDeletes
        self.pending = pending
    }

    /// The pending entries not marked `optional: true`: while there are any, `apply` exits 1.
    public var requiredPending: [PendingNeighbor] { pending.filter { !$0.isExpected } }

    /// How many changes have the action.
    public func count(_ action: Action) -> Int { changes.reduce(0) { $0 + ($1.action == action ? 1 : 0) } }

    /// True when nothing can be done now (pending entries and parameters are not changes).
    public var isEmpty: Bool { changes.isEmpty && parameterChanges.isEmpty }

    /// Adds the parameter plan (changes, unchanged count, pending) to this plan.
    public mutating func include(_ parameters: ParameterPlanner.Result) {
        parameterChanges = parameters.changes
        pendingParameters = parameters.pending
        unchangedParameters = parameters.unchanged
    }

    /// True when the plan deletes more than `maxDeletes` entries and so needs `--force`.
    public var exceedsMaxDeletes: Bool { count(.delete) > maxDeletes }

    /// `Plan: 3 to create, 1 to set, 2 to delete, 40 unchanged.` (Terraform's summary line), with `, 2 pending`
    /// before the full stop when entries are pending.
    public var summary: String {
        "Plan: \(count(.create)) to create, \(count(.set)) to set, \(count(.delete)) to delete, \(unchanged) unchanged"
            + (pending.isEmpty ? "" : ", \(pending.count) pending")
            + (parameterChanges.isEmpty && pendingParameters.isEmpty ? "."
               : "; \(parameterChanges.count) \(parameterChanges.count == 1 ? "parameter" : "parameters") to change"
               + (pendingParameters.isEmpty ? "." : ", \(pendingParameters.count) pending."))
    }
}
