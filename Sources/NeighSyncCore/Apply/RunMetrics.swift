import IpNetCore

/// The figures of one apply run (one-shot, or one pass of watch mode) for `apply --metrics FILE`, as plain values:
/// when it ended and how long it took, whether it converged, what it planned and what became of each change, what
/// failed (Windows status names), what the file wants, what the kernel holds with the owner protocol afterwards and
/// what waits for its interface; in watch mode also the passes so far by trigger. `MetricsFile` renders it in the
/// Prometheus text format. Labels are bounded: actions, results, kinds, families, statuses, triggers and interface
/// names, never addresses. Equivalent: node_exporter's textfile collector input.
public struct RunMetrics: Hashable, Sendable {
    /// What became of a planned change (`neighsync_applied_changes{result}`).
    public enum Result: String, Hashable, Sendable, CaseIterable {
        /// Written.
        case applied
        /// Nothing to write after all (found equal, or already gone).
        case converged
        /// The write failed.
        case failed
    }

    /// One `neighsync_applied_changes` sample: the planned action and its result.
    public struct Applied: Hashable, Sendable {
        /// The planned action.
        public var action: Action
        /// What became of it.
        public var result: Result
        /// Builds a key.
        public init(action: Action, result: Result) {
            self.action = action
            self.result = result
        }
    }

    /// One `neighsync_owned_entries` sample: entries with the owner protocol on one interface, of one family and kind.
    public struct Owned: Hashable, Sendable, Comparable {
        /// The interface name (the index in decimal when the link is unknown).
        public var interface: String
        /// `ipv4` or `ipv6`.
        public var family: AddressFamily
        /// The entry's kind (`RunMetrics.kind(state:isProxy:isManaged:)`): `permanent`, `noarp`, `managed`, `proxy`
        /// (or a leftover's state, e.g. `incomplete`).
        public var kind: String
        /// Builds a key.
        public init(interface: String, family: AddressFamily, kind: String) {
            self.interface = interface
            self.family = family
            self.kind = kind
        }
        /// Interface, then family, then kind.
        public static func < (a: Owned, b: Owned) -> Bool {
            (a.interface, a.family.rawValue, a.kind) < (b.interface, b.family.rawValue, b.kind)
        }
    }

    /// One `neighsync_pending_entries` sample: the entries waiting for one interface, optional or not.
    public struct Pending: Hashable, Sendable, Comparable {
        /// The interface as the file names it.
        public var interface: String
        /// True for `optional: true` entries (their wait does not fail the run).
        public var optional: Bool
        /// Builds a key.
        public init(interface: String, optional: Bool) {
            self.interface = interface
            self.optional = optional
        }
        /// Interface, then required before optional.
        public static func < (a: Pending, b: Pending) -> Bool {
            (a.interface, a.optional ? 1 : 0) < (b.interface, b.optional ? 1 : 0)
        }
    }

    /// The triggers of a watch-mode pass, in the order they are rendered (`neighsync_passes_total{trigger}`).
    public static let triggers = ["initial", "event", "resync", "reload", "overrun", "retry"]
    /// The kinds of desired entries always rendered, even at zero (`neighsync_desired_entries{kind}`); `managed`
    /// and `proxy` are rendered when the file has any (see `kind(state:isProxy:)`).
    public static let desiredKinds = ["permanent", "noarp"]

    /// When the run ended, in seconds since the Unix epoch.
    public var finishedAt: Double
    /// How long the run took, in seconds.
    public var durationSeconds: Double
    /// True when the run converged: it planned and applied with no failure, and no entry that is not optional
    /// waits. Only such a run advances `lastSuccessAt`.
    public var converged: Bool
    /// When the last converged run ended (this one when it converged); nil when none ever did (rendered as 0).
    public var lastSuccessAt: Double?
    /// Planned changes by action (absent actions are 0).
    public var planned: [Action: Int] = [:]
    /// Planned changes by action and result (absent pairs are 0).
    public var applied: [Applied: Int] = [:]
    /// Failed changes by Windows status name (`ERROR_NOT_FOUND`).
    public var failures: [String: Int] = [:]
    /// Desired entries by kind (`kind(state:isProxy:)`); nil when the run did not get as far as loading them.
    public var desired: [String: Int]?
    /// Entries in the kernel table carrying the owner protocol after the run; nil when not read.
    public var owned: [Owned: Int]?
    /// Entries waiting for their interface (or for their family on it); nil when the run did not plan.
    public var pending: [Pending: Int]?
    /// Watch mode: the passes so far by trigger; nil for a one-shot apply.
    public var passes: [String: Int]?
    /// Watch mode with `--verify-every`: the entries of the last verify pass by result; nil until one ran.
    public var verify: [VerifyOutcome: Int]?

