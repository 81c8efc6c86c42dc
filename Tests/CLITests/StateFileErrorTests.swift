import Foundation
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
    ])
    func badSnapshotIsRefused(_ input: (String, String)) throws {
        let r = try plan(state: input.0)
        #expect(r.status == 1)
        #expect(r.stdout == "")
        #expect(r.stderr == input.1 + "\n")
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
}
