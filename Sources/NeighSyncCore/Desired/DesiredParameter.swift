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
}
