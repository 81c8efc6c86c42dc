import ArgumentParser
import IpNet
import NeighSync

/// `neighsync validate`: checks a desired-state file or directory and prints every problem at `file:line:col`;
/// with a namespace (default: the current one) also checks that interfaces exist, MAC lengths fit the links and the
/// family is enabled. `--offline` skips the host checks (CI). iproute2 equivalent: none (`ip -batch` fails at run
/// time, at the first bad line).
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a desired-state file (or directory) and report every error at file:line:col.")

    @Option(name: .shortAndLong, help: ArgumentHelp("Desired-state file or directory of *.yaml files.",
                                                    valueName: "path"))
    var file: String

    @Flag(help: "Skip the checks that need the host (interfaces, MAC lengths, IPv6 enabled).")
    var offline = false

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if offline && common.netns != nil { throw ValidationError("--offline and --netns exclude each other") }
        if common.output == .yaml { throw ValidationError("--output takes text or json here") }
    }

    struct Result: Encodable {
        var ok: Bool
        var neighbors: Int
        var interfaces: Int
        var files: [String]
        var errors: [Console.DiagnosticRecord]
    }

    func run() throws {
        var failure: DiagnosticList?
        var state = DesiredState()
        var interfaces = 0
        do {
            state = try DesiredStateLoader.load(path: file).get()
            interfaces = Set(state.neighbors.map(\.interface.description)).count
            if !offline {
                let table: NeighborTable
                do { table = try NeighborTable(namespace: common.netns) } catch let e as IpNetError {
                    throw Console.fail("\(e.description); to check the file without the host, pass --offline")
                }
                let links = try table.links()
                let rows = try state.resolve(links: links).get()
                interfaces = Set(rows.map(\.row.interfaceIndex)).count
            }
        } catch let list as DiagnosticList {
            failure = list
        }
        let diagnostics = failure?.diagnostics ?? []
        let ok = diagnostics.isEmpty
        switch common.output {
        case .json:
            Console.out(try Console.json(Result(ok: ok, neighbors: ok ? state.neighbors.count : 0,
                                                interfaces: ok ? interfaces : 0, files: state.files,
                                                errors: diagnostics.map(Console.DiagnosticRecord.init))))
        default:
            if ok {
                Console.out("ok: \(state.neighbors.count) neighbor\(state.neighbors.count == 1 ? "" : "s") on "
                            + "\(interfaces) interface\(interfaces == 1 ? "" : "s")\n")
            } else if let failure {
                Console.report(failure, "nothing was applied")
            }
        }
        if !ok { throw ExitCode(1) }
    }
}
