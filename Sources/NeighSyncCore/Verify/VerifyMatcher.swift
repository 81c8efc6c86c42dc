import IpNetCore

/// Matches what `Prober` heard to the probes of a `VerifyPlan`, strictly, and classifies each probed entry. An
/// answer counts for a probe only when it came in on the probe's interface and is the reply to that very request:
/// an ARP reply whose sender address is the target, sent to our interface's MAC and to the address we asked from
/// (0.0.0.0 for an ARP probe); a neighbor advertisement for the target, solicited and sent to the address we asked
/// from, or for the DAD form sent to all nodes (ff02::1). Gratuitous ARP, unsolicited advertisements, answers for
/// other addresses or other interfaces are ignored. Pure. Kernel equivalent: the matching `arp_process()` and
/// `ndisc_recv_na()` do before updating an entry.
public enum VerifyMatcher {
    /// ff02::1, where the answer to a DAD-form solicitation goes.
    static let allNodes = IpAddress("ff02::1")!
    /// The most distinct MACs kept per probe; further ones are counted (`VerifyEntry.unlisted`), not kept, so a flood
    /// of spoofed answers cannot grow a result (or the text/JSON/log line) without bound.
    public static let answersPerProbe = 16

    /// The plan's entries with every probed one classified: `confirmed` (only the pinned MAC answered),
    /// `mismatch` (one other MAC), `conflict` (more than one MAC, the pinned one possibly among them), `silent` (no
    /// answer), or `skipped` when its probe could not be sent.
    public static func classify(_ plan: VerifyPlan, capture: ProbeCapture) -> [VerifyEntry] {
        struct Key: Hashable {
            var interfaceIndex: UInt32
            var target: IpAddress
        }
        var byKey: [Key: Int] = [:]
        for (i, p) in plan.probes.enumerated() {
            byKey[Key(interfaceIndex: p.request.interfaceIndex, target: p.request.target.withoutScope)] = i
        }
        var seen = [[PhysicalAddress]](repeating: [], count: plan.probes.count)
        var unlisted = [Set<PhysicalAddress>](repeating: [], count: plan.probes.count)
        for r in capture.received {
            let target: IpAddress, mac: PhysicalAddress
            switch r.answer {
            case .arpReply(let sha, let spa, _, _): (target, mac) = (spa, sha)
            case .neighborAdvertisement(let t, let lladdr, _, _, _): (target, mac) = (t, lladdr)
            }
            guard let i = byKey[Key(interfaceIndex: r.interfaceIndex, target: target.withoutScope)],
                  let local = capture.localAddresses[r.interfaceIndex],
                  answers(plan.probes[i].request, r.answer, localMAC: local),
                  !seen[i].contains(mac) else { continue }
            if seen[i].count < answersPerProbe {
                seen[i].append(mac)
            } else {
                unlisted[i].insert(mac)  // bounded by the capture's own bound (`ProbeCapture.dropped`)
            }
        }
        var entries = plan.entries
        for (i, p) in plan.probes.enumerated() {
            var e = entries[p.entryIndex]
            if let failure = capture.unsent[i] {
                e.outcome = .skipped
                e.reason = "the probe could not be sent: \(failure.description)"
            } else {
                e.seen = seen[i]
                e.unlisted = unlisted[i].count
                switch seen[i].count {
                case 0: e.outcome = .silent
                case 1: e.outcome = seen[i][0] == e.pinned ? .confirmed : .mismatch
                default: e.outcome = .conflict
                }
            }
            entries[p.entryIndex] = e
        }
        return entries
    }

    /// True when `answer` is the reply to `request` sent from `localMAC`.
    public static func answers(_ request: ProbeRequest, _ answer: ProbeAnswer, localMAC: PhysicalAddress) -> Bool {
        let target = request.target.withoutScope
        switch answer {
        case .arpReply(let sha, let spa, let tha, let tpa):
            return target.family == .ipv4 && spa == target && tha == localMAC
                && tpa == (request.source?.withoutScope ?? .v4(0)) && isUnicast(sha)
        case .neighborAdvertisement(let t, let lladdr, _, let destination, let solicited):
            guard target.family == .ipv6, t.withoutScope == target, isUnicast(lladdr) else { return false }
            if let source = request.source?.withoutScope { return solicited && destination.withoutScope == source }
            return destination.withoutScope == allNodes
        }
    }

    /// True for a 6-byte unicast MAC that is not all zeros (what a neighbor entry could hold).
    static func isUnicast(_ mac: PhysicalAddress) -> Bool {
        let b = mac.bytes
        return b.count == 6 && b[0] & 1 == 0 && b.contains { $0 != 0 }
    }
}
