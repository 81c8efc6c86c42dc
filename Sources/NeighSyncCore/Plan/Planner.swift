import IpNetCore

/// The pure planning function of the reconciler: desired rows × current rows × owner protocol × prune mode →
/// `Plan`. No IO, no clock, no C. The rules are DESIGN.md's: identity is (interface, family, address); non-static
/// INCOMPLETE/FAILED/NONE leftovers count as absent; an equal entry without the owner tag is adopted (a set); only
/// entries carrying the owner protocol are deleted (static ones, and the INCOMPLETE/FAILED/NONE leftovers of a
/// refused write), and only with `prune: owned`; dynamic and foreign entries are never deleted; nor is an owned
/// entry whose key a pending desired entry holds. Pending entries are carried into the plan apart. systemd-networkd
/// equivalent: mark-and-sweep in `networkd-neighbor.c`.
public enum Planner {
    /// Computes the plan. `links` gives interface names for display (unknown indexes print as `if7`).
    public static func plan(desired: [DesiredRow], current: [IpNetRow2], links: [Link], ownerProtocol: UInt8,
                            prune: PruneMode, maxDeletes: Int = DesiredState.defaultMaxDeletes,
                            pending: [PendingNeighbor] = []) -> Plan {
        let held = Set(pending.compactMap(\.key))
        var names: [UInt32: String] = [:]
        for l in links { names[l.index] = l.name }
        func name(_ i: UInt32) -> String { names[i] ?? "if\(i)" }

        // A sort-merge join on (interface, family, address): no hashing, and the changes come out in plan order.
        let dKeys = desired.map(\.row.key)
        let cKeys = current.map(\.key)
        let dOrder = order(dKeys)
        let cOrder = order(cKeys)

        var changes: [Change] = []
        // Reserve the most a plan can hold: pages never written stay virtual, and the array never regrows.
        changes.reserveCapacity(desired.count + current.count)
        var unchanged = 0
        var i = 0, j = 0
        while i < dOrder.count || j < cOrder.count {
            let dk = i < dOrder.count ? dKeys[dOrder[i]] : nil
            let ck = j < cOrder.count ? cKeys[cOrder[j]] : nil
            if let ck, dk == nil || ck < dk! {
                // Current only: delete when it is ours, static (or the leftover of a refused write of ours), not
                // held by a pending entry, and pruning is on.
                let r = current[cOrder[j]]
                if prune == .owned && r.protocol == ownerProtocol && (r.state.isStatic || r.state.isLeftover)
                    && (held.isEmpty || !held.contains(ck)) {
                    changes.append(Change(action: .delete, interfaceName: name(ck.interfaceIndex), before: r,
                                          after: nil))
                }
                j += 1
                continue
            }
            let d = desired[dOrder[i]]
            let key = dk!
            i += 1
            var want = d.row
            want.protocol = ownerProtocol
            want.flags = DesiredRules.writtenFlags(for: want.state)
            want.isUnreachable = false
            want.reachabilityTime = nil
            var have: IpNetRow2? = nil
            if let ck, ck == key {
                have = current[cOrder[j]]
                j += 1
            }
            guard let have, !(have.state.isLeftover && !have.state.isStatic) else {
                changes.append(Change(action: .create, interfaceName: name(key.interfaceIndex), before: have,
                                      after: want, source: d.source))
                continue
            }
            if differences(have, want).isEmpty {
                unchanged += 1
                continue
            }
            changes.append(Change(action: .set, interfaceName: name(key.interfaceIndex), before: have, after: want,
                                  source: d.source))
        }
        return Plan(changes: changes, unchanged: unchanged, ownerProtocol: ownerProtocol, prune: prune,
                    maxDeletes: maxDeletes, pending: pending)
    }

    /// The positions of `keys` in ascending order; files and dumps are often sorted already, which costs one pass.
    static func order(_ keys: [NeighborKey]) -> [Int] {
        var sorted = true
        for i in keys.indices.dropFirst() where !(keys[i - 1] < keys[i]) {
            sorted = false
            break
        }
        return sorted ? Array(keys.indices) : keys.indices.sorted { keys[$0] < keys[$1] }
    }

    /// The fields in which `have` differs from `want` (physical address, state, router flag, owner protocol, and
    /// the flags neighsync writes that `have` lacks: `extern_learn` on a noarp entry, which keeps it from the
    /// kernel's garbage collection; other flags of `have` are not compared, a write reports what it drops). A
    /// `noarp` entry wanted without a link-layer address leaves the address to the kernel (which supplies the mapped
    /// multicast, the link's own or its broadcast address, or keeps the one it has), so its address is not compared.
    /// The one row comparison: the watch loop's event filter uses it too.
    static func differences(_ have: IpNetRow2, _ want: IpNetRow2) -> [FieldChange] {
        var f: [FieldChange] = []
        let kernelChoosesAddress = want.state == .noarp && want.physicalAddress.count == 0
        if have.physicalAddress != want.physicalAddress && !kernelChoosesAddress {
            f.append(FieldChange(field: "physicalAddress", before: text(have.physicalAddress),
                                 after: text(want.physicalAddress)))
        }
        if have.state != want.state {
            f.append(FieldChange(field: "state", before: have.state.rawValue, after: want.state.rawValue))
        }
        if have.isRouter != want.isRouter {
            f.append(FieldChange(field: "isRouter", before: "\(have.isRouter)", after: "\(want.isRouter)"))
        }
        if have.protocol != want.protocol {
            f.append(FieldChange(field: "protocol", before: have.protocol == 0 ? "none" : "\(have.protocol)",
                                 after: "\(want.protocol)"))
        }
        if !have.flags.isSuperset(of: want.flags) {
            f.append(FieldChange(field: "flags", before: flagText(have.flags),
                                 after: flagText(have.flags.subtracting(NeighborFlags.clearedByReplace)
                                                     .union(want.flags))))
        }
        return f
    }

    static func text(_ p: PhysicalAddress) -> String { p.count == 0 ? "none" : p.description }

    static func flagText(_ f: NeighborFlags) -> String { f.isEmpty ? "none" : f.words.joined(separator: " ") }

    /// The display reason of a set: the changed fields; `takes over from protocol 11 (zebra)` when the entry carries
    /// another owner's protocol; an adoption note when only a missing owner tag differs; `add extern_learn: keeps the
    /// noarp entry from the kernel's garbage collection` when a noarp entry lacks the flag; `drops flags extern_learn`
    /// when the write clears flags the entry carries (`Change.droppedFlags`).
    static func reason(_ fields: [FieldChange], have: IpNetRow2, want: IpNetRow2) -> String {
        var parts = fields.filter { $0.field != "protocol" && $0.field != "flags" }.map { f in
            let label = ["physicalAddress": "lladdr", "isRouter": "router"][f.field] ?? f.field
            return "\(label) \(f.before) → \(f.after)"
        }
        let added = want.flags.subtracting(have.flags)
        if added.contains(.externallyLearned) && want.state == .noarp {
            parts.append("add extern_learn: keeps the noarp entry from the kernel's garbage collection")
        } else if !added.isEmpty {
            parts.append("add flags " + added.words.joined(separator: " "))
        }
        if have.protocol != want.protocol {
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
