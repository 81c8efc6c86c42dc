import IpNetCore

/// Writes static rows as a desired-state file (version 1), so `neighsync show --output yaml > neighbors.yaml`
/// bootstraps a repository from a running host. Every string goes through one scalar writer (`scalar`), which
/// quotes whatever YAML 1.1 or 1.2 would read as anything but that string. Only static and managed entries belong
/// in a desired state (a managed one as `state: managed`, without the MAC the kernel resolved); the caller chooses
/// the rows. iproute2 equivalent: turning `ip neigh show nud permanent` into
/// `neigh replace` lines for `ip -batch`.
public enum DesiredStateWriter {
    /// The file text. `header` lines are written as comments at the top (escaped, one comment line each);
    /// `owner: { protocol: N }` is written when `ownerProtocol` is not the default.
    public static func yaml(rows: [IpNetRow2], links: [Link], ownerProtocol: UInt8 = DesiredState.defaultOwnerProtocol,
                            header: [String] = []) -> String {
        var names: [UInt32: String] = [:]
        for l in links where l.isNameExact { names[l.index] = l.name }
        var byIndex: [UInt32: Link] = [:]
        for l in links { byIndex[l.index] = l }
        var out = header.map { "# \(DisplayText.escaped($0))\n" }.joined()
        out += "version: 1\n"
        if ownerProtocol != DesiredState.defaultOwnerProtocol { out += "owner: { protocol: \(ownerProtocol) }\n" }
        // Rows the file format cannot express are left out, each with a comment line saying why (`skipped`).
        var skipped: [String] = []
        let sorted = rows.sorted(by: { $0.key < $1.key }).filter { r in
            guard let why = unexpressible(r, on: byIndex[r.effectiveInterfaceIndex]) else { return true }
            skipped.append("# skipped: \(DisplayText.escaped(describe(r, names: names))) "
                           + "(\(DisplayText.escaped(why)))\n")
            return false
        }
        // Proxy entries sort last (`NeighborKey`): the ordinary ones go under `neighbors:` (always written: the key
        // is required), the proxies under `proxies:`, only when there are any.
        let firstProxy = sorted.firstIndex(where: \.isProxy) ?? sorted.count
        if firstProxy == 0 {
            out += "neighbors: []\n"
        } else {
            out += "neighbors:\n"
        }
        for r in sorted[..<firstProxy] {
            out += item(r, names: names)
            if r.flags.contains(.managed) {
                // A managed entry: its MAC, state and router flag are the kernel's resolution, not configuration.
                out += "    state: managed\n"
                continue
            }
            if r.physicalAddress.count > 0 { out += "    physicalAddress: \(scalar(r.physicalAddress.description))\n" }
            if r.state != .permanent { out += "    state: \(scalar(r.state.rawValue))\n" }
            if writesRouterFlag(r) { out += "    isRouter: true\n" }
        }
        if firstProxy < sorted.count {
            out += "proxies:\n"
            for r in sorted[firstProxy...] {
                out += item(r, names: names)
                if writesRouterFlag(r) { out += "    isRouter: true\n" }
            }
        }
        return out + skipped.joined()
    }

    /// True when the row's router flag goes into the file: NTF_ROUTER is the NDP router flag, so only on IPv6. The
    /// kernel keeps it on an IPv4 entry too (`ip neigh add 198.51.100.88 dev D lladdr … router`), where it means
    /// nothing and a file refuses it; the row comparison ignores it there too (`CanonicalRow`).
    private static func writesRouterFlag(_ r: IpNetRow2) -> Bool {
        r.isRouter && r.address.family == .ipv6
    }

    /// Why the file format cannot express `r` on `link`, or nil: a proxy entry on a loopback or NOARP link, which
    /// the loader refuses (`NeighborRowValidator.proxyRefusal`, the one home of that rule; iproute2 accepts
    /// `ip neigh add proxy A dev lo`). Such a row is left out of the file with a `# skipped:` line and a note.
    private static func unexpressible(_ r: IpNetRow2, on link: Link?) -> String? {
        guard r.isProxy, let link, let reason = NeighborRowValidator.proxyRefusal(address: r.address, on: link) else {
            return nil
        }
        return reason.description
    }

