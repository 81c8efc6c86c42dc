import ArgumentParser
import IpNet
import NeighSync
import IpNetCore
import NeighSyncCore

/// `neighsync validate`: checks a desired-state file or directory and prints every problem at `file:line:col`;
/// with a namespace (default: the current one) also checks that interfaces exist, MAC lengths fit the links and the
/// family is enabled, and warns about the table's other writers (`LiveCoexistence`). `--offline` skips the host
/// checks (CI).
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a desired-state file (or directory) and report every error at file:line:col.")

    @Option(name: .shortAndLong, help: ArgumentHelp("Desired-state file or directory of *.yaml files; - reads standard input.",
                                                    valueName: "path"))
    var file: String

    @Flag(help: "Skip the checks that need the host (interfaces, MAC lengths, IPv6 enabled).")
    var offline = false

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if offline && common.netns != nil { throw ValidationError("--offline and --netns exclude each other") }
    }

    /// The JSON result: counts, files, and the `ok`/`error`/`errors`/`warnings` fields of `ErrorDocument`.
    struct Result: Encodable {
        var ok: Bool
        var neighbors: Int
        /// The proxy entries (`proxies:`), when the file has any; `neighbors` counts the others.
        var proxies: Int?
        var interfaces: Int
        var files: [String]
        var error: String?
        var errors: [DiagnosticRecord]
        var warnings: [DiagnosticRecord]
        var pending: [PendingRecord]
    }

    func run() throws {
        var failure: DiagnosticList?
        var state = DesiredState()
        var interfaces = 0
        var pending: [PendingNeighbor] = []
        do {
            state = try DesiredStateLoader.load(path: file).get()
            interfaces = Set(state.neighbors.map(\.interface.description)).count
            if !offline {
                let table: NeighborTable
                do { table = try NeighborTable(namespace: common.netns) } catch {
                    throw Console.fail(error, outcome: "nothing was applied", json: common.output == .json,
                                       hint: "; to check the file without the host, pass --offline")
                }
                let links = try table.links()
                let resolution = try state.resolve(links: links, localRoutes: state.needsLocalRoutes
                                                       ? try table.localRoutes() : nil).get()
                if let problems = ManagedSupportCheck.problems(desired: resolution.entries, table: table) {
                    throw problems
                }
                if !state.parameters.isEmpty {
                    try Reconciliation.check(state.parameters, initialNamespace: try table.isInitialNamespace())
                }
                pending = resolution.pending
                let extra = try LiveCoexistence.warnings(
                    entries: resolution.entries, links: links, ownerProtocol: state.ownerProtocol,
                    current: try table.tableWithProxies(family: .unspecified), table: table, netns: common.netns,
                    desiredParameters: state.parameters)
                if !extra.isEmpty {
                    state.warnings = DiagnosticList(state.warnings.diagnostics + extra,
                                                    snippets: state.warnings.snippets)
                }
                interfaces = Set(resolution.entries.map(\.row.interfaceIndex)).count
                    + PendingNeighbor.interfaces(pending.filter { $0.interfaceIndex == nil }).count
            }
        } catch let list as DiagnosticList {
            // A load failure carries its warnings; a resolve failure gets those of the load added.
            failure = state.warnings.count == 0 ? list
                : DiagnosticList(list.diagnostics + state.warnings.diagnostics,
                                 snippets: list.snippets.merging(state.warnings.snippets) { a, _ in a })
        }
        let ok = failure == nil
        let proxies = state.neighbors.reduce(0) { $0 + ($1.isProxy ? 1 : 0) }
        let all = failure ?? state.warnings
        let summary = "\(all.countText); nothing was applied"
        switch common.output {
        case .json:
            Console.out(try Console.json(Result(
                ok: ok, neighbors: ok ? state.neighbors.count - proxies : 0, proxies: ok && proxies > 0 ? proxies : nil,
                interfaces: ok ? interfaces : 0,
                files: state.files, error: ok ? nil : summary,
                errors: all.diagnostics.filter(\.isError).map(DiagnosticRecord.init),
                warnings: all.diagnostics.filter { !$0.isError }.map(DiagnosticRecord.init),
                pending: ok ? pending.map(PendingRecord.init) : [])))
        case .text:
            if let failure {
                Console.report(failure, "nothing was applied")
            } else {
                Console.warn(state.warnings)
                let neighbors = state.neighbors.count - proxies
                Console.out("ok: \(neighbors) neighbor\(neighbors == 1 ? "" : "s")"
                            + (proxies == 0 ? "" : " and \(proxies) prox\(proxies == 1 ? "y" : "ies")")
                            + " on \(interfaces) interface\(interfaces == 1 ? "" : "s")"
                            + (state.parameters.isEmpty ? "" : ", \(state.parameters.count) "
                               + (state.parameters.count == 1 ? "parameter" : "parameters"))
                            + (pending.isEmpty ? "" : "; \(pending.count) pending") + "\n")
                for line in PendingNeighbor.problems(pending) { Console.err("note: pending: \(line)") }
            }
        }
        if !ok { throw ExitCode(1) }
    }
}
