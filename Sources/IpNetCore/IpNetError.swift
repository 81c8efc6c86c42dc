/// The failure of a neighbor call, shaped like the Windows status codes the IP Helper functions return, with the
/// kernel's errno and extended-ack message kept where no Windows code fits. `windowsName` gives the name printed by
/// the CLI (`ERROR_OBJECT_ALREADY_EXISTS`). Netlink equivalent: the `nlmsgerr.error` of the ack (negative errno)
/// plus `NLMSGERR_ATTR_MSG`; iproute2 prints the same as `RTNETLINK answers: File exists`.
public enum IpNetError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A row failed validation before any syscall. Windows: `ERROR_INVALID_PARAMETER` (87).
    case invalidParameter(InvalidParameterReason)
    /// The interface or the entry does not exist. Windows: `ERROR_NOT_FOUND` (1168); netlink: `ENOENT`, `ENODEV`.
    case notFound(String)
    /// The family is not available on the interface (IPv6 disabled, no IPv4). Windows: `ERROR_NOT_SUPPORTED` (50);
    /// netlink: `EAFNOSUPPORT`, `EOPNOTSUPP`.
    case notSupported(String)
    /// `create` found the entry already there. Windows: `ERROR_OBJECT_ALREADY_EXISTS` (5010); netlink: `EEXIST`.
    case objectAlreadyExists(String)
    /// The caller lacks CAP_NET_ADMIN. Windows: `ERROR_ACCESS_DENIED` (5); netlink: `EPERM`/`EACCES`.
    case accessDenied(String)
    /// `resolve` got no answer (the entry went FAILED or the timeout passed). Windows: `ERROR_BAD_NET_NAME` (67).
    case badNetName(String)
    /// Any other kernel error: the errno and the kernel's extended-ack message when it sent one.
    case system(errno: Int32, message: String)

    /// The Windows status name (`ERROR_NOT_FOUND`, …), or `ERRNO_<n>` for `.system`. Printed by the CLI.
    public var windowsName: String {
        switch self {
        case .invalidParameter: return "ERROR_INVALID_PARAMETER"
        case .notFound: return "ERROR_NOT_FOUND"
        case .notSupported: return "ERROR_NOT_SUPPORTED"
        case .objectAlreadyExists: return "ERROR_OBJECT_ALREADY_EXISTS"
        case .accessDenied: return "ERROR_ACCESS_DENIED"
        case .badNetName: return "ERROR_BAD_NET_NAME"
        case .system(let e, _): return "ERRNO_\(e)"
        }
    }

    /// The Windows status number (87, 1168, 50, 5010, 5, 67), or the errno for `.system`.
    public var code: Int {
        switch self {
        case .invalidParameter: return 87
        case .notFound: return 1168
        case .notSupported: return 50
        case .objectAlreadyExists: return 5010
        case .accessDenied: return 5
        case .badNetName: return 67
        case .system(let e, _): return Int(e)
        }
    }

    /// The one-line reason that follows the status name.
    public var reason: String {
        switch self {
        case .invalidParameter(let r): return r.description
        case .notFound(let s), .notSupported(let s), .objectAlreadyExists(let s), .accessDenied(let s),
             .badNetName(let s):
            return s
        case .system(_, let m): return m
        }
    }

    /// `STATUS: reason`, e.g. `ERROR_OBJECT_ALREADY_EXISTS: 192.0.2.10 already exists on veth0`.
    public var description: String { "\(windowsName): \(reason)" }
}

