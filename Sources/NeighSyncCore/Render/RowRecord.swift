import IpNetCore

/// The JSON shape of one neighbor row, shared by `show --output json` snapshots, plan files, plan JSON and the
/// `entry` commands: `{"address": "192.0.2.10", "interface": "veth0", "interfaceIndex": 3, "interfaceLuid":
/// "0x0006000003000000", "physicalAddress": "02:00:00:00:00:10", "state": "permanent", "isRouter": false,
/// "isUnreachable": false, "protocol": 245, "flags": ["extern_learn"]}`. iproute2 equivalent: one object of
/// `ip -j neigh show` (`dst`, `dev`, `lladdr`, `state`, `router`, `protocol`, `extern_learn`, …).
public struct RowRecord: Codable, Hashable, Sendable {
    /// The address text (RFC 5952 for IPv6).
    public var address: String
    /// The interface name, when known.
    public var interface: String?
    /// The interface index.
    public var interfaceIndex: UInt32
    /// The LUID as `0x` + 16 hex digits.
    public var interfaceLuid: String?
    /// Colon-separated hex, empty for none.
    public var physicalAddress: String
    /// The state name (`permanent`, `noarp`, `reachable`, …).
    public var state: String
    /// NTF_ROUTER.
    public var isRouter: Bool
    /// FAILED.
    public var isUnreachable: Bool?
    /// Milliseconds since last confirmed, when known.
    public var reachabilityTime: UInt32?
    /// NDA_PROTOCOL, 0 for none.
    public var `protocol`: UInt8
    /// The flag words (`ndm_flags` + `NDA_FLAGS_EXT` as iproute2 names them, `["extern_learn"]`); absent when none.
    public var flags: [String]?

    /// The record of a row; `interfaceName` is the link's name when known.
    public init(_ row: IpNetRow2, interfaceName: String?) {
        address = row.address.description
        interface = interfaceName
        interfaceIndex = row.effectiveInterfaceIndex
        interfaceLuid = row.interfaceLuid.isZero ? nil : row.interfaceLuid.description
        physicalAddress = row.physicalAddress.description
        state = row.state.rawValue
        isRouter = row.isRouter
        isUnreachable = row.isUnreachable
        reachabilityTime = row.reachabilityTime
        self.protocol = row.protocol
        flags = row.flags.isEmpty ? nil : row.flags.words
    }

    /// The row this record describes, or a reason why it is not one.
    public func row() throws -> IpNetRow2 {
        guard let a = IpAddress(address) else { throw RecordError("invalid address '\(address)'") }
        guard let p = PhysicalAddress(physicalAddress) else {
            throw RecordError("invalid physicalAddress '\(physicalAddress)' for \(address)")
        }
        guard let s = NeighborState(name: state) else { throw RecordError("invalid state '\(state)' for \(address)") }
        var luid = NetLuid(value: 0)
        if let t = interfaceLuid {
            guard let l = NetLuid(t) else { throw RecordError("invalid interfaceLuid '\(t)' for \(address)") }
            luid = l
        }
        var f = NeighborFlags()
        for w in flags ?? [] {
            switch f.add(word: w) {
            case nil: break
            case .unknown: throw RecordError("invalid flag '\(w)' for \(address)")
            case .repeated: throw RecordError("flag '\(w)' is listed twice in 'flags' for \(address); list each once")
            }
        }
        return IpNetRow2(address: a, interfaceIndex: interfaceIndex, interfaceLuid: luid, physicalAddress: p,
                         state: s, isRouter: isRouter, isUnreachable: isUnreachable ?? (s == .unreachable),
                         reachabilityTime: reachabilityTime, protocol: self.protocol, flags: f)
    }
}
