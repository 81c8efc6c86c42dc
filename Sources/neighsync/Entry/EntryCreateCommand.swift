import ArgumentParser
import IpNet

/// `neighsync entry create`: creates one entry and prints it as the kernel then has it; fails with
/// ERROR_OBJECT_ALREADY_EXISTS when it is already there. Windows equivalent: `CreateIpNetEntry2`; netlink:
/// RTM_NEWNEIGH CREATE|EXCL; iproute2: `ip neigh add ADDR lladdr MAC dev DEV`.
struct EntryCreateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create one neighbor entry (CreateIpNetEntry2, 'ip neigh add').")

    @OptionGroup var common: CommonOptions

    @OptionGroup var entry: EntryRowOptions

    func validate() throws {
        try entry.check(needsAddress: true, needsInterface: true)
    }

    func run() throws {
        let session = EntrySession(common: common)
        try session.run { table in
            let row = try entry.row(using: table)
            try table.create(row)
            try session.print([try table.get(row)], links: try table.links())
        }
    }
}
