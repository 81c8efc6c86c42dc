/// The address family of a neighbor entry or of a table request, modelled on Windows' `ADDRESS_FAMILY`
/// (`AF_INET`, `AF_INET6`, `AF_UNSPEC`). `.unspecified` asks for both families where a call allows it, as
/// `GetIpNetTable2(AF_UNSPEC, …)` does. Netlink equivalent: `ndm_family` = `AF_INET` (2), `AF_INET6` (10) or
/// `AF_UNSPEC` (0); iproute2: `ip -4 neigh` / `ip -6 neigh` / `ip neigh`.
public enum AddressFamily: String, Sendable, Hashable, CaseIterable, Codable {
    case ipv4
    case ipv6
    case unspecified

    /// The Linux `AF_*` number of this family: 2, 10 or 0. Netlink equivalent: the value put in `ndm_family`.
    public var linuxValue: UInt8 {
        switch self {
        case .ipv4: return 2
        case .ipv6: return 10
        case .unspecified: return 0
        }
    }

    /// The family for a Linux `AF_*` number, or nil for anything but 0, 2 and 10. Netlink equivalent: decoding
    /// `ndm_family` of an `RTM_NEWNEIGH` message.
    public init?(linuxValue: UInt8) {
        switch linuxValue {
        case 2: self = .ipv4
        case 10: self = .ipv6
        case 0: self = .unspecified
        default: return nil
        }
    }
}
