import IpNetCore

/// A 64-bit digest of the part of a neighbor table a plan depends on: every static entry carrying the owner
/// protocol, every managed one and every proxy entry carrying it (what pruning may delete), and every entry at a
/// desired key, each reduced to its `CanonicalRow` (leftover states folded together, since they flap; a managed
/// entry's resolved MAC and state folded away; no reachability time). Other entries (dynamic ones, foreign static ones
/// such as the NOARP multicast entries the kernel adds and expires by itself) cannot change the plan, so they do not
/// make it stale. A saved plan carries it; `apply PLANFILE` refuses when the live table's digest differs.
/// FNV-1a over the sorted `CanonicalRow.line`s. Terraform equivalent:
/// the prior state a saved plan is checked against.
public enum TableFingerprint {
    /// The digest as 16 hex digits.
    public static func of(current: [IpNetRow2], desiredKeys: Set<NeighborKey>, ownerProtocol: UInt8) -> String {
        var lines: [String] = []
        for r in current
        where ((ManagedEntry.isConfigured(r) || r.isProxy) && r.protocol == ownerProtocol) || desiredKeys.contains(r.key) {
            lines.append(CanonicalRow(r).line)
        }
        lines.sort()
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for l in lines {
            for b in l.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
            h = (h ^ 10) &* 0x0000_0100_0000_01b3
        }
        let s = String(h, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
