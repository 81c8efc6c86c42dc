import IpNetCore

/// What a verify run will do, decided before any frame is sent: every entry (those that cannot be probed already
/// `skipped` with the reason, the others waiting for their answers) and one probe per probed entry, each from the
/// right interface and source. Pure: entries, links and the host's own addresses in, plan out. `VerifyMatcher`
/// fills in the answers. By hand: `arping -I DEV -s SRC ADDR` per entry.
public struct VerifyPlan: Hashable, Sendable {
    /// One record per entry, in the order given; probed entries still `silent` until answers are matched.
    public var entries: [VerifyEntry]
    /// The probes, one per probed entry, in the order they are sent.
    public var probes: [VerifyProbe]

    /// Plans the probes for `rows` (desired rows, or owned rows with `--all-owned`) on `links`, given the host's
    /// own `addresses`; `pending` entries are listed as skipped. An entry is probed when it pins a MAC on an up
    /// Ethernet link with carrier that resolves neighbors (not NOARP), its family is usable there, and it is neither
    /// managed nor a proxy, a multicast address nor one of the link's own usable (not tentative or DAD-failed)
    /// addresses. The source is a usable address of that interface whose prefix holds the target (IPv6: else its
    /// usable link-local address); without one the probe forms
    /// are used (ARP probe from 0.0.0.0, NS from ::), which claim no address.
    public static func make(rows: [DesiredRow], pending: [PendingNeighbor] = [], links: [Link],
                            addresses: [InterfaceAddress]) -> VerifyPlan {
        var linkByIndex: [UInt32: Link] = [:]
        for l in links { linkByIndex[l.index] = l }
        var ownByIndex: [UInt32: [InterfaceAddress]] = [:]
        for a in addresses { ownByIndex[a.interfaceIndex, default: []].append(a) }
        var plan = VerifyPlan(entries: [], probes: [])
        for d in rows {
            let row = d.row
            let index = row.effectiveInterfaceIndex
            let link = linkByIndex[index]
            var entry = VerifyEntry(address: row.address, interfaceName: link?.name ?? "if\(index)",
                                    interfaceIndex: index, pinned: row.physicalAddress, outcome: .silent,
                                    source: d.source)
            let own = ownByIndex[index] ?? []
            if let reason = skipReason(row, link: link, own: own) {
                entry.outcome = .skipped
                entry.reason = reason
                plan.entries.append(entry)
                continue
            }
            let source = Self.source(for: row.address, own: own)
            let probe = VerifyProbe(entryIndex: plan.entries.count,
                                    request: ProbeRequest(interfaceIndex: index, target: row.address, source: source))
            entry.form = probe.form
            entry.probeSource = source
            plan.entries.append(entry)
            plan.probes.append(probe)
        }
        for p in pending {
            plan.entries.append(VerifyEntry(address: p.address, interfaceName: p.interfaceName,
                                            interfaceIndex: p.interfaceIndex, pinned: p.physicalAddress,
                                            outcome: .skipped, reason: "pending: " + p.reason, source: p.source))
        }
        return plan
    }

    /// The rows `verify --all-owned` checks: every static entry of `current` carrying `ownerProtocol` (what
    /// neighsync wrote, whatever the file says now), without source positions.
    public static func ownedRows(_ current: [IpNetRow2], ownerProtocol: UInt8) -> [DesiredRow] {
        current.filter { $0.protocol == ownerProtocol && $0.state.isStatic }.map { DesiredRow(row: $0) }
    }

    /// Why `row` cannot be probed on `link`, or nil when it can.
    static func skipReason(_ row: IpNetRow2, link: Link?, own: [InterfaceAddress]) -> String? {
        if row.flags.contains(.managed) { return "managed entry: the kernel resolves it and pins no MAC" }
        if row.flags.contains(.proxy) { return "proxy entry: this host answers for the address, no MAC is pinned" }
        if row.physicalAddress.count == 0 { return "no MAC pinned" }
        guard let link else { return "interface index \(row.effectiveInterfaceIndex) does not exist" }
        let name = DisplayText.escaped(link.name)
        if link.isNoArp { return "NOARP link: \(name) does not resolve neighbors (arp off)" }
        if link.isLoopback || link.isPointToPoint || link.arphrdType != 1 || link.hardwareAddressLength != 6 {
            return "\(name) is not an Ethernet link; ARP and ND probes need one"
        }
        if row.physicalAddress.count != 6 { return "the pinned MAC is not an Ethernet address" }
        if !link.isUp { return "interface \(name) is down" }
        if !link.hasCarrier { return "no carrier: interface \(name) is up but its link is down (not LOWER_UP)" }
        if row.address.isMulticast || row.address.isLimitedBroadcast {
            return "multicast address: no single neighbor answers for it"
        }
        if row.address.family == .ipv4 && !link.ipv4Enabled { return "IPv4 is not configured on \(name)" }
        if row.address.family == .ipv6 && !link.ipv6Enabled { return "IPv6 is disabled on \(name)" }
        // Only an address the host really holds: a tentative or DAD-failed one may belong to the neighbor.
        if own.contains(where: { $0.isUsable && $0.address.withoutScope == row.address.withoutScope }) {
            return "\(name)'s own address"
        }
        return nil
    }

    /// The address to probe `target` from: the interface's own address whose prefix holds it (IPv6: else the
    /// interface's link-local one), or nil for the probe forms.
    static func source(for target: IpAddress, own: [InterfaceAddress]) -> IpAddress? {
        // Never a tentative or DAD-failed address (RFC 4862 section 5.4: not a source until DAD succeeded).
        let family = own.filter { $0.address.family == target.family && !$0.address.isUnspecified && $0.isUsable }
        if let a = family.first(where: { $0.contains(target) }) {
            return a.address.withoutScope
        }
        if target.family == .ipv6, let ll = family.first(where: { $0.address.isLinkLocal }) {
            return ll.address.withoutScope
        }
        return nil
    }
}
