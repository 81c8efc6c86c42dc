/// The checks a row passes before any syscall, as `CreateIpNetEntry2` documents them, in one pure type (no IO,
/// testable without root). The desired-state loader runs the same checks and turns their reasons into positioned
/// diagnostics, so a rule lives here once. Order: the address (unspecified, limited broadcast, loopback,
/// IPv4-mapped), the interface selection (none given, LUID and index disagreeing, a zone id naming another
/// interface), the interface itself (missing → `notFound`, family unusable → `notSupported`), and for writes the
/// flags (router flag on IPv4) and the physical address length. The kernel would accept
/// some of these (loopback neighbors, IPv4-mapped destinations, NTF_ROUTER on ARP entries) and answer others with a
/// bare EINVAL.
public enum NeighborRowValidator {
    /// What the row is checked for: a write (create/set) also checks the physical address; a lookup (get/delete)
    /// and a resolve check only the key. A lookup of 0.0.0.0 is allowed where the kernel keys IPv4 neighbors under it
    /// (to read or delete a row left there); a resolve is not a lookup there, since it writes (NUD_NONE, NTF_USE) and
    /// would turn that row, whoever owns it, INCOMPLETE. iproute2: `ip neigh add` vs `ip neigh del`/`get` vs `ip
    /// neigh replace … use nud none`.
    public enum Purpose: Sendable {
        case write
        case lookup
        case resolve
    }

    /// What is wrong with `address` as a neighbor's address, or nil: unspecified, limited broadcast, loopback
    /// (`127/8`, `::1`; the kernel would take it, neighsync does not), IPv4-mapped IPv6 (`::ffff:0:0/96`, which ndisc
    /// never resolves; all of them, not only the mapped forms of loopback and unspecified). Windows equivalent: the
    /// address checks of `CreateIpNetEntry2`.
    public static func addressProblem(_ address: IpAddress) -> InvalidParameterReason? {
        // The text is built only for a problem: this runs once per entry of a 100,000-entry file.
        if address.isUnspecified { return .unspecifiedAddress(address.description) }
        if address.isLimitedBroadcast { return .broadcastAddress(address.description) }
        if address.isLoopback { return .loopbackAddress(address.description) }
        if let v4 = address.mappedIPv4 {
            return .ipv4MappedAddress(address.description, ipv4: v4.description,
                                      ipv4Usable: addressProblem(v4) == nil)
        }
        return nil
    }

    /// Checks the address alone (see `addressProblem(_:)`). Windows equivalent: the address checks of
    /// `CreateIpNetEntry2`.
    public static func checkAddress(_ address: IpAddress) throws(IpNetError) {
        if let reason = addressProblem(address) { throw .invalidParameter(reason) }
    }

    /// Checks the flags of a row to be written: the router flag only on IPv6 (NTF_ROUTER is the ND router flag;
    /// the kernel stores it on an IPv4 entry, ARP ignores it, and `ip neigh show` would print `router` for nothing).
    /// Windows equivalent: `IsRouter` of `MIB_IPNET_ROW2`; iproute2: `ip neigh add … router`.
    public static func checkFlags(address: IpAddress, isRouter: Bool) throws(IpNetError) {
        if let reason = flagsProblem(address: address, isRouter: isRouter) { throw .invalidParameter(reason) }
    }

    /// What is wrong with the flags of a row to be written, or nil (see `checkFlags`).
    public static func flagsProblem(address: IpAddress, isRouter: Bool) -> InvalidParameterReason? {
        isRouter && address.family == .ipv4 ? .routerFlagOnIPv4(address.description) : nil
    }

    /// What is wrong with a non-zero `luid` given beside a non-zero `index`, or nil: its NetLuidIndex must be that
    /// index (`.luidIndexMismatch`). Windows equivalent: the `InterfaceLuid`/`InterfaceIndex` rule of
    /// `MIB_IPNET_ROW2` (the LUID wins; neighsync refuses the contradiction instead of ignoring the index).
    public static func luidIndexProblem(luid: NetLuid, index: UInt32) -> InvalidParameterReason? {
        if luid.isZero || index == 0 || luid.netLuidIndex == index { return nil }
        return .luidIndexMismatch(luid: luid, index: index)
    }