/// Why a row was rejected with `ERROR_INVALID_PARAMETER` before reaching the kernel, following the checks
/// `CreateIpNetEntry2` documents (the kernel itself would accept some of these, e.g. loopback).
public enum InvalidParameterReason: Hashable, Sendable, CustomStringConvertible {
    /// The address is unspecified (0.0.0.0, ::).
    case unspecifiedAddress(String)
    /// The address is the IPv4 limited broadcast 255.255.255.255.
    case broadcastAddress(String)
    /// The address is loopback (127.0.0.0/8, ::1); the kernel accepts it, neighsync does not.
    case loopbackAddress(String)
    /// The address is IPv4-mapped IPv6 (`::ffff:0:0/96`), which ndisc never resolves; `ipv4` is the address inside,
    /// `ipv4Usable` whether that one would pass as a neighbor address of its own.
    case ipv4MappedAddress(String, ipv4: String, ipv4Usable: Bool)
    /// The router flag on an IPv4 row: NTF_ROUTER is the ND (IPv6) router flag, which ARP ignores.
    case routerFlagOnIPv4(String)
    /// The physical address has not the length of `link`'s hardware addresses (`expected` bytes; 0 for a link that
    /// has none, such as tun).
    case physicalAddressLength(PhysicalAddress, link: String, expected: Int)
    /// A row to write in a state that carries a link-layer address (permanent, reachable, …) has none, on a link
    /// whose hardware addresses have `expected` bytes.
    case physicalAddressMissing(NeighborState, link: String, expected: Int)
    /// Neither a LUID nor an index (nor an IPv6 zone id) selects an interface.
    case interfaceUnspecified
    /// A non-zero LUID whose NetLuidIndex is not the non-zero interface index given beside it.
    case luidIndexMismatch(luid: NetLuid, index: UInt32)
    /// A LUID whose IfType is not the one of the link its NetLuidIndex names (`linkLuid` is that link's LUID).
    case luidTypeMismatch(luid: NetLuid, link: String, linkLuid: NetLuid)
    /// An IPv6 zone id naming another interface than the row's (`index`).
    case zoneMismatch(IpAddress, index: UInt32)
    /// An IPv4 row on a loopback or point-to-point link, where the kernel stores every IPv4 neighbor under 0.0.0.0
    /// (`arp_constructor()`), so it can never be found again under its own address.
    case ipv4KeyedAsUnspecified(IpAddress, link: String, isLoopback: Bool)
    /// A noarp row without a link-layer address on a link where the kernel supplies none (`__neigh_update()`: "No
    /// link layer address given").
    case noarpNeedsPhysicalAddress(IpAddress, link: String)
    /// A managed row (NTF_EXT_MANAGED) with a link-layer address: the kernel resolves a managed entry itself, and
    /// `neigh_add()` ignores a MAC sent with NUD_NONE.
    case managedWithPhysicalAddress(IpAddress)
    /// A managed row with the router flag: for a managed entry, neighbor discovery sets NTF_ROUTER from the
    /// neighbor's own advertisements (`ndisc_recv_na()`), so a pinned flag would be overwritten.
    case managedWithRouterFlag(IpAddress)
    /// A managed row in a state other than none: the kernel refuses NTF_EXT_MANAGED with NUD_PERMANENT (`neigh_add()`:
    /// "Invalid NTF_* flag for permanent entry", EINVAL) and ignores any other state (`__neigh_update()` keeps
    /// `old & ~NUD_PERMANENT`); a managed entry is written in NUD_NONE.
    case managedWithStaticState(IpAddress, NeighborState)
    /// A managed row for a multicast address: the kernel maps a multicast address to its link-layer address itself
    /// (`arp_mc_map()`, `ndisc_mc_map()`) and keeps such an entry NOARP; a managed entry would end up soliciting for
    /// a group (INCOMPLETE) and blackhole its traffic.
    case managedMulticast(IpAddress)
    /// A managed IPv4 row whose longest match in the namespace's local routing table is a broadcast or multicast
    /// route (`route` as iproute2 prints it, e.g. `broadcast 198.51.100.255` or `multicast 198.51.100.77`, on
    /// `link`): the kernel sends to it as a broadcast (`ff:ff:ff:ff:ff:ff`, RTN_BROADCAST) or multicast (the mapped
    /// MAC, RTN_MULTICAST) and keeps its entry NOARP, so a managed entry there is never resolved.
    case managedBroadcastRoute(IpAddress, route: String, link: String)
    /// A managed row on a link that resolves no neighbors (loopback, point-to-point, `arp off`, no hardware
    /// addresses): the kernel makes the entry NOARP with a made-up address, so it is never resolved.
    case managedOnNonResolvingLink(IpAddress, link: String)
    /// A proxy entry on a link that answers no ARP requests / neighbor solicitations (loopback, or `NOARP`): the
    /// kernel would keep it in the proxy table, where it never answers anything.
    case proxyWithoutNeighborDiscovery(IpAddress, link: String)
    /// A proxy entry with a link-layer address or the router flag: the kernel's proxy table keeps neither (it
    /// answers with the interface's own address).
    case proxyFields(IpAddress)
    /// Any other invalid field, with its explanation.
    case other(String)

