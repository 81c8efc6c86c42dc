import Foundation
import Testing
import NeighSyncCore

/// `neighsync plan --hosts DIR`: a generated fleet directory (one host with changes, one converged, one with an
/// invalid file), checked for the text (headers in name order, the summary table), the JSON document (each host's
/// document equal to what `plan -f F --state S --output json` prints for it) and the exit codes with and without
/// `--detailed-exitcode`; hosts whose directory is incomplete or odd are errors of that host only. Needs no root.
@Suite struct FleetPlanTests {
    static let snapshot = """
        {"formatVersion": 1, "kind": "neighsync-snapshot",
         "links": [{"name": "veth0", "index": 3, "arphrdType": 1, "hardwareAddressLength": 6, "ipv4Enabled": true, "ipv6Enabled": true, "isUp": true}],
         "neighbors": [{"address": "192.0.2.10", "interfaceIndex": 3, "physicalAddress": "02:00:00:00:00:10", "state": "permanent", "isRouter": false, "protocol": 245}]}
        """
    static let converged = """
        version: 1
        defaults: { interface: veth0 }
        neighbors:
          - address: 192.0.2.10
            physicalAddress: "02:00:00:00:00:10"

        """
    static let changes = converged + """
          - address: 192.0.2.11
            physicalAddress: "02:00:00:00:00:11"

        """
    static let invalid = """
        version: 1
        neighbors:
          - address: 192.0.2.300
            interface: veth0
            physicalAddress: "02:00:00:00:00:10"

        """

    /// A fleet directory: `hosts` maps a host name to its neighbors.yaml text; every host gets the snapshot. A
    /// dot-directory and a README sit beside them (neither is a host).
    static func fleet(_ hosts: [String: String]) throws -> TempDir {
        let dir = try TempDir()
        for (name, yaml) in hosts {
            try FileManager.default.createDirectory(atPath: "\(dir.path)/\(name)", withIntermediateDirectories: true)
            try dir.write("\(name)/neighbors.yaml", yaml)
            try dir.write("\(name)/state.json", snapshot)
        }
        try FileManager.default.createDirectory(atPath: "\(dir.path)/.git", withIntermediateDirectories: true)
        try dir.write(".git/state.json", "not a host")
        try dir.write("README.md", "one directory per host\n")
        return dir
    }

    static let three = ["edge1": changes, "edge2": converged, "edge3": invalid]