    /// What is wrong with the interface the row selects, or nil (see `IpNetRow2.effectiveInterfaceIndex`: the LUID
    /// if non-zero, else the index, else an IPv6 zone id): none given → `.interfaceUnspecified`; a non-zero LUID whose
    /// index differs from a non-zero `interfaceIndex` → `.luidIndexMismatch`; an IPv6 zone id naming another
    /// interface → `.zoneMismatch`. Windows equivalent: the `InterfaceLuid`/`InterfaceIndex` rule, with the scope id
    /// of a link-local `SOCKADDR_IN6` being the interface index.
    public static func interfaceSelectionProblem(_ row: IpNetRow2) -> InvalidParameterReason? {
        let index = row.effectiveInterfaceIndex
        if index == 0 { return .interfaceUnspecified }
        if let problem = luidIndexProblem(luid: row.interfaceLuid, index: row.interfaceIndex) { return problem }
        let scope = row.address.scopeId
        if scope != 0 && scope != index { return .zoneMismatch(row.address, index: index) }
        return nil
    }

    /// Checks which interface the row selects and returns its index (see `interfaceSelectionProblem(_:)`). Windows
    /// equivalent: the `InterfaceLuid`/`InterfaceIndex` rule.
    public static func checkInterfaceSelection(_ row: IpNetRow2) throws(IpNetError) -> UInt32 {
        if let reason = interfaceSelectionProblem(row) { throw .invalidParameter(reason) }
        return row.effectiveInterfaceIndex
    }

    /// What is wrong with a non-zero `luid` on the link its NetLuidIndex names, or nil: its IfType must be the
    /// link's (`.luidTypeMismatch`). Windows equivalent: `ConvertInterfaceLuidToIndex` failing for a LUID no
    /// interface has.
    public static func luidTypeProblem(_ luid: NetLuid, on link: Link) -> InvalidParameterReason? {
        if luid.isZero || luid.ifType == link.luid.ifType { return nil }
        return .luidTypeMismatch(luid: luid, link: link.name, linkLuid: link.luid)
    }

    /// Runs every check for `purpose` against the namespace's links (by index) and returns the link the row is on.
    /// Throws `invalidParameter`, `notFound("no interface with index 7")` or `notSupported`. Windows equivalent:
    /// the parameter checks of `CreateIpNetEntry2`/`GetIpNetEntry2` (done before any request).
    ///
    /// `localRoutes`, the namespace's IPv4 local routing table when the caller has read it, adds the checks of a
    /// managed IPv4 row that depend on it (`managedBroadcastRefusal` → `invalidParameter`, `managedSourceProblem` →
    /// `notSupported`).
    public static func validate(_ row: IpNetRow2, for purpose: Purpose, links: [UInt32: Link],
                                localRoutes: LocalRouteTable? = nil) throws(IpNetError) -> Link {
        // A lookup of 0.0.0.0 is allowed where the kernel keys IPv4 entries under it (so that such a row, left
        // behind on a loopback or point-to-point link, can be read and deleted); decided once the link is known.
        let unspecifiedLookup = purpose == .lookup && row.address == .v4(0)
        if !unspecifiedLookup { try checkAddress(row.address) }
        let index = try checkInterfaceSelection(row)
        guard let link = links[index] else { throw .notFound("no interface with index \(index)") }
        if unspecifiedLookup && !link.keysIPv4NeighborsAsUnspecified { try checkAddress(row.address) }
        if let reason = luidTypeProblem(row.interfaceLuid, on: link) { throw .invalidParameter(reason) }
        try checkFamily(row.address.family, on: link)
        if row.isProxy {
            // The proxy table: no link-layer address, no state, the router flag on IPv6 only (NTF_ROUTER, kept on the
            // entry and set in the advertisements sent for it); the link must answer ARP/ND for a write. A lookup
            // (get, delete) is never refused by the link rule: a proxy entry already on `lo` or a NOARP link (added
            // with iproute2, or before the link went `arp off`) must stay readable and deletable.
            if purpose == .write {
                if let reason = proxyRefusal(address: row.address, on: link) { throw .invalidParameter(reason) }
                if row.physicalAddress.count > 0 { throw .invalidParameter(.proxyFields(row.address)) }
                try checkFlags(address: row.address, isRouter: row.isRouter)
            }
            return link
        }
        if purpose == .write {
            try checkFlags(address: row.address, isRouter: row.isRouter)
            if let reason = linkRefusal(address: row.address, state: row.state,
                                        physicalAddressLength: row.physicalAddress.count, on: link) {
                throw .invalidParameter(reason)
            }
            if row.flags.contains(.managed) {
                if let reason = managedProblem(address: row.address, hasPhysicalAddress: row.physicalAddress.count > 0,
                                               isRouter: row.isRouter, state: row.state)
                    ?? managedLinkRefusal(address: row.address, on: link)
                    ?? localRoutes.flatMap({ managedBroadcastRefusal(address: row.address, localRoutes: $0,
                                                                     links: links) }) {
                    throw .invalidParameter(reason)
                }
                if let localRoutes, let problem = managedSourceProblem(address: row.address, localRoutes: localRoutes) {
                    throw .notSupported(problem)
                }
            }
            try checkPhysicalAddress(row, on: link)
        } else if !(unspecifiedLookup && link.keysIPv4NeighborsAsUnspecified),
                  // A lookup or resolve checks only the key rule (an IPv4 address on a loopback or point-to-point
                  // link): the state and link-layer address of the row are not written.
                  let reason = linkRefusal(address: row.address, state: .none, physicalAddressLength: 0, on: link) {
            throw .invalidParameter(reason)
        }
        return link
    }

