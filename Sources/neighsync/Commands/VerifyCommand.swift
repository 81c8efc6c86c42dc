import ArgumentParser
import FoundationEssentials
import IpNet
import NeighSync
import IpNetCore
import NeighSyncCore

/// `neighsync verify`: asks the network whether each pinned MAC is still the one behind its address, without
/// touching the entry. One ARP request (or RFC 5227 probe) / IPv6 neighbor solicitation per desired entry, from a
/// raw packet socket on the entry's interface, all in flight at once (paced at `--rate`), answers collected for
/// `--timeout`; each entry is `confirmed`, `mismatch`, `conflict`, `silent` or `skipped` (`VerifyRun`). Exit 0 when
/// nothing is `mismatch` or `conflict`, 2 when something is (`--strict`: `silent` too), 1 on error. Needs
/// CAP_NET_RAW. Equivalent: `arping -I DEV ADDR` / `ndisc6 ADDR DEV` per entry, compared by hand.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every pinned MAC against the wire (ARP / neighbor solicitation), without changing the table.",
        discussion: """
            Exit codes: 0 nothing mismatched, 2 a mismatch or conflict (with --strict also a silent entry), 1 error.
            Needs CAP_NET_RAW.
            """)

    @Option(name: .shortAndLong, help: ArgumentHelp("Desired-state file or directory of *.yaml files.",
                                                    valueName: "path"))
    var file: String?

    @Flag(help: ArgumentHelp("Probe every entry of the table carrying the owner protocol (the file's "
                             + "owner.protocol with -f, else 245) instead of the file's entries."))
    var allOwned = false

    @Option(help: ArgumentHelp("How long to collect answers after the last probe (e.g. 500ms, 1s; at most 60s).",
                               valueName: "duration"))
    var timeout = "1s"

    @Option(help: ArgumentHelp("Probes sent per second (1 to 100000).", valueName: "n"))
    var rate = 1000

    @Flag(help: "Count silent entries (no answer) as failures too: exit 2.")
    var strict = false

    @Option(help: ArgumentHelp("Write Prometheus metrics of the run to this file (atomically): "
                               + "neighsync_verify_results{result} and when it ran.", valueName: "file"))
    var metrics: String?

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if file == nil && !allOwned {
            throw ValidationError("give the desired state with -f PATH (or --all-owned to probe the owned entries)")
        }
        guard let t = DurationText.parse(timeout), t > .zero, t <= .seconds(60) else {
            throw ValidationError("--timeout '\(timeout)' is not a duration from 1ms to 60s; write e.g. 500ms or 1s")
        }
        _ = t
        guard (1...100_000).contains(rate) else {
            throw ValidationError("--rate \(rate) is not a number of probes per second from 1 to 100000")
        }
        if let metrics, metrics.isEmpty || metrics.hasSuffix("/") {
            throw ValidationError("--metrics needs a file path, e.g. /var/lib/node_exporter/textfile_collector/"
                                  + "neighsync-verify.prom")
        }
        if let metrics {
            // Before anything is probed: a path that cannot be written is a usage error, not a failure after the run.
            do { try MetricsFile.checkWritable(metrics) } catch { throw ValidationError("--metrics: \(error)") }
        }
    }

    /// True with `--output json`: failures then also print an `ErrorDocument` on stdout.
    var json: Bool { common.output == .json }

    func run() throws {
        let started = Date()
        let window = DurationText.parse(timeout)!
        let report: VerifyReport
        do {
            let table = try NeighborTable(namespace: common.netns)
            var rows: [DesiredRow]
            var pending: [PendingNeighbor] = []
            var links: [Link]
            if let file {
                let r = try Reconciliation.gather(path: file, table: table)
                Console.warn(r.state.warnings)
                links = r.links
                if allOwned {
                    rows = VerifyPlan.ownedRows(r.current, ownerProtocol: r.state.ownerProtocol)
                } else {
                    rows = r.desired
                    pending = r.pending
                }
            } else {
                links = try table.links()
                rows = VerifyPlan.ownedRows(try table.table(family: .unspecified),
                                            ownerProtocol: DesiredState.defaultOwnerProtocol)
            }
            report = try VerifyRun.run(rows: rows, pending: pending, links: links, addresses: try table.addresses(),
                                       namespace: common.netns,
                                       rate: rate, timeout: window)
        } catch let list as DiagnosticList {
            Console.report(list, "nothing was probed", json: json)
            throw ExitCode(1)
        } catch let e as IpNetError {
            throw Console.fail(e, json: json)
        } catch let e as RecordError {
            throw Console.fail(e, outcome: "nothing was probed", json: json)
        }
        if let metrics {
            let now = Date()
            do {
                try MetricsFile.write(verify: report, finishedAt: now.timeIntervalSince1970,
                                      durationSeconds: now.timeIntervalSince(started), to: metrics)
            } catch { throw Console.fail("\(error)", json: json) }
        }
        switch common.output {
        case .json: Console.out(try Console.json(VerifyDocument(report)))
        case .text: Console.out(VerifyRenderer(color: Console.useColor(noColorFlag: common.noColor)).render(report))
        }
        let code = report.exitCode(strict: strict)
        if code != 0 { throw ExitCode(code) }
    }
}
