import IpNetCore

/// The pure planning of neighbor-table parameters: desired parameters × the kernel's parameter sets × links →
/// changes, the count already equal, and the parameters whose interface does not exist (pending, never written).
/// Only the listed keys are compared, so a key left out of the file is never reset. Equality is
/// `NeighborParameter.matches` (the kernel rounds durations up to its tick). No IO. iproute2 equivalent: comparing
/// `ip ntable show dev IF` with the file by eye.
public enum ParameterPlanner {
    /// What `plan` finds.
    public struct Result: Hashable, Sendable {
        /// The changes, by place (interfaces by index, then the tables), family and key.
        public var changes: [ParameterChange] = []
        /// Desired parameters the kernel already holds.
        public var unchanged = 0
        /// Desired parameters whose interface does not exist, in file order.
        public var pending: [DesiredParameter] = []
    }

    /// Plans `desired` against `current` (from `NeighborTableProtocol.parameters()` or a snapshot) and `links`.
    public static func plan(desired: [DesiredParameter], current: [NeighborParameterSet], links: [Link]) -> Result {
        var result = Result()
        var sets: [String: [NeighborParameter: UInt64]] = [:]
        for s in current { sets["\(s.family.rawValue)/\(s.interfaceIndex)"] = s.values }
        let places = Set(sets.keys)
        var byName: [String: UInt32] = [:]
        // A name that is not UTF-8 is never selected by its decoded form (`Link.isNameExact`).
        for l in links where l.isNameExact { byName[l.name] = l.index }
        for p in desired {
            let index: UInt32
            switch p.place {
            case .table:
                index = 0
            case .interface(let name):
                guard let i = byName[name] else {
                    var waiting = p
                    waiting.pendingCause = .interfaceAbsent
                    result.pending.append(waiting)
                    continue
                }
                // The link exists but the kernel keeps no parameters of the family on it (IPv6 disabled: no
                // inet6_dev, so neither NDTA_PARMS nor conf/IF/proxy_ndp): writing would fail with ENOENT.
                // Only decided when the kernel's sets are known at all (an empty `current` is no evidence).
                guard current.isEmpty || places.contains("\(p.family.rawValue)/\(i)") else {
                    var waiting = p
                    waiting.pendingCause = .familyUnavailable
                    result.pending.append(waiting)
                    continue
                }
                index = i
            }
            let actual = sets["\(p.family.rawValue)/\(index)"]?[p.key]
            if let actual, p.key.matches(desired: p.value, actual: actual) {
                result.unchanged += 1
            } else {
                result.changes.append(ParameterChange(desired: p, interfaceIndex: index, before: actual))
            }
        }
        result.changes.sort {
            ($0.interfaceIndex == 0 ? UInt64.max : UInt64($0.interfaceIndex), $0.desired.family.linuxValue,
             $0.desired.key) < ($1.interfaceIndex == 0 ? UInt64.max : UInt64($1.interfaceIndex),
                                $1.desired.family.linuxValue, $1.desired.key)
        }
        return result
    }
}
