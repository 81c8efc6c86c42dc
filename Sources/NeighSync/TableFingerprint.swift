import IpNet

/// A 64-bit digest of the part of a neighbor table a plan depends on: every static entry and every entry at a
/// desired key (leftover states folded together, since they flap). A saved plan carries it; `apply PLANFILE`
/// refuses when the live table's digest differs. FNV-1a over a canonical, sorted text form. Terraform equivalent:
/// the prior state a saved plan is checked against; iproute2 has none.
public enum TableFingerprint {
    /// The digest as 16 hex digits.
    public static func of(current: [IpNetRow2], desiredKeys: Set<NeighborKey>) -> String {
        var lines: [String] = []
        for r in current where r.state.isStatic || desiredKeys.contains(r.key) {
            let state = r.state.isLeftover && !r.state.isStatic ? "leftover" : r.state.rawValue
            lines.append("\(r.key)|\(r.physicalAddress)|\(state)|\(r.isRouter)|\(r.protocol)")
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