    /// A one-line explanation with what to do.
    public var description: String {
        switch self {
        case .unspecifiedAddress(let a):
            return "\(a) is the unspecified address, which no neighbor has"
        case .broadcastAddress(let a):
            return "\(a) is the limited broadcast address, which no neighbor has"
        case .loopbackAddress(let a):
            return "\(a) is a loopback address; loopback traffic never uses the neighbor table"
        case .ipv4MappedAddress(let a, let v4, true):
            return "\(a) is an IPv4-mapped IPv6 address, which is never an IPv6 neighbor; write the IPv4 address "
                + "\(v4) on its own"
        case .ipv4MappedAddress(let a, let v4, false):
            return "\(a) is an IPv4-mapped IPv6 address, which is never an IPv6 neighbor (and \(v4) is no "
                + "neighbor's address either)"
        case .routerFlagOnIPv4(let a):
            return "isRouter applies to IPv6 neighbors only (NTF_ROUTER, the ND router flag); \(a) is IPv4, so "
                + "drop the flag"
        case .physicalAddressLength(let p, let link, 0):
            return "physicalAddress \(p) has \(p.count) bytes, but \(link) has no hardware addresses; use state: noarp "
                + "without physicalAddress"
        case .physicalAddressLength(let p, let link, let e):
            return "physicalAddress \(p) has \(p.count) bytes, but \(link) uses \(e)-byte hardware addresses"
        case .physicalAddressMissing(let state, let link, let e):
            return "physicalAddress is empty, but a \(state) entry on \(link) needs the neighbor's \(e)-byte link-layer "
                + "address (only noarp may go without one)"
        case .interfaceUnspecified:
            return "no interface given; set an interface name, index or LUID"
        case .luidIndexMismatch(let l, let i):
            return "interfaceLuid \(l) (NetLuidIndex \(l.netLuidIndex)) disagrees with interfaceIndex \(i); give one of "
                + "them, or make them name the same interface"
        case .luidTypeMismatch(let l, let link, let linkLuid):
            return "interfaceLuid \(l) has IfType \(l.ifType), but \(link) has IfType \(linkLuid.ifType); its LUID is "
                + "\(linkLuid)"
        case .zoneMismatch(let a, let index):
            return "\(a) has zone id %\(a.scopeId) (interface index \(a.scopeId)), but the entry's interface has index "
                + "\(index); drop the zone id or make it %\(index)"
        case .ipv4KeyedAsUnspecified(let a, let link, let isLoopback):
            return "\(link) is \(isLoopback ? "a loopback link" : "a point-to-point link"): the kernel stores every IPv4 "
                + "neighbor on it under 0.0.0.0, so no entry can be kept there; remove \(a.withoutScope) or put it on "
                + "another interface"
        case .noarpNeedsPhysicalAddress(let a, let link):
            let proto = a.family == .ipv4 ? "ARP" : "neighbor discovery"
            return "\(link) resolves neighbors with \(proto), so the kernel keeps a noarp entry for the unicast address "
                + "\(a.withoutScope) only with a link-layer address (without one it answers 'No link layer address "
                + "given'\(a.family == .ipv4 ? ", or stores ff:ff:ff:ff:ff:ff" : "")); add physicalAddress"
        case .managedWithPhysicalAddress(let a):
            return "\(a.withoutScope) is managed: the kernel resolves its link-layer address itself and keeps it "
                + "resolved, so a physicalAddress cannot be given; remove physicalAddress, or use state: permanent "
                + "to pin that MAC"
        case .managedWithRouterFlag(let a):
            return "\(a.withoutScope) is managed: neighbor discovery sets the router flag of a managed entry from the "
                + "neighbor's own advertisements, so isRouter cannot be pinned; drop isRouter"
        case .managedWithStaticState(let a, let state):
            return "\(a.withoutScope) cannot be managed and \(state.rawValue) at once: a managed entry is written "
                + "in state none and its state is the kernel's (which refuses managed with permanent: 'Invalid "
                + "NTF_* flag for permanent entry', and ignores any other state); drop the state"
        case .managedMulticast(let a):
            return "\(a.withoutScope) is a multicast address: the kernel maps it to its multicast link-layer address "
                + "itself, so it cannot be managed (a managed entry would solicit for it and blackhole its traffic); "
                + "use state: noarp without physicalAddress, or no entry"
        case .managedBroadcastRoute(let a, let route, let link):
            let multicast = route.hasPrefix("multicast ")
            let kind = multicast ? "multicast" : "broadcast"
            return "\(a.withoutScope) is a \(kind) in the namespace's local routing table (its longest match is "
                + "`\(route)` on \(link)): the kernel sends to it as a \(kind), so it cannot be managed (the "
                + "kernel would write the entry NOARP with "
                + (multicast ? "its mapped multicast MAC" : "ff:ff:ff:ff:ff:ff")
                + " and never resolve it); use state: noarp without physicalAddress, or no entry"
        case .managedOnNonResolvingLink(let a, let link):
            return "\(link) resolves no neighbors (loopback, point-to-point, arp off or no hardware addresses): the "
                + "kernel would keep \(a.withoutScope) as a NOARP entry that is never resolved; put the managed entry "
                + "on an ARP/NDP link"
        case .proxyWithoutNeighborDiscovery(let a, let link):
            return "\(link) does no ARP or neighbor discovery (loopback or NOARP), so a proxy entry for "
                + "\(a.withoutScope) there would answer nothing; put it on the link the requests arrive on"
        case .proxyFields(let a):
            return "the proxy entry for \(a.withoutScope) has a link-layer address; a proxy entry answers with the "
                + "interface's own address and keeps none, so drop it"
        case .other(let s):
            return s
        }
    }
}
