import ArgumentParser
import IpNet
import IpNetCore

/// `neighsync entry flush`: deletes every entry of a family (both by default) on one interface, or on all with
/// `--all`, except kernel-made NOARP entries, and prints how many went. Windows equivalent: `FlushIpNetTable2`;
/// netlink: RTM_GETNEIGH dump + batched RTM_DELNEIGH; iproute2: `ip neigh flush dev DEV nud all`.
struct EntryFlushCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "flush", abstract: "Delete the neighbor entries of an interface (FlushIpNetTable2, 'ip neigh flush').")

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: "The family: ipv4, ipv6 or all.")
    var family: EntryFamilyOption = .all

    @Option(name: .long, help: ArgumentHelp("Only this interface, by name.", valueName: "name"))
    var interface: String?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Only this interface, by index.", valueName: "n"))
    var index: UInt32?

    @Flag(name: .long, help: "Flush every interface (needed when no interface is given).")
    var all = false

    func validate() throws {
        if interface != nil && index != nil { throw ValidationError("give --interface or --index, not both") }
        if interface == nil && index == nil && !all {
            throw ValidationError("flush needs --interface NAME, --index N, or --all for every interface")
        }
    }

    func run() throws {
        try EntrySession(common: common).run { table in
            let n = try table.flush(family: family.family, interfaceIndex: try interfaceFilter(table))
            if common.output == .json {
                print("{\"deleted\":\(n)}")
            } else {
                print("deleted \(n) \(n == 1 ? "entry" : "entries")")
            }
        }
    }

    /// The interface index selected by --interface/--index, 0 for all.
    func interfaceFilter(_ table: NeighborTable) throws -> UInt32 {
        guard let interface else { return index ?? 0 }
        guard let link = try table.link(named: interface) else {
            throw IpNetError.notFound("no interface named \(interface)")
        }
        return link.index
    }
}
