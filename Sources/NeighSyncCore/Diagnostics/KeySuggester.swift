/// Finds the known key closest to a misspelt one, for "unknown key 'physcialAddress'; did you mean
/// 'physicalAddress'?". Distance is Levenshtein over characters, compared case-insensitively; a candidate is offered
/// only when the distance is at most a third of the longer name (at least 2), so unrelated keys get no suggestion.
/// iproute2 equivalent: the "Command line is not complete. Try option \"help\"" hint of `ip`, minus the guessing.
package enum KeySuggester {
    /// The closest of `candidates` to `key`, or nil when none is close enough.
    package static func suggestion(for key: String, among candidates: [String]) -> String? {
        // A key far longer than every candidate is too far from all of them (and a 10 kB key must not cost a
        // 10 kB × n distance table).
        guard key.utf8.count <= 2 * (candidates.map(\.utf8.count).max() ?? 0) + 2 else { return nil }
        let k = Array(key.lowercased())
        var best: (name: String, distance: Int)?
        for c in candidates {
            let d = distance(k, Array(c.lowercased()))
            let limit = max(2, max(k.count, c.count) / 3)
            guard d <= limit else { continue }
            if best == nil || d < best!.distance { best = (c, d) }
        }
        return best?.name
    }

    /// The Levenshtein distance (insert, delete, substitute, each 1).
    package static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
