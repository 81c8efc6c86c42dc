import Foundation
import Glibc
import Testing

/// Bad state and plan files: each is refused with a message naming the file and what is wrong, exit 1, and no
/// output on stdout. Needs no root (nothing reaches the kernel).
@Suite struct StateFileErrorTests {
    static let desired = """
        version: 1
        neighbors:
          - { address: 192.0.2.10, interface: veth0, physicalAddress: "02:00:00:00:00:10" }

        """

    func plan(state: String, links: String? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        let dir = try TempDir()
        let file = try dir.write("n.yaml", Self.desired)
        let s = try dir.write("state.json", state)
        var args = ["plan", "-f", file, "--state", s]
        if let links { args += ["--links", try dir.write("links.json", links)] }
        let r = try NeighsyncBinary.run(args)
        return (r.status, r.stdout, r.stderr.replacingOccurrences(of: dir.path + "/", with: ""))
    }

    @Test(arguments: [
        ("{\"formatVersion\": 1, \"kind\": \"neighsync-snapshot\", \"links\": [], \"neighbors\": [",
         "error: state.json: invalid JSON at byte 78: expected '{'"),
        ("{\"formatVersion\": 1, \"kind\": \"something-else\", \"links\": [], \"neighbors\": []}",
         "error: state.json: not a neighsync snapshot (kind 'something-else'); make one with 'neighsync show --output json'"),
        ("{\"formatVersion\": 2, \"kind\": \"neighsync-snapshot\", \"links\": [], \"neighbors\": []}",
         "error: state.json: unsupported snapshot formatVersion 2"),
        ("{\"formatVersion\": 1, \"kind\": \"neighsync-snapshot\", \"links\": [], \"neighbors\": [{\"address\": \"192.0.2.300\", \"state\": \"permanent\"}]}",
         "error: state.json: item 0: invalid address '192.0.2.300'"),
        ("{\"formatVersion\": 1, \"kind\": \"neighsync-snapshot\", \"links\": [{\"index\": 3}], \"neighbors\": []}",
         "error: state.json: item 0: a link needs 'name' and 'index'"),
        ("{\"formatVersion\": 1, \"kind\": \"neighsync-snapshot\", \"links\": [], \"neighbors\": [{\"address\": \"192.0.2.1\", \"state\": \"permanent\", \"protocol\": 300}]}",
         "error: state.json: item 0: 'protocol' must be 0…255"),
        ("42", "error: state.json: expected a JSON object (neighsync snapshot) or array (ip -j neigh show)"),
        // Duplicate keys: refused as in plan files (the last value used to win silently).
        ("{\"formatVersion\": 1, \"kind\": \"neighsync-snapshot\", \"links\": [], \"neighbors\": [{\"address\": \"192.0.2.1\", \"state\": \"permanent\", \"protocol\": 0, \"protocol\": 245}]}",
         "error: state.json: item 0: duplicate key 'protocol'"),
        ("{\"formatVersion\": 1, \"kind\": \"neighsync-snapshot\", \"links\": [{\"name\": \"veth0\", \"index\": 2, \"index\": 3}], \"neighbors\": []}",
         "error: state.json: item 0: duplicate key 'index'"),
        ("{\"formatVersion\": 1, \"kind\": \"neighsync-snapshot\", \"links\": [], \"neighbors\": [], \"neighbors\": []}",
         "error: state.json: duplicate key 'neighbors'"),
        // One link per index and per name.
        ("{\"formatVersion\": 1, \"kind\": \"neighsync-snapshot\", \"links\": [{\"name\": \"veth0\", \"index\": 3}, {\"name\": \"veth1\", \"index\": 3}], \"neighbors\": []}",
         "error: state.json: item 1: link index 3 is also link item 0's; a namespace has one link per index"),
        ("{\"formatVersion\": 1, \"kind\": \"neighsync-snapshot\", \"links\": [{\"name\": \"veth0\", \"index\": 3}, {\"name\": \"veth0\", \"index\": 4}], \"neighbors\": []}",
         "error: state.json: item 1: link name 'veth0' is also link item 0's; a namespace has one link per name"),
        // A quoted value is escaped (DisplayText) and cut to 40 characters.
        ("{\"formatVersion\": 1, \"kind\": \"neighsync-snapshot\", \"links\": [], \"neighbors\": [{\"address\": \"\\u001b[31m\", \"state\": \"permanent\"}]}",
         "error: state.json: item 0: invalid address '\\x1b[31m'"),
        ("{\"formatVersion\": 1, \"kind\": \"neighsync-snapshot\", \"links\": [], \"neighbors\": [{\"address\": \"192.0.2.1\", \"state\": \"permanent\", \"physicalAddress\": \"\(String(repeating: "x", count: 100))\"}]}",
         "error: state.json: item 0: invalid physicalAddress '\(String(repeating: "x", count: 40))…'"),
    ])
    func badSnapshotIsRefused(_ input: (String, String)) throws {
        let r = try plan(state: input.0)
        #expect(r.status == 1)
        #expect(r.stdout == "")
        #expect(r.stderr == input.1 + "\n")
    }

