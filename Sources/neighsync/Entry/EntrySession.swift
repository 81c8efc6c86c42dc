import ArgumentParser
import FoundationEssentials
import IpNet
import NeighSync
import IpNetCore
import NeighSyncCore

/// What every `neighsync entry …` subcommand does around its one call: opens the table of
/// `--netns`, runs the call, prints rows as `ip neigh show` lines or as JSON, and turns an `IpNetError` into
/// `error: STATUS: reason` on stderr (and, with `--output json`, the `ErrorDocument` on stdout) and exit status 1.
/// iproute2 equivalent: `ip [-n NAME] [-j] neigh …`.
struct EntrySession {
    let common: CommonOptions

    /// Opens the table and runs `body`, mapping failures to the error line and exit status 1.
    func run(_ body: (NeighborTable) throws -> Void) throws {
        do {
            let table = try NeighborTable(namespace: common.netns)
            try body(table)
        } catch {
            throw Console.fail(error, outcome: "nothing was done", json: common.output == .json)
        }
    }

    /// Prints rows: one `ip neigh show` line each, or one JSON array.
    func print(_ rows: [IpNetRow2], links: [Link]) throws {
        let names = Dictionary(links.map { ($0.index, $0.name) }, uniquingKeysWith: { a, _ in a })
        switch common.output {
        case .json:
            Console.out(try Console.json(rows.map { EntryRecord($0, interfaceName: names[$0.effectiveInterfaceIndex]) }))
        case .text:
            var out = ""
            for r in rows { out += RowText.line(r, interfaceName: names[r.effectiveInterfaceIndex]) + "\n" }
            Console.out(out)
        }
    }
}
