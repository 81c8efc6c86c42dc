import IpNetCore

/// The part of a neighbor row that decides what a plan does with it, and nothing else: the key (interface index,
/// family, address) and the `RowFields`: the MAC, the state (non-static INCOMPLETE/FAILED/NONE leftovers folded into
/// one, since the planner treats them alike and they flap), the router flag, the protocol and the other flags
/// (`extern_learn`, …, which a write may drop). Display text and ever-changing fields (`reachabilityTime`, the
/// interface name, `isUnreachable`, which follows the state) are left out. The one definition of "equal": the
/// planner, the applier and watch scope compare rows with `differences(from:)`, `TableFingerprint` hashes `line`
/// and `apply PLANFILE` compares the plan's changes as these. To add a field, add it to `RowFields`, here, to
/// `differences(from:)` and to `text(of:)` (written only when the row has it, as `flags` is, so fingerprints of rows
/// without it stay the same). netlink equivalent: the `ndmsg` + `NDA_DST`/`NDA_LLADDR`/`NDA_PROTOCOL` content of an
/// RTM_NEWNEIGH, without `NDA_CACHEINFO`.
public struct CanonicalRow: Hashable, Sendable {
    /// (interface index, family, address).
    public var key: NeighborKey
    /// NDA_LLADDR.
    public var physicalAddress: PhysicalAddress
    /// The state; a non-static leftover state is `.none`.
    public var state: NeighborState
    /// NTF_ROUTER.
    public var isRouter: Bool
    /// NDA_PROTOCOL, 0 for none.
    public var `protocol`: UInt8
    /// `ndm_flags` (without NTF_ROUTER) and `NDA_FLAGS_EXT`.
    public var flags: NeighborFlags

    /// The projection of `row`. A managed row (`ManagedEntry.isResolvedByKernel`) keeps no MAC, state or router
    /// flag: the kernel resolves those and they change by themselves (REACHABLE, STALE, FAILED, a new MAC after a
    /// hardware swap), so neither the comparison nor a saved plan's fingerprint sees them. An IPv4 row keeps no
    /// router flag either: NTF_ROUTER is the NDP router flag, meaningless for ARP; the kernel stores it on an IPv4
    /// entry (`ip neigh add 192.0.2.9 dev D lladdr … router`, `ip neigh add proxy 192.0.2.9 dev D router`) but a
    /// file cannot ask for it, so it never makes a `~ router true → false`.
    public init(_ row: IpNetRow2) {
        key = row.key
        let managed = ManagedEntry.isResolvedByKernel(row)
        physicalAddress = managed ? .empty : row.physicalAddress
        state = managed || (row.state.isLeftover && !row.state.isStatic) ? .none : row.state
        isRouter = managed || row.address.family == .ipv4 ? false : row.isRouter
        self.protocol = row.protocol
        flags = row.flags
    }

    /// The one row comparison: the fields in which this row (the kernel's) differs from `want` (the row a write
    /// would send), for rows of the same key; empty when writing `want` would change nothing. The MAC, state, router
    /// flag and protocol must be equal; of the flags only those `want` carries count (the flags neighsync writes that
    /// this row lacks: `extern_learn` on a noarp entry, which keeps it from the kernel's garbage collection; other
    /// flags of this row are not compared, a write reports what it drops). A `noarp` entry wanted without a
    /// link-layer address leaves the address to the kernel (which supplies the mapped multicast, the link's own or
    /// its broadcast address, or keeps the one it has), so its address is not compared. A wanted managed row is
    /// converged when the kernel's entry has the managed flag and the owner protocol, whatever MAC and resolution
    /// state it has (the projection folds them away); a permanent entry at its key differs in MAC, state and flags
    /// (and a managed one at a permanent row's key in MAC and state): a set. netlink equivalent: what an
    /// RTM_NEWNEIGH REPLACE of `want` would change in the kernel's entry.
    @inline(__always)
    public func differences(from want: CanonicalRow) -> RowFields {
        var f: RowFields = []
        if physicalAddress != want.physicalAddress && !(want.state == .noarp && want.physicalAddress.count == 0) {
            f.insert(.physicalAddress)
        }
        if state != want.state { f.insert(.state) }
        if isRouter != want.isRouter { f.insert(.isRouter) }
        if self.protocol != want.protocol { f.insert(.protocol) }
        if !flags.isSuperset(of: want.flags) { f.insert(.flags) }
        return f
    }

    /// The one row comparison over two rows: `CanonicalRow(have).differences(from: CanonicalRow(want))`, except
    /// for the MAC and router flag of a managed kernel entry that a write which is not managed replaces (managed →
    /// permanent): the projection folds the kernel's values away, but the write sets `want`'s, so the kernel's real
    /// ones are compared (router `true → false` is a drop on IPv6; a resolved MAC equal to the pinned one is no
    /// change).
    @inline(__always)
    public static func differences(_ have: IpNetRow2, _ want: IpNetRow2) -> RowFields {
        var f = CanonicalRow(have).differences(from: CanonicalRow(want))
        if ManagedEntry.isResolvedByKernel(have) && !want.flags.contains(.managed) {
            // The router flag only on IPv6 (on IPv4 it means nothing, as in the projection).
            if have.isRouter != want.isRouter && have.address.family == .ipv6 {
                f.insert(.isRouter)
            } else {
                f.remove(.isRouter)
            }
            if have.physicalAddress == want.physicalAddress { f.remove(.physicalAddress) }
        }
        return f
    }

    /// The canonical text of one field as `line` writes it (`02:00:00:00:00:10`, `permanent` or `leftover`, `false`,
    /// `245`, `extern_learn,managed`), nil for no flags (left out of `line`).
    public func text(of field: RowFields) -> String? {
        switch field {
        case .physicalAddress: return physicalAddress.description
        case .state: return state == .none ? (flags.contains(.managed) ? "managed" : "leftover") : state.rawValue
        case .isRouter: return "\(isRouter)"
        case .protocol: return "\(self.protocol)"
        case .flags: return flags.isEmpty ? nil : flags.words.joined(separator: ",")
        default: preconditionFailure("one field at a time")
        }
    }

    /// `KEY|MAC|state|router|protocol[|flags]`, e.g. `192.0.2.10@3|02:00:00:00:00:10|permanent|false|245` (a
    /// leftover state is written `leftover`, a managed row's `managed` with no MAC; flags, when any, as iproute2
    /// words joined by `,`): every `RowFields` field in order (`text(of:)`), the text `TableFingerprint` hashes.
    public var line: String {
        var l = "\(key)"
        for (field, _) in RowFields.named {
            if let t = text(of: field) { l += "|" + t }
        }
        return l
    }
}

/// A planned change reduced to what it does: the action and the canonical rows before and after. Two plans with
/// equal lists of these make the same writes against the same entries. Terraform equivalent: comparing a saved
/// plan's changes while ignoring computed attributes.
public struct CanonicalChange: Hashable, Sendable {
    /// Create, set or delete.
    public var action: Action
    /// The kernel's row before, projected.
    public var before: CanonicalRow?
    /// The row to write, projected.
    public var after: CanonicalRow?

    /// The projection of a change.
    public init(_ change: Change) {
        action = change.action
        before = change.before.map(CanonicalRow.init)
        after = change.after.map(CanonicalRow.init)
    }

    /// The projection of a change record of a plan document (`plan --out`).
    public init(_ record: PlanDocument.ChangeRecord) throws {
        action = record.action
        before = try record.before.map { CanonicalRow(try $0.row()) }
        after = try record.after.map { CanonicalRow(try $0.row()) }
    }
}
