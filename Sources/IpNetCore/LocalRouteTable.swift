/// The namespace's IPv4 local routing table (table 255, `local`) as the kernel keeps it, or the fact that it does not
/// exist yet: what the kernel reads when it types a new IPv4 neighbor entry (`inet_addr_type_dev_table()` →
/// `__inet_dev_addr_type()` in net/ipv4/fib_frontend.c). The kernel creates the table with the first IPv4 address
/// ever configured in the namespace (or `lo` brought up once, which holds 127.0.0.1) and never removes it, even when
/// every address is deleted again or its link goes down. Netlink: RTM_GETROUTE dump of table 255 on a socket with
/// NETLINK_GET_STRICT_CHK (ENOENT "ipv4: FIB table does not exist" while it does not exist); iproute2:
/// `ip route show table local`.
public struct LocalRouteTable: Hashable, Sendable {
    /// One route of the table. iproute2: one line of `ip route show table local` (`broadcast 192.0.2.255 dev veth0
    /// proto kernel scope link src 192.0.2.1`).
    public struct Route: Hashable, Sendable {
        /// The destination prefix (`RTA_DST`, 0.0.0.0 when absent) and its length (`rtm_dst_len`).
        public var destination: IpAddress
        public var prefixLength: UInt8
        /// The route type (`rtm_type`: RTN_UNICAST 1, RTN_LOCAL 2, RTN_BROADCAST 3, …).
        public var type: UInt8
        /// The output interface (`RTA_OIF`), 0 when the route has none.
        public var interfaceIndex: UInt32
        /// The route's TOS (`rtm_tos`; iproute2 `tos 0x10`), 0 for none.
        public var tos: UInt8
        /// True when every nexthop of the route is dead: `rtm_flags` (or, for a multipath route, the flags of every
        /// `RTA_MULTIPATH` nexthop) has RTNH_F_DEAD (iproute2 prints `dead`).
        public var isDead: Bool

        /// RTN_BROADCAST.
        public static let broadcastType: UInt8 = 3
        /// RTN_MULTICAST.
        public static let multicastType: UInt8 = 5

        /// Builds a route.
        public init(destination: IpAddress, prefixLength: UInt8, type: UInt8, interfaceIndex: UInt32 = 0,
                    tos: UInt8 = 0, isDead: Bool = false) {
            self.destination = destination
            self.prefixLength = prefixLength
            self.type = type
            self.interfaceIndex = interfaceIndex
            self.tos = tos
            self.isDead = isDead
        }

        /// True for a broadcast route (RTN_BROADCAST): the kernel makes a neighbor entry there NOARP with
        /// ff:ff:ff:ff:ff:ff (`arp_constructor()`).
        public var isBroadcast: Bool { type == Self.broadcastType }

        /// True for a multicast route (RTN_MULTICAST): the kernel makes a neighbor entry there NOARP with the mapped
        /// multicast MAC (`arp_constructor()` → `arp_mc_map()`).
        public var isMulticast: Bool { type == Self.multicastType }

        /// True when the kernel's lookup for a neighbor entry can find this route: `__inet_dev_addr_type()` looks up
        /// a flow of TOS 0, and `fib_table_lookup()` (net/ipv4/fib_trie.c) skips an alias whose TOS is set and
        /// differs from the flow's (`fa_dscp`), and nexthops that are RTNH_F_DEAD (a route whose nexthops are all
        /// dead is never the answer; `dead linkdown` in `ip route show table local`).
        public var isLookupCandidate: Bool { tos == 0 && !isDead }

        /// True when `address` (IPv4) is inside the route's prefix.
        public func contains(_ address: IpAddress) -> Bool {
            guard case .v4(let d) = destination, case .v4(let a) = address, prefixLength <= 32 else { return false }
            if prefixLength == 0 { return true }
            let mask = UInt32.max << (32 - UInt32(prefixLength))
            return a & mask == d & mask
        }

        /// The route as iproute2 prints its key: `broadcast 192.0.2.200` (a /32 omits its length) or `local
        /// 198.51.100.0/24`.
        public var text: String {
            let names: [UInt8: String] = [1: "unicast", 2: "local", 3: "broadcast", 4: "anycast", 5: "multicast",
                                          6: "blackhole", 7: "unreachable", 8: "prohibit", 9: "throw", 10: "nat"]
            let prefix = prefixLength == 32 ? "\(destination)" : "\(destination)/\(prefixLength)"
            return "\(names[type] ?? "type \(type)") \(prefix)"
        }
    }

    /// The routes, or nil when the table does not exist.
    public var routes: [Route]?

    /// A table holding `routes`, or (nil) the table that does not exist.
    public init(routes: [Route]?) {
        self.routes = routes
    }

    /// The table that does not exist yet (no IPv4 address was ever configured in the namespace).
    public static let missing = LocalRouteTable(routes: nil)

    /// Whether the kernel has created the table.
    public var exists: Bool { routes != nil }

    /// The route the kernel's lookup finds for `address` (IPv4): the longest prefix that contains it (the first
    /// in dump order among equal lengths) among the routes that can match a TOS-0 lookup and have a live nexthop
    /// (`Route.isLookupCandidate`), or nil when none does or the table does not exist (the kernel then answers
    /// RTN_UNICAST, or RTN_BROADCAST without a table). `fib_table_lookup()` on the local table.
    public func lookup(_ address: IpAddress) -> Route? {
        var best: Route? = nil
        for r in routes ?? [] where r.isLookupCandidate && r.contains(address)
            && (best == nil || r.prefixLength > best!.prefixLength) {
            best = r
        }
        return best
    }
}
