import ArgumentParser

/// The `neighsync` command: a declarative reconciler for the kernel neighbor table (ARP/NDP).
@main
struct NeighsyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "neighsync",
        abstract: "Keep the kernel neighbor table (ARP/NDP) equal to a YAML file of static entries.",
        version: NeighsyncVersion.current,
        subcommands: [
            // subcommands are registered here, one line each
            EntryCommand.self,
        ]
    )
}
