/// One probe `neighsync verify` asks `Prober` to send: the address to ask about, the interface to ask on, and the
/// address to ask from. With `source` nil an IPv4 probe is the RFC 5227 ARP probe (sender 0.0.0.0) and an IPv6 one
/// the duplicate-address-detection solicitation (from ::). By hand: (`arping -I DEV [-s SRC]
/// ADDR`, `ndisc6 ADDR DEV`).
public struct ProbeRequest: Hashable, Sendable {
    /// The interface to send on.
    public var interfaceIndex: UInt32
    /// The address whose owner should answer.
    public var target: IpAddress
    /// The sender address: one of the interface's own, or nil for the probe forms that claim no address.
    public var source: IpAddress?

    /// Builds a request.
    public init(interfaceIndex: UInt32, target: IpAddress, source: IpAddress?) {
        self.interfaceIndex = interfaceIndex
        self.target = target
        self.source = source
    }

    /// The frame to send from `mac` (the interface's own address); nil when the addresses or the MAC do not fit.
    public func frame(from mac: PhysicalAddress) -> [UInt8]? {
        switch target.family {
        case .ipv4: return ProbeFrame.arpRequest(senderMAC: mac, senderIP: source, target: target.withoutScope)
        default: return ProbeFrame.neighborSolicitation(senderMAC: mac, source: source?.withoutScope,
                                                        target: target.withoutScope)
        }
    }
}
