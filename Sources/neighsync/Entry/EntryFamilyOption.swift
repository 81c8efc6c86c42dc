import ArgumentParser
import IpNet
import IpNetCore

/// The `--family ipv4|ipv6|all` values of `neighsync entry table|flush`. iproute2 equivalent: `ip -4` / `ip -6` /
/// neither.
enum EntryFamilyOption: String, ExpressibleByArgument, CaseIterable {
    case ipv4, ipv6, all

    /// The IpNet family (`all` = `.unspecified`, both).
    var family: AddressFamily {
        switch self {
        case .ipv4: return .ipv4
        case .ipv6: return .ipv6
        case .all: return .unspecified
        }
    }
}
