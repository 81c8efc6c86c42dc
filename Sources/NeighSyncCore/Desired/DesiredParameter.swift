import IpNetCore

/// One neighbor-table parameter a desired-state file asks for: where (an interface by name, or the family's table),
/// which family, which key, the value (in `NeighborParameter`'s unit: milliseconds, a count, 0/1) and where the file
/// says it. Only listed keys are managed: a key left out is never read back into the plan nor reset. iproute2
/// equivalent: one word pair of `ip ntable change name arp_cache [dev IF] KEY VALUE`, or one `sysctl -w`.
public struct DesiredParameter: Hashable, Sendable {
    /// Where a parameter lives.
    public enum Place: Hashable, Sendable, Comparable {
        /// An interface, by name (`parameters.interfaces.NAME`).
        case interface(String)
        /// The family's table (`parameters.tables`).
        case table

        /// The interface name, or nil for the table.
        public var interfaceName: String? {
            if case .interface(let n) = self { return n }
            return nil
        }
    }

    /// The interface or the table.
    public var place: Place
    /// IPv4 or IPv6.
    public var family: AddressFamily
    /// The key.
    public var key: NeighborParameter
    /// The value, in the key's unit.
    public var value: UInt64
    /// `file:line:col` of the value.
    public var source: SourceMark?
    /// Why the parameter waits, set by `ParameterPlanner` on the pending ones (nil otherwise): its interface does
    /// not exist (`interfaceAbsent`), or it exists but the kernel keeps no parameters of the family on it
    /// (`familyUnavailable`: IPv6 disabled, e.g. by an MTU below 1280), as for entries.
    public var pendingCause: PendingNeighbor.Cause?

    /// Builds a desired parameter.
    public init(place: Place, family: AddressFamily, key: NeighborParameter, value: UInt64,
                source: SourceMark? = nil) {
        self.place = place
        self.family = family
        self.key = key
        self.value = value
        self.source = source
    }

    /// The value as the file writes it: `30s`, `500ms`, `3`, `true`.
    public static func text(_ value: UInt64, of key: NeighborParameter) -> String {
        switch key.unit {
        case .duration: return DurationText.format(.milliseconds(Int64(clamping: value)))
        case .count: return "\(value)"
        case .boolean: return value == 0 ? "false" : "true"
        }
    }

    /// The reason of a pending parameter, after `# ` in the plan and in the error output.
    public var pendingReason: String {
        let name = DisplayText.escaped(place.interfaceName ?? "table")
        if pendingCause == .familyUnavailable {
            return "interface \(name) has no \(family.rawValue) parameters (the family is disabled on it"
                + (family == .ipv6 ? ", e.g. by an MTU below 1280" : "") + ")"
        }
        return "waiting for interface \(name)"
    }

    /// The file path of the key: `parameters.interfaces.veth0.ipv4.baseReachableTime`,
    /// `parameters.tables.ipv6.gcThresh3`.
    public var path: String {
        switch place {
        case .interface(let n): return "parameters.interfaces.\(n).\(family.rawValue).\(key.rawValue)"
        case .table: return "parameters.tables.\(family.rawValue).\(key.rawValue)"
        }
    }

    /// The rule for table-wide keys: the kernel's `neightbl_set` refuses `NDTA_THRESH1..3` and `NDTA_GC_INTERVAL`
    /// (with ENOENT) in every namespace but the initial one. The diagnostics for the table-wide parameters of
    /// `parameters` when the target namespace is not the initial one, else none. Pure; checked by `validate`,
    /// `plan` and `apply` against the live namespace, and by `plan --state` from the snapshot.
    public static func namespaceProblems(_ parameters: [DesiredParameter], initialNamespace: Bool) -> [Diagnostic] {
        guard !initialNamespace else { return [] }
        return parameters.filter { $0.place == .table }.map { p in
            Diagnostic(mark: p.source, message: "table-wide parameter '\(p.key.rawValue)' (\(p.key.sysctlName)) can "
                       + "only be set in the initial network namespace, and this is another one: the kernel's "
                       + "neightbl_set() refuses gc_thresh1-3 and gc_interval elsewhere. Remove 'parameters.tables' "
                       + "from the file for this namespace (the host's tables are shared by every namespace)")
        }
    }
    /// The kernel's order of the table's thresholds, gcThresh1 ≤ gcThresh2 ≤ gcThresh3 (`neigh_forced_gc`,
    /// `neigh_alloc`), among the ones written (the others are the kernel's, unknown offline). One diagnostic per pair
    /// out of order in a family, at the higher key within one file, or at the later one (list order, the load order)
    /// when the two come from different files; the other is a note. `acrossFilesOnly` keeps the pairs whose keys come
    /// from two files (the loader, after merging a directory; each file's own pairs were reported while reading it).
    /// Pure; the one home of this rule.
    public static func thresholdOrderProblems(_ parameters: [DesiredParameter],
                                              acrossFilesOnly: Bool = false) -> [Diagnostic] {
        let order: [NeighborParameter] = [.gcThresh1, .gcThresh2, .gcThresh3]
        var problems: [Diagnostic] = []
        for family in [AddressFamily.ipv4, .ipv6] {
            var found: [NeighborParameter: (Int, DesiredParameter)] = [:]
            for (i, p) in parameters.enumerated() where p.place == .table && p.family == family
                && order.contains(p.key) && found[p.key] == nil {
                found[p.key] = (i, p)
            }
            for (i, low) in order.enumerated() {
                for high in order[(i + 1)...] {
                    guard let (li, l) = found[low], let (hi, h) = found[high], l.value > h.value else { continue }
                    let sameFile = l.source?.file == h.source?.file
                    if acrossFilesOnly && sameFile { continue }
                    let (at, other) = sameFile || hi > li ? (h, l) : (l, h)
                    problems.append(Diagnostic(
                        mark: at.source,
                        message: "'\(high.rawValue)' (\(h.value)) is below '\(low.rawValue)' (\(l.value)); the garbage "
                            + "collector needs gcThresh1 ≤ gcThresh2 ≤ gcThresh3"
                            + (sameFile ? "" : " (across the files of the directory)"),
                        notes: other.source.map { [Diagnostic.Note(mark: $0, message: "'\(other.key.rawValue)' is set "
                                                                   + "here")] } ?? []))
                }
            }
        }
        return problems
    }
}