    /// Why `link` cannot keep an entry for `address` in `state` written with a link-layer address of
    /// `physicalAddressLength` bytes (0 = none), or nil when it can. The one home of the per-link-type rules, read
    /// from the kernel: an IPv4 entry on a loopback or point-to-point link is stored under 0.0.0.0
    /// (`arp_constructor()`), so it can never be found again under its own address; a `noarp` entry without a
    /// link-layer address is kept only where the kernel supplies one (`Link.suppliesLinkLayerAddress(for:)`),
    /// elsewhere it is refused with `No link layer address given` (`__neigh_update()`) after leaving a NONE entry
    /// behind. Windows equivalent: the `ERROR_INVALID_PARAMETER` checks of `CreateIpNetEntry2`.
    public static func linkRefusal(address: IpAddress, state: NeighborState, physicalAddressLength: Int,
                                   on link: Link) -> InvalidParameterReason? {
        if address.family == .ipv4 && link.keysIPv4NeighborsAsUnspecified {
            return .ipv4KeyedAsUnspecified(address, link: link.name, isLoopback: link.isLoopback)
        }
        if state == .noarp && physicalAddressLength == 0 && !link.suppliesLinkLayerAddress(for: address) {
            return .noarpNeedsPhysicalAddress(address, link: link.name)
        }
        return nil
    }

    /// Why `link` cannot keep a proxy entry for `address`, or nil: a loopback or `NOARP` link receives no ARP
    /// requests or neighbor solicitations to answer (`arp_rcv()` drops them on `IFF_NOARP`/loopback devices). The
    /// one home of the per-link rule for proxies, as `linkRefusal` is for ordinary entries. iproute2 would accept
    /// `ip neigh add proxy A dev lo`.
    public static func proxyRefusal(address: IpAddress, on link: Link) -> InvalidParameterReason? {
        link.isLoopback || link.isNoArp ? .proxyWithoutNeighborDiscovery(address, link: link.name) : nil
    }

    /// Why the `family` cannot be used on `link`, or nil: IPv6 disabled (`disable_ipv6` = 1) or no IPv4 device.
    /// The text names the link and the cause; a write is refused with it (`checkFamily`), a desired entry waits with
    /// it (`PendingNeighbor.Cause.familyUnavailable`). Netlink equivalent: `IFLA_AF_SPEC` of the link.
    public static func familyProblem(_ family: AddressFamily, on link: Link) -> String? {
        if family == .ipv6 && !link.ipv6Enabled {
            return "IPv6 is disabled on \(link.name) (net.ipv6.conf.\(link.name).disable_ipv6 = 1)"
        }
        if family == .ipv4 && !link.ipv4Enabled { return "\(link.name) has no IPv4 configuration" }
        return nil
    }

