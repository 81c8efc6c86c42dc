import ArgumentParser
import IpNet
import NeighSync
import IpNetCore
import NeighSyncCore

/// `neighsync plan`: what apply would do, as a Terraform-style diff or JSON, from the live table of a namespace or,
/// with `--state`, from a saved snapshot without privileges or netlink. `--detailed-exitcode` exits 2 when there
/// are changes; `--out FILE` saves the plan for `neighsync apply FILE`; `--hosts DIR` plans a whole fleet of saved
/// snapshots (`FleetPlanRun`).
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show the changes apply would make (create +, set ~, delete -).")

    @Option(name: .shortAndLong, help: ArgumentHelp("Desired-state file or directory of *.yaml files; - reads standard input.",
                                                    valueName: "path"))
    var file: String?

    @Option(help: ArgumentHelp("Plan every host of a fleet directory offline, in parallel: DIR/NAME/neighbors.yaml "
                               + "(or neighbors/) against DIR/NAME/state.json, one diff per host and a summary "
                               + "table.", valueName: "dir"))
    var hosts: String?

    @Option(help: ArgumentHelp("Plan against a saved state instead of the kernel: the output of "
                               + "'neighsync show --output json', or of 'ip -j neigh show nud all' "
                               + "together with --links.", valueName: "snapshot"))
    var state: String?

    @Option(help: ArgumentHelp("With --state: the output of 'ip -j link show' from the same namespace.",
                               valueName: "file"))
    var links: String?

    @Flag(help: "Exit 0 when there are no changes, 2 when there are, 1 on error.")
    var detailedExitcode = false

    @Option(help: ArgumentHelp("Save the plan for 'neighsync apply FILE'.", valueName: "file"))
    var out: String?

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if (file == nil) == (hosts == nil) {
            throw ValidationError(hosts == nil ? "give the desired state with -f PATH (or a fleet with --hosts DIR)"
                                  : "--hosts plans each host's own files; drop -f")
        }
        if hosts != nil && (state != nil || links != nil || out != nil || common.netns != nil) {
            throw ValidationError("--hosts reads each host's DIR/NAME/state.json offline; drop --state, --links, "
                                  + "--out and --netns")
        }
        if state != nil && common.netns != nil { throw ValidationError("--state and --netns exclude each other") }
        if links != nil && state == nil { throw ValidationError("--links goes with --state") }
        if out != nil && state != nil {
            throw ValidationError("--out saves a plan for apply, which needs the live table; drop --state")
        }
    }

    /// True with `--output json`: failures then also print an `ErrorDocument` on stdout.
    var json: Bool { common.output == .json }

    func run() throws {
        if let hosts {
            return try FleetPlanRun(directory: hosts, json: json,
                                    color: Console.useColor(noColorFlag: common.noColor),
                                    detailedExitcode: detailedExitcode).run()
        }
        let file = file!
        let r: Reconciliation
        var coexistence: [Diagnostic] = []
        do {
            if let state {
                r = try Reconciliation.gather(path: file, snapshot: state, links: links)
                coexistence = r.coexistenceWarnings()
            } else {
                let table = try NeighborTable(namespace: common.netns)
                r = try Reconciliation.gather(path: file, table: table)
                coexistence = try LiveCoexistence.warnings(entries: r.desired, links: r.links,
                                                           ownerProtocol: r.state.ownerProtocol, current: r.current,
                                                           table: table, netns: common.netns,
                                                           desiredParameters: r.state.parameters)
            }
        } catch {
            throw Console.fail(error, outcome: "no plan was made", json: json)
        }
        Console.warn(r.warnings(adding: coexistence))
        let plan = r.plan()
        if out != nil, !r.state.parameters.isEmpty {
            // A saved plan records entries only: applying it could not repair the parameters the file manages.
            throw Console.fail("--out: saved plans do not carry neighbor-table parameters yet, and this file manages "
                               + "\(r.state.parameters.count); plan and apply it with -f instead", json: json)
        }
        if let out {
            do {
                try PlanFile(namespace: common.netns, desired: r.desired, links: r.links, current: r.current,
                             plan: plan).write(to: out)
            } catch { throw Console.fail(error, outcome: "no plan was made", json: json) }
        }
        switch common.output {
        case .json: Console.out(try Console.json(PlanDocument(plan)))
        case .text:
            Console.out(PlanRenderer(color: Console.useColor(noColorFlag: common.noColor)).render(plan))
            if let out, !plan.isEmpty { Console.out("Saved the plan to \(out); apply it with 'neighsync apply \(out)'.\n") }
        }
        if detailedExitcode && !plan.isEmpty { throw ExitCode(2) }
    }
}
