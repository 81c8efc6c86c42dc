import ArgumentParser
import IpNet
import NeighSync
import IpNetCore
import NeighSyncCore

/// `neighsync show`: the current neighbor table of a namespace (`ShowSelection` says which rows each output holds).
/// Text: the static entries as `ip neigh show` prints them, except the NOARP multicast entries the kernel makes
/// itself; `--all` adds dynamic and kernel-made ones. `--output json`: a snapshot for `plan --state`, always every
/// entry. `--output yaml`: a desired-state file (bootstrap a repository from a host) of the owned and unowned static
/// entries; other owners' entries only with `--include-foreign`, and stderr says how many were left out. iproute2
/// equivalent: `ip neigh show nud all` and `ip -j link show`.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print the current neighbor table (text, a desired-state YAML file, or a JSON snapshot).")

    @Option(help: ArgumentHelp("Only entries on this interface.", valueName: "name"))
    var interface: String?

    @Flag(help: ArgumentHelp("Text: include dynamic and kernel-made entries, not only static ones.",
                             discussion: "A JSON snapshot always holds every entry."))
    var all = false

    @Flag(help: "YAML: also write static entries of other owners; applying the file takes them over.")
    var includeForeign = false

    @Option(parsing: .unconditional, help: ArgumentHelp("YAML: the owner protocol of the file; entries carrying it are neighsync's.",
                               valueName: "n"))
    var ownerProtocol: UInt8 = DesiredState.defaultOwnerProtocol

    @Flag(help: ArgumentHelp("YAML: also write the neighbor-table parameters (a host's defaults are not desired "
                             + "state by themselves)."))
    var parameters = false

    @OptionGroup var common: ShowOptions

    func validate() throws {
        if all && common.output == .yaml {
            throw ValidationError("--output yaml writes a desired-state file, which holds static entries only; drop --all")
        }
        if parameters && common.output != .yaml {
            throw ValidationError("--parameters chooses what a bootstrapped file holds; use it with --output yaml "
                                  + "(the JSON snapshot always holds the parameters)")
        }
        if includeForeign && common.output != .yaml {
            throw ValidationError("--include-foreign chooses what a bootstrapped file holds; use it with --output yaml")
        }
        // The file's own rule (`OwnerProtocolRule`): a bootstrapped file must load.
        if let f = OwnerProtocolRule.check(ownerProtocol, key: "--owner-protocol"), f.severity == .error {
            throw ValidationError(f.message)
        }
    }

    func run() throws {
        let links: [Link]
        var rows: [IpNetRow2]
        var sets: [NeighborParameterSet] = []
        var initial = false
        do {
            let table = try NeighborTable(namespace: common.netns)
            links = try table.links()
            rows = try table.tableWithProxies(family: .unspecified)
            // The snapshot always holds them (so plan --state can plan a file's parameters); YAML only when asked.
            if common.output == .json || (common.output == .yaml && parameters) {
                sets = try table.parameters()
                initial = try table.isInitialNamespace()
            }
        } catch {
            throw Console.fail(error, outcome: "nothing was shown")
        }
        var shownLinks = links
        if let interface {
            guard let link = links.first(where: { $0.isNameExact && $0.name == interface }) else {
                throw Console.fail("ERROR_NOT_FOUND: no interface named '\(DisplayText.escaped(interface))' in this "
                                   + "namespace; see 'ip link show'")
            }
            rows = rows.filter { $0.effectiveInterfaceIndex == link.index }
            shownLinks = [link]
            sets = sets.filter { $0.interfaceIndex == link.index }
        }
        rows.sort { $0.key < $1.key }
        switch common.output {
        case .json:
            Console.out(SnapshotWriter.json(links: shownLinks, rows: rows, parameters: sets, initialNamespace: initial))
        case .yaml:
            let chosen = ShowSelection.bootstrap(rows, ownerProtocol: ownerProtocol, includeForeign: includeForeign)
            let ns = common.netns.map { "namespace \($0)" } ?? "the current namespace"
            Console.out(DesiredStateWriter.yaml(rows: chosen.rows, links: links, ownerProtocol: ownerProtocol,
                                                header: ["Written by 'neighsync show --output yaml' from \(ns)."])
                        + ParameterWriter.yaml(sets, links: shownLinks, initialNamespace: initial))
            for note in DesiredStateWriter.notes(rows: chosen.rows, links: links) { Console.err("note: \(note)\n") }
            for note in ParameterWriter.notes(sets, links: shownLinks) { Console.err("note: \(note)\n") }
            let left = chosen.foreignLeftOut.values.reduce(0, +)
            if left > 0 {
                let per = chosen.foreignLeftOut.keys.sorted().map {
                    "\(chosen.foreignLeftOut[$0]!) of protocol \(NeighborProtocolName.described($0))"
                }.joined(separator: ", ")
                Console.err("note: left out \(left) \(left == 1 ? "entry" : "entries") of other owners (\(per)): "
                            + "applying the file would take them over; add --include-foreign to write them too")
            }
        case .text:
            var names: [UInt32: String] = [:]
            for l in links { names[l.index] = l.name }
            Console.out(ShowSelection.text(rows, all: all)
                .map { RowText.line($0, interfaceName: names[$0.effectiveInterfaceIndex]) + "\n" }.joined())
        }
    }
}
