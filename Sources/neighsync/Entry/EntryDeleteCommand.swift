import ArgumentParser
import IpNet

/// `neighsync entry delete`: deletes one entry and prints nothing; fails with ERROR_NOT_FOUND when there is none.
/// Windows equivalent: `DeleteIpNetEntry2`; netlink: RTM_DELNEIGH; iproute2: `ip neigh del ADDR dev DEV`.
struct EntryDeleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete one neighbor entry (DeleteIpNetEntry2, 'ip neigh del').")

    @OptionGroup var common: CommonOptions

    @OptionGroup var entry: EntryRowOptions

    func validate() throws {
        try entry.check(needsAddress: true, needsInterface: true, lookupVerb: "delete")
    }

    func run() throws {
        try EntrySession(common: common).run { table in
            try table.delete(try entry.row(using: table))
        }
    }
}
