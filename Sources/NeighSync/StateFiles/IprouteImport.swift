import IpNet
import IpNetCore

/// The names iproute2 prints in its JSON (`ip -j link show` link types, `ip -j neigh show` protocol names and
/// states), mapped back to numbers for `SnapshotReader`, so CI can plan from a snapshot taken with stock tools.
/// Use `ip -N -j neigh show` to get protocol numbers directly. iproute2 equivalent: the reverse of `print_neigh()` in
/// `ip/ipneigh.c` and `print_linkinfo()` in `ip/ipaddress.c`.
public enum IprouteImport {
    /// ARPHRD numbers for the `link_type` names iproute2 prints (`ll_type_n2a`).
    static let linkTypes: [String: UInt16] = [
        "ether": 1, "loopback": 772, "none": 65534, "void": 65535, "ieee802.11": 801, "ipip": 768, "tunnel6": 769,
        "sit": 776, "gre": 778, "ip6gre": 823, "infiniband": 32, "ppp": 512, "can": 280,
    ]

    /// The flag for an `ip -j neigh show` key (`extern_learn`, `offload`, `managed`, …; iproute2 prints each flag as
    /// a key with a null value), nil for any other key. Protocol names go through `NeighborProtocolName`.
    static func flag(_ key: UnsafeRawBufferPointer) -> NeighborFlags? {
        guard key.count <= 16 else { return nil }
        return NeighborFlags(word: String(decoding: key, as: UTF8.self))
    }

    /// Strength order when iproute2 lists several states: static states win, as `NeighborState(nudValue:)` does.
    static func rank(_ s: NeighborState) -> Int {
        switch s {
        case .none: return 0
        case .incomplete: return 1
        case .unreachable: return 2
        case .probe: return 3
        case .delay: return 4
        case .stale: return 5
        case .reachable: return 6
        case .noarp: return 7
        case .permanent: return 8
        }
    }
}
