import ArgumentParser
import IpNet

/// `neighsync entry resolve`: asks the network for the neighbor's link-layer address and prints the entry once it
/// is REACHABLE; fails with ERROR_BAD_NET_NAME when nobody answers within `--timeout`. Windows equivalent:
/// `ResolveIpNetEntry2`; netlink: RTM_NEWNEIGH CREATE|REPLACE, NUD_NONE, NTF_USE; iproute2: `ip neigh replace ADDR
/// dev DEV use nud none`.
struct EntryResolveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resolve", abstract: "Resolve a neighbor's link-layer address (ResolveIpNetEntry2).")

    @OptionGroup var common: CommonOptions

    @OptionGroup var entry: EntryRowOptions

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Seconds to wait for an answer.", valueName: "seconds"))
    var timeout: Double = 5

    func validate() throws {
        try entry.check(needsAddress: true, needsInterface: true, lookupVerb: "resolve")
        guard timeout > 0, timeout <= 600 else { throw ValidationError("--timeout must be more than 0 and at most 600 seconds") }
    }

    func run() throws {
        let session = EntrySession(common: common)
        try session.run { table in
            let row = try table.resolve(try entry.row(using: table), timeout: .milliseconds(Int64(timeout * 1000)))
            try session.print([row], links: try table.links())
        }
    }
}
