import IpNet
import IpNetCore
import NeighSyncCore

/// The JSON object of one row printed by the `entry` commands: `RowRecord`'s shape with every key always present
/// (`null` when unknown), so scripts can rely on it; `flags` is the list of iproute2 flag words (`["extern_learn"]`,
/// `[]`). iproute2 equivalent: one object of `ip -j neigh show`.
struct EntryRecord: Encodable {
    let row: IpNetRow2
    let interfaceName: String?

    init(_ row: IpNetRow2, interfaceName: String?) {
        self.row = row
        self.interfaceName = interfaceName
    }

    enum Key: String, CodingKey {
        case address, interface, interfaceIndex, interfaceLuid, physicalAddress, state, isRouter, isUnreachable,
             reachabilityTime, `protocol`, flags
    }

    /// The fields as `RowRecord` (the one JSON shape of a row) writes them, with every key present: `null` for an
    /// unknown interface name or reachability time, the zero LUID and `[]` written out.
    func encode(to encoder: Encoder) throws {
        let r = RowRecord(row, interfaceName: interfaceName)
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(r.address, forKey: .address)
        if let name = r.interface { try c.encode(name, forKey: .interface) } else {
            try c.encodeNil(forKey: .interface)
        }
        try c.encode(r.interfaceIndex, forKey: .interfaceIndex)
        try c.encode(r.interfaceLuid ?? row.interfaceLuid.description, forKey: .interfaceLuid)
        try c.encode(r.physicalAddress, forKey: .physicalAddress)
        try c.encode(r.state, forKey: .state)
        try c.encode(r.isRouter, forKey: .isRouter)
        try c.encode(r.isUnreachable ?? row.isUnreachable, forKey: .isUnreachable)
        if let t = r.reachabilityTime { try c.encode(t, forKey: .reachabilityTime) } else {
            try c.encodeNil(forKey: .reachabilityTime)
        }
        try c.encode(r.protocol, forKey: .protocol)
        try c.encode(r.flags ?? [], forKey: .flags)
    }
}
