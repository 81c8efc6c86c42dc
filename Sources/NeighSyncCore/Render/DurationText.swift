/// Durations as people write them on a command line: one or more `<number><unit>` groups with the units `ms`, `s`,
/// `m`, `h` (`200ms`, `30s`, `5m`, `1h`, `1h30m`, `1.5s`), and the reverse for display. Pure. Equivalent: systemd's
/// `parse_sec()` (`OnUnitActiveSec=5min`) and Go's `time.ParseDuration`.
public enum DurationText {
    /// The duration written in `text`, or nil when it is not one (empty, no unit, unknown unit, negative, overflow).
    public static func parse(_ text: String) -> Duration? {
        var total: Double = 0  // milliseconds
        var rest = Substring(text)
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { $0.isASCII && $0.isLetter }
            rest = rest.dropFirst(unit.count)
            guard let scale = milliseconds(per: unit) else { return nil }
            total += value * Double(scale)
        }
        guard total.isFinite, total < 1e12 else { return nil }
        return .milliseconds(Int64(total.rounded()))
    }

    /// Milliseconds in one `unit` (`ms`, `s`, `m`, `h`), nil for any other: the one unit table of `parse` and
    /// `isWholeMilliseconds`.
    static func milliseconds(per unit: Substring) -> UInt64? {
        switch unit {
        case "ms": 1
        case "s": 1000
        case "m": 60_000
        case "h": 3_600_000
        default: nil
        }
    }

    /// Whether `text` (a duration `parse` accepts) is a whole number of milliseconds, decided on its decimal digits
    /// (`parse` rounds: `0.5ms`, `1.0005s` would become 1 ms and 1001 ms). `1.5s`, `0.25m` are whole; `0.0001ms` is not.
    public static func isWholeMilliseconds(_ text: String) -> Bool {
        var rest = Substring(text)
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { $0.isASCII && $0.isLetter }
            rest = rest.dropFirst(unit.count)
            guard let scale = milliseconds(per: unit) else { return false }
            let parts = number.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count <= 2 else { return false }
            guard parts.count == 2 else { continue }
            var fraction = parts[1]
            while fraction.last == "0" { fraction = fraction.dropLast() }
            guard !fraction.isEmpty else { continue }
            // fraction / 10^k of `scale` ms is whole when 10^k divides fraction × scale; k ≤ 6 suffices (scale ≤ 3.6e6).
            guard fraction.count <= 6, let f = UInt64(fraction) else { return false }
            var power: UInt64 = 1
            for _ in 0..<fraction.count { power *= 10 }
            guard (f * scale) % power == 0 else { return false }
        }
        return true
    }

    /// The shortest exact text for `d` in whole milliseconds: `200ms`, `30s`, `5m`, `1h`, `1h30m`, `1500ms`.
    public static func format(_ d: Duration) -> String {
        let c = d.components
        var ms = c.seconds * 1000 + c.attoseconds / 1_000_000_000_000_000
        if ms == 0 { return "0s" }
        if ms % 1000 != 0 { return "\(ms)ms" }
        var out = ""
        for (unit, size) in [("h", Int64(3_600_000)), ("m", 60_000), ("s", 1000)] where ms >= size {
            out += "\(ms / size)\(unit)"
            ms %= size
        }
        return out
    }

    /// Milliseconds of `d`, rounded down (for reports and comparisons).
    public static func milliseconds(_ d: Duration) -> Int64 {
        let c = d.components
        return c.seconds * 1000 + c.attoseconds / 1_000_000_000_000_000
    }
}
