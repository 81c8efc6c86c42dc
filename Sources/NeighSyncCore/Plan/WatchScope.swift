import IpNetCore

/// What a watch loop manages, and the pure rule that decides whether a kernel event concerns it: the desired rows
/// by key, the interfaces they live on (by index, and by the names the file gives so that a re-created interface
/// with a new index still counts), and the owner protocol. An event is relevant when it can have moved the table
/// away from the desired state: a neighbor change at a desired key that differs from the desired row (an echo of
/// our own write, already equal, is not), an owned entry appearing where none is desired, the deletion of a desired
/// entry, any change of a managed link (down/up, new MAC, re-creation), an address change on a managed link (the
/// kernel flushes ARP entries, permanent ones too, when the last IPv4 address goes), or on any link when a managed
/// IPv4 entry is desired (the namespace's addresses decide whether it is a broadcast route or can be resolved at
/// all: `NeighborRowValidator.managedBroadcastRefusal`, `.managedSourceProblem`; it flushes proxy entries on
/// admin-down, and non-permanent ones on carrier loss, in `pneigh_ifdown_and_unlock()`, so a link event is what
/// brings them back), and an overrun. systemd-
/// networkd equivalent: its `link_update()` / neighbor reconfiguration on RTM_NEWLINK; iproute2: filtering
/// `ip monitor neigh link address` output by hand.
public struct WatchScope: Hashable, Sendable {
    /// The desired rows by key; each carries the owner protocol.
    public var desired: [NeighborKey: IpNetRow2]
    /// The indexes of the interfaces that hold desired entries.
    public var interfaceIndexes: Set<UInt32>
    /// The interface names the desired state refers to.
    public var interfaceNames: Set<String>
    /// The interface indexes (and LUID indexes) the file names, present or not (a link appearing there ends the
    /// wait of pending entries).
    public var namedIndexes: Set<UInt32>
    /// The owner protocol (NDA_PROTOCOL) of neighsync's entries.
    public var ownerProtocol: UInt8
    /// Whether owned entries that are not desired are deleted (`prune: owned`).
    public var prunes: Bool
    /// Whether an address change on any link, or a change of the IPv4 local routing table, concerns the desired
    /// state: a managed IPv4 entry is desired (written or pending), whose host checks read that table
    /// (`NeighborRowValidator.managedBroadcastRefusal` / `.managedSourceProblem`).
    public var watchesEveryAddress: Bool

    /// Builds a scope from the desired rows (interface index resolved, protocol set), the interface names the file
    /// uses (absent ones included, so that their appearance is noticed), the owner protocol, the prune mode and the
    /// pending entries (their links, when they exist, are managed too: enabling IPv6 there ends the wait).
    public init(desired: [IpNetRow2], interfaceNames: Set<String>, ownerProtocol: UInt8, prunes: Bool,
                pending: [PendingNeighbor] = [], namedIndexes: Set<UInt32> = []) {
        var byKey: [NeighborKey: IpNetRow2] = [:]
        for r in desired { byKey[r.key] = r }
        self.desired = byKey
        self.interfaceIndexes = Set(desired.map(\.effectiveInterfaceIndex)).union(pending.compactMap(\.interfaceIndex))
        self.namedIndexes = namedIndexes
        self.interfaceNames = interfaceNames
        self.ownerProtocol = ownerProtocol
        self.prunes = prunes
        self.watchesEveryAddress = desired.contains {
            $0.flags.contains(.managed) && !$0.isProxy && $0.address.family == .ipv4
        } || pending.contains { $0.state == DesiredRules.managedState && !$0.isProxy && $0.address.family == .ipv4 }
    }

    /// True when `event` may have moved the table away from the desired state, so the loop should re-plan. Pure.
    /// Netlink equivalent: the decision a monitor makes per RTM_NEWNEIGH / RTM_DELNEIGH / RTM_NEWLINK /
    /// RTM_DELLINK / RTM_NEWADDR / RTM_DELADDR / RTM_NEWROUTE / RTM_DELROUTE (table local) notification or ENOBUFS.
    public func touches(_ event: NeighborEvent) -> Bool {
        switch event {
        case .overrun:
            return true
        case .neighborChanged(let row):
            if let want = desired[row.key] { return !Self.matches(row, want) }
            return prunes && row.protocol == ownerProtocol && (ManagedEntry.isConfigured(row) || row.isProxy)
        case .neighborDeleted(let row):
            return desired[row.key] != nil
        case .linkChanged(let link):
            return interfaceIndexes.contains(link.index) || interfaceNames.contains(link.name)
                || namedIndexes.contains(link.index)
        case .addressChanged(let index):
            return watchesEveryAddress || interfaceIndexes.contains(index)
        case .localRouteChanged:
            return watchesEveryAddress
        case .linkDeleted(let index):
            return interfaceIndexes.contains(index)
        }
    }

    /// True when the watch loop must look at the proxy table itself (`proxyFingerprint`): the kernel sends no
    /// notification when a proxy entry is added or deleted by a request (`pneigh_create()` / `pneigh_delete()` in
    /// `net/core/neighbour.c` call neither `neigh_notify()` nor `rtnl_notify()`; `ip monitor neigh` prints nothing),
    /// so no event reports a desired proxy entry deleted by hand or an owned one added by hand. Needed when some
    /// desired row is a proxy entry, or when owned entries are pruned (an owned proxy entry may appear).
    public var watchesProxyTable: Bool {
        prunes || desired.keys.contains(where: \.isProxy)
    }

    /// The digest of the proxy rows the plan depends on (`TableFingerprint` of `proxies`: the owned ones and those
    /// at desired keys), so the loop re-plans only when one of them changed since the last pass. Pure; `proxies` is
    /// one RTM_GETNEIGH dump with `NTF_PROXY` (`ip neigh show proxy`).
    public func proxyFingerprint(_ proxies: [IpNetRow2]) -> String {
        TableFingerprint.of(current: proxies.filter(\.isProxy), desiredKeys: Set(desired.keys),
                            ownerProtocol: ownerProtocol)
    }

    /// True when the kernel's row already equals the desired one: the planner's own comparison
    /// (`CanonicalRow.differences(from:)`) finds no field to change.
    static func matches(_ have: IpNetRow2, _ want: IpNetRow2) -> Bool {
        CanonicalRow.differences(have, want).isEmpty
    }
}
