import IpNetCore

/// Watch mode's brake for a fight with another writer. Two writers with the same owner protocol and different desired
/// states (typically a second `neighsync apply --watch` with another file) undo each other's writes forever: each
/// deletes the entries it does not know (they carry its protocol) and sets back the ones it knows, several times a
/// second. The guard counts, per key, the sets and deletes a watcher actually carried out; when one key gets more
/// than `limit` of them within `window`, the key is held: no change is written to it for `hold`, and the caller logs
/// one `event=oscillation` error line naming the likely cause. Creates are not counted: the kernel itself drops
/// even permanent entries when a link goes down, so a flapping link legitimately makes neighsync re-create the same
/// entry again and again; it never makes an owned entry differ or appear by itself. A reload (SIGHUP) clears
/// everything. Parameters are braked the same way, per key (`DesiredParameter.path`): two watchers with different
/// values for one parameter rewrite it at every pass (parameters have no notification, so at least every resync);
/// every parameter write counts, since nothing but another writer makes a parameter differ again.
/// Pure (the caller passes the time). Equivalent: a flap-damping rule as in BGP route
/// dampening (RFC 2439), per neighbor entry.
public struct OscillationGuard: Sendable {
    /// More than this many sets/deletes of one key within `window` hold the key.
    public var limit: Int
    /// The window the writes are counted in.
    public var window: Duration
    /// How long a held key is left alone.
    public var hold: Duration
    private var entries = Counts<NeighborKey>()
    private var parameters = Counts<String>()

    /// A guard with the documented defaults: more than 5 sets/deletes of one key within 60 s hold it for 10 minutes.
    public init(limit: Int = 5, window: Duration = .seconds(60), hold: Duration = .seconds(600)) {
        self.limit = limit
        self.window = window
        self.hold = hold
    }

    /// The keys held at `now` (holds that have run out are dropped, and their keys start counting afresh).
    public mutating func held(at now: ContinuousClock.Instant) -> Set<NeighborKey> { entries.held(at: now) }

    /// Counts the sets and deletes `report` carried out at `now` and returns the changes whose key has just become
    /// held (one per key), for the caller to log.
    public mutating func record(_ report: ApplyReport, at now: ContinuousClock.Instant) -> [Change] {
        var newlyHeld: [Change] = []
        for o in report.outcomes {
            guard case .applied(let action) = o.result, action != .create else { continue }
            if entries.count(o.change.key, at: now, limits: self) { newlyHeld.append(o.change) }
        }
        return newlyHeld
    }

    /// The parameters (`DesiredParameter.path`) held at `now`, as `held(at:)` for entries.
    public mutating func heldParameters(at now: ContinuousClock.Instant) -> Set<String> { parameters.held(at: now) }

    /// Counts the parameters `report` wrote at `now` and returns those that have just become held (one per key), for
    /// the caller to log.
    public mutating func recordParameters(_ report: ApplyReport, at now: ContinuousClock.Instant) -> [ParameterChange] {
        var newlyHeld: [ParameterChange] = []
        for o in report.parameters where o.failure == nil {
            if parameters.count(o.change.desired.path, at: now, limits: self) { newlyHeld.append(o.change) }
        }
        return newlyHeld
    }

    /// Forgets every count and hold (after a reload: the operator changed something).
    public mutating func reset() {
        entries = Counts()
        parameters = Counts()
    }

    /// The one counting rule, per key of one kind: the write times within the window, and the holds.
    private struct Counts<Key: Hashable & Sendable>: Sendable {
        var writes: [Key: [ContinuousClock.Instant]] = [:]
        var heldUntil: [Key: ContinuousClock.Instant] = [:]

        /// The keys held at `now`; holds that have run out are dropped, and their keys start counting afresh.
        mutating func held(at now: ContinuousClock.Instant) -> Set<Key> {
            for (key, until) in heldUntil where until <= now {
                heldUntil[key] = nil
                writes[key] = nil
            }
            return Set(heldUntil.keys)
        }

        /// Counts one write of `key` at `now`; true when that write makes the key held (it was not before).
        mutating func count(_ key: Key, at now: ContinuousClock.Instant, limits: OscillationGuard) -> Bool {
            guard heldUntil[key] == nil else { return false }
            var times = writes[key, default: []].filter { now - $0 < limits.window }
            times.append(now)
            let nowHeld = times.count > limits.limit
            if nowHeld {
                heldUntil[key] = now + limits.hold
                writes[key] = nil
            } else {
                writes[key] = times
            }
            // Forget keys whose writes have all left the window, so the table stays as small as the fight.
            if writes.count > 4096 { writes = writes.filter { now - ($0.value.last ?? now) < limits.window } }
            return nowHeld
        }
    }
}
