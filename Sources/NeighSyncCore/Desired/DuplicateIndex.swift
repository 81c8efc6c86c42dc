import IpNetCore

/// Finds entries that name the same neighbor twice before any link list is known: two entries collide when they
/// share the address (scope id ignored) and an interface selector — the same name, or the same index (an
/// `interfaceLuid` counts as its NetLuidIndex). An entry naming its interface by name and another by index are only
/// compared after resolution (`DesiredState.resolve(links:)`). Keys are packed integers (names numbered on first
/// sight) so 100,000 entries hash quickly. Kernel equivalent: the (ifindex, address) key of `neigh_lookup()`, which
/// makes the second `ip neigh add` fail with EEXIST.
package struct DuplicateIndex {
    private struct Key: Equatable {
        /// Bit 63: IPv6; bit 62: selector is a name number (else an ifindex); bit 61: a proxy entry (the proxy
        /// table is keyed apart); low 32 bits: the number.
        var selector: UInt64
        var high: UInt64
        var low: UInt64

        /// A cheap mix (multiply–xorshift); the table is local, so no keyed hash is needed.
        var hash: UInt64 {
            var h = selector &* 0x9E37_79B9_7F4A_7C15
            h = (h ^ (h >> 29) ^ high) &* 0xBF58_476D_1CE4_E5B9
            h = (h ^ (h >> 32) ^ low) &* 0x94D0_49BB_1331_11EB
            return h ^ (h >> 31)
        }
    }

    private var names: [String] = []
    private var nameNumbers: [String: UInt64] = [:]
    /// Open addressing, linear probing; `ids[i] < 0` marks an empty slot.
    private var keys: [Key] = []
    private var ids: [Int32] = []
    private var used = 0

    package init() {}

    /// A small number for an interface name; a file names few interfaces, so a short list is searched first.
    private mutating func number(of name: String) -> UInt64 {
        for (i, n) in names.enumerated() where n == name { return UInt64(i) }
        if let k = nameNumbers[name] { return k }
        let k = UInt64(nameNumbers.count)
        nameNumbers[name] = k
        if names.count < 8 { names.append(name) }
        return k
    }

    /// Makes room for `n` more entries (most have one key; entries with two grow the table as needed).
    package mutating func reserve(_ n: Int) { grow(to: used + n) }

    private mutating func grow(to count: Int) {
        var capacity = max(16, keys.count)
        while capacity < count * 2 { capacity *= 2 }
        guard capacity > keys.count else { return }
        let oldKeys = keys, oldIds = ids
        keys = [Key](repeating: Key(selector: 0, high: 0, low: 0), count: capacity)
        ids = [Int32](repeating: -1, count: capacity)
        used = 0
        for i in oldIds.indices where oldIds[i] >= 0 { _ = lookupOrInsert(oldKeys[i], id: Int(oldIds[i])) }
    }

    /// The id stored for `k`, or nil after storing `id` for it.
    private mutating func lookupOrInsert(_ k: Key, id: Int) -> Int? {
        if (used + 1) * 2 > keys.count { grow(to: used + 1) }
        let mask = keys.count - 1
        var i = Int(truncatingIfNeeded: k.hash) & mask
        while ids[i] >= 0 {
            if keys[i] == k { return Int(ids[i]) }
            i = (i + 1) & mask
        }
        keys[i] = k
        ids[i] = Int32(id)
        used += 1
        return nil
    }

    private func lookup(_ k: Key) -> Int? {
        guard !keys.isEmpty else { return nil }
        let mask = keys.count - 1
        var i = Int(truncatingIfNeeded: k.hash) & mask
        while ids[i] >= 0 {
            if keys[i] == k { return Int(ids[i]) }
            i = (i + 1) & mask
        }
        return nil
    }

    /// Records entry number `id` (any caller-chosen number in 0…Int32.max, e.g. its index in a list); returns the number of
    /// the earlier entry it duplicates, if any (then it is not recorded).
    package mutating func insert(_ n: DesiredNeighbor, id: Int) -> Int? {
        return insert(address: n.address, name: n.interface.name,
                      index: n.interface.luid?.netLuidIndex ?? n.interface.index, isProxy: n.isProxy, id: id)
    }

    /// Records a neighbor by address and selectors; returns the earlier id it duplicates, if any. A proxy entry
    /// (`isProxy`) only collides with another proxy entry.
    package mutating func insert(address: IpAddress, name: String?, index: UInt32?, isProxy: Bool = false,
                                 id: Int) -> Int? {
        var family: UInt64 = isProxy ? 1 << 61 : 0, high: UInt64 = 0, low: UInt64 = 0
        switch address {
        case .v4(let v): low = UInt64(v)
        case .v6(let h, let l, _): family |= 1 << 63; high = h; low = l
        }
        let byName = name.map { Key(selector: family | 1 << 62 | number(of: $0), high: high, low: low) }
        let byIndex = index.map { Key(selector: family | UInt64($0), high: high, low: low) }
        if let a = byName, let b = byIndex {
            if let first = lookup(a) ?? lookup(b) { return first }
            _ = lookupOrInsert(a, id: id)
            _ = lookupOrInsert(b, id: id)
            return nil
        }
        guard let k = byName ?? byIndex else { return nil }
        return lookupOrInsert(k, id: id)
    }
}
