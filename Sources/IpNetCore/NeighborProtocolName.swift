/// Names of `NDA_PROTOCOL` / `rtm_protocol` numbers, iproute2's table: the one place that maps a protocol number to a
/// name and back, used by `show`, the plan text and the import of `ip -j neigh show` output. iproute2 equivalent:
/// `rtnl_rtprot_n2a()` / `rtnl_rtprot_a2n()` in `lib/rt_names.c` with `/usr/share/iproute2/rt_protos`.
public enum NeighborProtocolName {
    /// iproute2's built-in names (`rt_protos`, `RTPROT_*` in `<linux/rtnetlink.h>`).
    public static let table: [(number: UInt8, name: String)] = [
        (0, "unspec"), (1, "redirect"), (2, "kernel"), (3, "boot"), (4, "static"), (8, "gated"), (9, "ra"),
        (10, "mrt"), (11, "zebra"), (12, "bird"), (13, "dnrouted"), (14, "xorp"), (15, "ntk"), (16, "dhcp"),
        (18, "keepalived"), (42, "babel"), (99, "openr"), (186, "bgp"), (187, "isis"), (188, "ospf"), (189, "rip"),
        (192, "eigrp"),
    ]

    /// The name of `number`, nil when iproute2 has none (neighsync's own 245 has none). iproute2:
    /// `rtnl_rtprot_n2a()`.
    public static func name(of number: UInt8) -> String? {
        table.first { $0.number == number }?.name
    }

    /// The number for a name or a decimal number (`zebra` → 11, `245` → 245); nil when neither. iproute2:
    /// `rtnl_rtprot_a2n()`.
    public static func number(_ text: String) -> UInt8? {
        if let n = UInt8(text) { return n }
        return table.first { $0.name == text }?.number
    }

    /// What `ip neigh show` prints after `proto`: the name when known, else the number (`zebra`, `245`).
    public static func word(_ number: UInt8) -> String { name(of: number) ?? String(number) }

    /// For messages: the number with its name when known (`11 (zebra)`, `245`).
    public static func described(_ number: UInt8) -> String {
        name(of: number).map { "\(number) (\($0))" } ?? String(number)
    }
}
