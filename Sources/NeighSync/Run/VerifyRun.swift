import IpNet
import IpNetCore
import NeighSyncCore

/// One verify pass against the kernel, shared by `neighsync verify` and watch mode's `--verify-every`: plan the
/// probes (`VerifyPlan`), check CAP_NET_RAW before any raw socket exists, send them and listen (`Prober`), match
/// and classify (`VerifyMatcher`). Nothing here writes the neighbor table. By hand: (`arping` /
/// `ndisc6` per entry).
public enum VerifyRun {
    /// The most answers kept per probe on average, so a flood of ARP replies cannot grow memory without bound.
    static let answersPerProbe = VerifyMatcher.answersPerProbe

    /// Probes `rows` (and lists `pending` as skipped) in `namespace` (nil: the caller's), `rate` probes per second,
    /// collecting answers for `timeout` after the last one. Throws `accessDenied` without CAP_NET_RAW before any
    /// socket is opened or frame sent (only when there is something to probe). `stop` ends the run early (watch
    /// mode's SIGTERM): the report is then `interrupted`, and is no result (probes not sent then are `skipped`).
    public static func run(rows: [DesiredRow], pending: [PendingNeighbor], links: [Link],
                           addresses: [InterfaceAddress], namespace: String?, rate: Int,
                           timeout: Duration, stop: () -> Bool = { false }) throws(IpNetError) -> VerifyReport {
        let plan = VerifyPlan.make(rows: rows, pending: pending, links: links, addresses: addresses)
        guard !plan.probes.isEmpty else { return VerifyReport(entries: plan.entries, timeout: timeout) }
        guard Capabilities.hasNetRaw else { throw accessDenied(probes: plan.probes.count) }
        let capture = try Prober.probe(plan.probes.map(\.request), namespace: namespace, rate: rate, window: timeout,
                                       maxAnswers: answersPerProbe * plan.probes.count + 256, stop: stop)
        var report = VerifyReport(entries: VerifyMatcher.classify(plan, capture: capture), timeout: timeout,
                                  probesSent: capture.sent, answersDropped: capture.dropped)
        report.interrupted = capture.interrupted
        return report
    }

    /// The refusal without CAP_NET_RAW, with the hint.
    public static func accessDenied(probes: Int) -> IpNetError {
        .accessDenied("sending \(probes) ARP/ND probe\(probes == 1 ? "" : "s") needs CAP_NET_RAW; nothing was sent; "
                      + "run as root, or grant the capability (systemd: AmbientCapabilities=CAP_NET_RAW)")
    }
}
