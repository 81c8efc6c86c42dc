import IpNet
import IpNetCore
import NeighSyncCore

extension Reconciliation {
    /// Gathers a saved plan (`apply PLANFILE`, read from `path`) against `table`, the load and resolve steps being
    /// the plan file's own rows and settings: the host check of `apply -f` on every saved row before anything else
    /// (one bad row refuses the whole plan), then the stale checks: the table's `TableFingerprint` must be the
    /// saved one and the links must still resolve the saved pending entries as they did (`PlanFile.linkChange`).
    /// Plan it with `plan(replaying:path:)`. Terraform equivalent: `terraform apply PLAN` checking the prior state;
    /// netlink: RTM_GETLINK + RTM_GETNEIGH dumps.
    public static func gather(_ saved: PlanFile, path: String, table: NeighborTableProtocol) throws
        -> Reconciliation {
        let links = try table.links()
        // The host checks of a managed IPv4 row need the namespace's local routing table (read only for a plan with one).
        // A saved pending managed IPv4 entry needs it too: whether its wait is over (`PlanFile.linkChange`).
        let managedIPv4 = (try? saved.desiredRows())?.contains {
            $0.row.flags.contains(.managed) && !$0.row.isProxy && $0.row.address.family == .ipv4 } ?? false
        let pendingManagedIPv4 = (saved.plan.pending ?? []).compactMap(\.pendingNeighbor).contains {
            $0.state == DesiredRules.managedState && !$0.isProxy && $0.address.family == .ipv4 }
        let localRoutes = managedIPv4 || pendingManagedIPv4 ? try table.ownLocalRoutes() : nil
        if let problem = saved.hostProblem(links: links, localRoutes: localRoutes) {
            throw Failure.savedPlanHost(path: path, problem: problem)
        }
        let current = try table.tableWithProxies(family: .unspecified)
        let desired = try saved.desiredRows()
        guard TableFingerprint.of(current: current, desiredKeys: Set(desired.map(\.row.key)),
                                  ownerProtocol: saved.ownerProtocol) == saved.fingerprint
        else { throw Failure.stale(path: path, change: nil) }
        if let change = saved.linkChange(links: links, localRoutes: localRoutes) {
            throw Failure.stale(path: path, change: change)
        }
        guard let prune = saved.pruneMode else { throw Failure.unknownPruneMode(path: path, value: saved.prune) }
        return Reconciliation(state: DesiredState(ownerProtocol: saved.ownerProtocol, prune: prune,
                                                  maxDeletes: saved.maxDeletes),
                              desired: desired, pending: saved.plan.pending?.compactMap(\.pendingNeighbor) ?? [],
                              links: links, current: current)
    }

    /// The plan of a saved plan gathered by `gather(_:path:table:)`, recomputed; refused as stale unless it makes
    /// the same writes to the same entries as the saved one, compared as `CanonicalChange`s, never as display text
    /// (a row's reachability time grows every tick).
    public func plan(replaying saved: PlanFile, path: String) throws -> Plan {
        let plan = plan()
        guard try saved.plan.changes.map(CanonicalChange.init) == plan.changes.map(CanonicalChange.init)
        else { throw Failure.stale(path: path, change: nil) }
        return plan
    }
}
