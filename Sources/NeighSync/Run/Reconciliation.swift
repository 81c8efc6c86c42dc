import FoundationEssentials
import IpNet
import IpNetCore
import NeighSyncCore

/// The one pipeline of a reconcile run: load → resolve → gather → plan → apply. A run's inputs are gathered
/// here in one place: the desired state loaded and resolved (or a saved plan's rows), the links and the current
/// rows from the kernel (or a snapshot); `plan()` plans them and `apply(_:to:force:)` carries the plan out. The
/// CLI's `validate`, `plan` and `apply` (one-shot, saved plan) and every pass of watch mode (`ApplyRound`) all go
/// through it, so the uses (GitOps apply, cron drift correction, CI dry run, drift repair on events) see exactly the
/// same logic. iproute2 equivalent: `ip link show` + `ip neigh show` before an `ip -batch` run.
public struct Reconciliation: Sendable {
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

    /// Why a run stopped before writing: a pass over a loaded desired state (`gather(_:table:)`) before planning,
    /// or a saved plan (`gather(_:path:table:)`, `plan(replaying:path:)`) that cannot or must not be carried out.
    public enum Failure: Error, CustomStringConvertible {
        /// The links could not be read (RTM_GETLINK).
        case links(any Error)
        /// The desired state does not resolve against the links (the file's fault).
        case desired(DiagnosticList)
        /// The neighbor table could not be read (RTM_GETNEIGH); `resolved` is the run without its current rows.
        case table(any Error, resolved: Reconciliation)
        /// The neighbor-table parameters could not be read (RTM_GETNEIGHTBL); `resolved` is the run without them.
        case parameters(any Error, resolved: Reconciliation)
        /// A saved plan's row cannot be written on this host (`PlanFile.hostProblem`).
        case savedPlanHost(path: String, problem: String)
        /// The table (or, with `change`, the links) changed since the saved plan was made.
        case stale(path: String, change: String?)
        /// A saved plan names a prune mode that does not exist.
        case unknownPruneMode(path: String, value: String)

        /// `cannot read the interfaces: …`, `the desired state does not match the interfaces: …` (diagnostics on
        /// one line), `cannot read the neighbor table: …`.
        public var description: String {
            switch self {
            case .links(let e): return "cannot read the interfaces: \(e)"
            case .desired(let d):
                return "the desired state does not match the interfaces: " + d.description.replacing("\n", with: "; ")
            case .table(let e, _): return "cannot read the neighbor table: \(e)"
            case .parameters(let e, _): return "cannot read the neighbor-table parameters: \(e)"
            case .savedPlanHost(let path, let problem):
                return "\(path): \(problem); nothing was applied. Run 'neighsync plan' again against this host"
            case .stale(let path, let change?):
                return "\(path) is stale: \(change) since the plan was made; run 'neighsync plan' again"
            case .stale(let path, nil):
                return "\(path) is stale: the neighbor table changed since the plan was made; run 'neighsync plan' "
                    + "again"
            case .unknownPruneMode(let path, let value): return "\(path): unknown prune mode '\(value)'"
            }
        }
    }

    /// Loads `path` and resolves it against `links`; diagnostics on any problem that is the file's fault, pending
    /// entries apart. The returned state keeps its settings but not its parsed entries (the rows replace them), to
    /// keep memory flat at 100,000 entries.
    public static func desired(path: String, links: [Link]) throws
        -> (DesiredState, DesiredResolution<DesiredRow>) {
        try resolve(try DesiredStateLoader.load(path: path).get(), links: links).get()
    }

    /// The resolve step of every run: `loaded` against `links`, entries a link refuses being errors (`.errors`: the
    /// file is judged) or blocked for this pass (`.blocked`: a watch pass of a file already admitted). The state
    /// comes back without its parsed entries (the rows replace them).
    static func resolve(_ loaded: consuming DesiredState, links: [Link],
                        linkRefusals: DesiredState.LinkRefusals = .errors, localRoutes: LocalRouteTable? = nil)
        -> Result<(DesiredState, DesiredResolution<DesiredRow>), DiagnosticList> {
        var state = loaded
        let resolution = state.resolve(links: links, linkRefusals: linkRefusals, localRoutes: localRoutes)
        state.neighbors = []
        return resolution.map { (state, $0) }
    }

