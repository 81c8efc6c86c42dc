import IpNetCore

/// The JSON shape of a verify run (`verify --output json`): every entry, confirmed ones included, with its result,
/// what answered, and how it was probed; the counts; the window. Stable for machines: keys are only ever added.
public struct VerifyDocument: Codable, Hashable, Sendable {
    /// The counts by result, plus the probes sent.
    public struct Summary: Codable, Hashable, Sendable {
        public var confirmed: Int
        public var mismatch: Int
        public var conflict: Int
        public var silent: Int
        public var skipped: Int
        /// Probes sent.
        public var probes: Int
    }

    /// One entry.
    public struct EntryRecord: Codable, Hashable, Sendable {
        /// The neighbor address.
        public var address: String
        /// The interface name.
        public var interface: String
        /// The interface index, when the link exists.
        public var interfaceIndex: UInt32?
        /// `ipv4` or `ipv6`.
        public var family: String
        /// The pinned MAC; absent when none is pinned.
        public var pinned: String?
        /// `confirmed`, `mismatch`, `conflict`, `silent` or `skipped`.
        public var result: VerifyOutcome
        /// The MACs that answered, in the order they first did (at most `VerifyMatcher.answersPerProbe`).
        public var seen: [String]
        /// How many more MACs answered and are not in `seen` (0 unless the list was capped).
        public var unlisted: Int
        /// Why the entry was skipped; absent otherwise.
        public var reason: String?
        /// `arp-request`, `arp-probe`, `neighbor-solicitation` or `dad-solicitation`; absent when not probed.
        public var probe: VerifyProbe.Form?
        /// The address the probe was sent from; absent for the probe forms and skipped entries.
        public var probeSource: String?
        /// `file:line:col` of the desired entry.
        public var source: String?

        enum CodingKeys: String, CodingKey {
            case address, interface, interfaceIndex, family, pinned, result, seen, unlisted, reason, probe,
                 probeSource, source
        }

        /// Every key on every entry: the ones that do not apply are `null`, not left out (the README lists them).
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(address, forKey: .address)
            try c.encode(interface, forKey: .interface)
            try c.encode(interfaceIndex, forKey: .interfaceIndex)
            try c.encode(family, forKey: .family)
            try c.encode(pinned, forKey: .pinned)
            try c.encode(result, forKey: .result)
            try c.encode(seen, forKey: .seen)
            try c.encode(unlisted, forKey: .unlisted)
            try c.encode(reason, forKey: .reason)
            try c.encode(probe, forKey: .probe)
            try c.encode(probeSource, forKey: .probeSource)
            try c.encode(source, forKey: .source)
        }
    }

    /// The document format version (1).
    public var formatVersion: Int
    /// The counts.
    public var summary: Summary
    /// The collection window in seconds.
    public var timeoutSeconds: Double
    /// Every entry, in report order.
    public var entries: [EntryRecord]
    /// When the run ended (RFC 3339, UTC); set in watch mode's `--report`, absent otherwise.
    public var finishedAt: String?

    /// The document of a report.
    public init(_ report: VerifyReport) {
        formatVersion = 1
        let c = report.counts
        summary = Summary(confirmed: c[.confirmed] ?? 0, mismatch: c[.mismatch] ?? 0, conflict: c[.conflict] ?? 0,
                          silent: c[.silent] ?? 0, skipped: c[.skipped] ?? 0, probes: report.probesSent)
        timeoutSeconds = Double(DurationText.milliseconds(report.timeout)) / 1000
        entries = report.entries.map { e in
            EntryRecord(address: e.address.withoutScope.description, interface: e.interfaceName,
                        interfaceIndex: e.interfaceIndex, family: e.address.family.rawValue,
                        pinned: e.pinned.count > 0 ? e.pinned.description : nil, result: e.outcome,
                        seen: e.seen.map(\.description), unlisted: e.unlisted, reason: e.reason, probe: e.form,
                        probeSource: e.probeSource?.description, source: e.source?.description)
        }
    }
}
