import Foundation
import NetnsTesting
import Testing

/// `plan --out FILE` then `apply FILE` against a real namespace: a plan applied a few seconds later (the entries'
/// reachability times have grown meanwhile) is not stale and carries out exactly its changes; a plan whose entries
/// really changed is refused and nothing is written. The table is checked with `ip -j neigh show`.
@Suite struct SavedPlanTests {
    /// Applied first: four owned entries, as `ApplyCommandTests.expected`.
    static let start = ApplyCommandTests.desired

    /// Each case: the desired file planned against `start`, the plan's text lines, and the table after the apply.
    static let cases: [(name: String, file: String, lines: [String], table: Set<String>)] = [
        ("set only", """
            version: 1
            defaults: { interface: veth0 }
            neighbors:
              - { address: 192.0.2.10, physicalAddress: "02:00:00:00:00:99" }
              - { address: 192.0.2.11, physicalAddress: "02:00:00:00:00:11" }
              - { address: 2001:db8::1, physicalAddress: "02:00:00:00:00:21" }
              - { address: 198.51.100.10, interface: veth1, physicalAddress: "02:00:00:00:01:10" }

            """,
         ["set 192.0.2.10 dev veth0 lladdr 02:00:00:00:00:99", "set 2001:db8::1 dev veth0 lladdr 02:00:00:00:00:21"],
         ["192.0.2.10 veth0 02:00:00:00:00:99 245", "192.0.2.11 veth0 02:00:00:00:00:11 245",
          "2001:db8::1 veth0 02:00:00:00:00:21 245", "198.51.100.10 veth1 02:00:00:00:01:10 245"]),
        ("delete only", """
            version: 1
            defaults: { interface: veth0 }
            neighbors:
              - { address: 192.0.2.10, physicalAddress: "02:00:00:00:00:10" }
              - { address: 2001:db8::1, physicalAddress: "02:00:00:00:00:21", isRouter: true }

            """,
         ["deleted 192.0.2.11 dev veth0 lladdr 02:00:00:00:00:11",
          "deleted 198.51.100.10 dev veth1 lladdr 02:00:00:00:01:10"],
         ["192.0.2.10 veth0 02:00:00:00:00:10 245", "2001:db8::1 veth0 02:00:00:00:00:21 router 245"]),
        ("mixed", """
            version: 1
            defaults: { interface: veth0 }
            neighbors:
              - { address: 192.0.2.10, physicalAddress: "02:00:00:00:00:98" }
              - { address: 192.0.2.12, physicalAddress: "02:00:00:00:00:12" }
              - { address: 2001:db8::1, physicalAddress: "02:00:00:00:00:21", isRouter: true }
              - { address: 198.51.100.10, interface: veth1, physicalAddress: "02:00:00:00:01:10" }

            """,
         ["set 192.0.2.10 dev veth0 lladdr 02:00:00:00:00:98", "deleted 192.0.2.11 dev veth0 lladdr 02:00:00:00:00:11",
          "created 192.0.2.12 dev veth0 lladdr 02:00:00:00:00:12"],
         ["192.0.2.10 veth0 02:00:00:00:00:98 245", "192.0.2.12 veth0 02:00:00:00:00:12 245",
          "2001:db8::1 veth0 02:00:00:00:00:21 router 245", "198.51.100.10 veth1 02:00:00:00:01:10 245"]),
    ]

    /// A namespace holding `start`, applied.
    static func prepared(_ dir: TempDir) throws -> Netns? {
        guard let ns = try cliNetns(pairs: 2) else { return nil }
        let r = try NeighsyncBinary.run(["apply", "-f", try dir.write("start.yaml", start), "--netns", ns.name])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(ApplyCommandTests.table(ns) == ApplyCommandTests.expected)
        return ns
    }

