import ArgumentParser
import IpNet

/// `neighsync entry get`: prints one entry, in whatever state it is; fails with ERROR_NOT_FOUND when there is none.
/// Windows equivalent: `GetIpNetEntry2`; netlink: RTM_GETNEIGH; iproute2: `ip neigh get ADDR dev DEV`.
struct EntryGetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "Print one neighbor entry (GetIpNetEntry2, 'ip neigh get').")

    @OptionGroup var common: CommonOptions

    @OptionGroup var entry: EntryRowOptions

    func validate() throws {
        try entry.check(needsAddress: true, needsInterface: true, lookupVerb: "get")
    }

    func run() throws {
        let session = EntrySession(common: common)
        try session.run { table in
            try session.print([try table.get(try entry.row(using: table))], links: try table.links())
        }
    }
}
