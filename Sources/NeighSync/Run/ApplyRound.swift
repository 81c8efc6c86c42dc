import FoundationEssentials
import IpNet
import IpNetCore
import NeighSyncCore

/// One reconcile pass of watch mode against a desired state already loaded, through the one pipeline
/// (`Reconciliation`): read the links, resolve the desired entries against them, read the whole neighbor table,
/// plan, apply (refusing too many deletes without `force`),
/// and keep what the next pass and the logs need: the report or the reason nothing could be applied, the scope for
/// event filtering, and the duration. An entry that a link refuses in a pass (the host changed since the file was
/// admitted: a link switched `arp on`, an interface appeared with another hardware-address length) is blocked for
/// the pass (`PendingNeighbor.Cause.linkRefuses`): every other entry is written. Every pass reads the kernel afresh, so a pass after an event, a periodic
/// resync and a pass after an overrun are the same full reconcile; a converged table writes nothing. Equivalent:
/// `neighsync apply` once; netlink: RTM_GETLINK + RTM_GETNEIGH dumps, then batched RTM_NEWNEIGH / RTM_DELNEIGH.
public struct ApplyRound: Sendable {
    /// The apply report; nil when the pass stopped before writing (see `failure`).
    public var report: ApplyReport?
    /// Why the pass wrote nothing at all (the file does not resolve, the table cannot be read, a refusal).
    public var failure: Failure?
    /// `failure`'s one line, as the logs (`apply-failed`) and the `--report` document print it.
    public var error: String? { failure?.description }
    /// The scope of the desired state as resolved in this pass; nil when it did not resolve.
    public var scope: WatchScope?
    /// Wall-clock seconds the pass took.
    public var seconds: Double

    /// True when the pass planned and applied with no failure.
    public var succeeded: Bool { failure == nil && (report?.succeeded ?? false) }

    /// Why a pass wrote nothing: the step that stopped it (`stage`), the kernel's error or the file's diagnostics
    /// when there is one, and the one line the logs print (`Reconciliation.Failure`'s or `Applier.Refusal`'s
    /// wording, which also says what to do). Watch mode goes on: the next event or resync is a new pass.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        /// The step of the pass that failed.
        public enum Stage: Hashable, Sendable {
            /// Reading the links (RTM_GETLINK dump).
            case links
            /// Resolving the desired state against the links: the file's fault (a link changed under it).
            case desired
            /// Reading the neighbor table (RTM_GETNEIGH dump).
            case table
            /// Reading the neighbor-table parameters (RTM_GETNEIGHTBL dump, the proxy sysctls).
            case parameters
            /// Checking a saved plan against the host (not reached by watch mode, which plans afresh).
            case savedPlan
            /// Applying: refused before any write (more deletes than `maxDeletes`), or the table threw.
            case apply
        }
        /// The step that failed.
        public var stage: Stage
        /// The kernel's error, when the step failed on one (its Windows status and errno: `IpNetError`).
        public var kernelError: IpNetError?
        /// The file's diagnostics, when the desired state no longer resolves (`stage == .desired`).
        public var diagnostics: DiagnosticList?
        /// The refusal, when applying was refused before any write.
        public var refusal: Applier.Refusal?
        /// The one line: `cannot read the interfaces: …`, `refusing to delete 60 entries: …`.
        public let description: String

        /// The failure of the gather step (`Reconciliation.gather`), worded as `Reconciliation.Failure` words it.
        init(_ failure: Reconciliation.Failure) {
            switch failure {
            case .links(let e): stage = .links; kernelError = e as? IpNetError
            case .desired(let d): stage = .desired; diagnostics = d
            case .table(let e, _): stage = .table; kernelError = e as? IpNetError
            case .parameters(let e, _): stage = .parameters; kernelError = e as? IpNetError
            case .savedPlanHost, .stale, .unknownPruneMode: stage = .savedPlan
            }
            description = failure.description
        }

