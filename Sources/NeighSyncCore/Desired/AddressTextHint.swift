import IpNetCore

/// What to tell someone whose address text does not parse (`IpAddress(_:)` returned nil): the octal-looking
/// leading zero and the zone-id mistakes, each with the text to write instead. Pure text work, shared by every
/// reader of addresses in files. (`get_addr()` says only "invalid address").
package enum AddressTextHint {
    /// What is wrong with the zone id of `text` (`ADDRESS%ZONE`) when the address itself is fine: a zone on IPv4,
    /// an empty zone, an interface name (the file names interfaces with `interface:`), or a number that is no
    /// ifindex. Nil when `text` has no `%` or the part before it is no address. (`ip
    /// neigh` takes no zone; `getaddrinfo` resolves `%eth0` against the running host).
    package static func zoneProblem(_ text: String) -> String? {
        guard let percent = text.firstIndex(of: "%") else { return nil }
        let bare = String(text[..<percent])
        let zone = String(text[text.index(after: percent)...])
        guard let a = IpAddress(bare) else { return nil }
        if a.family == .ipv4 {
            return "an IPv4 address has no zone id; write \(bare) and select the link with 'interface'"
        }
        if zone.isEmpty {
            return "empty zone id after '%'; write \(bare) or \(bare)%INDEX"
        }
        if zone.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            return "the zone id \(zone) is not an interface index (1…4294967295); write \(bare) and select the "
                + "link with 'interface' or 'interfaceIndex'"
        }
        return "the zone id '\(zone)' is an interface name, which the file does not resolve inside addresses; write "
            + "\(bare) with 'interface: \(zone)'"
    }

    /// `010.0.0.1` → `10.0.0.1` when the text is a dotted quad whose only fault is leading zeros.
    package static func withoutLeadingZeros(_ t: String) -> String? {
        let parts = t.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              parts.contains(where: { $0.count > 1 && $0.hasPrefix("0") }) else { return nil }
        var out: [String] = []
        for p in parts {
            let s = p.drop { $0 == "0" }
            guard let n = Int(s.isEmpty ? "0" : s), n <= 255 else { return nil }
            out.append(String(n))
        }
        return out.joined(separator: ".")
    }
}
