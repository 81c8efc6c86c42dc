/// One neighbor entry, the Swift rendering of Windows' `MIB_IPNET_ROW2`: the neighbor's IP address, the interface
/// (by `interfaceLuid` when non-zero, else by `interfaceIndex`, as Windows selects it), its link-layer address, its
/// state and flags, and, Linux only, the `protocol` that owns it. Identity is (interface, family, address), as the
/// kernel's `neigh_lookup`. Netlink equivalent: one `RTM_NEWNEIGH` message (`struct ndmsg` + `NDA_DST`,
/// `NDA_LLADDR`, `NDA_CACHEINFO`, `NDA_PROTOCOL`, `NDA_FLAGS_EXT`); iproute2: one line of `ip neigh show`.
public struct IpNetRow2: Hashable, Sendable {
    /// The neighbor's IP address (IPv6 with its scope id). Windows: `Address`; netlink: `NDA_DST`.
    public var address: IpAddress
    /// The interface index; used when `interfaceLuid` is zero. Windows: `InterfaceIndex`; netlink: `ndm_ifindex`.
    public var interfaceIndex: UInt32
    /// The interface LUID; selects the interface when non-zero. Windows: `InterfaceLuid`; netlink: derived from
    /// `ndm_ifindex` and the link's `ifi_type`.
    public var interfaceLuid: NetLuid
    /// The link-layer address, 0…32 bytes. Windows: `PhysicalAddress`/`PhysicalAddressLength`; netlink: `NDA_LLADDR`.
    public var physicalAddress: PhysicalAddress
    /// The entry's state. Windows: `State`; netlink: `ndm_state`.
    public var state: NeighborState
    /// The neighbor is a router (IPv6). Windows: `IsRouter`; netlink: `NTF_ROUTER` in `ndm_flags`.
    public var isRouter: Bool
    /// The neighbor is unreachable (the entry is FAILED). Windows: `IsUnreachable`; netlink: `ndm_state == NUD_FAILED`.
    public var isUnreachable: Bool
    /// Milliseconds since the entry was last confirmed reachable, when the kernel reported it. Windows:
    /// `ReachabilityTime.LastReachable`; netlink: `ndm_confirmed` of `NDA_CACHEINFO` (clock ticks, converted).
    public var reachabilityTime: UInt32?
    /// The owner tag, 0 for none. Linux only (no Windows twin); netlink: `NDA_PROTOCOL`; iproute2: `protocol N`.
    public var `protocol`: UInt8
    /// The entry's other flags (`extern_learn`, `managed`, …; NTF_ROUTER is `isRouter`). Linux only; netlink:
    /// `ndm_flags` and `NDA_FLAGS_EXT`; iproute2: the flag words of `ip neigh show`. A write sends the
    /// `NeighborFlags.writable` ones (neighsync's noarp entries carry `extern_learn`).
    public var flags: NeighborFlags

    /// Builds a row. Defaults give a permanent entry with no owner tag. Windows equivalent:
    /// `InitializeIpNetEntry2` followed by filling the fields; iproute2: the arguments of `ip neigh add`.
    public init(address: IpAddress, interfaceIndex: UInt32 = 0, interfaceLuid: NetLuid = NetLuid(value: 0),
                physicalAddress: PhysicalAddress = .empty, state: NeighborState = .permanent,
                isRouter: Bool = false, isUnreachable: Bool = false, reachabilityTime: UInt32? = nil,
                protocol: UInt8 = 0, flags: NeighborFlags = []) {
        self.address = address
        self.interfaceIndex = interfaceIndex
        self.interfaceLuid = interfaceLuid
        self.physicalAddress = physicalAddress
        self.state = state
        self.isRouter = isRouter
        self.isUnreachable = isUnreachable
        self.reachabilityTime = reachabilityTime
        self.protocol = `protocol`
        self.flags = flags
    }

    /// The interface the row selects, by the Windows rule: the LUID's index when the LUID is non-zero, else
    /// `interfaceIndex`, else the IPv6 zone id of the address (`fe80::1%3` selects index 3: the scope id of a
    /// link-local `SOCKADDR_IN6` is the interface index); 0 when none is set. A zone id given together with a LUID
    /// or index must agree with it (`NeighborRowValidator.checkInterfaceSelection`). Netlink equivalent: the
    /// `ndm_ifindex` a request will carry.
    public var effectiveInterfaceIndex: UInt32 {
        if !interfaceLuid.isZero { return interfaceLuid.netLuidIndex }
        return interfaceIndex != 0 ? interfaceIndex : address.scopeId
    }

    /// The row's identity: (interface, family, address without scope), as the kernel's `neigh_lookup` keys entries.
    /// Netlink equivalent: the (`ndm_ifindex`, `ndm_family`, `NDA_DST`) triple of `RTM_GETNEIGH`/`RTM_DELNEIGH`.
    public var key: NeighborKey {
        NeighborKey(interfaceIndex: effectiveInterfaceIndex, address: address.withoutScope, isProxy: isProxy)
    }

    /// True for a proxy entry (`NTF_PROXY`): an entry of the kernel's separate proxy table (`pneigh`), which answers
    /// ARP requests / neighbor solicitations for `address` on the interface; it has no link-layer address and no NUD
    /// state. iproute2: `ip neigh add proxy ADDR dev DEV`, listed by `ip neigh show proxy`.
    @inline(__always)
    public var isProxy: Bool { flags.contains(.proxy) }
}

/// The identity of a neighbor entry: interface index and address (the family follows from the address), and which
/// of the kernel's two tables holds it: the neighbor table or the proxy table (`isProxy`). Two rows with the same key
/// are the same kernel entry; a proxy entry and an ordinary entry at the same (interface, address) are two entries.
/// Netlink equivalent: the lookup key of `neigh_lookup()` / `pneigh_lookup()` in `net/core/neighbour.c`.
public struct NeighborKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The interface index (`ndm_ifindex`).
    public var interfaceIndex: UInt32
    /// The address, scope id cleared (`NDA_DST`).
    public var address: IpAddress
    /// True for an entry of the proxy table (`NTF_PROXY` in `ndm_flags`).
    public var isProxy: Bool

    /// Builds a key. Netlink equivalent: the (`ndm_ifindex`, `NDA_DST`) pair of a request, with `NTF_PROXY` for the
    /// proxy table.
    public init(interfaceIndex: UInt32, address: IpAddress, isProxy: Bool = false) {
        self.interfaceIndex = interfaceIndex
        self.address = address.withoutScope
        self.isProxy = isProxy
    }

    /// Orders ordinary entries before proxy entries, then by interface, then family (IPv4 first), then address: the
    /// order of plans and tables. Proxies come last as a block of their own (rather than beside the ordinary entry
    /// of the same address) so that a plan or table without proxies reads exactly as before, and `plan` lists the
    /// proxy changes together, as `ip neigh show` and `ip neigh show proxy` are two listings.
    public static func < (a: NeighborKey, b: NeighborKey) -> Bool {
        if a.isProxy != b.isProxy { return !a.isProxy }
        if a.interfaceIndex != b.interfaceIndex { return a.interfaceIndex < b.interfaceIndex }
        return a.address < b.address
    }

    /// `ADDRESS@ifindex`, e.g. `192.0.2.10@3`, and `proxy ADDRESS@ifindex` for a proxy entry. iproute2 prints
    /// `192.0.2.10 dev eth0` (and `ip neigh show proxy` the proxy table).
    public var description: String { isProxy ? "proxy \(address)@\(interfaceIndex)" : "\(address)@\(interfaceIndex)" }
}