        /// The failure of the apply step: `Applier.Refusal`, or whatever the table threw.
        init(applying error: any Error) {
            stage = .apply
            refusal = error as? Applier.Refusal
            kernelError = error as? IpNetError
            description = "\(error)"
        }
    }

    /// Runs one pass of `state` against `table`, writing nothing to the keys in `held` nor to the parameters in
    /// `heldParameters` (`DesiredParameter.path`; see `OscillationGuard`).
    /// Never throws: every problem ends up in `failure` or in the report's failures.
    public static func run(_ state: DesiredState, table: NeighborTableProtocol, force: Bool,
                           holding held: Set<NeighborKey> = [],
                           holdingParameters heldParameters: Set<String> = []) -> ApplyRound {
        let clock = ContinuousClock()
        let start = clock.now
        func seconds() -> Double {
            let c = (clock.now - start).components
            return Double(c.seconds) + Double(c.attoseconds) / 1e18
        }
        // Interfaces named by parameters count too: a re-created link has the kernel's defaults again.
        let names = Set(state.neighbors.compactMap(\.interface.name))
            .union(state.parameters.compactMap(\.place.interfaceName))
        let indexes = Set(state.neighbors.compactMap { $0.interface.index ?? $0.interface.luid?.netLuidIndex })
        // The file was admitted against the links (`admit`) when it was read: an entry a link refuses now is the
        // host's change, blocked for this pass, not a reason to stop repairing every other entry.
        var run: Reconciliation
        switch Reconciliation.gather(state, table: table) {
        case .success(let r): run = r
        case .failure(let failure):
            let scope: WatchScope?
            switch failure {
            case .links, .savedPlanHost, .stale, .unknownPruneMode: scope = nil
            // Interfaces named by the file still count as managed, so their appearance triggers a new pass.
            case .desired: scope = WatchScope(desired: [], interfaceNames: names, ownerProtocol: state.ownerProtocol,
                                              prunes: false, namedIndexes: indexes)
            case .table(_, let resolved), .parameters(_, let resolved):
                scope = resolved.scope(interfaceNames: names, namedIndexes: indexes)
            }
            return ApplyRound(report: nil, failure: Failure(failure), scope: scope, seconds: seconds())
        }
        let scope = run.scope(interfaceNames: names, namedIndexes: indexes)
        let plan = run.plan(holding: held, holdingParameters: heldParameters)
        run.releaseRows()
        do {
            let report = try run.apply(plan, to: table, force: force)
            return ApplyRound(report: report, failure: nil, scope: scope, seconds: seconds())
        } catch {
            return ApplyRound(report: nil, failure: Failure(applying: error), scope: scope, seconds: seconds())
        }
    }

    /// Admits a loaded desired state for watch mode, at the start and on each SIGHUP alike: a file that does not
    /// load, or whose entries are wrong for the links of the namespace (the file's fault: a MAC of the wrong length,
    /// selectors that disagree, a link type that cannot keep an entry), is refused with its diagnostics; entries
    /// whose interface is absent are pending, not a reason to refuse. When the links cannot be read the state is
    /// admitted (the pass then reports why it could not apply). Equivalent: `neighsync validate -f PATH`.
    public static func admit(_ loaded: Result<DesiredState, DiagnosticList>, table: NeighborTableProtocol)
        -> Result<DesiredState, DiagnosticList> {
        guard case .success(let state) = loaded, let links = try? table.links() else { return loaded }
        if case .failure(let d) = Reconciliation.resolve(state, links: links) { return .failure(d) }
        if !state.parameters.isEmpty, let initial = try? table.isInitialNamespace() {
            let problems = DesiredParameter.namespaceProblems(state.parameters, initialNamespace: initial)
            if !problems.isEmpty { return .failure(DiagnosticList(problems)) }
        }
        return loaded
    }

    /// The `--report` document of this pass, with its trigger. Equivalent: `neighsync apply --output json`.
    public func document(trigger: String?) -> ApplyDocument {
        var doc = ApplyDocument(report ?? ApplyReport(outcomes: [], unchanged: 0), seconds: seconds)
        doc.trigger = trigger
        if let error {
            doc.ok = false
            doc.error = error
        }
        return doc
    }
}
