import IpNet

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

    /// Protocol numbers for the names in iproute2's `rt_protos`.
    static let protocols: [String: UInt8] = [
        "unspec": 0, "redirect": 1, "kernel": 2, "boot": 3, "static": 4, "gated": 8, "ra": 9, "mrt": 10,
        "zebra": 11, "bird": 12, "dnrouted": 13, "xorp": 14, "ntk": 15, "dhcp": 16, "keepalived": 18,
        "babel": 42, "openr": 99, "bgp": 186, "isis": 187, "ospf": 188, "rip": 189, "eigrp": 192,
    ]

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