    /// The metrics of a run that ended at `finishedAt` after `durationSeconds`. With a `report` the planned
    /// changes, their results, the failures and the pending entries come from it; `converged` says whether the run
    /// as a whole converged (the report succeeded and nothing else went wrong, e.g. the namespace was replaced).
    /// Without one the run could not apply at all and did not converge. `previousSuccess` is the last converged
    /// run's end before this one.
    public init(finishedAt: Double, durationSeconds: Double, report: ApplyReport?, converged: Bool,
                previousSuccess: Double?) {
        self.finishedAt = finishedAt
        self.durationSeconds = durationSeconds
        self.converged = report != nil && converged
        // A previous success later than this run's end is no success (a planted or clock-skewed file would keep
        // the "not converged" alert quiet for ever).
        self.lastSuccessAt = self.converged ? finishedAt : previousSuccess.flatMap { $0 <= finishedAt ? $0 : nil }
        guard let report else { return }
        for (change, result) in zip(report.changes, report.results) {
            planned[change.action, default: 0] += 1
            let r: Result
            switch result {
            case .applied: r = .applied
            case .converged: r = .converged
            case .failed(let e):
                r = .failed
                failures[e.windowsName, default: 0] += 1
            }
            applied[Applied(action: change.action, result: r), default: 0] += 1
        }
        pending = Self.pending(report.pending)
    }

    /// Records a plan that was refused before any write (`maxDeletes` without `--force`): what it planned and what
    /// waits, with every result at 0.
    public mutating func refused(_ plan: Plan) {
        planned = [:]
        for c in plan.changes { planned[c.action, default: 0] += 1 }
        pending = Self.pending(plan.pending)
    }

    /// Pending entries counted per interface and optionality.
    public static func pending(_ entries: [PendingNeighbor]) -> [Pending: Int] {
        var out: [Pending: Int] = [:]
        for p in entries { out[Pending(interface: p.interfaceName, optional: p.isOptional), default: 0] += 1 }
        return out
    }

    /// The kind label of an entry, desired or owned, the same for both families of samples: `proxy` for a proxy
    /// entry (NTF_PROXY), `managed` for a managed one (the desired `DesiredRules.managedState`, or a kernel row with
    /// NTF_EXT_MANAGED, whatever resolution state it is in), else the state name (`permanent`, `noarp`, or a
    /// leftover's, e.g. `incomplete`).
    public static func kind(state: NeighborState, isProxy: Bool, isManaged: Bool = false) -> String {
        if isProxy { return "proxy" }
        if isManaged { return "managed" }
        return state.rawValue
    }

    /// The kind label of a desired entry (`kind(state:isProxy:isManaged:)`, managed when its state is
    /// `DesiredRules.managedState`).
    public static func desiredKind(state: NeighborState, isProxy: Bool) -> String {
        kind(state: state, isProxy: isProxy, isManaged: !isProxy && state == DesiredRules.managedState)
    }

    /// Desired entries counted by kind label (`permanent`, `noarp`, `managed`, `proxy`; see `desiredKind`).
    public static func desired(_ kinds: some Sequence<String>) -> [String: Int] {
        var out: [String: Int] = [:]
        for k in kinds { out[k, default: 0] += 1 }
        return out
    }

    /// The rows of `rows` carrying `ownerProtocol`, counted by interface name (from `links`), family and state.
    /// Pure; the kernel side is `owned(in:ownerProtocol:)`.
    public static func owned(_ rows: [IpNetRow2], links: [Link], ownerProtocol: UInt8) -> [Owned: Int] {
        var names: [UInt32: String] = [:]
        for l in links { names[l.index] = l.name }
        var out: [Owned: Int] = [:]
        for r in rows where r.protocol == ownerProtocol {
            let index = r.effectiveInterfaceIndex
            out[Owned(interface: names[index] ?? String(index), family: r.address.family,
                      kind: kind(state: r.state, isProxy: r.isProxy, isManaged: r.flags.contains(.managed))),
                default: 0] += 1
        }
        return out
    }

    /// Reads the links and the whole table of `table` and counts the owned entries (see `owned(_:links:ownerProtocol:)`);
    /// nil when the kernel cannot be read. Netlink: RTM_GETLINK + RTM_GETNEIGH dumps; iproute2:
    /// `ip neigh show nud all | grep "proto N"`.
    public static func owned(in table: NeighborTableProtocol, ownerProtocol: UInt8) -> [Owned: Int]? {
        guard let links = try? table.links(), let rows = try? table.tableWithProxies(family: .unspecified) else {
            return nil
        }
        return owned(rows, links: links, ownerProtocol: ownerProtocol)
    }
}
