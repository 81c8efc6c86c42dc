import IpNetCore

/// The warning for IPv6 proxy entries that cannot answer: the kernel answers a neighbor solicitation for a proxy
/// entry's address only when `net.ipv6.conf.IF.proxy_ndp` or `conf.all.proxy_ndp` is 1 and the link forwards
/// (`ndisc_recv_ns()` in `net/ipv6/ndisc.c`: `idev->cnf.forwarding && (all.proxy_ndp || IF.proxy_ndp)` and
/// `pneigh_lookup()`). neighsync does not change the sysctl unless the file asks for it (`parameters: { interfaces:
/// { IF: { ipv6: { proxyNDP: true } } } }`), so `validate` and `plan` say so, once per link, at its first IPv6 proxy
/// entry. Pure: the caller reads the current values (`NeighborTableProtocol.parameters()`,
/// `NeighborTable.ipv6ProxySwitches()`). sysctl equivalent: `sysctl net.ipv6.conf.IF.proxy_ndp`.
public enum ProxyNdpCheck {
    /// True when some entry is an IPv6 proxy entry, so the caller reads the parameters only then.
    public static func applies(to entries: [DesiredRow]) -> Bool {
        entries.contains { $0.row.isProxy && $0.row.address.family == .ipv6 }
    }

    /// One warning per link whose IPv6 proxy entries the kernel would not answer, at its first IPv6 proxy entry:
    /// when `proxyNDP` is 0 on it (the value the file gives in `desired`, true or false, else the one in `current`:
    /// the per-interface sets; `all` is the set with interface index 0 when the caller has it) and
    /// `net.ipv6.conf.all.proxy_ndp` (`switches`, else `current`'s index 0) is 0 too; and when `forwarding` is 0 on
    /// it (`switches`), which the file cannot set. A value the caller could not read warns about nothing.
    public static func warnings(entries: [DesiredRow], links: [Link], current: [NeighborParameterSet],
                                desired: [DesiredParameter], switches: Ipv6ProxySwitches = .init()) -> [Diagnostic] {
        var value: [UInt32: UInt64] = [:]
        for s in current where s.family == .ipv6 {
            if let v = s.values[.proxyNDP] { value[s.interfaceIndex] = v }
        }
        let allOn = switches.allProxyNDP ?? (value[0].map { $0 != 0 } ?? false)
        var names: [UInt32: String] = [:]
        for l in links { names[l.index] = l.name }
        // The file's own value wins over the kernel's: it is what the link holds after the apply.
        var fileValue: [String: UInt64] = [:]
        for p in desired where p.key == .proxyNDP {
            if let n = p.place.interfaceName { fileValue[n] = p.value }
        }
        var warned = Set<UInt32>()
        var out: [Diagnostic] = []
        for d in entries where d.row.isProxy && d.row.address.family == .ipv6 {
            let i = d.row.effectiveInterfaceIndex
            guard let name = names[i], warned.insert(i).inserted else { continue }
            let shown = DisplayText.escaped(name)
            let entry = "the proxy entries on \(shown) (\(d.row.address.withoutScope) …)"
            if !allOn, let v = fileValue[name] ?? value[i], v == 0 {
                out.append(Diagnostic(
                    mark: d.source,
                    message: fileValue[name] != nil
                        ? "the file sets proxyNDP: false on \(shown) (net.ipv6.conf.\(shown).proxy_ndp=0), so the "
                            + "kernel answers no neighbor solicitation for \(entry); set it to true, or leave it out "
                            + "and set net.ipv6.conf.all.proxy_ndp=1"
                        : "net.ipv6.conf.\(shown).proxy_ndp is 0, so the kernel answers no neighbor solicitation for "
                            + "\(entry); set it with 'sysctl -w net.ipv6.conf.\(shown).proxy_ndp=1' or in the file "
                            + "(parameters: { interfaces: { \(shown): { ipv6: { proxyNDP: true } } } }); forwarding "
                            + "must be on too",
                    severity: .warning))
            }
            if switches.forwarding[i] == false {
                out.append(Diagnostic(
                    mark: d.source,
                    message: "net.ipv6.conf.\(shown).forwarding is 0, so the kernel answers no neighbor solicitation "
                        + "for \(entry) whatever proxyNDP says (it proxies only on a forwarding interface); set it "
                        + "with 'sysctl -w net.ipv6.conf.\(shown).forwarding=1'",
                    severity: .warning))
            }
        }
        return out
    }
}
