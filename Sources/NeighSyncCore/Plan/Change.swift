import IpNetCore

/// One planned change: the action, the entry's identity, the row before (nil for a create) and after (nil for a
/// delete), the changed fields of a set, a display-only reason, and where the desired entry is written. Terraform
/// equivalent: `plans.ResourceInstanceChange`; netlink: the one request that `apply` sends for it.
public struct Change: Hashable, Sendable {
    /// Create, set or delete.
    public var action: Action
    /// The interface name, for display.
    public var interfaceName: String
    /// The kernel's row before the change (nil for a create, unless it replaces an INCOMPLETE/FAILED leftover).
    public var before: IpNetRow2?
    /// The row that will be written (nil for delete); carries the owner protocol.
    public var after: IpNetRow2?
    /// Where the desired entry is defined (nil for a delete).
    public var source: SourceMark?

    /// Builds a change. The key, the changed fields and the reason follow from the rows (they are computed, not
    /// stored, so a 1,000,000-entry plan stays small).
    public init(action: Action, interfaceName: String, before: IpNetRow2?, after: IpNetRow2?,
                source: SourceMark? = nil) {
        precondition(after != nil || before != nil, "a change has a row")
        self.action = action
        self.interfaceName = interfaceName
        self.before = before
        self.after = after
        self.source = source
    }

    /// (interface, address) of the entry.
    public var key: NeighborKey { (after ?? before!).key }

    /// For a set: the fields that differ (physical address, state, router flag, owner protocol, `flags` when a noarp
    /// entry lacks extern_learn).
    public var fields: [FieldChange] {
        guard action == .set, let before, let after else { return [] }
        return Planner.differences(before, after)
    }

    /// Why, for people: `absent`, `lladdr 02:…:01 → 02:…:02`, `adopt: entry exists without owner tag`,
    /// `takes over from protocol 11 (zebra)`, `drops flags extern_learn`, `owned entry not in desired state`.
    public var reason: String {
        switch action {
        case .create:
            var r = "absent" + (before.map { " (replaces \($0.state.iproute2Name) leftover)" } ?? "")
            if let before, let after, let takeover = Planner.takeover(before, after) { r += ", " + takeover }
            if !droppedFlags.isEmpty { r += ", drops flags " + droppedFlags.words.joined(separator: " ") }
            return r
        case .set: return Planner.reason(fields, have: before!, want: after!)
        case .delete:
            if let b = before, b.state.isLeftover && !b.state.isStatic {
                return "owned \(b.state.iproute2Name) leftover not in desired state"
            }
            return "owned entry not in desired state"
        }
    }

    /// The flags of the kernel's entry that this write clears (`extern_learn` on an FRR entry, …); empty for a delete
    /// and a plain create. Netlink: a REPLACE without `NTF_EXT_LEARNED` clears it.
    public var droppedFlags: NeighborFlags {
        guard action != .delete, let before, let after else { return [] }
        return Planner.droppedFlags(before, after)
    }

    /// The netlink write that carries the change out. Netlink: RTM_NEWNEIGH CREATE|EXCL / REPLACE / RTM_DELNEIGH; a
    /// create over an INCOMPLETE/FAILED/NONE leftover (which the kernel still holds) is CREATE|REPLACE, so that it
    /// is written, and counted, as the create the plan shows.
    public var operation: NeighborOperation {
        switch action {
        case .create: return before == nil ? .create(after!) : .upsert(after!)
        case .set: return .set(after!)
        case .delete: return .delete(before!)
        }
    }
}
