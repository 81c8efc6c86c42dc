import IpNetCore

/// A desired entry that cannot be written yet, for a reason outside the file: its interface does not exist (a VLAN
/// or tunnel created later at boot, a link renamed away), or the link exists but cannot hold the entry's family now
/// (IPv6 disabled on it, no IPv4 configuration). A pending entry never blocks the other entries: `plan` lists it
/// apart (`?`), `apply` writes everything else and then exits 1 naming the interfaces unless the entry is
/// `optional: true`, watch mode writes it when the interface appears. It is never deleted or pruned. Errors that
/// are the file's fault (a MAC of the wrong length for a link that exists, selectors that disagree, a link type
/// that cannot keep the entry) are diagnostics, not pending entries. systemd-networkd equivalent: `[Neighbor]`
/// sections of a `.network` file waiting for their link to appear; iproute2: `Cannot find device "vlan100"`.
public struct PendingNeighbor: Hashable, Sendable {
    /// Why the entry waits.
    public enum Cause: String, Hashable, Sendable {
        /// No link matches the entry's interface name, index or LUID.
        case interfaceAbsent
        /// The link exists, but the entry's family is unusable on it (IPv6 disabled, no IPv4 configuration).
        case familyUnavailable
        /// The link exists, but a check against it refuses the entry since the file was admitted: the host changed
        /// (the link switched `arp on`, an interface appeared with another hardware-address length or type). Only
        /// in a watch pass; never expected (`optional: true` does not make it so), since it is a conflict to fix.
        case linkRefuses
    }

    /// The neighbor address.
    public var address: IpAddress
    /// The interface for display: the name the file gives (or the link's), else `if7` for an index or LUID.
    public var interfaceName: String
    /// The link's index when the link exists (a family-blocked entry); nil while the interface is absent.
    public var interfaceIndex: UInt32?
    /// The link-layer address the file gives (empty for noarp without one).
    public var physicalAddress: PhysicalAddress
    /// The desired state.
    public var state: NeighborState
    /// The NTF_ROUTER flag.
    public var isRouter: Bool
    /// `optional: true` in the file: the entry's wait is not a failure of `apply`.
    public var isOptional: Bool
    /// Why the entry waits.
    public var cause: Cause
    /// The reason for people: `waiting for interface vlan100`, `blocked: IPv6 is disabled on veth0 (…)`.
    public var reason: String
    /// Where the entry is defined.
    public var source: SourceMark?
    /// True for a proxy entry (a `proxies:` item) waiting like an ordinary one.
    public var isProxy = false

    /// This entry with `isProxy` set to `proxy`.
    public func proxy(_ proxy: Bool) -> PendingNeighbor {
        var p = self
        p.isProxy = proxy
        return p
    }

    /// Builds a pending entry.
    public init(address: IpAddress, interfaceName: String, interfaceIndex: UInt32?, physicalAddress: PhysicalAddress,
                state: NeighborState, isRouter: Bool, isOptional: Bool, cause: Cause, reason: String,
                source: SourceMark?) {
        self.address = address
        self.interfaceName = interfaceName
        self.interfaceIndex = interfaceIndex
        self.physicalAddress = physicalAddress
        self.state = state
        self.isRouter = isRouter
        self.isOptional = isOptional
        self.cause = cause
        self.reason = reason
        self.source = source
    }

    /// True when the wait is expected (`optional: true`, and the entry waits for its interface or family rather
    /// than being refused by its link): `apply` does not fail for it.
    public var isExpected: Bool { isOptional && cause != .linkRefuses }

    /// The entry's identity when its link exists (so the planner never prunes an owned entry there); nil while the
    /// interface is absent (the kernel then holds no entry for it anyway).
    public var key: NeighborKey? { interfaceIndex.map { NeighborKey(interfaceIndex: $0, address: address, isProxy: isProxy) } }
}

/// What resolving a desired state against a link list gives when nothing is the file's fault: the entries that can
/// be written now (`DesiredRow`s) and the pending ones, both in file order. iproute2 equivalent: the `neigh replace`
/// lines of an `ip -batch` file split into those whose `dev` exists and those that would fail with `Cannot find
/// device`.
public struct DesiredResolution<Entry: Hashable & Sendable>: Hashable, Sendable {
    /// The entries whose link exists and can hold them.
    public var entries: [Entry]
    /// The entries that wait for their interface (or for their family to be enabled on it).
    public var pending: [PendingNeighbor]

    /// Builds a resolution.
    public init(entries: [Entry], pending: [PendingNeighbor] = []) {
        self.entries = entries
        self.pending = pending
    }
}

extension PendingNeighbor {
    /// The entries grouped by interface and reason, one line each, in order of first appearance: `3 entries
    /// waiting for interface vlan100, which does not exist in this namespace`, `1 entry on veth0 blocked: IPv6 is
    /// disabled on veth0 (…)`; names and reasons escaped (`DisplayText`). iproute2 equivalent: `Cannot find device "vlan100"` once per line of a batch.
    public static func problems(_ entries: [PendingNeighbor]) -> [String] {
        var order: [String] = []
        var counts: [String: Int] = [:]
        var first: [String: PendingNeighbor] = [:]
        for p in entries {
            let k = p.interfaceName + "\u{0}" + p.reason
            if counts[k] == nil { order.append(k); first[k] = p }
            counts[k, default: 0] += 1
        }
        return order.map { k in
            let n = counts[k]!, p = first[k]!
            let entries = n == 1 ? "1 entry" : "\(n) entries"
            let reason = DisplayText.escaped(p.reason)
            switch p.cause {
            case .interfaceAbsent: return "\(entries) \(reason), which does not exist in this namespace"
            case .familyUnavailable, .linkRefuses:
                return "\(entries) on \(DisplayText.escaped(p.interfaceName)) \(reason)"
            }
        }
    }

    /// The interfaces the entries wait for, each once, in order of first appearance.
    public static func interfaces(_ entries: [PendingNeighbor]) -> [String] {
        var seen = Set<String>()
        return entries.compactMap { seen.insert($0.interfaceName).inserted ? $0.interfaceName : nil }
    }
}
