import IpNetCore

/// The warning for IPv6 proxy entries that cannot answer: the kernel answers a neighbor solicitation for a proxy
/// entry's address only when `net.ipv6.conf.IF.proxy_ndp` (or `conf.all.proxy_ndp`) is 1 on the link
/// (`ndisc_recv_ns()` in `net/ipv6/ndisc.c`: forwarding, proxy_ndp and `pneigh_lookup()`). neighsync does not change
/// the sysctl unless the file asks for it (`parameters: { interfaces: { IF: { ipv6: { proxyNDP: true } } } }`), so
/// `validate` and `plan` say so, once per link, at its first IPv6 proxy entry. Pure: the caller reads the current
/// values (`NeighborTableProtocol.parameters()`). sysctl equivalent: `sysctl net.ipv6.conf.IF.proxy_ndp`.
public enum ProxyNdpCheck {
    /// True when some entry is an IPv6 proxy entry, so the caller reads the parameters only then.
    public static func applies(to entries: [DesiredRow]) -> Bool {
        entries.contains { $0.row.isProxy && $0.row.address.family == .ipv6 }
    }

    /// One warning per link whose `proxyNDP` is 0 in `current` (the per-interface sets; `all` is the set with
    /// interface index 0 when the caller has it) and that the file does not set to true in `desired`.
    public static func warnings(entries: [DesiredRow], links: [Link], current: [NeighborParameterSet],
                                desired: [DesiredParameter]) -> [Diagnostic] {
        var value: [UInt32: UInt64] = [:]
        for s in current where s.family == .ipv6 {
            if let v = s.values[.proxyNDP] { value[s.interfaceIndex] = v }
        }
        if let all = value[0], all != 0 { return [] }
        var names: [UInt32: String] = [:]
        for l in links { names[l.index] = l.name }
        var turnedOn = Set<String>()
        for p in desired where p.key == .proxyNDP && p.value != 0 {
            if let n = p.place.interfaceName { turnedOn.insert(n) }
        }
        var warned = Set<UInt32>()
        var out: [Diagnostic] = []
        for d in entries where d.row.isProxy && d.row.address.family == .ipv6 {
            let i = d.row.effectiveInterfaceIndex
            guard value[i] == 0, let name = names[i], !turnedOn.contains(name), warned.insert(i).inserted else {
                continue
            }
            let shown = DisplayText.escaped(name)
            out.append(Diagnostic(
                mark: d.source,
                message: "net.ipv6.conf.\(shown).proxy_ndp is 0, so the kernel answers no neighbor solicitation for "
                    + "the proxy entries on \(shown) (\(d.row.address.withoutScope) …); set it with 'sysctl -w "
                    + "net.ipv6.conf.\(shown).proxy_ndp=1' or in the file (parameters: { interfaces: { \(shown): "
                    + "{ ipv6: { proxyNDP: true } } } }); forwarding must be on too",
                severity: .warning))
        }
        return out
    }
}
