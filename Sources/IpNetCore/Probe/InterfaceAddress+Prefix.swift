extension InterfaceAddress {
    /// True when `other` (same family) lies in this address's prefix (`192.0.2.0/24` holds 192.0.2.10), so this
    /// address can ask for it on the link: the source of a probe. Scope ids are ignored. Pure. Kernel equivalent:
    /// `inet_ifa_match()` (net/ipv4/devinet.c), `ipv6_prefix_equal()`.
    public func contains(_ other: IpAddress) -> Bool {
        guard other.family == address.family else { return false }
        let a = address.bytes, b = other.bytes
        var bits = min(Int(prefixLength), a.count * 8)
        var i = 0
        while bits >= 8 {
            if a[i] != b[i] { return false }
            bits -= 8
            i += 1
        }
        guard bits > 0 else { return true }
        let mask = UInt8(0xff) << (8 - bits)
        return a[i] & mask == b[i] & mask
    }

    /// True when `other` is the subnet broadcast address of this IPv4 address's prefix (198.51.100.255 for
    /// 198.51.100.1/24): all host bits set, for a prefix of /30 or shorter (a /31 or /32 has no broadcast address,
    /// RFC 3021). Pure. Kernel equivalent: the `RTN_BROADCAST` route `fib_add_ifaddr()` adds for it.
    public func hasBroadcast(_ other: IpAddress) -> Bool {
        guard case .v4(let mine) = address, case .v4(let theirs) = other, prefixLength <= 30 else { return false }
        let hostMask: UInt32 = prefixLength == 0 ? ~0 : (1 << (32 - UInt32(prefixLength))) - 1
        return mine & ~hostMask == theirs & ~hostMask && theirs & hostMask == hostMask
    }

    /// True when this IPv4 address gives the namespace a broadcast route for `other`: the subnet broadcast of its
    /// prefix (`hasBroadcast`) or its configured broadcast address (`IFA_BROADCAST`, unless 255.255.255.255). Pure.
    /// Kernel equivalent: the `RTN_BROADCAST` routes `fib_add_ifaddr()` puts in the local table, which
    /// `inet_addr_type_dev_table()` finds for a neighbor on any link of the namespace.
    public func givesBroadcastRoute(to other: IpAddress) -> Bool {
        if hasBroadcast(other) { return true }
        guard let broadcast, broadcast.family == .ipv4, !broadcast.isLimitedBroadcast else { return false }
        return broadcast == other
    }
}