    @Test(arguments: cases.indices)
    func aSavedPlanAppliedSecondsLaterIsNotStaleAndAppliesExactly(_ i: Int) throws {
        let c = Self.cases[i]
        let dir = try TempDir()
        guard let ns = try Self.prepared(dir) else { return }
        let file = try dir.write("n.yaml", c.file)
        let out = "\(dir.path)/plan.json"
        let plan = try NeighsyncBinary.run(["plan", "-f", file, "--netns", ns.name, "--out", out])
        #expect(plan.status == 0, "\(c.name): \(plan.stderr)")
        // Long enough for every entry's reachability time (NDA_CACHEINFO) to change.
        Thread.sleep(forTimeInterval: 3)
        let applied = try NeighsyncBinary.run(["apply", out])
        #expect(applied.status == 0, "\(c.name): \(applied.stderr)")
        let lines = applied.stdout.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("Apply:") }
        #expect(Set(lines) == Set(c.lines) && lines.count == c.lines.count, "\(c.name): \(applied.stdout)")
        #expect(ApplyCommandTests.table(ns) == c.table, "\(c.name)")
        let again = try NeighsyncBinary.run(["plan", "-f", file, "--netns", ns.name, "--detailed-exitcode"])
        #expect(again.status == 0, "\(c.name): \(again.stdout)")
    }

    /// A change made by hand between `plan --out` and `apply`, and why it matters to the mixed plan.
    static let drifts: [(name: String, command: [String])] = [
        ("MAC of an entry the plan sets changed",
         ["neigh", "replace", "192.0.2.10", "lladdr", "02:00:00:00:00:77", "dev", "veth0", "nud", "permanent",
          "protocol", "245"]),
        ("entry the plan deletes is gone", ["neigh", "del", "192.0.2.11", "dev", "veth0"]),
        ("foreign entry at the key the plan creates",
         ["neigh", "add", "192.0.2.12", "lladdr", "02:00:00:00:00:66", "dev", "veth0", "nud", "permanent"]),
        ("owned static entry the plan keeps lost its router flag",
         ["neigh", "replace", "2001:db8::1", "lladdr", "02:00:00:00:00:21", "dev", "veth0", "nud", "permanent",
          "protocol", "245"]),
    ]

    @Test(arguments: drifts.indices)
    func aSavedPlanIsStaleWhenARelevantEntryReallyChanged(_ i: Int) throws {
        let d = Self.drifts[i]
        let dir = try TempDir()
        guard let ns = try Self.prepared(dir) else { return }
        let file = try dir.write("n.yaml", Self.cases[2].file)
        let out = "\(dir.path)/plan.json"
        #expect(try NeighsyncBinary.run(["plan", "-f", file, "--netns", ns.name, "--out", out]).status == 0)
        try ns.check(d.command)
        let before = Set(ns.neighbors().map { "\($0["dst"] ?? "") \($0["dev"] ?? "") \($0["lladdr"] ?? "-") "
                                                 + "\($0["state"] ?? "") \($0["protocol"] ?? "-") \($0["router"] != nil)" })
        let r = try NeighsyncBinary.run(["apply", out])
        #expect(r.status == 1, "\(d.name)")
        #expect(r.stdout == "")
        #expect(r.stderr == "error: \(out) is stale: the neighbor table changed since the plan was made; run "
                + "'neighsync plan' again\n", "\(d.name)")
        let after = Set(ns.neighbors().map { "\($0["dst"] ?? "") \($0["dev"] ?? "") \($0["lladdr"] ?? "-") "
                                                + "\($0["state"] ?? "") \($0["protocol"] ?? "-") \($0["router"] != nil)" })
        #expect(after == before, "\(d.name): nothing written")
    }

    /// The links a saved plan resolved its entries against changed: an interface its entries waited for exists now
    /// (apply would report them waiting for an interface that exists), or an interface it writes to was deleted
    /// (the create would fail ERROR_NOT_FOUND). Both make it stale; nothing is written.
    @Test func aSavedPlanIsStaleWhenItsLinksChanged() throws {
        guard let ns = try cliNetns(pairs: 2) else { return }
        let dir = try TempDir()
        let file = try dir.write("n.yaml", """
            version: 1
            neighbors:
              - { address: 192.0.2.10, interface: veth0, physicalAddress: "02:00:00:00:00:10" }
              - { address: 198.51.100.10, interface: veth2, physicalAddress: "02:00:00:00:01:10" }
              - { address: 198.51.100.20, interface: vlan100, physicalAddress: "02:00:00:00:02:10" }

            """)
        let out = "\(dir.path)/plan.json"
        #expect(try NeighsyncBinary.run(["plan", "-f", file, "--netns", ns.name, "--out", out]).status == 0)
        try ns.check(["link", "add", "vlan100", "type", "veth", "peer", "name", "x"])
        var r = try NeighsyncBinary.run(["apply", out])
        #expect(r.status == 1)
        #expect(r.stderr == "error: \(out) is stale: interface vlan100, which pending entries waited for, exists now "
                + "since the plan was made; run 'neighsync plan' again\n")
        #expect(ns.neighbors().filter { "\($0["protocol"] ?? "")" == "245" }.isEmpty)
        try ns.check(["link", "del", "vlan100"])
        // Back as it was: the plan applies... but not after veth2, which it writes to, is deleted.
        try ns.check(["link", "del", "veth2"])
        r = try NeighsyncBinary.run(["apply", out])
        #expect(r.status == 1)
        // The host check of every saved row (`PlanFile.hostProblem`) finds the link gone before any write.
        #expect(r.stderr.hasPrefix("error: \(out): desired[1]: ERROR_NOT_FOUND"), "\(r.stderr)")
        #expect(r.stderr.hasSuffix("nothing was applied. Run 'neighsync plan' again against this host\n"),
                "\(r.stderr)")
        #expect(ns.neighbors().filter { "\($0["protocol"] ?? "")" == "245" }.isEmpty)
    }

    /// Entries the plan cannot touch: a foreign static entry elsewhere, a dynamic one, an owned entry's reachability
    /// time. None of them makes the plan stale.
    @Test func unrelatedEntriesDoNotMakeAPlanStale() throws {
        let dir = try TempDir()
        guard let ns = try Self.prepared(dir) else { return }
        let file = try dir.write("n.yaml", Self.cases[2].file)
        let out = "\(dir.path)/plan.json"
        #expect(try NeighsyncBinary.run(["plan", "-f", file, "--netns", ns.name, "--out", out]).status == 0)
        try ns.check(["neigh", "add", "192.0.2.60", "lladdr", "02:00:00:00:00:60", "dev", "veth0", "nud", "permanent"])
        try ns.check(["neigh", "add", "192.0.2.61", "lladdr", "02:00:00:00:00:61", "dev", "veth0", "nud", "noarp",
                      "protocol", "4"])
        try ns.check(["neigh", "add", "192.0.2.62", "lladdr", "02:00:00:00:00:62", "dev", "veth0", "nud", "stale"])
        Thread.sleep(forTimeInterval: 1)
        let r = try NeighsyncBinary.run(["apply", out])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(ApplyCommandTests.table(ns) == Self.cases[2].table.union(["192.0.2.60 veth0 02:00:00:00:00:60 -"]))
    }

    @Test func planFilesAreWrittenWithMode0600() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        let file = try dir.write("n.yaml", ApplyCommandTests.desired)
        let out = "\(dir.path)/plan.json"
        let old = umask(0)
        defer { umask(old) }
        let r = try NeighsyncBinary.run(["plan", "-f", file, "--netns", ns.name, "--out", out])
        #expect(r.status == 0, "\(r.stderr)")
        let attrs = try FileManager.default.attributesOfItem(atPath: out)
        #expect((attrs[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        // Over an existing world-readable file too: the old file is replaced, not reused.
        try "old".write(toFile: "\(dir.path)/again.json", atomically: false, encoding: .utf8)
        chmod("\(dir.path)/again.json", 0o644)
        #expect(try NeighsyncBinary.run(["plan", "-f", file, "--netns", ns.name, "--out", "\(dir.path)/again.json"])
            .status == 0)
        let again = try FileManager.default.attributesOfItem(atPath: "\(dir.path)/again.json")
        #expect((again[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try NeighsyncBinary.run(["apply", "\(dir.path)/again.json"]).status == 0)
        #expect(ApplyCommandTests.table(ns) == ApplyCommandTests.expected)
    }
}
