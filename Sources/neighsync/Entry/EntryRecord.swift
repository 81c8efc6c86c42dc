import IpNet
import IpNetCore
import NeighSyncCore

/// The JSON object of one row printed by the `entry` commands: every key always present (`null` when unknown), so
/// scripts can rely on the shape; `flags` is the list of iproute2 flag words (`["extern_learn"]`, `[]`). iproute2
/// equivalent: one object of `ip -j neigh show`.
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

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(row.address.description, forKey: .address)
        if let interfaceName { try c.encode(interfaceName, forKey: .interface) } else { try c.encodeNil(forKey: .interface) }
        try c.encode(row.effectiveInterfaceIndex, forKey: .interfaceIndex)
        try c.encode(row.interfaceLuid.description, forKey: .interfaceLuid)
        try c.encode(row.physicalAddress.description, forKey: .physicalAddress)
        try c.encode(row.state.rawValue, forKey: .state)
        try c.encode(row.isRouter, forKey: .isRouter)
        try c.encode(row.isUnreachable, forKey: .isUnreachable)
        if let t = row.reachabilityTime { try c.encode(t, forKey: .reachabilityTime) } else {
            try c.encodeNil(forKey: .reachabilityTime)
        }
        try c.encode(row.protocol, forKey: .protocol)
        try c.encode(row.flags.words, forKey: .flags)
    }
}
