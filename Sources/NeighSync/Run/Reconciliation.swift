import FoundationEssentials
import IpNet
import IpNetCore
import NeighSyncCore

/// One reconcile run's inputs gathered in one place: the desired state loaded and resolved, the links and the
/// current rows from the kernel (or a snapshot). The CLI's `plan` (also `--hosts`) and one-shot `apply` start here,
/// so GitOps apply, cron drift correction and a CI dry run see exactly the same logic (`validate` loads and checks
/// the file without planning; watch mode gathers through `ApplyRound`). iproute2 equivalent:
/// `ip link show` + `ip neigh show` before an `ip -batch` run.
public struct Reconciliation {
    /// The loaded file settings (its entries are in `desired`).
    public var state: DesiredState
    /// The desired rows, interfaces resolved, owner protocol set.
    public var desired: [DesiredRow]
    /// The desired entries that wait for their interface (or their family on it).
    public var pending: [PendingNeighbor] = []
    /// The links of the namespace.
    public var links: [Link]
    /// The current rows.
    public var current: [IpNetRow2]
    /// The kernel's neighbor-table parameters; read only when the file manages parameters.
    public var currentParameters: [NeighborParameterSet] = []

    /// Loads `path` and resolves it against `links`; diagnostics on any problem that is the file's fault, pending
    /// entries apart. The returned state keeps its settings but not its parsed entries (the rows replace them), to
    /// keep memory flat at 100,000 entries.
    public static func desired(path: String, links: [Link]) throws
        -> (DesiredState, DesiredResolution<DesiredRow>) {
        try resolve(try DesiredStateLoader.load(path: path).get(), links: links)
    }

    static func resolve(_ loaded: consuming DesiredState, links: [Link]) throws
        -> (DesiredState, DesiredResolution<DesiredRow>) {
        var state = loaded
        let resolution = try state.resolve(links: links).get()
        state.neighbors = []
        return (state, resolution)
    }

    /// Gathers everything from the kernel table `table`. The file is parsed on a second thread while this one reads
    /// the links and the neighbor dump (the table never leaves the caller's thread); a file problem is reported
    /// before a kernel one.
    public static func gather(path: String, table: NeighborTableProtocol) throws -> Reconciliation {
        let parse = BackgroundWork { DesiredStateLoader.load(path: path) }
        let read = Result { (try table.links(), try table.table(family: .unspecified)) }
        // Always join the parser before returning, whatever the kernel said.
        var parsed: Result<DesiredState, DiagnosticList>? = try parse.wait()
        var loaded: DesiredState? = try parsed.take()!.get()
        let (links, current) = try read.get()
        // Hand the parsed entries over, so they are freed as soon as the rows exist.
        let (state, desired) = try resolve(loaded.take()!, links: links)
        var r = Reconciliation(state: state, desired: desired.entries, pending: desired.pending, links: links,
                               current: current)
        if !state.parameters.isEmpty {
            try Self.check(state.parameters, initialNamespace: try table.isInitialNamespace())
            r.currentParameters = try table.parameters()
        }
        return r
    }

    /// Throws the diagnostics of table-wide parameters outside the initial namespace (`DesiredParameter`'s rule).
    public static func check(_ parameters: [DesiredParameter], initialNamespace: Bool) throws {
        let problems = DesiredParameter.namespaceProblems(parameters, initialNamespace: initialNamespace)
        if !problems.isEmpty { throw DiagnosticList(problems) }
    }

    /// Gathers everything from a saved snapshot (no netlink).
    public static func gather(path: String, snapshot: String, links linksPath: String?) throws -> Reconciliation {
        let (links, rows, parameters, initial) = try Snapshot.loadWithParameters(path: snapshot, linksPath: linksPath)
        let (state, desired) = try Self.desired(path: path, links: links)
        var r = Reconciliation(state: state, desired: desired.entries, pending: desired.pending, links: links,
                               current: rows)
        if !state.parameters.isEmpty {
            guard let parameters, let initial else {
                throw RecordError("\(snapshot) holds no neighbor-table parameters, which the file manages; take the "
                                  + "snapshot with 'neighsync show --output json' (this version or later)")
            }
            try check(state.parameters, initialNamespace: initial)
            r.currentParameters = parameters
        }
        return r
    }

    /// The plan of this run.
    public func plan() -> Plan {
        var plan = Planner.plan(desired: desired, current: current, links: links, ownerProtocol: state.ownerProtocol,
                                prune: state.prune, maxDeletes: state.maxDeletes, pending: pending)
        if !state.parameters.isEmpty {
            plan.include(ParameterPlanner.plan(desired: state.parameters, current: currentParameters, links: links))
        }
        return plan
    }
}
