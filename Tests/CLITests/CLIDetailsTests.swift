import Foundation
import NetnsTesting
import Testing

/// Details of the command line found in the field (issue 11): `--output` offers only what a command prints; `plan`
/// and `apply --output json` print a JSON error document on failure; `--lock-timeout` refuses NaN, infinities and
/// negatives; an empty `NO_COLOR=` does not turn colour off; `--no-color` on every command; `entry table` with a
/// missing interface is ERROR_NOT_FOUND by index as by name; `apply FILE.yaml` hints at `-f`.
@Suite struct CLIDetailsTests {
    static let snapshot = PlanCommandTests.snapshot
    static let badFile = """
        version: 1
        neighbors:
          - address: 192.0.2.10
            interface: veth0
            physicalAdress: "02:00:00:00:00:10"

        """

    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not JSON: \(text)")
    }

    // MARK: --output

    @Test("--output lists and takes only the command's own values",
          arguments: [(["plan"], "text, json"), (["apply"], "text, json"), (["validate"], "text, json"),
                      (["show"], "text, yaml, json"), (["entry", "create"], "text, json"),
                      (["entry", "table"], "text, json"), (["entry", "get"], "text, json")])
    func outputValues(_ command: [String], _ values: String) throws {
        let help = try NeighsyncBinary.run(command + ["--help"])
        #expect(help.status == 0)
        let flat = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(flat.contains("--output <format>"))
        #expect(flat.contains("(values: \(values); default: text)"), "\(help.stdout)")
    }

    @Test("--output yaml is a usage error where no YAML is printed")
    func outputYAMLRefused() throws {
        let dir = try TempDir()
        let file = try dir.write("n.yaml", "version: 1\nneighbors: []\n")
        for args in [["validate", "-f", file, "--offline"], ["plan", "-f", file, "--state", "/nonexistent"],
                     ["entry", "table", "--netns", "nonexistent"]] {
            let r = try NeighsyncBinary.run(args + ["--output", "yaml"])
            #expect(r.status == 1)
            #expect(r.stdout == "")
            #expect(r.stderr.contains("The value 'yaml' is invalid for '--output <format>'. Please provide one of "
                                      + "'text' and 'json'."), "\(r.stderr)")
        }
    }

    // MARK: JSON error document

    @Test("plan --output json prints the diagnostics as a JSON document on a load error; stderr keeps the text")
    func planJSONErrorDocument() throws {
        let dir = try TempDir()
        let state = try dir.write("state.json", Self.snapshot)
        let file = try dir.write("n.yaml", Self.badFile)
        let r = try NeighsyncBinary.run(["plan", "-f", file, "--state", state, "--output", "json"])
        #expect(r.status == 1)
        #expect(r.stderr.hasSuffix("1 error; no plan was made\n"))
        #expect(r.stderr.contains("\(file):5:5: error: unknown key 'physicalAdress'"))
        let doc = try Self.object(r.stdout)
        #expect(Set(doc.keys) == ["formatVersion", "ok", "error", "errors", "warnings"])
        #expect(doc["ok"] as? Bool == false)
        #expect(doc["formatVersion"] as? Int == 1)
        #expect(doc["error"] as? String == "1 error; no plan was made")
        let errors = try #require(doc["errors"] as? [[String: Any]])
        #expect(errors.count == 1)
        #expect(errors.first?["severity"] as? String == "error")
        #expect(errors.first?["file"] as? String == file)
        #expect(errors.first?["line"] as? Int == 5)
        #expect(errors.first?["column"] as? Int == 5)
        #expect(errors.first?["message"] as? String
                == "unknown key 'physicalAdress' in a neighbor entry; did you mean 'physicalAddress'?")
        #expect((doc["warnings"] as? [Any])?.isEmpty == true)
    }

    @Test("plan --output json: a snapshot that cannot be read gives the same document, without a position")
    func planJSONErrorDocumentForStateFiles() throws {
        let dir = try TempDir()
        let file = try dir.write("n.yaml", "version: 1\nneighbors: []\n")
        let r = try NeighsyncBinary.run(["plan", "-f", file, "--state", dir.path + "/missing.json", "--output", "json"])
        #expect(r.status == 1)
        let doc = try Self.object(r.stdout)
        #expect(doc["ok"] as? Bool == false)
        let message = try #require(doc["error"] as? String)
        #expect(r.stderr == "error: \(message)\n")
        let errors = try #require(doc["errors"] as? [[String: Any]])
        #expect(errors.count == 1 && errors.first?["message"] as? String == message && errors.first?["line"] == nil)
    }

    @Test("warnings go with the errors in the document, apart; and are printed before the plan otherwise")
    func warningsInDocuments() throws {
        let dir = try TempDir()
        let state = try dir.write("state.json", Self.snapshot)
        let warned = try dir.write("w.yaml", "version: 1\nowner: { protocol: 12 }\nprune: none\nneighbors: []\n")
        let plan = try NeighsyncBinary.run(["plan", "-f", warned, "--state", state])
        #expect(plan.status == 0)
        #expect(plan.stderr.hasPrefix("\(warned):2:20: warning: 'owner.protocol' 12 is 'bird' in iproute2's rt_protos"))
        #expect(plan.stderr.hasSuffix("  owner: { protocol: 12 }\n                     ^\n1 warning\n"))
        let both = try dir.write("b.yaml", "version: 1\nowner: { protocol: 12 }\nmaxDeletes: -1\nneighbors: []\n")
        let r = try NeighsyncBinary.run(["plan", "-f", both, "--state", state, "--output", "json"])
        #expect(r.status == 1)
        #expect(r.stderr.hasSuffix("1 error, 1 warning; no plan was made\n"))
        let doc = try Self.object(r.stdout)
        #expect((doc["errors"] as? [[String: Any]])?.map { $0["line"] as? Int } == [3])
        #expect((doc["warnings"] as? [[String: Any]])?.map { $0["severity"] as? String } == ["warning"])
        let v = try NeighsyncBinary.run(["validate", "-f", warned, "--offline", "--output", "json"])
        #expect(v.status == 0)
        let vdoc = try Self.object(v.stdout)
        #expect(vdoc["ok"] as? Bool == true)
        #expect((vdoc["warnings"] as? [[String: Any]])?.first?["line"] as? Int == 2)
        #expect((vdoc["errors"] as? [Any])?.isEmpty == true)
        let vt = try NeighsyncBinary.run(["validate", "-f", warned, "--offline"])
        #expect(vt.status == 0 && vt.stdout == "ok: 0 neighbors on 0 interfaces\n")
        #expect(vt.stderr.contains("warning: 'owner.protocol' 12 is 'bird'"))
    }

    @Test("apply --output json prints the error document on a load error and on a maxDeletes refusal")
    func applyJSONErrorDocument() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        let bad = try dir.write("bad.yaml", Self.badFile)
        let r = try NeighsyncBinary.run(["apply", "-f", bad, "--netns", ns.name, "--output", "json"])
        #expect(r.status == 1)
        #expect(r.stderr.hasSuffix("1 error; nothing was applied\n"))
        let doc = try Self.object(r.stdout)
        #expect(doc["ok"] as? Bool == false && doc["error"] as? String == "1 error; nothing was applied")
        #expect((doc["errors"] as? [[String: Any]])?.first?["line"] as? Int == 5)

        // Two owned entries, then a file that would delete both with maxDeletes 1.
        for (a, m) in [("192.0.2.20", "02:00:00:00:00:20"), ("192.0.2.21", "02:00:00:00:00:21")] {
            try ns.check(["neigh", "add", a, "lladdr", m, "dev", "veth0", "nud", "permanent", "protocol", "245"])
        }
        let before = ns.neighbors().count
        let prune = try dir.write("prune.yaml", "version: 1\nmaxDeletes: 1\nneighbors: []\n")
        let refused = try NeighsyncBinary.run(["apply", "-f", prune, "--netns", ns.name, "--output", "json"])
        #expect(refused.status == 1)
        let refusal = try Self.object(refused.stdout)
        let message = try #require(refusal["error"] as? String)
        #expect(message.hasPrefix("refusing to delete 2 entries: the limit is maxDeletes = 1."))
        #expect(refused.stderr == "error: \(message)\n")
        #expect((refusal["errors"] as? [[String: Any]])?.first?["message"] as? String == message)
        #expect(ns.neighbors().count == before, "a refused apply must not write")
        // Text output: nothing on stdout, as before.
        let text = try NeighsyncBinary.run(["apply", "-f", prune, "--netns", ns.name])
        #expect(text.status == 1 && text.stdout == "" && text.stderr == "error: \(message)\n")
    }

    // MARK: --lock-timeout

    @Test("--lock-timeout refuses NaN, infinities and negatives before doing anything",
          arguments: ["nan", "inf", "-inf", "infinity", "-1", "-0.5"])
    func lockTimeoutRefused(_ value: String) throws {
        // `--lock-timeout -1` (a separate word starting with '-') gets the same message as `--lock-timeout=-1`, not
        // "Missing value".
        for form in [["--lock-timeout=\(value)"], ["--lock-timeout", value]] {
            let r = try NeighsyncBinary.run(["apply", "-f", "/nonexistent.yaml", "--netns", "nonexistent"] + form)
            #expect(r.status == 1)
            #expect(r.stdout == "")
            #expect(r.stderr.contains("--lock-timeout must be a number of seconds, 0 or more (e.g. 30)"), "\(r.stderr)")
        }
    }

    @Test("a negative number after a numeric entry option is that option's value, refused with its own message",
          arguments: ["-1", "-0"])
    func negativeNumericOptions(_ value: String) throws {
        let resolve = try NeighsyncBinary.run(["entry", "resolve", "--netns", "nsx-cli-nonexistent", "--interface",
                                               "veth0", "--address", "192.0.2.9", "--timeout", value])
        #expect(resolve.status != 0)
        #expect(resolve.stderr.contains("--timeout must be more than 0 and at most 600 seconds"), "\(resolve.stderr)")
        // `-0` is read as index 0 by UInt32; only `-1` is checked for the index options. A namespace that does not
        // exist keeps every run away from the host's table.
        guard value == "-1" else { return }
        for args in [["entry", "get", "--address", "192.0.2.9", "--index", value],
                     ["entry", "table", "--index", value], ["entry", "flush", "--index", value]] {
            let r = try NeighsyncBinary.run(args + ["--netns", "nsx-cli-nonexistent"])
            #expect(r.status != 0)
            #expect(!r.stderr.contains("Missing value"), "\(args): \(r.stderr)")
            #expect(r.stderr.contains("'--index <n>'") && r.stderr.contains("'\(value)'"), "\(args): \(r.stderr)")
        }
    }

    @Test("--lock-timeout takes 0 and fractions")
    func lockTimeoutAccepted() throws {
        for value in ["0", "0.5", "30"] {
            // Fails later (no such namespace), not on the option.
            let r = try NeighsyncBinary.run(["apply", "-f", "/nonexistent.yaml", "--netns", "nonexistent-nsx",
                                             "--lock-timeout", value])
            #expect(!r.stderr.contains("--lock-timeout"), "\(r.stderr)")
        }
    }

    // MARK: colour

    /// Runs `neighsync ARGS…` under a pseudo-terminal (`script`), so that stdout is a TTY.
    static func onTerminal(_ args: [String], environment: [String: String]) throws -> String {
        let binary = try #require(NeighsyncBinary.path)
        let line = ([binary] + args).map { "'\($0)'" }.joined(separator: " ")
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "NO_COLOR")
        for (k, v) in environment { env[k] = v }
        let r = Netns.run("/usr/bin/script", ["-qec", line, "/dev/null"], environment: env)
        return r.stdout
    }

    @Test("colour on a terminal unless --no-color or a non-empty NO_COLOR; an empty NO_COLOR= keeps it")
    func noColorConvention() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else {
            print("skipping: no /usr/bin/script for a pseudo-terminal"); return
        }
        let dir = try TempDir()
        let state = try dir.write("state.json", Self.snapshot)
        let file = try dir.write("n.yaml", PlanCommandTests.desired)
        let args = ["plan", "-f", file, "--state", state]
        let esc = "\u{1b}["
        #expect(try Self.onTerminal(args, environment: [:]).contains(esc), "a terminal gets colour")
        #expect(try Self.onTerminal(args, environment: ["NO_COLOR": ""]).contains(esc), "NO_COLOR= (empty) keeps colour")
        #expect(!(try Self.onTerminal(args, environment: ["NO_COLOR": "1"]).contains(esc)))
        #expect(!(try Self.onTerminal(args + ["--no-color"], environment: [:]).contains(esc)))
        // Not a terminal: never.
        let piped = try NeighsyncBinary.run(args, environment: ["NO_COLOR": ""])
        #expect(!piped.stdout.contains(esc))
    }

    @Test("--no-color is a common option", arguments: [["validate"], ["plan"], ["apply"], ["show"],
                                                      ["entry", "table"], ["entry", "create"], ["entry", "flush"]])
    func noColorEverywhere(_ command: [String]) throws {
        let help = try NeighsyncBinary.run(command + ["--help"])
        #expect(help.stdout.contains("--no-color"), "\(command)")
    }

    // MARK: entry table

    @Test("entry table with a missing interface is ERROR_NOT_FOUND by index as by name")
    func entryTableMissingInterface() throws {
        guard let ns = try cliNetns() else { return }
        let byName = try NeighsyncBinary.run(["entry", "table", "--netns", ns.name, "--interface", "nosuch"])
        #expect(byName.status == 1 && byName.stdout == "")
        #expect(byName.stderr == "error: ERROR_NOT_FOUND: no interface named nosuch\n")
        let byIndex = try NeighsyncBinary.run(["entry", "table", "--netns", ns.name, "--index", "99"])
        #expect(byIndex.status == 1 && byIndex.stdout == "")
        #expect(byIndex.stderr == "error: ERROR_NOT_FOUND: no interface with index 99\n")
        let json = try NeighsyncBinary.run(["entry", "table", "--netns", ns.name, "--index", "99", "--output", "json"])
        #expect(json.status == 1)
        let doc = try Self.object(json.stdout)
        #expect((doc["errors"] as? [[String: Any]])?.first?["status"] as? String == "ERROR_NOT_FOUND")
        let zero = try NeighsyncBinary.run(["entry", "table", "--netns", ns.name, "--index", "0"])
        #expect(zero.status == 1 && zero.stderr.contains("--index takes an interface index (1 or more)"))
        // An existing index still filters.
        let idx = ns.index(of: "veth0")
        try ns.check(["neigh", "add", "192.0.2.30", "lladdr", "02:00:00:00:00:30", "dev", "veth0", "nud", "permanent"])
        let ok = try NeighsyncBinary.run(["entry", "table", "--netns", ns.name, "--index", "\(idx)", "--family", "ipv4"])
        #expect(ok.status == 0 && ok.stdout == "192.0.2.30 dev veth0 lladdr 02:00:00:00:00:30 PERMANENT\n", "\(ok.stderr)")
    }

    // MARK: apply FILE.yaml

    @Test("apply with a desired-state file instead of a plan suggests -f")
    func applyYAMLWithoutF() throws {
        let dir = try TempDir()
        let yaml = try dir.write("neighbors.yaml", "version: 1\nneighbors: []\n")
        let noExt = try dir.write("neighbors", "\n# edge1\nversion: 1\nneighbors: []\n")
        let dashes = try dir.write("desired.txt", "---\nneighbors: []\n")
        try FileManager.default.createDirectory(atPath: dir.path + "/conf.d", withIntermediateDirectories: true)
        for path in [yaml, noExt, dashes, dir.path + "/conf.d"] {
            let r = try NeighsyncBinary.run(["apply", path])
            #expect(r.status == 1)
            #expect(r.stdout == "")
            #expect(r.stderr == "error: \(path) is a desired-state file (or directory), not a saved plan; apply it "
                    + "with 'neighsync apply -f \(path)'\n")
        }
        // Every other option given is kept in the hint, --netns above all (without it the copied command would apply
        // to the host's namespace); words a shell would split are quoted.
        let withOptions = try NeighsyncBinary.run(["apply", "--netns", "nsx-cli-other", yaml, "--lock-timeout", "5",
                                                   "--output", "json", "--force"])
        #expect(withOptions.status == 1)
        #expect(withOptions.stderr == "error: \(yaml) is a desired-state file (or directory), not a saved plan; apply "
                + "it with 'neighsync apply -f \(yaml) --netns nsx-cli-other --lock-timeout 5 --output json --force'\n")
        let spaced = try dir.write("my neighbors.yaml", "version: 1\nneighbors: []\n")
        let q = try NeighsyncBinary.run(["apply", spaced, "--netns=nsx-cli-other"])
        #expect(q.stderr == "error: \(spaced) is a desired-state file (or directory), not a saved plan; apply it with "
                + "'neighsync apply -f \"\(spaced)\" --netns=nsx-cli-other'\n")
        // A broken JSON plan keeps its own message.
        let json = try dir.write("plan.json", "{")
        let r = try NeighsyncBinary.run(["apply", json])
        #expect(r.status == 1 && r.stderr.contains("not a neighsync plan file"), "\(r.stderr)")
    }
}
