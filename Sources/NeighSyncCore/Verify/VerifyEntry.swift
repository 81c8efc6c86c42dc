import IpNetCore

/// The verify result of one desired (or, with `--all-owned`, owned) entry: what is pinned, what the network said,
/// and how it was asked. One line of `verify`'s text output when not `confirmed`, one JSON record always.
public struct VerifyEntry: Hashable, Sendable {
    /// The neighbor address.
    public var address: IpAddress
    /// The interface name (as the file or the link names it).
    public var interfaceName: String
    /// The interface index, when the link exists.
    public var interfaceIndex: UInt32?
    /// The pinned link-layer address; empty when the entry pins none.
    public var pinned: PhysicalAddress
    /// The result.
    public var outcome: VerifyOutcome
    /// The distinct link-layer addresses that answered, in the order they first did.
    public var seen: [PhysicalAddress] = []
    /// How many more distinct link-layer addresses answered beyond the `VerifyMatcher.answersPerProbe` kept in
    /// `seen` (0 when none were left out): a non-zero count means the list was capped.
    public var unlisted: Int = 0
    /// Why the entry was skipped (or its probe could not be sent); nil otherwise.
    public var reason: String?
    /// How the entry was probed; nil when it was skipped before any probe.
    public var form: VerifyProbe.Form?
    /// The address the probe was sent from; nil for the probe forms (0.0.0.0, ::) and for skipped entries.
    public var probeSource: IpAddress?
    /// Where the entry is defined, when it came from a file.
    public var source: SourceMark?

    /// Builds a result.
    public init(address: IpAddress, interfaceName: String, interfaceIndex: UInt32?, pinned: PhysicalAddress,
                outcome: VerifyOutcome, seen: [PhysicalAddress] = [], reason: String? = nil,
                form: VerifyProbe.Form? = nil, probeSource: IpAddress? = nil, source: SourceMark? = nil) {
        self.address = address
        self.interfaceName = interfaceName
        self.interfaceIndex = interfaceIndex
        self.pinned = pinned
        self.outcome = outcome
        self.seen = seen
        self.reason = reason
        self.form = form
        self.probeSource = probeSource
        self.source = source
    }
}
