/// The IPv6 sysctls besides `proxy_ndp` that decide whether the kernel answers a neighbor solicitation for a proxy
/// entry: `ndisc_recv_ns()` in `net/ipv6/ndisc.c` answers only when `idev->cnf.forwarding` is on for the interface
/// and `net.ipv6.conf.all.proxy_ndp` OR `net.ipv6.conf.IF.proxy_ndp` is 1. sysctl equivalent:
/// `sysctl net.ipv6.conf.all.proxy_ndp net.ipv6.conf.IF.forwarding`.
public struct Ipv6ProxySwitches: Hashable, Sendable {
    /// `net.ipv6.conf.all.proxy_ndp`: when on, every interface proxies; nil when it could not be read.
    public var allProxyNDP: Bool?
    /// `net.ipv6.conf.IF.forwarding` by interface index; an interface that could not be read is absent.
    public var forwarding: [UInt32: Bool]

    public init(allProxyNDP: Bool? = nil, forwarding: [UInt32: Bool] = [:]) {
        self.allProxyNDP = allProxyNDP
        self.forwarding = forwarding
    }
}
