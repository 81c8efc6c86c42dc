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
    /// entry lacks extern_learn), by the one row comparison (`CanonicalRow.differences(from:)`); empty otherwise.
    public var changedFields: RowFields {
        guard action == .set, let before, let after else { return [] }
        return CanonicalRow.differences(before, after)
    }

    /// For a set: the display of `changedFields`, with the before and after text of each.
    public var fields: [FieldChange] {
        guard action == .set, let before, let after else { return [] }
        return FieldChange.list(changedFields, have: before, want: after)
    }

    /// Why, for people: `absent`, `lladdr 02:…:01 → 02:…:02`, `adopt: entry exists without owner tag`,
    /// `takes over from protocol 11 (zebra)`, `drops flags extern_learn`, `owned entry not in desired state`.
    public var reason: String {
        switch action {
        case .create:
            var r = "absent" + (before.map { " (replaces \($0.state.iproute2Name) leftover)" } ?? "")
            if let before, let after, let takeover = Self.takeover(before, after) { r += ", " + takeover }
            if !droppedFlags.isEmpty { r += ", drops flags " + droppedFlags.words.joined(separator: " ") }
            return r
        case .set: return Self.reason(changedFields, have: before!, want: after!)
        case .delete:
            if let b = before, b.isProxy { return "owned proxy entry not in desired state" }
            if let b = before, ManagedEntry.isLeftover(b) {
                return "owned \(b.state.iproute2Name) leftover not in desired state"
            }
            return "owned entry not in desired state"
        }
    }

    /// The flags of the kernel's entry that this write clears (`extern_learn` on an FRR entry, …); empty for a delete
    /// and a plain create. Netlink: a REPLACE without `NTF_EXT_LEARNED` clears it.
    public var droppedFlags: NeighborFlags {
        guard action != .delete, let before, let after else { return [] }
        return Self.droppedFlags(before, after)
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

    /// The display reason of a set from the changed fields: `lladdr A → B`, `state A → B`, `router A → B`; `takes
    /// over from protocol 11 (zebra)` when the entry carries another owner's protocol; an adoption note when only a
    /// missing owner tag differs; `add extern_learn: keeps the noarp entry from the kernel's garbage collection`
    /// when a noarp entry lacks the flag (and the like for a managed one); `drops flags extern_learn` when the write
    /// clears flags the entry carries.
    static func reason(_ changed: RowFields, have: IpNetRow2, want: IpNetRow2) -> String {
        var parts: [String] = []
        let managedHave = have.flags.contains(.managed), managedWant = want.flags.contains(.managed)
        if managedHave != managedWant {
            // managed ↔ static: one readable part instead of the MAC, state and flag parts it stands for.
            parts.append(managedWant
                ? "\(have.state.rawValue) → managed: the kernel resolves the address and keeps it resolved"
                : "managed → \(want.state.rawValue)"
                  + (want.physicalAddress.count > 0 ? ": pins lladdr \(want.physicalAddress)" : ""))
            if changed.contains(.isRouter) && !managedWant {
                parts.append("router \(have.isRouter) → \(want.isRouter)")
            }
            if changed.contains(.protocol), let takeover = takeover(have, want) { parts.append(takeover) }
            // The flags the managed side carries as neighsync writes it (`managed extern_learn`) are what the
            // conversion stands for; only others are worth a part of their own.
            let managedKind = DesiredRules.writtenFlags(for: DesiredRules.managedState)
            let dropped = droppedFlags(have, want).subtracting(managedKind)
            if !dropped.isEmpty { parts.append("drops flags " + dropped.words.joined(separator: " ")) }
            return parts.joined(separator: ", ")
        }
        for (field, label) in [(RowFields.physicalAddress, "lladdr"), (.state, "state"), (.isRouter, "router")]
        where changed.contains(field) {
            let f = FieldChange.list(field, have: have, want: want)[0]
            parts.append("\(label) \(f.before) → \(f.after)")
        }
        let added = want.flags.subtracting(have.flags)
        if added.contains(.externallyLearned) && want.state == .noarp {
            parts.append("add extern_learn: keeps the noarp entry from the kernel's garbage collection")
        } else if added == .externallyLearned && managedWant {
            parts.append("add extern_learn: keeps the managed entry from the kernel's garbage collection when its "
                         + "neighbor does not answer (FAILED)")
        } else if !added.isEmpty {
            parts.append("add flags " + added.words.joined(separator: " "))
        }
        if changed.contains(.protocol) {
            if let takeover = takeover(have, want) {
                parts.append(takeover)
            } else if parts.isEmpty {
                parts.append("adopt: entry exists without owner tag")
            }
        }
        let dropped = droppedFlags(have, want)
        if !dropped.isEmpty { parts.append("drops flags " + dropped.words.joined(separator: " ")) }
        return parts.joined(separator: ", ")
    }

    /// `takes over from protocol 11 (zebra)` when writing `want` over the kernel's `have` (a set, or a create over
    /// an INCOMPLETE/FAILED leftover) replaces another owner's protocol; nil when `have` carries none or ours.
    static func takeover(_ have: IpNetRow2, _ want: IpNetRow2) -> String? {
        guard have.protocol != 0 && have.protocol != want.protocol else { return nil }
        return "takes over from protocol \(NeighborProtocolName.described(have.protocol))"
    }

    /// The flags of `have` that writing `want` over it clears: those a REPLACE clears when not asked for
    /// (`NeighborFlags.clearedByReplace`) and `want` does not carry. Netlink: `neigh_update_ext_learned()`.
    static func droppedFlags(_ have: IpNetRow2, _ want: IpNetRow2) -> NeighborFlags {
        have.flags.intersection(NeighborFlags.clearedByReplace).subtracting(want.flags)
    }
}