    /// Gathers everything from the kernel table `table` for the file at `path` (a one-shot `validate`, `plan` or
    /// `apply`: entries a link refuses are errors). The file is parsed on a second thread while this one reads the
    /// links and the neighbor dump (the table never leaves the caller's thread); a file problem is reported before a
    /// kernel one.
    public static func gather(path: String, table: NeighborTableProtocol) throws -> Reconciliation {
        let parse = BackgroundWork { DesiredStateLoader.load(path: path) }
        let read = Result { (try table.links(), try table.tableWithProxies(family: .unspecified)) }
        // Always join the parser before returning, whatever the kernel said.
        var parsed: Result<DesiredState, DiagnosticList>? = try parse.wait()
        var loaded: DesiredState? = try parsed.take()!.get()
        let (links, current) = try read.get()
        let localRoutes = loaded!.needsLocalRoutes ? try table.ownLocalRoutes() : nil
        // Hand the parsed entries over, so they are freed as soon as the rows exist.
        let (state, desired) = try resolve(loaded.take()!, links: links, localRoutes: localRoutes).get()
        if let problems = ManagedSupportCheck.problems(desired: desired.entries, table: table) { throw problems }
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
                throw RecordError(subject: snapshot, "holds no neighbor-table parameters, which the file manages",
                                  remedy: "take the snapshot with 'neighsync show --output json' (this version or "
                                      + "later)")
            }
            try check(state.parameters, initialNamespace: initial)
            r.currentParameters = parameters
        }
        return r
    }

    /// Gathers everything from `table` for a desired state already loaded and admitted (a watch pass): the links,
    /// then the state resolved against them with entries a link refuses blocked for this pass
    /// (`PendingNeighbor.Cause.linkRefuses`: the host changed since the file was admitted), then the neighbor dump.
    /// The state is kept whole (its entries are the watcher's). netlink: RTM_GETLINK + RTM_GETNEIGH dumps.
    public static func gather(_ state: DesiredState, table: NeighborTableProtocol) -> Result<Reconciliation, Failure> {
        let links: [Link]
        do { links = try table.links() } catch { return .failure(.links(error)) }
        let desired: DesiredResolution<DesiredRow>
        var localRoutes: LocalRouteTable?
        if state.needsLocalRoutes {
            do { localRoutes = try table.ownLocalRoutes() } catch { return .failure(.links(error)) }
        }
        switch resolve(state, links: links, linkRefusals: .blocked, localRoutes: localRoutes) {
        case .success(let r): desired = r.1
        case .failure(let d): return .failure(.desired(d))
        }
        if let problems = ManagedSupportCheck.problems(desired: desired.entries, table: table) {
            return .failure(.desired(problems))
        }
        var run = Reconciliation(state: state, desired: desired.entries, pending: desired.pending, links: links,
                                 current: [])
        do { run.current = try table.tableWithProxies(family: .unspecified) } catch {
            return .failure(.table(error, resolved: run))
        }
        // Parameters have no change notification (neightbl_set and the sysctls announce nothing), so a pass (an
        // event's, or the periodic resync's) reads them afresh.
        if !state.parameters.isEmpty {
            do { run.currentParameters = try table.parameters() } catch {
                return .failure(.parameters(error, resolved: run))
            }
        }
        return .success(run)
    }

    /// The plan of this run, leaving the keys in `held` and the parameters in `heldParameters` alone (see
    /// `OscillationGuard`), with the parameter changes
    /// when the file manages parameters. Pure (`Planner.plan`, `ParameterPlanner.plan`).
    public func plan(holding held: Set<NeighborKey> = [], holdingParameters heldParameters: Set<String> = []) -> Plan {
        var plan = Planner.plan(desired: desired, current: current, links: links, ownerProtocol: state.ownerProtocol,
                                prune: state.prune, maxDeletes: state.maxDeletes, pending: pending)
        if !held.isEmpty { plan.changes.removeAll { held.contains($0.key) } }
        if !state.parameters.isEmpty {
            plan.include(ParameterPlanner.plan(desired: state.parameters, current: currentParameters, links: links))
            if !heldParameters.isEmpty {
                plan.parameterChanges.removeAll { heldParameters.contains($0.desired.path) }
            }
        }
        return plan
    }

    /// Frees the desired and current rows once the plan is made (the plan holds what the writes need): at 100,000
    /// entries they are about 15 MiB that would otherwise stay resident through the writes and the output.
    public mutating func releaseRows() {
        desired = []
        current = []
    }

    /// Carries out `plan` (made by `plan()`) on `table` (`Applier.apply`): throws `Applier.Refusal` before any write
    /// when it deletes more than `maxDeletes` without `force`.
    public func apply(_ plan: Plan, to table: NeighborTableProtocol, force: Bool) throws -> ApplyReport {
        try Applier.apply(plan, to: table, force: force)
    }

    /// The watch-mode scope of this run: its desired rows and pending entries, the interface names and indexes the
    /// file names (`names`, `indexes`, from the state's entries and parameters, absent ones included).
    public func scope(interfaceNames names: Set<String>, namedIndexes indexes: Set<UInt32>) -> WatchScope {
        WatchScope(desired: desired.map(\.row), interfaceNames: names, ownerProtocol: state.ownerProtocol,
                   prunes: state.prune == .owned, pending: pending, namedIndexes: indexes)
    }
}
