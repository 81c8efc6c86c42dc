import ArgumentParser
import IpNet

/// `neighsync entry table`: prints every entry of a family (both by default), optionally of one interface. Windows
/// equivalent: `GetIpNetTable2`; netlink: RTM_GETNEIGH dump; iproute2: `ip neigh show [dev DEV]`.
struct EntryTableCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "table", abstract: "Print the neighbor table (GetIpNetTable2, 'ip neigh show').")

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: "The family: ipv4, ipv6 or all.")
    var family: EntryFamilyOption = .all

    @Option(name: .long, help: ArgumentHelp("Only this interface, by name.", valueName: "name"))
    var interface: String?

    @Option(name: .long, help: ArgumentHelp("Only this interface, by index.", valueName: "n"))
    var index: UInt32?

    func validate() throws {
        try EntrySession.checkOutput(common)
        if interface != nil && index != nil { throw ValidationError("give --interface or --index, not both") }
    }

    func run() throws {
        let session = EntrySession(common: common)
        try session.run { table in
            let filter = try interfaceFilter(table)
            let rows = try table.table(family: family.family).filter { filter == 0 || $0.interfaceIndex == filter }
            try session.print(rows, links: try table.links())
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
