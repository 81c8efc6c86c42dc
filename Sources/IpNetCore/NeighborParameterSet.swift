/// The values of the neighbor-table parameters of one family at one place: an interface (`interfaceIndex` ≠ 0) or
/// the table itself (`interfaceIndex` 0, table-wide keys only). Values are in `NeighborParameter`'s units
/// (milliseconds, counts, 0/1). iproute2 equivalent: one block of `ip ntable show [dev IF]`.
public struct NeighborParameterSet: Hashable, Sendable {
    /// IPv4 (`arp_cache`) or IPv6 (`ndisc_cache`).
    public var family: AddressFamily
    /// The interface (`NDTPA_IFINDEX`), or 0 for the table itself.
    public var interfaceIndex: UInt32
    /// The values read or to be written.
    public var values: [NeighborParameter: UInt64]

    /// A set from its parts.
    public init(family: AddressFamily, interfaceIndex: UInt32, values: [NeighborParameter: UInt64] = [:]) {
        self.family = family
        self.interfaceIndex = interfaceIndex
        self.values = values
    }

    /// The kernel's name of the family's table: `arp_cache` (IPv4) or `ndisc_cache` (IPv6). Netlink: `NDTA_NAME`.
    public static func tableName(_ family: AddressFamily) -> String {
        family == .ipv6 ? "ndisc_cache" : "arp_cache"
    }
}