    @Test func textHasAHeaderPerHostInNameOrderAndOneSummaryTable() throws {
        let dir = try Self.fleet(Self.three)
        let r = try NeighsyncBinary.run(["plan", "--hosts", dir.path])
        #expect(r.status == 1, "an invalid host makes the run fail: \(r.stderr)")
        #expect(r.stdout == """
            ── host edge1 ──
              + 192.0.2.11 dev veth0 lladdr 02:00:00:00:00:11 permanent  # absent (\(dir.path)/edge1/neighbors.yaml:6:5)

            Plan: 1 to create, 0 to set, 0 to delete, 1 unchanged.

            ── host edge2 ──
            No changes. 1 entry matches the desired state.

            ── host edge3 ──
            error: 1 error; no plan was made (details on stderr)

            HOST   CREATE  SET  DELETE  PENDING  ERRORS
            edge1       1    0       0        0       0
            edge2       0    0       0        0       0
            edge3       0    0       0        0       1
            total       1    0       0        0       1

            3 hosts: 1 with changes, 1 with errors, 1 converged.

            """)
        #expect(r.stderr == """
            host edge3: \(dir.path)/edge3/neighbors.yaml:3:14: error: invalid address '192.0.2.300'; write an IPv4 address like 192.0.2.10 or an IPv6 address like 2001:db8::10
                - address: 192.0.2.300
                           ^
            1 error; no plan was made

            """)
    }

    @Test func exitCodesWithAndWithoutDetailedExitcode() throws {
        let all = try Self.fleet(Self.three)
        #expect(try NeighsyncBinary.run(["plan", "--hosts", all.path]).status == 1)
        #expect(try NeighsyncBinary.run(["plan", "--hosts", all.path, "--detailed-exitcode"]).status == 1,
                "errors win over changes")
        let noErrors = try Self.fleet(["edge1": Self.changes, "edge2": Self.converged])
        #expect(try NeighsyncBinary.run(["plan", "--hosts", noErrors.path]).status == 0)
        #expect(try NeighsyncBinary.run(["plan", "--hosts", noErrors.path, "--detailed-exitcode"]).status == 2)
        let converged = try Self.fleet(["edge2": Self.converged, "edge4": Self.converged])
        #expect(try NeighsyncBinary.run(["plan", "--hosts", converged.path, "--detailed-exitcode"]).status == 0)
        let onlyBroken = try Self.fleet(["edge3": Self.invalid])
        #expect(try NeighsyncBinary.run(["plan", "--hosts", onlyBroken.path, "--detailed-exitcode"]).status == 1)
        for json in [[], ["--output", "json"]] {
            #expect(try NeighsyncBinary.run(["plan", "--hosts", noErrors.path, "--detailed-exitcode"] + json).status == 2)
            #expect(try NeighsyncBinary.run(["plan", "--hosts", all.path, "--detailed-exitcode"] + json).status == 1)
        }
    }

    /// Each host's JSON is exactly what `plan -f F --state S --output json` prints for it: the plan document, or the
    /// error document on failure.
    @Test func jsonKeysTheSamePlanDocumentsByHost() throws {
        let dir = try Self.fleet(Self.three)
        let r = try NeighsyncBinary.run(["plan", "--hosts", dir.path, "--output", "json", "--detailed-exitcode"])
        #expect(r.status == 1)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? NSDictionary,
                               "\(r.stdout)")
        #expect(doc["formatVersion"] as? Int == 1)
        let hosts = try #require(doc["hosts"] as? [String: Any])
        #expect(hosts.keys.sorted() == ["edge1", "edge2", "edge3"])
        for name in ["edge1", "edge2", "edge3"] {
            let single = try NeighsyncBinary.run(["plan", "-f", "\(dir.path)/\(name)/neighbors.yaml", "--state",
                                                  "\(dir.path)/\(name)/state.json", "--output", "json"])
            let expected = try JSONSerialization.jsonObject(with: Data(single.stdout.utf8)) as? NSDictionary
            #expect((hosts[name] as? NSDictionary) == expected, "\(name): \(r.stdout)")
        }
        let e3 = try #require(hosts["edge3"] as? [String: Any])
        #expect(e3["ok"] as? Bool == false)
        #expect(((e3["errors"] as? [[String: Any]])?.first?["line"] as? Int) == 3)
        let summary = try #require(doc["summary"] as? [String: Int])
        #expect(summary == ["hosts": 3, "hostsWithChanges": 1, "hostsWithErrors": 1, "create": 1, "set": 0,
                            "delete": 0, "pending": 0, "errors": 1])
    }

    /// A directory of files (`neighbors/`) plans like a single file; a symlinked host directory and a symlinked
    /// state file are read like any other path (followed, regular files only); an incomplete host directory is an
    /// error of that host with the reason, never a crash, and the other hosts are still planned.
    @Test func oddHostDirectoriesAreErrorsOfThatHostOnly() throws {
        let dir = try Self.fleet(["a-ok": Self.converged])
        let fm = FileManager.default
        func mkdir(_ p: String) throws { try fm.createDirectory(atPath: "\(dir.path)/\(p)", withIntermediateDirectories: true) }
        try mkdir("b-split/neighbors")
        try dir.write("b-split/neighbors/10-a.yaml", Self.converged)
        try dir.write("b-split/state.json", Self.snapshot)
        try mkdir("c-nostate")
        try dir.write("c-nostate/neighbors.yaml", Self.converged)
        try mkdir("d-noneighbors")
        try dir.write("d-noneighbors/state.json", Self.snapshot)
        try mkdir("e-both/neighbors")
        try dir.write("e-both/neighbors.yaml", Self.converged)
        try dir.write("e-both/state.json", Self.snapshot)
        try fm.createSymbolicLink(atPath: "\(dir.path)/f-link", withDestinationPath: "\(dir.path)/a-ok")
        try fm.createSymbolicLink(atPath: "\(dir.path)/g-dangling", withDestinationPath: "\(dir.path)/nowhere")
        try mkdir("h-fifo")
        try dir.write("h-fifo/neighbors.yaml", Self.converged)
        #expect(mkfifo("\(dir.path)/h-fifo/state.json", 0o600) == 0)
        try mkdir("i-statelink")
        try dir.write("i-statelink/neighbors.yaml", Self.converged)
        try fm.createSymbolicLink(atPath: "\(dir.path)/i-statelink/state.json",
                                  withDestinationPath: "\(dir.path)/a-ok/state.json")
        try mkdir("j-badsnapshot")
        try dir.write("j-badsnapshot/neighbors.yaml", Self.converged)
        try dir.write("j-badsnapshot/state.json", "{\"kind\": 1")
        try mkdir("k-fifoyaml")
        #expect(mkfifo("\(dir.path)/k-fifoyaml/neighbors.yaml", 0o600) == 0, "a FIFO never blocks the fleet")
        try dir.write("k-fifoyaml/state.json", Self.snapshot)
        let r = try NeighsyncBinary.run(["plan", "--hosts", dir.path, "--detailed-exitcode"])
        #expect(r.status == 1)
        let table = r.stdout.components(separatedBy: "HOST ").last ?? ""
        for (host, errors) in [("a-ok", 0), ("b-split", 0), ("c-nostate", 1), ("d-noneighbors", 1), ("e-both", 1),
                               ("f-link", 0), ("g-dangling", 1), ("h-fifo", 1), ("i-statelink", 0),
                               ("j-badsnapshot", 1), ("k-fifoyaml", 1)] {
            #expect(r.stdout.contains("── host \(host) ──\n"), "\(host)")
            let row = table.split(separator: "\n").first { $0.hasPrefix(host + " ") }
            #expect(row?.hasSuffix("  \(errors)") == true, "\(host): \(row ?? "no row")")
        }
        #expect(!r.stdout.contains(".git") && !r.stdout.contains("README"))
        #expect(r.stderr.contains("c-nostate has no state.json; save the host's snapshot there with 'neighsync show --output json"))
        #expect(r.stderr.contains("d-noneighbors has no neighbors.yaml (nor a neighbors/ directory)"))
        #expect(r.stderr.contains("e-both has both neighbors.yaml and neighbors/; keep one of them"))
        #expect(r.stderr.contains("g-dangling is a dangling symlink"))
        #expect(r.stderr.contains("h-fifo/state.json is a FIFO") && r.stderr.contains("not a regular file"))
        #expect(r.stderr.contains("host j-badsnapshot: error: \(dir.path)/j-badsnapshot/state.json"))
        #expect(r.stderr.contains("k-fifoyaml/neighbors.yaml is not a regular file"))
        #expect(r.stdout.hasSuffix("11 hosts: 0 with changes, 7 with errors, 4 converged.\n"), "\(r.stdout)")
    }

    /// A host name with control characters never reaches the terminal raw (header, table, stderr) and is a
    /// properly escaped key in JSON; many hosts (more than one window of the worker pool) come out in name order,
    /// the same on every run.
    @Test func hostileNamesAreEscapedAndOrderIsDeterministic() throws {
        var hosts: [String: String] = ["evil\u{1B}[31m": Self.invalid]
        for i in 0..<70 { hosts["h\(String(format: "%03d", 69 - i))"] = i % 3 == 0 ? Self.changes : Self.converged }
        let dir = try Self.fleet(hosts)
        // A name that is not UTF-8 is a host too: reported as an error, never silently left out.
        let raw = Array(dir.path.utf8) + Array("/bad".utf8) + [0xff, 0]
        #expect(raw.withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { mkdir($0.baseAddress!, 0o755) } } == 0)
        let r = try NeighsyncBinary.run(["plan", "--hosts", dir.path])
        #expect(r.status == 1)
        #expect(r.stdout.contains("── host bad\u{FFFD} ──\nerror: the host directory name bad\u{FFFD} is not UTF-8; rename it"),
                "\(r.stdout)")
        #expect(r.stdout.hasSuffix("72 hosts: 24 with changes, 2 with errors, 46 converged.\n"), "\(r.stdout)")
        #expect(!r.stdout.contains("\u{1B}") && !r.stderr.contains("\u{1B}"))
        #expect(r.stdout.contains("── host evil\\x1b[31m ──\n"))
        let headers = r.stdout.split(separator: "\n").filter { $0.hasPrefix("── host h") }
        #expect(headers.map(String.init) == (0..<70).map { "── host h\(String(format: "%03d", $0)) ──" })
        #expect(try NeighsyncBinary.run(["plan", "--hosts", dir.path]).stdout == r.stdout)
        let j = try NeighsyncBinary.run(["plan", "--hosts", dir.path, "--output", "json"])
        #expect(!j.stdout.contains("\u{1B}"))
        let doc = try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any]
        #expect((doc?["hosts"] as? [String: Any])?.keys.contains("evil\u{1B}[31m") == true)
    }

    @Test func argumentRules() throws {
        let dir = try Self.fleet(["edge2": Self.converged])
        for bad in [["plan"], ["plan", "--hosts", dir.path, "-f", "x.yaml"],
                    ["plan", "--hosts", dir.path, "--state", "s.json"],
                    ["plan", "--hosts", dir.path, "--netns", "x"], ["plan", "--hosts", dir.path, "--out", "p"]] {
            let r = try NeighsyncBinary.run(bad)
            #expect(r.status == 1 && r.stderr.contains("Usage:"), "\(bad): \(r.stderr)")
        }
        let empty = try TempDir()
        let r = try NeighsyncBinary.run(["plan", "--hosts", empty.path])
        #expect(r.status == 1 && r.stderr.contains("no host directories"), "\(r.stderr)")
        let missing = try NeighsyncBinary.run(["plan", "--hosts", empty.path + "/nope", "--output", "json"])
        #expect(missing.status == 1 && missing.stderr.contains("not a directory"), "\(missing.stderr)")
        #expect(missing.stdout.contains("\"ok\" : false"))
    }
}
