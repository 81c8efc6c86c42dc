import ArgumentParser
import IpNet
import FoundationEssentials
import Glibc

/// The `neighsync` command: a declarative reconciler for the kernel neighbor table (ARP/NDP). Exit codes are
/// stable: 0 success, 1 error (usage errors included), 2 changes present (`plan --detailed-exitcode`) or a
/// mismatch / conflict (`verify`).
/// iproute2 equivalent: `ip neigh` plus `ip -batch`, with a plan in between.
@main
struct NeighsyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "neighsync",
        abstract: "Keep the kernel neighbor table (ARP/NDP) equal to a YAML file of static entries.",
        discussion: """
            Exit codes: 0 success, 1 error, 2 changes present (plan --detailed-exitcode) or a pinned MAC the network
            contradicts (verify).
            Errors go to stderr, results to stdout.
            """,
        version: NeighsyncVersion.current,
        subcommands: [
            ValidateCommand.self,
            PlanCommand.self,
            ApplyCommand.self,
            ShowCommand.self,
            VerifyCommand.self,
            EntryCommand.self,
        ]
    )

    /// Parses and runs, mapping argument-parser usage errors (exit 64) to exit 1 so the codes stay 0/1/2.
    static func main() {
        // Large arrays (100,000 rows) are allocated and freed a few times per run; a fixed mmap threshold makes
        // glibc give their memory back to the kernel at once instead of keeping it in the heap.
        Allocator.useFixedMmapThreshold()
        Phases.start()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .success || error is ExitCode { exit(withError: error) }
            Console.err(fullMessage(for: error))
            Glibc.exit(1)
        }
    }
}
