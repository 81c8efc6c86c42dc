import ArgumentParser
import IpNet
import NeighSync

/// `neighsync plan`: what apply would do, as a Terraform-style diff or JSON, from the live table of a namespace or,
/// with `--state`, from a saved snapshot without privileges or netlink. `--detailed-exitcode` exits 2 when there
/// are changes; `--out FILE` saves the plan for `neighsync apply FILE`. iproute2 equivalent: none (`ip -batch`
/// applies blind).
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show the changes apply would make (create +, set ~, delete -).")

    @Option(name: .shortAndLong, help: ArgumentHelp("Desired-state file or directory of *.yaml files.",
                                                    valueName: "path"))
    var file: String

    @Option(help: ArgumentHelp("Plan against a saved state instead of the kernel: the output of "
                               + "'neighsync show --all --output json', or of 'ip -j neigh show nud all' "
                               + "together with --links.", valueName: "snapshot"))
    var state: String?

    @Option(help: ArgumentHelp("With --state: the output of 'ip -j link show' from the same namespace.",
                               valueName: "file"))
    var links: String?

    @Flag(help: "Exit 0 when there are no changes, 2 when there are, 1 on error.")
    var detailedExitcode = false

    @Option(help: ArgumentHelp("Save the plan for 'neighsync apply FILE'.", valueName: "file"))
    var out: String?

    @Flag(help: "Never colour the text output.")
    var noColor = false

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if state != nil && common.netns != nil { throw ValidationError("--state and --netns exclude each other") }
        if links != nil && state == nil { throw ValidationError("--links goes with --state") }
        if common.output == .yaml { throw ValidationError("--output takes text or json here") }
        if out != nil && state != nil {
            throw ValidationError("--out saves a plan for apply, which needs the live table; drop --state")
        }
    }

    func run() throws {
        let r: Reconciliation
        do {
            if let state {
                r = try Reconciliation.gather(path: file, snapshot: state, links: links)
            } else {
                r = try Reconciliation.gather(path: file, table: try NeighborTable(namespace: common.netns))
            }
        } catch let list as DiagnosticList {
            Console.report(list, "no plan was made")
            throw ExitCode(1)
        } catch let e as IpNetError {
            throw Console.fail(e.description)
        } catch let e as RecordError {
            throw Console.fail(e.description)
        }
        let plan = r.plan()
        if let out {
            do {
                try PlanFile(namespace: common.netns, desired: r.desired, links: r.links, current: r.current,
                             plan: plan).write(to: out)
            } catch { throw Console.fail("\(error)") }
        }
        switch common.output {
        case .json: Console.out(try Console.json(PlanDocument(plan)))
        default:
            Console.out(PlanRenderer(color: !noColor && Console.useColor).render(plan))
            if let out, !plan.isEmpty { Console.out("Saved the plan to \(out); apply it with 'neighsync apply \(out)'.\n") }
        }
        if detailedExitcode && !plan.isEmpty { throw ExitCode(2) }
    }
}