    /// A value of megabytes in a snapshot or a plan file is quoted cut to 40 characters: the message stays one short
    /// line (it used to be the whole value: 50 MB of stderr and 163 MB of memory).
    @Test func hugeValuesAreQuotedCutInMessages() throws {
        let big = String(repeating: "A", count: 5_000_000)
        let r = try plan(state: "{\"formatVersion\": 1, \"kind\": \"neighsync-snapshot\", \"links\": [], "
                         + "\"neighbors\": [{\"address\": \"\(big)\", \"state\": \"permanent\"}]}")
        #expect(r.status == 1 && r.stdout == "")
        #expect(r.stderr == "error: state.json: item 0: invalid address '\(big.prefix(40))…'\n")
        #expect(r.stderr.utf8.count < 4096)
        let key = try plan(state: "{\"formatVersion\": 1, \"kind\": \"\(big)\", \"links\": [], \"neighbors\": []}")
        #expect(key.stderr.hasPrefix("error: state.json: not a neighsync snapshot (kind '\(big.prefix(40))…')"))
        #expect(key.stderr.utf8.count < 4096)
        let dir = try TempDir()
        let p = try dir.write("plan.json", "{\"\(big)\": 1}")
        let planFile = try NeighsyncBinary.run(["apply", p])
        #expect(planFile.status == 1 && planFile.stdout == "")
        #expect(planFile.stderr == "error: \(p): \(big.prefix(40))…: unknown key '\(big.prefix(40))…' (known: "
                + "desired, fingerprint, formatVersion, kind, maxDeletes, namespace, ownerProtocol, plan, prune, "
                + "sources)\n")
    }

    @Test func iprouteNeighborOnAnUnlistedDevice() throws {
        let r = try plan(state: "[{\"dst\":\"192.0.2.1\",\"dev\":\"eth9\",\"state\":[\"PERMANENT\"]}]",
                         links: "[{\"ifindex\":3,\"ifname\":\"veth0\",\"link_type\":\"ether\",\"address\":\"02:00:00:00:00:01\"}]")
        #expect(r.status == 1)
        #expect(r.stderr == "error: state.json: item 0: 192.0.2.1 names device 'eth9' that the links file does not "
                + "list; take both files from the same namespace\n")
        let names = try plan(state: "[{\"dst\":\"192.0.2.1\",\"dev\":\"veth0\",\"state\":[\"PERMANENT\"],\"protocol\":\"nosuch\"}]",
                             links: "[{\"ifindex\":3,\"ifname\":\"veth0\"}]")
        #expect(names.stderr == "error: state.json: item 0: protocol 'nosuch' is not a known name; take the snapshot "
                + "with 'ip -N -j neigh show' for numbers\n")
    }

    @Test func unreadableAndMalformedPlanFiles() throws {
        let missing = try NeighsyncBinary.run(["apply", "/nonexistent/plan.json"])
        #expect(missing.status == 1 && missing.stdout == "")
        #expect(missing.stderr == "error: /nonexistent/plan.json: cannot read the file (No such file or directory); "
                + "check the path and its permissions\n")
        let dir = try TempDir()
        let bad = try dir.write("plan.json", "{\"kind\": \"neighsync-plan\"}")
        let r = try NeighsyncBinary.run(["apply", bad])
        #expect(r.status == 1 && r.stdout == "")
        #expect(r.stderr.hasPrefix("error: \(bad): not a neighsync plan file (missing key 'formatVersion'"))
        #expect(r.stderr.hasSuffix("make one with 'neighsync plan -f PATH --out FILE'\n"))
    }

    /// `/dev/zero` (the old reader tried to allocate 34 GB and aborted), a FIFO without a writer (it hung), a
    /// directory and a 1 TB sparse file, as a plan file, a snapshot and a `--links` file: each refused at once with
    /// a message naming the file, exit 1, nothing on stdout, in well under the 10 s timeout and under 64 MiB.
    @Test func nonRegularAndHugeStateFilesAreRefusedAtOnceWithBoundedMemory() throws {
        let bin = try #require(NeighsyncBinary.path)
        let dir = try TempDir()
        let fifo = dir.path + "/fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        let sparse = dir.path + "/sparse.json"
        let fd = open(sparse, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        #expect(fd >= 0 && ftruncate(fd, 1 << 40) == 0)
        close(fd)
        let yaml = try dir.write("n.yaml", Self.desired)
        let neigh = try dir.write("neigh.json", "[]")
        let problems = [
            ("/dev/zero", "/dev/zero is a character device, not a regular file"),
            (fifo, "\(fifo) is a FIFO, not a regular file"),
            (dir.path, "\(dir.path) is a directory, not a regular file"),
        ]
        let tail = "; save the data to a file first and give that file\n"
        var cases: [([String], String)] = []
        for (path, what) in problems {
            // A directory holding *.yaml given to apply is taken for a desired state: apply says to use -f.
            cases.append((["apply", path], path == dir.path
                ? "error: \(path) is a desired-state file (or directory), not a saved plan; apply it with "
                  + "'neighsync apply -f \(path)'\n"
                : "error: \(what)\(tail)"))
            cases.append((["plan", "-f", yaml, "--state", path], "error: \(what)\(tail)"))
            cases.append((["plan", "-f", yaml, "--state", neigh, "--links", path], "error: \(what)\(tail)"))
        }
        let big = "error: \(sparse) is 1099511627776 bytes, over the limit of 268435456 bytes for a state or plan file\n"
        cases.append((["apply", sparse], big))
        cases.append((["plan", "-f", yaml, "--state", sparse], big))
        cases.append((["plan", "-f", yaml, "--state", neigh, "--links", sparse], big))
        for (args, message) in cases {
            let started = Date()
            let r = try ChildProcess.run("/usr/bin/timeout", ["10", bin] + args)
            let seconds = Date().timeIntervalSince(started)
            #expect(r.status == 1, "\(args): \(r.stderr)")
            #expect(r.stdout == "", "\(args)")
            #expect(r.stderr == message, "\(args)")
            #expect(seconds < 5, "\(args) took \(seconds) s")
            #expect(r.maxRSSKiB > 0 && r.maxRSSKiB < 64 * 1024, "\(args): peak RSS \(r.maxRSSKiB) KiB")
        }
    }
}
