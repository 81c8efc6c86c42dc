import ArgumentParser
import IpNet
import IpNetCore

/// `neighsync entry table`: prints every entry of a family (both by default), optionally of one interface. Windows
/// equivalent: `GetIpNetTable2` (filtered by `--interface`, `--index` or `--luid` as the other entry calls);
/// netlink: RTM_GETNEIGH dump; iproute2: `ip neigh show [dev DEV]`.
struct EntryTableCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "table", abstract: "Print the neighbor table (GetIpNetTable2, 'ip neigh show').")

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: "The family: ipv4, ipv6 or all.")
    var family: EntryFamilyOption = .all

    @Option(name: .long, help: ArgumentHelp("Only this interface, by name.", valueName: "name"))
    var interface: String?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Only this interface, by index.", valueName: "n"))
    var index: UInt32?

    @Option(name: .long, help: ArgumentHelp("Only this interface, by LUID (0 means 'use the index').",
                                            valueName: "luid"))
    var luid: String?

    @Flag(name: .long, help: "Only managed entries (NTF_EXT_MANAGED), in the state the kernel resolved them to.")
    var managed = false
    @Flag(name: .long, help: "List the proxy entries instead (NTF_PROXY, 'ip neigh show proxy').")
    var proxy = false

    /// The parsed `--luid`, nil when absent or zero (a zero LUID means "use the index", as in Windows).
    var parsedLuid: NetLuid? { luid.flatMap(NetLuid.init).flatMap { $0.isZero ? nil : $0 } }

    func validate() throws {
        if let luid, NetLuid(luid) == nil {
            throw ValidationError("--luid '\(luid)' is not a LUID; write it as 0x0006000003000000")
        }
        if interface != nil && (index != nil || parsedLuid != nil) {
            throw ValidationError("give --interface, or --index and/or --luid, not both")
        }
        if index == 0 { throw ValidationError("--index takes an interface index (1 or more); omit it for all") }
        if proxy && managed { throw ValidationError("--proxy lists the proxy table, which holds no managed entries") }
        if let l = parsedLuid, let index, l.netLuidIndex != index {
            throw ValidationError("--luid \(l) names interface index \(l.netLuidIndex) but --index is \(index); give "
                                  + "only one of them")
        }
    }

    func run() throws {
        let session = EntrySession(common: common)
        try session.run { table in
            let links = try table.links()
            let filter = try interfaceFilter(links)
            let all = proxy ? try table.proxyTable(family: family.family) : try table.table(family: family.family)
            let rows = all.filter {
                (filter == 0 || $0.interfaceIndex == filter) && (!managed || $0.flags.contains(.managed))
            }
            try session.print(rows, links: links)
        }
    }

    /// The interface index selected by --interface/--index, 0 for all; a missing interface is `ERROR_NOT_FOUND`
    /// either way (as `GetIpNetTable2` filtered by a missing interface, and `ip neigh show dev NOSUCH`).
    func interfaceFilter(_ links: [Link]) throws -> UInt32 {
        if let interface {
            guard let link = links.first(where: { $0.isNameExact && $0.name == interface }) else {
                throw IpNetError.notFound("no interface named \(interface)")
            }
            return link.index
        }
        if let l = parsedLuid {
            // The whole LUID must match, IfType included (as `ConvertInterfaceLuidToIndex`).
            guard let link = links.first(where: { $0.luid == l }) else {
                throw IpNetError.notFound("no interface with LUID \(l)")
            }
            return link.index
        }
        guard let index else { return 0 }
        guard links.contains(where: { $0.index == index }) else {
            throw IpNetError.notFound("no interface with index \(index)")
        }
        return index
    }
}
