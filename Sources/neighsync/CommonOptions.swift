import ArgumentParser
import IpNet

/// The options every subcommand shares: the network namespace to work in and the output format. iproute2
/// equivalent: `ip -n NAME` and `ip -j`.
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Work in the network namespace /run/netns/NAME (as 'ip -n NAME').",
                                            valueName: "name"))
    var netns: String?

    @Option(name: .long, help: "Output format: text or json.")
    var output: OutputFormat = .text

    /// Refuses a `--netns` that is not a namespace name (`..`, `.`, a slash, …) before anything is opened or
    /// created: `NamespaceName` is the one validator. iproute2: `invalid_name()` in ip/ipnetns.c.
    func validate() throws {
        if let netns, let problem = NamespaceName.problem(netns) {
            throw ValidationError("--netns: \(problem); give the NAME of \(NamespaceName.directory)/NAME as "
                                  + "'ip netns list' shows it")
        }
    }
}

/// The output formats: human text or JSON for machines (`yaml` only where a command says so). iproute2
/// equivalent: plain output or `ip -j`.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, yaml
}
