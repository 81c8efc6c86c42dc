import ArgumentParser

/// The common options of `neighsync show`: those of `CommonOptions` (`--netns`, `--output`, `--no-color`), with
/// `--output` also offering `yaml` (a desired-state file). iproute2 equivalent: `ip -n NAME`, `ip -j`.
struct ShowOptions: ParsableArguments {
    @Option(name: .long, help: CommonOptions.netnsHelp)
    var netns: String?

    @Option(name: .long, help: ArgumentHelp("The output format: text (as 'ip neigh show'), yaml (a desired-state "
                                            + "file) or json (a snapshot for 'plan --state').", valueName: "format"))
    var output: ShowFormat = .text

    @Flag(name: .long, help: CommonOptions.noColorHelp)
    var noColor = false

    /// Refuses a `--netns` that is not a namespace name, as `CommonOptions` does.
    func validate() throws { try CommonOptions.check(netns: netns) }
}

/// The output formats of `show`. iproute2 equivalent: plain output or `ip -j`; YAML has none.
enum ShowFormat: String, ExpressibleByArgument, CaseIterable {
    case text, yaml, json
}
