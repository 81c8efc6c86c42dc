import IpNetCore

/// Reads the `parameters:` section of a desired-state file into `DesiredParameter`s, every problem a positioned
/// diagnostic:
/// ```yaml
/// parameters:
///   interfaces:
///     veth0:
///       ipv4: { baseReachableTime: 30s, retransTime: 1s, ucastSolicit: 3, proxyARP: false }
///       ipv6: { baseReachableTime: 30s, proxyNDP: true }
///   tables:                   # table-wide; initial network namespace only
///     ipv4: { gcThresh1: 1024, gcThresh2: 4096, gcThresh3: 8192, gcInterval: 30s }
/// ```
/// Durations use the `--resync` syntax (`DurationText`: `30s`, `500ms`, `1m`), counts are plain integers, the proxy
/// switches `true`/`false`; each within the kernel's range (`NeighborParameter.range`), the table's thresholds in
/// order (gcThresh1 ≤ gcThresh2 ≤ gcThresh3). Pure. iproute2 equivalent: the argument checks of `ip ntable change`.
package struct ParameterSectionReader {
    /// The parameters read, in file order.
    package private(set) var parameters: [DesiredParameter] = []
    /// The problems found, in file order.
    package private(set) var diagnostics: [Diagnostic] = []

    /// The most nodes the section's tree may hold (the parser stops the file beyond): about 3,800 interfaces with
    /// every key of both families.
    package static let maxNodes = 100_000

    /// How many diagnostics are kept (the caller's error budget); the rest are counted, not built.
    private var maxDiagnostics = Int.max

    /// Reads the value of the `parameters` key, keeping at most `maxDiagnostics` problems.
    package static func read(_ node: YAMLNode, maxDiagnostics: Int = .max) -> ParameterSectionReader {
        var r = ParameterSectionReader()
        r.maxDiagnostics = max(1, maxDiagnostics)
        r.section(node)
        return r
    }

    private mutating func error(_ message: String, at mark: SourceMark?, notes: [Diagnostic.Note] = []) {
        guard diagnostics.count < maxDiagnostics else { return }
        diagnostics.append(Diagnostic(mark: mark, message: message, notes: notes))
    }

    /// The entries of a mapping with unknown and duplicate keys reported; nil (reported) when it is not a mapping.
    private mutating func mapping(_ node: YAMLNode, name: String, known: [String]?,
                                  example: String) -> [YAMLNode.Entry]? {
        if case .invalid = node { return nil }
        guard case .mapping(let entries, _) = node else {
            if case .scalar(let s, true, _) = node, s.isEmpty || s == "~" || s == "null" { return [] }
            error("expected a mapping for '\(name)' (\(example)), found \(node.shape)", at: node.mark)
            return nil
        }
        var seen: [String: SourceMark] = [:]
        var out: [YAMLNode.Entry] = []
        for e in entries {
            if let first = seen[e.key] {
                error("duplicate key '\(ScalarBytes.shown(e.key))' in '\(name)'; remove one of them",
                      at: e.mark, notes: [Diagnostic.Note(mark: first, message: "first '\(e.key)' is here")])
                continue
            }
            seen[e.key] = e.mark
            if let known, !known.contains(e.key) {
                let shown = ScalarBytes.shown(e.key)
                var msg = "unknown key '\(shown)' in '\(name)'"
                if let s = KeySuggester.suggestion(for: e.key, among: known) {
                    msg += "; did you mean '\(s)'?"
                } else {
                    msg += "; expected one of " + known.map { "'\($0)'" }.joined(separator: ", ")
                }
                error(msg, at: e.mark)
                continue
            }
            out.append(e)
        }
        return out
    }

    private mutating func section(_ node: YAMLNode) {
        guard let top = mapping(node, name: "parameters", known: ["interfaces", "tables"],
                                example: "parameters: { interfaces: { veth0: { ipv4: { retransTime: 1s } } } }")
        else { return }
        for e in top {
            if e.key == "interfaces" {
                guard let ifs = mapping(e.value, name: "parameters.interfaces", known: nil,
                                        example: "interfaces: { veth0: { ipv4: { … } } }") else { continue }
                for i in ifs {
                    if let problem = Self.interfaceNameProblem(i.key) {
                        error("'\(ScalarBytes.shown(i.key))' is not an interface name: \(problem)",
                              at: i.mark)
                        continue
                    }
                    families(i.value, place: .interface(i.key), name: "parameters.interfaces.\(i.key)")
                }
            } else {
                families(e.value, place: .table, name: "parameters.tables")
            }
        }
    }

    /// The kernel's rule for a name (`dev_valid_name`): 1–15 bytes, not `.` or `..`, no `/`, `:` or whitespace.
    static func interfaceNameProblem(_ name: String) -> String? {
        if name.isEmpty { return "it is empty" }
        if name.utf8.count > 15 { return "longer than 15 bytes (IFNAMSIZ)" }
        if name == "." || name == ".." { return "'.' and '..' are not names" }
        if name.unicodeScalars.contains(where: { $0 == "/" || $0 == ":" || $0 == " " || $0 == "\t" || $0 == "\n" }) {
            return "it holds '/', ':' or whitespace"
        }
        return nil
    }

    private mutating func families(_ node: YAMLNode, place: DesiredParameter.Place, name: String) {
        guard let fams = mapping(node, name: name, known: ["ipv4", "ipv6"],
                                 example: "ipv4: { … }, ipv6: { … }") else { return }
        for f in fams {
            let family: AddressFamily = f.key == "ipv4" ? .ipv4 : .ipv6
            keys(f.value, place: place, family: family, name: "\(name).\(f.key)")
        }
    }

    private mutating func keys(_ node: YAMLNode, place: DesiredParameter.Place, family: AddressFamily, name: String) {
        let allowed = place == .table ? NeighborParameter.tableKeys : NeighborParameter.interfaceKeys
        let all = NeighborParameter.allCases.map(\.rawValue)
        guard let entries = mapping(node, name: name, known: all,
                                    example: place == .table ? "gcThresh3: 8192" : "retransTime: 1s") else { return }
        for e in entries {
            let key = NeighborParameter(rawValue: e.key)!
            guard allowed.contains(key) else {
                if place == .table {
                    error("'\(key.rawValue)' is set per interface, not on the table; move it under "
                          + "'parameters.interfaces.IF.\(family.rawValue)'", at: e.mark)
                } else {
                    error("'\(key.rawValue)' is table-wide (\(key.sysctlName)), not per interface; move it under "
                          + "'parameters.tables.\(family.rawValue)'", at: e.mark)
                }
                continue
            }
            if let only = key.onlyFamily, only != family {
                let other: NeighborParameter = key == .proxyARP ? .proxyNDP : .proxyARP
                error("'\(key.rawValue)' is an \(only == .ipv4 ? "IPv4" : "IPv6") switch "
                      + "(net.\(only.rawValue).conf.IF.\(key.sysctlName)); under '\(family.rawValue)' write "
                      + "'\(other.rawValue)'", at: e.mark)
                continue
            }
            guard let v = value(e.value, key: key, name: "\(name).\(key.rawValue)") else { continue }
            parameters.append(DesiredParameter(place: place, family: family, key: key, value: v,
                                               source: e.value.mark))
        }
        // gcThresh1 ≤ gcThresh2 ≤ gcThresh3, among the ones written in this family's mapping.
        if place == .table {
            let mine = parameters.filter { $0.place == .table && $0.family == family }
            for d in DesiredParameter.thresholdOrderProblems(mine) {
                error(d.message, at: d.mark, notes: d.notes)
            }
        }
    }

    /// The value of one key in its unit, or nil after reporting why not.
    private mutating func value(_ node: YAMLNode, key: NeighborParameter, name: String) -> UInt64? {
        if case .invalid = node { return nil }
        guard case .scalar(let text, let plain, let mark) = node else {
            error("expected a value for '\(name)', found \(node.shape)", at: node.mark)
            return nil
        }
        let shown = ScalarBytes.quoted(text)
        let range = key.range
        let v: UInt64
        switch key.unit {
        case .duration:
            guard let d = DurationText.parse(text) else {
                error("'\(name)' must be a duration such as 30s, 500ms or 1m (the --resync syntax), found \(shown)",
                      at: mark)
                return nil
            }
            let ms = DurationText.milliseconds(d)
            // `parse` rounds to the millisecond, so the digits decide: the kernel takes whole milliseconds only.
            guard DurationText.isWholeMilliseconds(text) else {
                error("'\(name)' must be whole milliseconds (no fraction of a millisecond: the kernel takes whole "
                      + "milliseconds), found \(shown)", at: mark)
                return nil
            }
            v = UInt64(ms)
            guard range.contains(v) else {
                error("'\(name)' must be \(DesiredParameter.text(range.lowerBound, of: key))…"
                      + "\(DesiredParameter.text(range.upperBound, of: key)) (the kernel keeps it in an int of "
                      + "milliseconds), found \(shown)", at: mark)
                return nil
            }
        case .count:
            guard plain, !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                error("'\(name)' must be a whole number (0…\(range.upperBound)), found \(node.shape)", at: mark)
                return nil
            }
            guard let n = UInt64(text), range.contains(n) else {
                error("'\(name)' must be \(range.lowerBound)…\(range.upperBound) (the kernel keeps it in an int), "
                      + "found \(shown)", at: mark)
                return nil
            }
            v = n
        case .boolean:
            guard plain, text == "true" || text == "false" else {
                error("'\(name)' must be true or false, found \(node.shape)", at: mark)
                return nil
            }
            v = text == "true" ? 1 : 0
        }
        return v
    }
}
