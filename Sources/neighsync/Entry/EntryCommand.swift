import ArgumentParser

/// `neighsync entry …`: the seven IP Helper neighbor calls, one row at a time, printing Windows status names on
/// failure (`error: ERROR_OBJECT_ALREADY_EXISTS: 192.0.2.10 already exists on veth0`, exit 1). iproute2
/// equivalent: `ip neigh add|change|del|get|show|flush`.
struct EntryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "entry",
        abstract: "Create, set, delete, get, list, flush or resolve single neighbor entries.",
        subcommands: [
            EntryCreateCommand.self, EntrySetCommand.self, EntryDeleteCommand.self, EntryGetCommand.self,
            EntryTableCommand.self, EntryFlushCommand.self, EntryResolveCommand.self,
        ]
    )
}