    /// Why an entry for `address` (`managed`: a managed, non-proxy entry) cannot be written on `link` now for a
    /// reason of the host, or nil: the family is unusable there (`familyProblem`), or, for a managed IPv4 entry
    /// given the namespace's IPv4 `localRoutes` (nil: not read), the local routing table does not exist
    /// (`managedSourceProblem`). The one rule that makes an entry wait (`PendingNeighbor.Cause.familyUnavailable`)
    /// and that says whether such a wait is over (a saved plan's stale check).
    public static func hostBlock(address: IpAddress, managed: Bool, on link: Link,
                                 localRoutes: LocalRouteTable?) -> String? {
        familyProblem(address.family, on: link)
            ?? (managed ? localRoutes.flatMap { managedSourceProblem(address: address, localRoutes: $0) } : nil)
    }

    /// Checks that the family of the row can be used on `link` (see `familyProblem`) → `notSupported`. Netlink
    /// equivalent: `IFLA_AF_SPEC` of the link.
    public static func checkFamily(_ family: AddressFamily, on link: Link) throws(IpNetError) {
        if let problem = familyProblem(family, on: link) {
            throw .notSupported(problem + (family == .ipv6 ? "; enable it or use another interface"
                                                           : "; use another interface"))
        }
    }

    /// What is wrong with the physical address of a row to be written on `link`, or nil: a non-empty address must
    /// have the link's hardware address length (`.physicalAddressLength`); an empty one is allowed only in states
    /// that carry none (noarp, incomplete, unreachable, none) or on links without hardware addresses
    /// (`.physicalAddressMissing`). Windows equivalent: `PhysicalAddressLength` checks of `CreateIpNetEntry2`;
    /// netlink: the kernel's "Invalid link address" (EINVAL) for a short `NDA_LLADDR`.
    public static func physicalAddressProblem(_ physical: PhysicalAddress, state: NeighborState, on link: Link)
        -> InvalidParameterReason? {
        let n = physical.count
        if n == 0 {
            let needsOne: Bool
            switch state {
            case .permanent, .reachable, .stale, .delay, .probe: needsOne = true
            case .noarp, .incomplete, .unreachable, .none: needsOne = false
            }
            if needsOne && link.hardwareAddressLength > 0 {
                return .physicalAddressMissing(state, link: link.name, expected: link.hardwareAddressLength)
            }
            return nil
        }
        if n != link.hardwareAddressLength {
            return .physicalAddressLength(physical, link: link.name, expected: link.hardwareAddressLength)
        }
        return nil
    }

    /// Checks the physical address of a row to be written (see `physicalAddressProblem`). Windows equivalent:
    /// `PhysicalAddressLength` checks of `CreateIpNetEntry2`.
    public static func checkPhysicalAddress(_ row: IpNetRow2, on link: Link) throws(IpNetError) {
        if let reason = physicalAddressProblem(row.physicalAddress, state: row.state, on: link) {
            throw .invalidParameter(reason)
        }
    }

    /// What is wrong with a managed row (NTF_EXT_MANAGED) to be written, or nil: a multicast address (the kernel
    /// maps it to its multicast MAC itself and keeps the entry NOARP; a managed write of it keeps the mapped MAC,
    /// and once replaced the entry is left INCOMPLETE, soliciting for a group: `.managedMulticast`), a link-layer
    /// address, even an empty one (the kernel resolves it: `.managedWithPhysicalAddress`), the router flag (neighbor
    /// discovery learns it: `.managedWithRouterFlag`), a state other than none (`neigh_add()` refuses managed +
    /// NUD_PERMANENT: `.managedWithStaticState`). The loader reports these at the value at fault. iproute2: `ip neigh
    /// add A dev D managed` (which sends NUD_NONE and no `lladdr`).
    public static func managedProblem(address: IpAddress, hasPhysicalAddress: Bool, isRouter: Bool,
                                      state: NeighborState) -> InvalidParameterReason? {
        if address.isMulticast { return .managedMulticast(address) }
        if hasPhysicalAddress { return .managedWithPhysicalAddress(address) }
        if isRouter { return .managedWithRouterFlag(address) }
        if state != .none { return .managedWithStaticState(address, state) }
        return nil
    }

