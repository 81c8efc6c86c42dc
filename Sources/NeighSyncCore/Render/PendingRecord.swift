import IpNetCore

/// The JSON shape of one pending entry, in `plan --output json`, plan files and `apply --output json` / `--report`:
/// `{"address": "198.51.100.10", "interface": "vlan100", "family": "ipv4", "physicalAddress": "02:00:00:00:00:10",
/// "state": "permanent", "isRouter": false, "optional": false, "cause": "interfaceAbsent", "reason": "waiting for
/// interface vlan100", "source": "n.yaml:12:5"}` (`interfaceIndex` only when the link exists; `"kind": "proxy"` and
/// state `none` for a proxy entry; `"flags"` as a change row's, the flags the entry will be written with:
/// `["managed", "extern_learn"]` for a managed entry, whose state is `none`).
public struct PendingRecord: Codable, Hashable, Sendable {
    /// The address text.
    public var address: String
    /// The interface as the file names it (`if7` for an index or LUID without a name).
    public var interface: String
    /// The link's index when the link exists (a family-blocked entry).
    public var interfaceIndex: UInt32?
    /// `ipv4` or `ipv6`.
    public var family: String
    /// Colon-separated hex, empty for none.
    public var physicalAddress: String
    /// `permanent` or `noarp`.
    public var state: String
    /// NTF_ROUTER.
    public var isRouter: Bool
    /// `optional: true` in the file.
    public var `optional`: Bool
    /// `interfaceAbsent`, `familyUnavailable` or `linkRefuses` (watch mode only).
    public var cause: String
    /// The reason for people.
    public var reason: String
    /// `file:line:col` of the entry.
    public var source: String?
    /// `proxy` for a proxy entry (`proxies:`); absent for an ordinary neighbor.
    public var kind: String?
    /// The flag words the entry will be written with (`DesiredRules.writtenFlags(for:)`), as in a change row's
    /// `after`: `["managed", "extern_learn"]` marks a managed entry; absent when none (and for a proxy entry, which
    /// `kind` marks).
    public var flags: [String]?

    /// The record of a pending entry.
    public init(_ p: PendingNeighbor) {
        address = p.address.description
        interface = p.interfaceName
        interfaceIndex = p.interfaceIndex
        family = p.address.family.rawValue
        physicalAddress = p.physicalAddress.description
        state = p.state.rawValue
        isRouter = p.isRouter
        self.optional = p.isOptional
        cause = p.cause.rawValue
        reason = p.reason
        source = p.source?.description
        kind = p.isProxy ? "proxy" : nil
        let written = p.isProxy ? [] : DesiredRules.writtenFlags(for: p.state)
        flags = written.isEmpty ? nil : written.words
    }

    /// The pending entry back (from a plan file); nil when a field does not parse.
    public var pendingNeighbor: PendingNeighbor? {
        guard let a = IpAddress(address), let st = NeighborState(name: state),
              let c = PendingNeighbor.Cause(rawValue: cause) else { return nil }
        let mac: PhysicalAddress
        if physicalAddress.isEmpty { mac = .empty } else {
            guard let m = PhysicalAddress(physicalAddress) else { return nil }
            mac = m
        }
        return PendingNeighbor(address: a, interfaceName: interface, interfaceIndex: interfaceIndex,
                               physicalAddress: mac, state: st, isRouter: isRouter, isOptional: self.optional,
                               cause: c, reason: reason, source: source.flatMap(SourceMark.init(parsing:)))
            .proxy(kind == "proxy")
    }
}
