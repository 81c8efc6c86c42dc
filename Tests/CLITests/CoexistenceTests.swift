import Foundation
import NetnsTesting
import Testing

/// The coexistence warnings of `validate` and `plan` against real namespaces: an own address on that link and another
/// owner's entry (live, and the other-owner one offline from a snapshot), and systemd-networkd's link state from a
/// fake state directory (only without `--netns`: the run is started inside the test's namespace). Warnings never
/// change the exit status or the plan, and nothing is written.
@Suite(.serialized) struct CoexistenceTests {
    static func desired(_ dir: TempDir) throws -> String {
        try dir.write("n.yaml", """
            version: 1
            defaults: { interface: veth0 }
            neighbors:
              - address: 192.0.2.1
                physicalAddress: "02:00:00:00:00:01"
              - address: 192.0.2.20
                physicalAddress: "02:00:00:00:00:20"
              - address: 2001:db8::20
                physicalAddress: "02:00:00:00:00:21"
              - address: 192.0.2.30
                physicalAddress: "02:00:00:00:00:30"

            """)
    }

    static func ownAddress(_ f: String) -> String {
        "\(f):4:5: warning: 192.0.2.1 is veth0's own address; a neighbor entry for it is never used (the kernel answers for its own addresses itself); remove the entry or fix the address"
    }

    static func takeover(_ f: String, _ line: Int, _ a: String, _ p: String, _ word: String) -> String {
        "\(f):\(line):5: warning: \(a) on veth0 is held by protocol \(p); apply would take it over (protocol 245) and that daemon may write it back, so the two would overwrite each other; remove the entry from the file, or stop \(word) managing it"
    }

