import ArgumentParser
import IpNet
import IpNetCore

/// The options every subcommand shares: the network namespace to work in, the output format (`text` or `json`) and
/// `--no-color`. `show`, which also writes YAML, has its own `ShowOptions` with the same names. iproute2 equivalent:
/// `ip -n NAME`, `ip -j` and `ip -color=never`.
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: CommonOptions.netnsHelp)
    var netns: String?

    @Option(name: .long, help: ArgumentHelp("The output format.", valueName: "format"))
    var output: OutputFormat = .text

    @Flag(name: .long, help: CommonOptions.noColorHelp)
    var noColor = false

    /// The help of `--netns`, shared with `ShowOptions`.
    static let netnsHelp = ArgumentHelp("Work in the network namespace /run/netns/NAME (as 'ip -n NAME').",
                                        valueName: "name")

    /// The help of `--no-color`, shared with `ShowOptions`.
    static let noColorHelp = ArgumentHelp("Never colour the output (colour is used only on a terminal, and not when "
                                          + "NO_COLOR is set to a non-empty value).")

    /// Refuses a `--netns` that is not a namespace name (`..`, `.`, a slash, …) before anything is opened or
    /// created: `NamespaceName` is the one validator. iproute2: `invalid_name()` in ip/ipnetns.c.
    func validate() throws { try CommonOptions.check(netns: netns) }

    /// The `--netns` check of `validate()`, shared with `ShowOptions`.
    static func check(netns: String?) throws {
        if let netns, let problem = NamespaceName.problem(netns) {
            throw ValidationError("--netns: \(problem); give the NAME of \(NamespaceName.directory)/NAME as "
                                  + "'ip netns list' shows it")
        }
    }
}

/// The output formats of every command but `show`: human text or JSON for machines. iproute2 equivalent: plain
/// output or `ip -j`.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
