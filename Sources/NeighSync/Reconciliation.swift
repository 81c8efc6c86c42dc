import Foundation
import IpNet

/// One reconcile run's inputs gathered in one place: the desired state loaded and resolved, the links and the
/// current rows from the kernel (or a snapshot). The CLI's `validate`, `plan` and `apply` all start here, so the
/// three uses (GitOps apply, cron drift correction, CI dry run) see exactly the same logic. iproute2 equivalent:
/// `ip link show` + `ip neigh show` before an `ip -batch` run.
public struct Reconciliation {
    /// The loaded file settings and entries.
    public var state: DesiredState
    /// The desired rows, interfaces resolved, owner protocol set.
    public var desired: [DesiredRow]
    /// The links of the namespace.
    public var links: [Link]
    /// The current rows.
    public var current: [IpNetRow2]

    /// Loads `path` and resolves it against `links`; diagnostics on any problem.
    public static func desired(path: String, links: [Link]) throws -> (DesiredState, [DesiredRow]) {
        let state = try DesiredStateLoader.load(path: path).get()
        let resolved = try state.resolve(links: links).get()
        return (state, resolved.map(\.desiredRow))
    }

    /// Gathers everything from the kernel table `table`.
    public static func gather(path: String, table: NeighborTableProtocol) throws -> Reconciliation {
        let links = try table.links()
        let (state, desired) = try Self.desired(path: path, links: links)
        return Reconciliation(state: state, desired: desired, links: links,
                              current: try table.table(family: .unspecified))
    }

    /// Gathers everything from a saved snapshot (no netlink).
    public static func gather(path: String, snapshot: String, links linksPath: String?) throws -> Reconciliation {
        let (links, rows) = try Snapshot.load(path: snapshot, linksPath: linksPath)
        let (state, desired) = try Self.desired(path: path, links: links)
        return Reconciliation(state: state, desired: desired, links: links, current: rows)
    }

    /// The plan of this run.
    public func plan() -> Plan {
        Planner.plan(desired: desired, current: current, links: links, ownerProtocol: state.ownerProtocol,
                     prune: state.prune, maxDeletes: state.maxDeletes)
    }
}