    /// `proxy 192.0.2.91 dev lo` (or `… dev if7` for a link without a UTF-8 name).
    private static func describe(_ r: IpNetRow2, names: [UInt32: String]) -> String {
        let dev = names[r.effectiveInterfaceIndex] ?? "if\(r.effectiveInterfaceIndex)"
        return "\(r.isProxy ? "proxy " : "")\(r.address.withoutScope) dev \(dev)"
    }

    /// `  - address: A` and the interface line of one list item.
    private static func item(_ r: IpNetRow2, names: [UInt32: String]) -> String {
        var out = "  - address: \(scalar(r.address.withoutScope.description))\n"
        if let n = names[r.effectiveInterfaceIndex] {
            out += "    interface: \(scalar(n))\n"
        } else {
            out += "    interfaceIndex: \(r.effectiveInterfaceIndex)\n"
        }
        return out
    }

    /// What `yaml` says on stderr beside the file: one line per link of `rows` whose name is not valid UTF-8 (its
    /// entries are written with `interfaceIndex: N`), then one per row left out (`# skipped:` in the file).
    public static func notes(rows: [IpNetRow2], links: [Link]) -> [String] {
        let used = Set(rows.map(\.effectiveInterfaceIndex))
        var out = links.filter { !$0.isNameExact && used.contains($0.index) }.sorted { $0.index < $1.index }.map {
            "interface \(DisplayText.escaped($0.name)) (index \($0.index)) has a name that is not valid UTF-8, which a "
                + "YAML file cannot hold: its entries are written with 'interfaceIndex: \($0.index)'; an index changes "
                + "when the link is re-created, so rename the link (ip link set … name NEW) to select it by name"
        }
        var names: [UInt32: String] = [:], byIndex: [UInt32: Link] = [:]
        for l in links {
            byIndex[l.index] = l
            if l.isNameExact { names[l.index] = l.name }
        }
        for r in rows.sorted(by: { $0.key < $1.key }) {
            if let why = unexpressible(r, on: byIndex[r.effectiveInterfaceIndex]) {
                out.append("left out \(DisplayText.escaped(describe(r, names: names))), which a desired-state file "
                           + "cannot hold: \(DisplayText.escaped(why))")
            }
        }
        return out
    }

    /// A YAML scalar that every YAML 1.1 and 1.2 reader reads back as exactly `s`: plain when `s` is a letter
    /// followed by letters, digits, `_`, `-` and `.` and is not one of YAML 1.1's booleans or nulls (`yes`, `off`,
    /// `y`, `null`, …): such text can be no number (`1_000`, `0o7`, `1e3`, `0x10`, `.inf`, `.nan`), no date, no
    /// indicator (`-`, `~`, `#`, `:`, `&`, `*`, `!`, …). Anything else is double-quoted, with `\"`, `\\` and control
    /// and other non-printable characters as `\xHH` / `\uHHHH` escapes, which the loader decodes back. libyaml
    /// equivalent: `yaml_emitter_analyze_scalar()` choosing a style.
    public static func scalar(_ s: String) -> String {
        if isPlainSafe(s) { return s }
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default:
                let v = u.value
                if v < 0x20 || (v >= 0x7f && v <= 0x9f) || v == 0xfeff || (v >= 0x2028 && v <= 0x2029)
                    || (v >= 0x202a && v <= 0x202e) || (v >= 0x2066 && v <= 0x2069) || v == 0x200e || v == 0x200f {
                    let h = String(v, radix: 16)
                    out += v < 0x100 ? "\\x" + String(repeating: "0", count: 2 - h.count) + h
                                     : "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    /// YAML 1.1's booleans and nulls (`yaml.org/type/bool.html`, `null.html`), compared case-insensitively (which
    /// covers more than the spec: quoting too often is harmless).
    static let reservedWords: Set<String> = ["y", "yes", "n", "no", "true", "false", "on", "off", "null"]

    static func isPlainSafe(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard let first = b.first, (first >= 65 && first <= 90) || (first >= 97 && first <= 122) else { return false }
        let ok = b.allSatisfy { c in
            (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c == 45 || c == 95 || c == 46
        }
        return ok && !reservedWords.contains(s.lowercased())
    }
}
