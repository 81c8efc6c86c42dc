import IpNetCore

/// One probe of a verify run: the entry it checks (its position in `VerifyPlan.entries`), the request for
/// `Prober`, and its form. iproute2 equivalent: one `arping` / `ndisc6` invocation.
public struct VerifyProbe: Hashable, Sendable {
    /// The four frames a probe can be, by family and by whether the interface has a usable source address.
    public enum Form: String, Hashable, Sendable, Codable {
        /// ARP request from one of the interface's IPv4 addresses in the target's subnet (`arping -s SRC`).
        case arpRequest = "arp-request"
        /// RFC 5227 ARP probe, sender 0.0.0.0: the interface has no IPv4 address in the target's subnet.
        case arpProbe = "arp-probe"
        /// Neighbor solicitation from one of the interface's IPv6 addresses, with the Source Link-Layer Address
        /// option, to the target's solicited-node group (`ndisc6`).
        case neighborSolicitation = "neighbor-solicitation"
        /// Duplicate-address-detection form, from :: without the option: the interface has no usable IPv6 address.
        /// The owner answers to all nodes (ff02::1).
        case dadSolicitation = "dad-solicitation"
    }

    /// The entry this probe checks.
    public var entryIndex: Int
    /// What to send.
    public var request: ProbeRequest
    /// Which frame that is.
    public var form: Form

    /// Builds a probe; the form follows from the request's family and source.
    public init(entryIndex: Int, request: ProbeRequest) {
        self.entryIndex = entryIndex
        self.request = request
        switch (request.target.family, request.source) {
        case (.ipv4, .some): form = .arpRequest
        case (.ipv4, .none): form = .arpProbe
        case (_, .some): form = .neighborSolicitation
        case (_, .none): form = .dadSolicitation
        }
    }
}