    /// Why `link` cannot keep a managed entry for `address` resolved, or nil: a link that resolves no neighbors
    /// (loopback, point-to-point, `IFF_NOARP`, no hardware addresses), where the kernel makes the entry NOARP with
    /// the link's own, a broadcast or an all-zero address (seen on this kernel: `2001:db8::5 dev lo lladdr
    /// 00:00:00:00:00:00 managed NOARP`). IPv4 on loopback and point-to-point links is `linkRefusal`'s already.
    public static func managedLinkRefusal(address: IpAddress, on link: Link) -> InvalidParameterReason? {
        if link.isLoopback || link.isPointToPoint || link.isNoArp || link.hardwareAddressLength == 0 {
            return .managedOnNonResolvingLink(address, link: link.name)
        }
        return nil
    }

    /// Why a managed entry for `address` cannot be kept, given the namespace's IPv4 `localRoutes` (their links by
    /// index in `links`), or nil: the longest match of `address` in the local table is a broadcast route (the
    /// subnet broadcast of an address, a configured `broadcast`, or one added by hand with `ip route add broadcast
    /// 192.0.2.200 dev veth0 table local`), or a multicast route (`ip route add multicast 198.51.100.77 dev veth0
    /// table local`), whatever link holds it. The kernel types a new entry with `inet_addr_type_dev_table()`, a
    /// longest-prefix lookup in that table (`LocalRouteTable.lookup`): on `RTN_BROADCAST` `arp_constructor()` makes
    /// it NOARP with `ff:ff:ff:ff:ff:ff`, on `RTN_MULTICAST` NOARP with the mapped MAC, so a managed entry there is
    /// never resolved. A host check: the file
    /// cannot know the routes. iproute2 would accept `ip neigh add 198.51.100.255 dev D managed`.
    public static func managedBroadcastRefusal(address: IpAddress, localRoutes: LocalRouteTable,
                                               links: [UInt32: Link]) -> InvalidParameterReason? {
        guard address.family == .ipv4, let route = localRoutes.lookup(address), route.isBroadcast || route.isMulticast
        else { return nil }
        let link = route.interfaceIndex == 0 ? "no link"
            : links[route.interfaceIndex]?.name ?? "if\(route.interfaceIndex)"
        return .managedBroadcastRoute(address, route: route.text, link: link)
    }

    /// Why a managed IPv4 entry for `address` cannot be resolved now, given the namespace's IPv4 `localRoutes`, or
    /// nil: the local routing table does not exist (no IPv4 address was ever configured in the namespace, and `lo`
    /// was never up): `__inet_dev_addr_type()` then answers RTN_BROADCAST for every address and `arp_constructor()`
    /// keeps the entry NOARP with `ff:ff:ff:ff:ff:ff`. Once the table exists it stays, and the kernel resolves
    /// managed entries even after every address is removed or its link is down (ARP asks from any address, or
    /// 0.0.0.0: `inet_select_addr()`). A host condition, not the file's fault: a desired entry waits
    /// (`PendingNeighbor.Cause.familyUnavailable`), a write is refused with `notSupported`. IPv6 needs nothing:
    /// neighbor discovery asks from the link-local address.
    public static func managedSourceProblem(address: IpAddress, localRoutes: LocalRouteTable) -> String? {
        guard address.family == .ipv4, !localRoutes.exists else { return nil }
        return "the namespace has no IPv4 local routing table yet (no IPv4 address was ever configured; `ip link set "
            + "lo up` creates it), so the kernel keeps a managed entry for \(address.withoutScope) NOARP with "
            + "ff:ff:ff:ff:ff:ff, never resolved; add an IPv4 address to any link or bring up lo, or use state: "
            + "permanent with its MAC"
    }
}