    @Test func ownAddressAndAnotherOwnersEntryAreWarnedLiveAndOffline() throws {
        guard let ns = try cliNetns() else { return }
        defer { ns.close() }
        let dir = try TempDir()
        try ns.check(["addr", "add", "192.0.2.1/24", "dev", "veth0"])
        try ns.check(["neigh", "add", "192.0.2.20", "dev", "veth0", "lladdr", "02:00:00:00:00:20", "proto", "zebra"])
        try ns.check(["neigh", "add", "2001:db8::20", "dev", "veth0", "lladdr", "02:00:00:00:00:99", "proto", "bgp"])
        let before = ShowCommandTests.kernelTable(ns)
        let f = try Self.desired(dir)
        let expected = [Self.ownAddress(f), Self.takeover(f, 6, "192.0.2.20", "11 (zebra)", "zebra"),
                        Self.takeover(f, 8, "2001:db8::20", "186 (bgp)", "bgp")]

        let v = try NeighsyncBinary.run(["validate", "-f", f, "--netns", ns.name])
        #expect(v.status == 0, "\(v.stderr)")
        for w in expected { #expect(v.stderr.contains(w + "\n"), "\(v.stderr)") }
        #expect(v.stderr.contains("3 warnings"))
        #expect(!v.stderr.contains("systemd-networkd"), "with --netns the networkd check does not apply")

        let vj = try NeighsyncBinary.run(["validate", "-f", f, "--netns", ns.name, "--output", "json"])
        let doc = try JSONSerialization.jsonObject(with: Data(vj.stdout.utf8)) as? [String: Any]
        let lines = ((doc?["warnings"] as? [[String: Any]]) ?? []).compactMap { $0["line"] as? Int }
        #expect(lines == [4, 6, 8], "\(vj.stdout)")

        let p = try NeighsyncBinary.run(["plan", "-f", f, "--netns", ns.name, "--detailed-exitcode"])
        #expect(p.status == 2, "\(p.stderr)")
        for w in expected { #expect(p.stderr.contains(w + "\n"), "\(p.stderr)") }
        #expect(p.stdout.contains("takes over from protocol 11 (zebra)"), "the plan itself is unchanged")

        // Offline from the README's snapshot: the takeovers are known, the own address is not (no addresses saved).
        let snap = try NeighsyncBinary.run(["show", "--netns", ns.name, "--output", "json"])
        let state = try dir.write("state.json", snap.stdout)
        let o = try NeighsyncBinary.run(["plan", "-f", f, "--state", state])
        #expect(o.status == 0, "\(o.stderr)")
        #expect(o.stderr.contains(expected[1] + "\n") && o.stderr.contains(expected[2] + "\n"), "\(o.stderr)")
        #expect(!o.stderr.contains("own address") && o.stderr.contains("2 warnings"), "\(o.stderr)")

        // The same host in a fleet directory warns the same way, under its name.
        try FileManager.default.createDirectory(atPath: dir.path + "/hosts/edge1", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: state, toPath: dir.path + "/hosts/edge1/state.json")
        try FileManager.default.copyItem(atPath: f, toPath: dir.path + "/hosts/edge1/neighbors.yaml")
        let fleet = try NeighsyncBinary.run(["plan", "--hosts", dir.path + "/hosts"])
        #expect(fleet.status == 0 && fleet.stderr.hasPrefix("host edge1: ") && fleet.stderr.contains("bgp"),
                "\(fleet.stderr)")

        #expect(ShowCommandTests.kernelTable(ns) == before, "validate and plan wrote nothing")
    }

    /// neighsync started inside the namespace (no `--netns`, as on a host where networkd runs), with a fake networkd
    /// state directory for veth0's index: a managed link without KeepConfiguration warns once, at its first entry;
    /// `KeepConfiguration=static` silences it; `--netns` skips the check.
    @Test func networkdManagedLinkWithoutKeepConfigurationIsWarned() throws {
        guard let ns = try cliNetns() else { return }
        defer { ns.close() }
        let dir = try TempDir()
        let f = try Self.desired(dir)
        let index = ns.index(of: "veth0")
        try FileManager.default.createDirectory(atPath: dir.path + "/links", withIntermediateDirectories: true)
        let network = try dir.write("10-veth0.network", "[Match]\nName=veth0\n\n[Network]\nDHCP=no\n")
        try dir.write("links/\(index)", "ADMIN_STATE=configured\nOPER_STATE=routable\nNETWORK_FILE=\(network)\n")
        let bin = try #require(NeighsyncBinary.path)
        func run(_ args: [String]) -> (status: Int32, stdout: String, stderr: String) {
            var env = ProcessInfo.processInfo.environment
            env["NEIGHSYNC_NETWORKD_STATE_DIR"] = dir.path + "/links"
            env["NO_COLOR"] = "1"
            return Netns.run("/usr/sbin/ip", ["netns", "exec", ns.name, bin] + args, environment: env)
        }
        let warning = "\(f):4:5: warning: veth0 is managed by systemd-networkd (\(network)) without KeepConfiguration=static: networkd removes the neighbor entries it did not make whenever it reconfigures the link (networkctl reload or reconfigure, a carrier change), until neighsync writes them again; add KeepConfiguration=static to the [Network] section of \(network), or write these entries there as [Neighbor] sections instead\n"
        for cmd in [["validate", "-f", f], ["plan", "-f", f]] {
            let r = run(cmd)
            #expect(r.status == 0, "\(cmd): \(r.stderr)")
            #expect(r.stderr.components(separatedBy: "systemd-networkd").count == 2, "once per link: \(r.stderr)")
            #expect(r.stderr.contains(warning), "\(cmd): \(r.stderr)")
        }
        let withNetns = try NeighsyncBinary.run(["validate", "-f", f, "--netns", ns.name],
                                                environment: ["NEIGHSYNC_NETWORKD_STATE_DIR": dir.path + "/links"])
        #expect(withNetns.status == 0 && !withNetns.stderr.contains("systemd-networkd"), "\(withNetns.stderr)")
        try dir.write("10-veth0.network", "[Match]\nName=veth0\n\n[Network]\nDHCP=no\nKeepConfiguration=static\n")
        let kept = run(["validate", "-f", f])
        #expect(kept.status == 0 && !kept.stderr.contains("systemd-networkd"), "\(kept.stderr)")
    }
}
