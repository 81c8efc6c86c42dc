import IpNet

/// Writes static rows as a desired-state file (version 1), so `neighsync show --output yaml > neighbors.yaml`
/// bootstraps a repository from a running host. Addresses and MACs are quoted (YAML 1.1 would read `02:00:00:00:00:10`
/// as a base-60 number). Only static entries belong in a desired state; dynamic ones are skipped by the caller.
/// iproute2 equivalent: turning `ip neigh show nud permanent` into `neigh replace` lines for `ip -batch`.
public enum DesiredStateWriter {
    /// The file text. `header` lines are written as comments at the top.
    public static func yaml(rows: [IpNetRow2], links: [Link], header: [String] = []) -> String {
        var names: [UInt32: String] = [:]
        for l in links { names[l.index] = l.name }
        var out = header.map { "# \($0)\n" }.joined()
        out += "version: 1\n"
        if rows.isEmpty { return out + "neighbors: []\n" }
        out += "neighbors:\n"
        for r in rows.sorted(by: { $0.key < $1.key }) {
            out += "  - address: \"\(r.address.withoutScope)\"\n"
            if let n = names[r.effectiveInterfaceIndex] {
                out += "    interface: \(quoteIfNeeded(n))\n"
            } else {
                out += "    interfaceIndex: \(r.effectiveInterfaceIndex)\n"
            }
            if r.physicalAddress.count > 0 { out += "    physicalAddress: \"\(r.physicalAddress)\"\n" }
            if r.state != .permanent { out += "    state: \(r.state.rawValue)\n" }
            if r.isRouter { out += "    isRouter: true\n" }
        }
        return out
    }

    /// Interface names are plain unless they hold characters YAML would read otherwise.
    static func quoteIfNeeded(_ s: String) -> String {
        let plain = s.utf8.allSatisfy { c in
            (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c == 45 || c == 95 || c == 46
        }
        let reserved = ["true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"]
        if plain, !s.isEmpty, !reserved.contains(s.lowercased()), Int(s) == nil, Double(s) == nil { return s }
        return "\"" + s.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"")
            + "\""
    }
}
