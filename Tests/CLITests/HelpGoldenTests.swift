import Foundation
import Testing

/// Golden tests of every `--help` text (swift-argument-parser's own habit): for each command and subcommand the built
/// binary knows (read from `neighsync --experimental-dump-help`, so a command added later is covered at once), both
/// `neighsync CMD… --help` and `neighsync help CMD…` must print exactly `Golden/help/neighsync-CMD-….txt`. Help is
/// rendered 80 columns wide (`COLUMNS=80`), whatever the terminal.
///
/// To create or refresh the files after a deliberate change, run
/// `NEIGHSYNC_UPDATE_GOLDEN=1 swift test --filter HelpGoldenTests` and review the diff with `git diff Tests/CLITests/Golden`.
@Suite struct HelpGoldenTests {
    /// The golden files in the source tree.
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Golden/help").path

    /// How to regenerate, for failure messages.
    static let regenerate = "NEIGHSYNC_UPDATE_GOLDEN=1 swift test --filter HelpGoldenTests"

    static var updating: Bool { ProcessInfo.processInfo.environment["NEIGHSYNC_UPDATE_GOLDEN"] == "1" }

    /// Every command path below `neighsync` (the root itself is `[]`), in the order the binary lists them;
    /// argument-parser's own `help` command is left out. Empty when the binary cannot be run (the
    /// `commandTreeIsRead` test then fails).
    static func commands() -> [[String]] {
        guard let dump = try? NeighsyncBinary.run(["--experimental-dump-help"]), dump.status == 0,
              let object = try? JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any],
              let root = object["command"] as? [String: Any] else { return [] }
        var paths: [[String]] = []
        func walk(_ command: [String: Any], _ path: [String]) {
            paths.append(path)
            for sub in command["subcommands"] as? [[String: Any]] ?? [] {
                guard let name = sub["commandName"] as? String, !(path.isEmpty && name == "help") else { continue }
                walk(sub, path + [name])
            }
        }
        walk(root, [])
        return paths
    }

    /// `neighsync-entry-create.txt` for `["entry", "create"]`, `neighsync.txt` for the root.
    static func fileName(_ path: [String]) -> String {
        (["neighsync"] + path).joined(separator: "-") + ".txt"
    }

    static func help(_ args: [String]) throws -> String {
        let r = try NeighsyncBinary.run(args, environment: ["COLUMNS": "80"])
        #expect(r.status == 0, "neighsync \(args.joined(separator: " ")) exited \(r.status): \(r.stderr)")
        #expect(r.stderr == "", "neighsync \(args.joined(separator: " ")) wrote to stderr: \(r.stderr)")
        return r.stdout
    }

    @Test("the command tree is read from the binary")
    func commandTreeIsRead() {
        let names = Self.commands().map { $0.joined(separator: " ") }
        // The commands of today; more may come (each then needs its golden file), none may vanish unnoticed.
        for expected in ["", "validate", "plan", "apply", "show", "entry", "entry create", "entry set",
                         "entry delete", "entry get", "entry table", "entry flush", "entry resolve"] {
            #expect(names.contains(expected), "`neighsync \(expected)` is missing from --experimental-dump-help")
        }
    }

    @Test("--help and help CMD print the golden text", arguments: commands())
    func helpMatchesGolden(_ path: [String]) throws {
        let file = Self.directory + "/" + Self.fileName(path)
        let shown = "neighsync " + (path + ["--help"]).joined(separator: " ")
        let actual = try Self.help(path + ["--help"])
        if Self.updating {
            try FileManager.default.createDirectory(atPath: Self.directory, withIntermediateDirectories: true)
            try actual.write(toFile: file, atomically: true, encoding: .utf8)
        }
        guard let golden = try? String(contentsOfFile: file, encoding: .utf8) else {
            let message = "no golden help text for `\(shown)`: \(file) is missing; create it with "
                + "\(Self.regenerate) and commit it"
            Issue.record(Comment(rawValue: message))
            return
        }
        #expect(actual == golden, """
            `\(shown)` no longer prints \(file). If the change is intended, regenerate with \
            \(Self.regenerate) and review the diff.
            """)
        // argument-parser's `help CMD…` prints the same text.
        #expect(try Self.help(["help"] + path) == golden, "`neighsync help \(path.joined(separator: " "))` differs")
    }

    @Test("every golden help file belongs to a command")
    func noStaleGoldenFiles() throws {
        let known = Set(Self.commands().map(Self.fileName))
        try #require(!known.isEmpty, "the command tree could not be read from the binary")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: Self.directory)) ?? []
        for f in files.sorted() where !known.contains(f) {
            let message = "\(Self.directory)/\(f) belongs to no command of the binary; delete it (or rename it "
                + "after the command it describes)"
            Issue.record(Comment(rawValue: message))
        }
    }
}
