/// The state of a neighbor entry, Windows' `NL_NEIGHBOR_STATE` mapped one to one onto the kernel's NUD states
/// (unreachable↔NUD_FAILED, incomplete↔NUD_INCOMPLETE, probe↔NUD_PROBE, delay↔NUD_DELAY, stale↔NUD_STALE,
/// reachable↔NUD_REACHABLE, permanent↔NUD_PERMANENT), plus `noarp` (NUD_NOARP, no Windows twin) and `none`
/// (NUD_NONE, a transient state of a freshly created entry). Netlink equivalent: `ndm_state`; iproute2: `nud STATE`.
public enum NeighborState: String, Sendable, Hashable, CaseIterable, Codable {
    case unreachable, incomplete, probe, delay, stale, reachable, permanent, noarp, none

    /// The NUD bit for this state. Netlink equivalent: the value written to `ndm_state`.
    public var nudValue: UInt16 {
        switch self {
        case .incomplete: return 0x01
        case .reachable: return 0x02
        case .stale: return 0x04
        case .delay: return 0x08
        case .probe: return 0x10
        case .unreachable: return 0x20
        case .noarp: return 0x40
        case .permanent: return 0x80
        case .none: return 0x00
        }
    }

    /// The state for an `ndm_state` value; when several bits are set the strongest wins (permanent, noarp, then
    /// the dynamic states). Netlink equivalent: decoding `ndm_state`.
    public init(nudValue v: UInt16) {
        if v & 0x80 != 0 { self = .permanent }
        else if v & 0x40 != 0 { self = .noarp }
        else if v & 0x02 != 0 { self = .reachable }
        else if v & 0x04 != 0 { self = .stale }
        else if v & 0x08 != 0 { self = .delay }
        else if v & 0x10 != 0 { self = .probe }
        else if v & 0x20 != 0 { self = .unreachable }
        else if v & 0x01 != 0 { self = .incomplete }
        else { self = .none }
    }

    /// True for the states a static entry has (permanent, noarp): the kernel never ages them out.
    public var isStatic: Bool { self == .permanent || self == .noarp }

    /// True for states that carry no usable link-layer address (incomplete, unreachable/FAILED, none); the reconciler
    /// counts a non-static entry in one of these states as absent.
    public var isLeftover: Bool { self == .incomplete || self == .unreachable || self == .none }

    /// The name iproute2 prints and accepts (`PERMANENT`, `FAILED`, …). iproute2: `ip neigh … nud STATE`.
    public var iproute2Name: String {
        switch self {
        case .unreachable: return "FAILED"
        case .none: return "NONE"
        default: return rawValue.uppercased()
        }
    }

    /// Parses a neighsync name (`permanent`) or an iproute2 name (`PERMANENT`, `FAILED`), case-insensitively.
    public init?(name: String) {
        let l = name.lowercased()
        if l == "failed" { self = .unreachable; return }
        guard let s = NeighborState(rawValue: l) else { return nil }
        self = s
    }
}
