import IpNetCore

/// The value rules of a desired state that the plan-file reader (`PlanFileReader`) checks beside the YAML loader's
/// own: the desired states and `maxDeletes`. The owner protocol's rule is `OwnerProtocolRule`, and row rules
/// (addresses, interface selection, MAC lengths) live in `NeighborRowValidator`, each shared with the loader. iproute2 equivalent: the
/// argument checks of `ip neigh add` (`nud`, `protocol`).
package enum DesiredRules {
    /// The states a desired entry may have: permanent (NUD_PERMANENT) and noarp (NUD_NOARP).
    package static let states: [NeighborState] = [.permanent, .noarp]

    /// The flags neighsync writes with an entry of `state`: `extern_learn` (NTF_EXT_LEARNED) on a `noarp` entry, none
    /// on a `permanent` one. The kernel's neighbour garbage collection (`neigh_periodic_work()` and, since Linux 5.0,
    /// `neigh_forced_gc()` in `net/core/neighbour.c`) skips only NUD_PERMANENT entries and those with
    /// NTF_EXT_LEARNED: an unused NOARP entry without it is removed once it is older than `gc_stale_time` (and the
    /// table holds more than `gc_thresh1` entries), so it would never stay converged. iproute2 equivalent:
    /// `ip neigh replace … nud noarp extern_learn` (as FRR/EVPN writes its entries).
    package static func writtenFlags(for state: NeighborState) -> NeighborFlags {
        state == .noarp ? .externallyLearned : []
    }

    /// Why `value` cannot be `maxDeletes`, or nil.
    package static func maxDeletesProblem(_ value: Int64) -> String? {
        value >= 0 ? nil : "must be 0 or more; use 0 to refuse every delete without --force"
    }
}
