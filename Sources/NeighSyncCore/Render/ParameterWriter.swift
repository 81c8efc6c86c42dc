import IpNetCore

/// Writes the kernel's neighbor-table parameters as the `parameters:` section of a desired-state file (`show --output
/// yaml --parameters`), every key of every interface whose name a file can hold, and the tables' keys only where
/// they can be set (the initial namespace). Read back by `ParameterSectionReader` to the same values, so the file
/// plans "No changes". A kernel value beyond what a file may hold (`NeighborParameter.range`: `ip ntable change …
/// retrans 4000000000`) is left out of its flow mapping, so it stays unmanaged, with a comment line above naming it.
/// iproute2 equivalent: `ip ntable show`, written as `ip ntable change` arguments.
public enum ParameterWriter {
    /// The section, ending with a newline; empty when there is nothing to write.
    public static func yaml(_ sets: [NeighborParameterSet], links: [Link], initialNamespace: Bool) -> String {
        var names: [UInt32: String] = [:]
        for l in links where l.isNameExact { names[l.index] = l.name }
        func flow(_ s: NeighborParameterSet, _ keys: [NeighborParameter], indent: String) -> String {
            var notes = ""
            let parts = keys.compactMap { k -> String? in
                guard let v = s.values[k], k.onlyFamily == nil || k.onlyFamily == s.family else { return nil }
                guard k.range.contains(v) else {
                    notes += "\(indent)# \(s.family.rawValue) \(k.rawValue) is \(v) in the kernel, beyond what a file "
                        + "may set (\(k.range.lowerBound)…\(k.range.upperBound)); left out, so left as it is\n"
                    return nil
                }
                return "\(k.rawValue): \(DesiredParameter.text(v, of: k))"
            }
            return notes + indent + "\(s.family.rawValue): { " + parts.joined(separator: ", ") + " }\n"
        }
        var interfaces = ""
        let perInterface = sets.filter {
            $0.interfaceIndex != 0 && names[$0.interfaceIndex] != nil && !$0.values.isEmpty
        }
        for index in Set(perInterface.map(\.interfaceIndex)).sorted() {
            interfaces += "    \(DesiredStateWriter.scalar(names[index]!)):\n"
            let mine = perInterface.filter { $0.interfaceIndex == index }
            for s in mine.sorted(by: { $0.family.linuxValue < $1.family.linuxValue }) {
                interfaces += flow(s, NeighborParameter.interfaceKeys, indent: "      ")
            }
        }
        var tables = ""
        if initialNamespace {
            for s in sets.filter({ $0.interfaceIndex == 0 && !$0.values.isEmpty })
                .sorted(by: { $0.family.linuxValue < $1.family.linuxValue }) {
                tables += flow(s, NeighborParameter.tableKeys, indent: "    ")
            }
        }
        guard !interfaces.isEmpty || !tables.isEmpty else { return "" }
        return "parameters:\n" + (interfaces.isEmpty ? "" : "  interfaces:\n" + interfaces)
            + (tables.isEmpty ? "" : "  tables:\n" + tables)
    }

    /// One note per interface whose parameters `yaml` leaves out because its name is not valid UTF-8 (a file selects
    /// an interface's parameters by name only), for stderr, as `DesiredStateWriter.notes` for entries.
    public static func notes(_ sets: [NeighborParameterSet], links: [Link]) -> [String] {
        let used = Set(sets.filter { $0.interfaceIndex != 0 && !$0.values.isEmpty }.map(\.interfaceIndex))
        return links.filter { !$0.isNameExact && used.contains($0.index) }.sorted { $0.index < $1.index }.map {
            "interface \(DisplayText.escaped($0.name)) (index \($0.index)) has a name that is not valid UTF-8, which a "
                + "YAML file cannot hold: its parameters are left out of 'parameters.interfaces'; rename the link "
                + "(ip link set … name NEW) to manage them"
        }
    }
}
