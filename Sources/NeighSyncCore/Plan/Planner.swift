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
                if prune == .owned && r.protocol == ownerProtocol && ManagedEntry.isWrittenKind(r)
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
            want.flags = DesiredRules.writtenFlags(for: d.row)
            want.isUnreachable = false
            want.reachabilityTime = nil
            var have: IpNetRow2? = nil
            if let ck, ck == key {
                have = current[cOrder[j]]
                j += 1
            }
            guard let have, !ManagedEntry.isLeftover(have) else {
                changes.append(Change(action: .create, interfaceName: name(key.interfaceIndex), before: have,
                                      after: want, source: d.source))
                continue
            }
            if CanonicalRow.differences(have, want).isEmpty {
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
}
