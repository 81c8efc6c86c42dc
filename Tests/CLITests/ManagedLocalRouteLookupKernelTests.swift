import Foundation
import NetnsTesting
import Testing

/// Round 4 of issue 13: neighsync's local-table rule against the kernel's (control: `ip neigh add A dev veth0
/// managed extern_learn protocol 99`). The kernel's lookup uses a TOS-0 flow, so a route with a TOS never matches;
/// a multicast route in table local makes the entry NOARP with the mapped MAC; a saved plan made while the table did
/// not exist is not stale while it still does not; a refusal names the link that holds the route.
@Suite(.serialized) struct ManagedLocalRouteLookupKernelTests {
    static func entry(_ ns: Netns, _ address: String) -> [String: Any]? {
        ManagedEntryKernelTests.entry(ns, address)
    }

    static func file(_ dir: TempDir, _ address: String) throws -> String {
        try dir.write("m-\(address).yaml", """
            version: 1
            neighbors:
              - { address: "\(address)", interface: veth0, state: managed }

            """)
    }

    /// `route add local 192.0.2.233 tos 0x10` + `route add broadcast 192.0.2.233`: the kernel answers the broadcast
    /// (it wrote NOARP ff:ff through neighsync); a `tos` broadcast route alone is no broadcast for the kernel (it
    /// resolves 192.0.2.234; neighsync refused it); `route add multicast 198.51.100.77 … table local` is NOARP
    /// 01:00:5e:… in the kernel (neighsync wrote it).
    @Test func tosRoutesAreSkippedAndMulticastRoutesRefused() throws {
        guard let ns = try cliNetns() else { return }
        defer { ns.close() }
        try ns.check(["addr", "add", "192.0.2.1/24", "dev", "veth0"])
        try ns.check(["route", "add", "local", "192.0.2.233", "tos", "0x10", "dev", "veth0", "table", "local"])
        try ns.check(["route", "add", "broadcast", "192.0.2.233", "dev", "veth0", "table", "local"])
        try ns.check(["route", "add", "broadcast", "192.0.2.234", "tos", "0x10", "dev", "veth0", "table", "local"])
        try ns.check(["route", "add", "multicast", "198.51.100.77", "dev", "veth0", "table", "local"])
        let dir = try TempDir()
        let refused: [(String, String)] = [
            ("192.0.2.233", "192.0.2.233 is a broadcast in the namespace's local routing table (its longest match is "
             + "`broadcast 192.0.2.233` on veth0)"),
            ("198.51.100.77", "198.51.100.77 is a multicast in the namespace's local routing table (its longest match "
             + "is `multicast 198.51.100.77` on veth0): the kernel sends to it as a multicast, so it cannot be "
             + "managed (the kernel would write the entry NOARP with its mapped multicast MAC"),
        ]
        for (address, message) in refused {
            let f = try Self.file(dir, address)
            for verb in ["validate", "plan", "apply"] {
                let r = try NeighsyncBinary.run([verb, "-f", f, "--netns", ns.name])
                #expect(r.status == 1, "\(address) \(verb): \(r.stdout)")
                #expect(r.stderr.contains("\(f):3:16: error: " + message), "\(address) \(verb): \(r.stderr)")
            }
            let c = try NeighsyncBinary.run(["entry", "create", "--netns", ns.name, "--interface", "veth0",
                                             "--address", address, "--managed", "--protocol", "245"])
            #expect(c.status == 1 && c.stderr.contains("ERROR_INVALID_PARAMETER: " + message), "\(c.stderr)")
            #expect(Self.entry(ns, address) == nil, "\(String(describing: Self.entry(ns, address)))")
        }
        // The TOS broadcast route: the kernel resolves the entry, so neighsync writes it.
        let f = try Self.file(dir, "192.0.2.234")
        let apply = try NeighsyncBinary.run(["apply", "-f", f, "--netns", ns.name])
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        let e = try #require(Self.entry(ns, "192.0.2.234"))
        #expect(e.keys.contains("managed") && !(e["state"] as? [String] ?? []).contains("NOARP")
                && e["lladdr"] as? String != "ff:ff:ff:ff:ff:ff", "\(e)")
        #expect(try NeighsyncBinary.run(["plan", "-f", f, "--netns", ns.name, "--detailed-exitcode"]).status == 0)
    }

    /// `ignore_routes_with_linkdown` on veth1 and its peer down: `broadcast 198.51.100.255 dev veth1 … dead
    /// linkdown`. The kernel's lookup skips the dead route and resolves a managed entry there (INCOMPLETE, not NOARP
    /// ff:ff), so neighsync writes it (it refused it as a broadcast).
    @Test func aDeadBroadcastRouteIsNoBroadcast() throws {
        guard let ns = try cliNetns() else { return }
        defer { ns.close() }
        let sysctl = ns.exec(["sysctl", "-qw", "net.ipv4.conf.veth1.ignore_routes_with_linkdown=1"])
        try #require(sysctl.status == 0, "\(sysctl.stderr)")
        try ns.check(["addr", "add", "198.51.100.1/24", "dev", "veth1"])
        try ns.check(["link", "set", "veth0", "down"])
        let routes = ns.run(["route", "show", "table", "local"]).stdout
        try #require(routes.contains("broadcast 198.51.100.255 dev veth1") && routes.contains("dead linkdown"),
                     "\(routes)")
        let dir = try TempDir()
        let f = try dir.write("m.yaml", """
            version: 1
            neighbors:
              - { address: 198.51.100.255, interface: veth1, state: managed }

            """)
        let apply = try NeighsyncBinary.run(["apply", "-f", f, "--netns", ns.name])
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        let e = try #require(Self.entry(ns, "198.51.100.255"))
        #expect(e.keys.contains("managed") && !(e["state"] as? [String] ?? []).contains("NOARP")
                && e["lladdr"] as? String != "ff:ff:ff:ff:ff:ff", "\(e)")
        #expect(try NeighsyncBinary.run(["plan", "-f", f, "--netns", ns.name, "--detailed-exitcode"]).status == 0)
    }

    /// A plan saved in a namespace with no IPv4 local table, holding a pending managed row beside a ready one, is
    /// not stale while the table still does not exist: `apply PLANFILE` writes the ready row and reports the entry
    /// pending, like `apply -f` (it was refused "stale: IPv4 is usable on veth0 now"). Once the table exists, the
    /// saved plan is stale (the entry can be written now).
    @Test func aSavedPlanWithAPendingManagedRowAppliesWhileTheTableIsStillMissing() throws {
        guard let ns = try cliNetns() else { return }
        defer { ns.close() }
        try #require(ns.run(["route", "show", "table", "local"]).status != 0, "the test namespace has a local table")
        let dir = try TempDir()
        let f = try dir.write("m.yaml", """
            version: 1
            neighbors:
              - { address: 192.0.2.30, interface: veth0, physicalAddress: "02:00:00:00:00:30" }
              - { address: 192.0.2.20, interface: veth0, state: managed }

            """)
        let saved = "\(dir.path)/plan.json"
        #expect(try NeighsyncBinary.run(["plan", "-f", f, "--netns", ns.name, "--out", saved]).status == 0)
        let r = try NeighsyncBinary.run(["apply", saved])
        #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
        #expect(!r.stderr.contains("stale"), "\(r.stderr)")
        #expect(r.stderr.contains("no IPv4 local routing table yet"), "\(r.stderr)")
        #expect(r.stdout.contains("1 pending"), "\(r.stdout)")
        #expect(Self.entry(ns, "192.0.2.30")?["lladdr"] as? String == "02:00:00:00:00:30")
        #expect(Self.entry(ns, "192.0.2.20") == nil, "\(String(describing: Self.entry(ns, "192.0.2.20")))")
        #expect(ns.run(["route", "show", "table", "local"]).status != 0)
        // The host changed: the table exists, the pending entry can be written; the saved plan is stale now.
        let again = "\(dir.path)/again.json"
        #expect(try NeighsyncBinary.run(["plan", "-f", f, "--netns", ns.name, "--out", again]).status == 0)
        try ns.check(["addr", "add", "198.51.100.1/24", "dev", "veth1"])
        let stale = try NeighsyncBinary.run(["apply", again])
        #expect(stale.status == 1 && stale.stderr.contains("stale"), "\(stale.stdout)\(stale.stderr)")
        #expect(Self.entry(ns, "192.0.2.20") == nil)
    }

    /// `entry create --managed` names the link holding the broadcast route (`on veth1`), as plan does, not `on if3`.
    @Test func entryCreateNamesTheLinkOfTheRoute() throws {
        guard let ns = try cliNetns() else { return }
        defer { ns.close() }
        try ns.check(["addr", "add", "192.0.2.1/25", "dev", "veth1"])
        let message = "192.0.2.127 is a broadcast in the namespace's local routing table (its longest match is "
            + "`broadcast 192.0.2.127` on veth1)"
        let c = try NeighsyncBinary.run(["entry", "create", "--netns", ns.name, "--interface", "veth0",
                                         "--address", "192.0.2.127", "--managed", "--protocol", "245"])
        #expect(c.status == 1 && c.stderr.contains("ERROR_INVALID_PARAMETER: " + message), "\(c.stderr)")
        let dir = try TempDir()
        let f = try Self.file(dir, "192.0.2.127")
        let p = try NeighsyncBinary.run(["plan", "-f", f, "--netns", ns.name])
        #expect(p.status == 1 && p.stderr.contains(message), "\(p.stderr)")
        #expect(Self.entry(ns, "192.0.2.127") == nil)
    }
}
