import ArgumentParser
import IpNet

/// `neighsync entry set`: replaces an existing entry (MAC, state, router flag, protocol) and prints it; fails with
/// ERROR_NOT_FOUND when there is none. Windows equivalent: `SetIpNetEntry2`; netlink: RTM_NEWNEIGH REPLACE;
/// iproute2: `ip neigh change ADDR lladdr MAC dev DEV`.
struct EntrySetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "set", abstract: "Replace an existing neighbor entry (SetIpNetEntry2, 'ip neigh change').")

    @OptionGroup var common: CommonOptions

    @OptionGroup var entry: EntryRowOptions

    func validate() throws {
        try entry.check(needsAddress: true, needsInterface: true)
    }

    func run() throws {
        let session = EntrySession(common: common)
        try session.run { table in
            let row = try entry.row(using: table)
            try table.set(row)
            try session.print([try table.get(row)], links: try table.links())
        }
    }
}
