import IpNet

/// The value rules of a desired state that the plan-file reader (`PlanFileReader`) checks beside the YAML loader's
/// own: the desired states and `maxDeletes`. The owner protocol's rule is `OwnerProtocolRule`, and row rules
/// (addresses, interface selection, MAC lengths) live in `NeighborRowValidator`, each shared with the loader. iproute2 equivalent: the
/// argument checks of `ip neigh add` (`nud`, `protocol`).
enum DesiredRules {
    /// The states a desired entry may have: permanent (NUD_PERMANENT) and noarp (NUD_NOARP).
    static let states: [NeighborState] = [.permanent, .noarp]

    /// Why `value` cannot be `maxDeletes`, or nil.
    static func maxDeletesProblem(_ value: Int64) -> String? {
        value >= 0 ? nil : "must be 0 or more; use 0 to refuse every delete without --force"
    }
}
