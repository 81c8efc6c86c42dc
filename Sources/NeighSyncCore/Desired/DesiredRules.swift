import IpNetCore

/// The value rules of a desired state that the plan-file reader (`PlanFileReader`) checks beside the YAML loader's
/// own: the desired states and `maxDeletes`. The owner protocol's rule is `OwnerProtocolRule`, and row rules
/// (addresses, interface selection, MAC lengths) live in `NeighborRowValidator`, each shared with the loader. iproute2 equivalent: the
/// argument checks of `ip neigh add` (`nud`, `protocol`).
package enum DesiredRules {
    /// The states a desired entry may have: permanent (NUD_PERMANENT), noarp (NUD_NOARP) and `managedState`.
    package static let states: [NeighborState] = [.permanent, .noarp, managedState]

    /// The state of a desired managed entry (`state: managed` in a file): NUD_NONE, the state a managed entry is
    /// written in (`ip neigh add A dev D managed` sends `ndm_state = NUD_NONE` with `NDA_FLAGS_EXT =
    /// NTF_EXT_MANAGED`); its flags (`writtenFlags`) say it is managed. The kernel then resolves the entry itself.
    package static let managedState: NeighborState = .none

    /// The desired states as a plan file writes them, for messages: `permanent, noarp or none (managed)`.
    package static let stateList = "permanent, noarp or none (with flags managed)"

    /// The name of a desired state as a file writes it: `permanent`, `noarp`, `managed`.
    package static func fileName(of state: NeighborState) -> String {
        state == managedState ? "managed" : state.rawValue
    }

    /// The flags neighsync writes with an entry of `state`: `extern_learn` (NTF_EXT_LEARNED) on a `noarp` entry, none
    /// on a `permanent` one. The kernel's neighbour garbage collection (`neigh_periodic_work()` and, since Linux 5.0,
    /// `neigh_forced_gc()` in `net/core/neighbour.c`) skips only NUD_PERMANENT entries and those with
    /// NTF_EXT_LEARNED: an unused NOARP entry without it is removed once it is older than `gc_stale_time` (and the
    /// table holds more than `gc_thresh1` entries), so it would never stay converged. iproute2 equivalent:
    /// `ip neigh replace … nud noarp extern_learn` (as FRR/EVPN writes its entries).
    /// A managed entry (`managedState`) is written with `managed` (NTF_EXT_MANAGED in NDA_FLAGS_EXT) and
    /// `extern_learn` too: a managed entry whose neighbor does not answer goes FAILED, and `neigh_periodic_work()`
    /// deletes a FAILED entry (nobody holding it) on its next pass unless it is NUD_PERMANENT or NTF_EXT_LEARNED,
    /// so without the flag it would come and go forever. NTF_EXT_LEARNED changes nothing else for a non-static
    /// entry: ARP/ND updates its MAC and state as before (`neigh_update_flags()` touches the flags of admin updates
    /// only), and the kernel keeps re-probing it (`neigh_managed_work()`). iproute2: `ip neigh add A dev D managed
    /// extern_learn`, as Cilium writes its managed entries.
    package static func writtenFlags(for state: NeighborState) -> NeighborFlags {
        switch state {
        case .noarp: return .externallyLearned
        case managedState: return [.managed, .externallyLearned]
        default: return []
        }
    }

    /// The flags neighsync writes with `row`: `.proxy` for a proxy entry (NTF_PROXY: the kernel's proxy table),
    /// else `writtenFlags(for: row.state)`.
    package static func writtenFlags(for row: IpNetRow2) -> NeighborFlags {
        row.isProxy ? .proxy : writtenFlags(for: row.state)
    }

    /// What is wrong with `row` as a proxy entry neighsync writes (a saved plan's row), as (key, message), or nil: a
    /// proxy entry has state `none` (no NUD state), no link-layer address, the router flag only on IPv6 (as a
    /// neighbor, `NeighborRowValidator.flagsProblem`) and exactly the `proxy` flag, as `DesiredState.resolve` makes it.
    package static func proxyRowProblem(_ row: IpNetRow2) -> (String, String)? {
        if row.state != .none {
            return ("state", "'\(row.state.rawValue)' is not a proxy entry's state (none)")
        }
        if row.physicalAddress.count > 0 {
            return ("physicalAddress", InvalidParameterReason.proxyFields(row.address).description)
        }
        if let problem = NeighborRowValidator.flagsProblem(address: row.address, isRouter: row.isRouter) {
            return ("isRouter", problem.description)
        }
        if row.flags != .proxy {
            return ("flags", "a proxy entry carries exactly the flag proxy, found "
                    + row.flags.words.joined(separator: " "))
        }
        return nil
    }

    /// Why `value` cannot be `maxDeletes`, or nil.
    package static func maxDeletesProblem(_ value: Int64) -> String? {
        value >= 0 ? nil : "must be 0 or more; use 0 to refuse every delete without --force"
    }
}
