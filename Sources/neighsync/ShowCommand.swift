import ArgumentParser
import IpNet
import NeighSync

/// `neighsync show`: the current neighbor table of a namespace. By default the static entries (permanent, noarp,
/// except the NOARP multicast entries the kernel makes itself); `--all` adds dynamic and kernel-made ones. `--output yaml` writes a desired-state file (bootstrap a repository from a host);
/// `--output json` writes a snapshot that `plan --state` reads. iproute2 equivalent: `ip neigh show nud all` and
/// `ip -j link show`.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print the current neighbor table (text, a desired-state YAML file, or a JSON snapshot).")

    @Option(help: ArgumentHelp("Only entries on this interface.", valueName: "name"))
    var interface: String?

    @Flag(help: "Include dynamic entries (reachable, stale, …), not only static ones.")
    var all = false

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if all && common.output == .yaml {
            throw ValidationError("--output yaml writes a desired-state file, which holds static entries only; drop --all")
        }
    }

    /// NOARP entries for multicast addresses (ff02::16, 224.0.0.22, …) are made by the kernel itself when a link
    /// joins a group; they are not configuration, so the default view (and a bootstrapped YAML file) leaves them out,
    /// as `ip neigh show` does. `--all` shows them.
    static func isKernelMade(_ r: IpNetRow2) -> Bool { r.state == .noarp && r.address.isMulticast }

    func run() throws {
        let links: [Link]
        var rows: [IpNetRow2]
        do {
            let table = try NeighborTable(namespace: common.netns)
            links = try table.links()
            rows = try table.table(family: .unspecified)
        } catch let e as IpNetError {
            throw Console.fail(e.description)
        }
        var shownLinks = links
        if let interface {
            guard let link = links.first(where: { $0.name == interface }) else {
                throw Console.fail("ERROR_NOT_FOUND: no interface named '\(interface)' in this namespace; "
                                   + "see 'ip link show'")
            }
            rows = rows.filter { $0.effectiveInterfaceIndex == link.index }
            shownLinks = [link]
        }
        if !all { rows = rows.filter { $0.state.isStatic && !Self.isKernelMade($0) } }
        rows.sort { $0.key < $1.key }
        switch common.output {
        case .json:
            Console.out(SnapshotWriter.json(links: shownLinks, rows: rows))
        case .yaml:
            let ns = common.netns.map { "namespace \($0)" } ?? "the current namespace"
            Console.out(DesiredStateWriter.yaml(rows: rows, links: links,
                                                header: ["Written by 'neighsync show --output yaml' from \(ns)."]))
        case .text:
            var names: [UInt32: String] = [:]
            for l in links { names[l.index] = l.name }
            Console.out(rows.map { RowText.line($0, interfaceName: names[$0.effectiveInterfaceIndex]) + "\n" }
                .joined())
        }
    }
}
