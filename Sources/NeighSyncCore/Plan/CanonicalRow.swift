import IpNetCore

/// The part of a neighbor row that decides what a plan does with it, and nothing else: the key (interface index,
/// family, address), the MAC, the state (non-static INCOMPLETE/FAILED/NONE leftovers folded into one, since the
/// planner treats them alike and they flap), the router flag, the protocol and the other flags (`extern_learn`, …,
/// which a write may drop). Display text and ever-changing
/// fields (`reachabilityTime`, the interface name, `isUnreachable`, which follows the state) are left out. The one
/// definition of "the same entry" for saved plans: `TableFingerprint` hashes it and `apply PLANFILE` compares the
/// plan's changes with it. To add a field, add it here and to `line` (written only when the row has it, as `flags`
/// is, so fingerprints of rows without it stay the same). netlink equivalent: the `ndmsg` + `NDA_DST`/`NDA_LLADDR`/`NDA_PROTOCOL`
/// content of an RTM_NEWNEIGH, without `NDA_CACHEINFO`.
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

    /// The projection of `row`.
    public init(_ row: IpNetRow2) {
        key = row.key
        physicalAddress = row.physicalAddress
        state = row.state.isLeftover && !row.state.isStatic ? .none : row.state
        isRouter = row.isRouter
        self.protocol = row.protocol
        flags = row.flags
    }

    /// `KEY|MAC|state|router|protocol[|flags]`, e.g. `192.0.2.10@3|02:00:00:00:00:10|permanent|false|245` (a
    /// leftover state is written `leftover`; flags, when any, as iproute2 words joined by `,`): the text
    /// `TableFingerprint` hashes.
    public var line: String {
        var l = "\(key)|\(physicalAddress)|\(state == .none ? "leftover" : state.rawValue)|\(isRouter)|\(self.protocol)"
        if !flags.isEmpty { l += "|" + flags.words.joined(separator: ",") }
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
