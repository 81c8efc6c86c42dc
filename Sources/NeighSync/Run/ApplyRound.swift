import FoundationEssentials
import IpNet
import IpNetCore
import NeighSyncCore

/// One reconcile pass of watch mode against a desired state already loaded: read the links, resolve the desired
/// entries against them, read the whole neighbor table, plan, apply (refusing too many deletes without `force`),
/// and keep what the next pass and the logs need: the report or the reason nothing could be applied, the scope for
/// event filtering, and the duration. An entry that a link refuses in a pass (the host changed since the file was
/// admitted: a link switched `arp on`, an interface appeared with another hardware-address length) is blocked for
/// the pass (`PendingNeighbor.Cause.linkRefuses`): every other entry is written. Every pass reads the kernel afresh, so a pass after an event, a periodic
/// resync and a pass after an overrun are the same full reconcile; a converged table writes nothing. Equivalent:
/// `neighsync apply` once; netlink: RTM_GETLINK + RTM_GETNEIGH dumps, then batched RTM_NEWNEIGH / RTM_DELNEIGH.
public struct ApplyRound: Sendable {
    /// The apply report; nil when the pass stopped before writing (see `error`).
    public var report: ApplyReport?
    /// Why the pass wrote nothing at all (the file does not resolve, the table cannot be read, a refusal).
    public var error: String?
    /// The scope of the desired state as resolved in this pass; nil when it did not resolve.
    public var scope: WatchScope?
    /// Wall-clock seconds the pass took.
    public var seconds: Double

    /// True when the pass planned and applied with no failure.
    public var succeeded: Bool { error == nil && (report?.succeeded ?? false) }

    /// Runs one pass of `state` against `table`, writing nothing to the keys in `held` nor to the parameters in
    /// `heldParameters` (`DesiredParameter.path`; see `OscillationGuard`).
    /// Never throws: every problem ends up in `error` or in the report's failures. Netlink equivalent: see the type.
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
        let links: [Link]
        do {
            links = try table.links()
        } catch {
            return ApplyRound(report: nil, error: "cannot read the interfaces: \(error)", scope: nil, seconds: seconds())
        }
        let resolved: [ResolvedNeighbor]
        let pending: [PendingNeighbor]
        // The file was admitted against the links (`admit`) when it was read: an entry a link refuses now is the
        // host's change, blocked for this pass, not a reason to stop repairing every other entry.
        switch state.resolve(links: links, linkRefusals: .blocked) {
        case .success(let r):
            resolved = r.entries
            pending = r.pending
        case .failure(let diagnostics):
            // Interfaces named by the file still count as managed, so their appearance triggers a new pass.
            let scope = WatchScope(desired: [], interfaceNames: names, ownerProtocol: state.ownerProtocol,
                                   prunes: false, namedIndexes: indexes)
            return ApplyRound(report: nil, error: "the desired state does not match the interfaces: "
                              + diagnostics.description.replacing("\n", with: "; "),
                              scope: scope, seconds: seconds())
        }
        let scope = WatchScope(desired: resolved.map(\.row), interfaceNames: names,
                               ownerProtocol: state.ownerProtocol, prunes: state.prune == .owned, pending: pending,
                               namedIndexes: indexes)
        let current: [IpNetRow2]
        do {
            current = try table.table(family: .unspecified)
        } catch {
            return ApplyRound(report: nil, error: "cannot read the neighbor table: \(error)", scope: scope,
                              seconds: seconds())
        }
        var plan = Planner.plan(desired: resolved.map(\.desiredRow), current: current, links: links,
                                ownerProtocol: state.ownerProtocol, prune: state.prune, maxDeletes: state.maxDeletes,
                                pending: pending)
        if !held.isEmpty { plan.changes.removeAll { held.contains($0.key) } }
        if !state.parameters.isEmpty {
            // Parameters have no change notification (neightbl_set and the sysctls announce nothing), so a pass
            // (an event's, or the periodic resync's) compares them afresh.
            do {
                plan.include(ParameterPlanner.plan(desired: state.parameters, current: try table.parameters(),
                                                   links: links))
                if !heldParameters.isEmpty {
                    plan.parameterChanges.removeAll { heldParameters.contains($0.desired.path) }
                }
            } catch {
                return ApplyRound(report: nil, error: "cannot read the neighbor-table parameters: \(error)",
                                  scope: scope, seconds: seconds())
            }
        }
        do {
            let report = try Applier.apply(plan, to: table, force: force)
            return ApplyRound(report: report, error: nil, scope: scope, seconds: seconds())
        } catch {
            return ApplyRound(report: nil, error: "\(error)", scope: scope, seconds: seconds())
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
        if case .failure(let d) = state.resolveRows(links: links) { return .failure(d) }
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
