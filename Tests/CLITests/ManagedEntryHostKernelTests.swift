import Foundation
import NetnsTesting
import Testing

/// The red team's managed-entry inputs (issue 13) fed to the binary in fresh namespaces: a multicast address and a
/// link's subnet broadcast as `state: managed` (the kernel maps those itself: apply used to write `lladdr
/// 01:00:5e:… managed NOARP`, plan the next time `~ … → none`, and the set left an INCOMPLETE entry that blackholed
/// the group), a configured `brd` of a secondary address and a broadcast route added by hand (written `lladdr
/// ff:ff:ff:ff:ff:ff managed NOARP`), and managed IPv4 in a namespace whose IPv4 local routing table does not exist
/// yet (stored NOARP ff:ff, the second plan never empty). Each is refused or pending with its reason, and the kernel
/// holds nothing of it; once the table exists (an address of any subnet or link, even deleted again) the kernel
/// resolves one (rounds 1 and 3 wrongly made such entries wait).
@Suite(.serialized) struct ManagedEntryHostKernelTests {
    /// `ip -j -d neigh show nud all` entry for `address` in `ns`.
    static func entry(_ ns: Netns, _ address: String) -> [String: Any]? {
        ManagedEntryKernelTests.entry(ns, address)
    }

    /// Every JSON object inside `value`, depth first.
    static func objects(_ value: Any) -> [[String: Any]] {
        if let d = value as? [String: Any] { return [d] + d.values.flatMap(objects) }
        if let a = value as? [Any] { return a.flatMap(objects) }
        return []
    }

    @Test func multicastAndSubnetBroadcastAreRefusedAndWriteNothing() throws {
        guard let probe = try cliNetns(pairs: 0) else { return }
        probe.close()
        let (a, b) = try Netns.joinedPair()
        defer { a.close(); b.close() }
        let dir = try TempDir()
        let cases: [(String, String)] = [
            ("224.0.0.5", "224.0.0.5 is a multicast address: the kernel maps it to its multicast link-layer address "
             + "itself, so it cannot be managed"),
            ("ff02::5", "ff02::5 is a multicast address: the kernel maps it"),
            ("198.51.100.255", "198.51.100.255 is a broadcast in the namespace's local routing table (its longest "
             + "match is `broadcast 198.51.100.255` on veth0): the kernel sends to it as a broadcast, so it cannot "
             + "be managed"),
            // The red team's repro: a secondary address with a configured broadcast inside the /24.
            ("198.51.100.99", "198.51.100.99 is a broadcast in the namespace's local routing table (its longest "
             + "match is `broadcast 198.51.100.99` on veth0)"),
            // Round 3: a broadcast route added by hand to table local.
            ("192.0.2.200", "192.0.2.200 is a broadcast in the namespace's local routing table (its longest "
             + "match is `broadcast 192.0.2.200` on veth0)"),
        ]
        try a.check(["addr", "add", "198.51.100.67/26", "broadcast", "198.51.100.99", "dev", "veth0"])
        try a.check(["route", "add", "broadcast", "192.0.2.200", "dev", "veth0", "table", "local"])
        for (address, message) in cases {
            let f = try dir.write("m.yaml", """
                version: 1
                neighbors:
                  - { address: "\(address)", interface: veth0, state: managed }

                """)
            for verb in ["validate", "plan", "apply"] {
                let r = try NeighsyncBinary.run([verb, "-f", f, "--netns", a.name])
                #expect(r.status == 1, "\(address) \(verb): \(r.stdout)")
                #expect(r.stderr.contains("\(f):3:16: error: " + message), "\(address) \(verb): \(r.stderr)")
            }
            #expect(Self.entry(a, address)?.keys.contains("managed") != true,
                    "\(address): \(String(describing: Self.entry(a, address)))")
            #expect(Self.entry(a, address)?["protocol"] == nil)
        }
        // entry create --managed: the same reasons, ERROR_INVALID_PARAMETER, nothing written.
        for (address, message) in [("ff02::9", "ff02::9 is a multicast address"),
                                   ("198.51.100.255", "198.51.100.255 is a broadcast in the namespace's local"),
                                   ("198.51.100.99", "198.51.100.99 is a broadcast in the namespace's local"),
                                   ("192.0.2.200", "192.0.2.200 is a broadcast in the namespace's local")] {
            let r = try NeighsyncBinary.run(["entry", "create", "--netns", a.name, "--interface", "veth0",
                                             "--address", address, "--managed", "--protocol", "245"])
            #expect(r.status == 1, "\(address): \(r.stdout)")
            #expect(r.stderr.contains("ERROR_INVALID_PARAMETER: " + message), "\(address): \(r.stderr)")
            #expect(Self.entry(a, address)?.keys.contains("managed") != true)
        }
        // The neighbor next to the broadcast address is an ordinary managed entry.
        let ok = try dir.write("ok.yaml", """
            version: 1
            neighbors:
              - { address: 198.51.100.254, interface: veth0, state: managed }

            """)
        #expect(try NeighsyncBinary.run(["apply", "-f", ok, "--netns", a.name]).status == 0)
        #expect(try NeighsyncBinary.run(["plan", "-f", ok, "--netns", a.name, "--detailed-exitcode"]).status == 0)
    }

    /// While no IPv4 address was ever configured (this namespace: `lo` never up, veth0/veth1 up without addresses)
    /// the kernel has no local table and keeps a managed IPv4 entry NOARP ff:ff: pending. One address of another
    /// subnet on the other link is enough: the kernel resolves 192.0.2.20 and 169.254.7.7 on veth0 (which has no
    /// IPv4 address), so both are written, not NOARP, and the second plan is empty.
    @Test func managedIPv4WaitsOnlyWhileTheNamespaceHasNoLocalRoutingTable() throws {
        guard let ns = try cliNetns() else { return }
        defer { ns.close() }
        let dir = try TempDir()
        let f = try dir.write("m.yaml", """
            version: 1
            neighbors:
              - { address: 192.0.2.20, interface: veth0, state: managed }
              - { address: 169.254.7.7, interface: veth0, state: managed }
              - { address: 2001:db8::20, interface: veth0, state: managed }

            """)
        let reason = "blocked: the namespace has no IPv4 local routing table yet (no IPv4 address was ever "
            + "configured; `ip link set lo up` creates it), so the kernel keeps a managed entry for 192.0.2.20 NOARP "
            + "with ff:ff:ff:ff:ff:ff"
        let validate = try NeighsyncBinary.run(["validate", "-f", f, "--netns", ns.name])
        #expect(validate.status == 0 && validate.stderr.contains(reason), "\(validate.stdout)\(validate.stderr)")
        let plan = try NeighsyncBinary.run(["plan", "-f", f, "--netns", ns.name])
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("  ? 192.0.2.20 dev veth0 managed  # " + reason), "\(plan.stdout)")
        #expect(plan.stdout.contains("  + 2001:db8::20 dev veth0 managed  # absent"), "\(plan.stdout)")
        // The JSON pending row keeps the managed marker (state none alone would read as an unmanaged entry), and a
        // plan file carrying it reads back.
        let json = try NeighsyncBinary.run(["plan", "-f", f, "--netns", ns.name, "--output", "json"])
        let doc = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8))
        let rows = Self.objects(doc).filter { $0["address"] as? String == "192.0.2.20" && $0["cause"] != nil }
        #expect(rows.count == 1 && rows.allSatisfy {
            $0["flags"] as? [String] == ["managed", "extern_learn"] && $0["state"] as? String == "none"
        }, "\(json.stdout)")
        let saved = "\(dir.path)/plan.json"
        #expect(try NeighsyncBinary.run(["plan", "-f", f, "--netns", ns.name, "--out", saved]).status == 0)
        let report = "\(dir.path)/report.json"
        let apply = try NeighsyncBinary.run(["apply", "-f", f, "--netns", ns.name, "--report", report])
        #expect(apply.status == 1, "\(apply.stdout)")
        #expect(apply.stderr.contains(reason), "\(apply.stderr)")
        let reported = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report)))
        #expect(Self.objects(reported).contains {
            $0["address"] as? String == "192.0.2.20" && $0["flags"] as? [String] == ["managed", "extern_learn"]
        }, "\(reported)")
        #expect(Self.entry(ns, "192.0.2.20") == nil, "\(String(describing: Self.entry(ns, "192.0.2.20")))")
        #expect(Self.entry(ns, "169.254.7.7") == nil)
        let replay = try NeighsyncBinary.run(["apply", saved])
        #expect(!replay.stderr.contains(".flags"), "\(replay.stderr)")
        #expect(Self.entry(ns, "2001:db8::20")?.keys.contains("managed") == true)
        // Nothing left but the pending lines: the second plan changes nothing.
        #expect(try NeighsyncBinary.run(["plan", "-f", f, "--netns", ns.name, "--detailed-exitcode"]).status == 0)

        // entry create --managed: ERROR_NOT_SUPPORTED, nothing written.
        let create = try NeighsyncBinary.run(["entry", "create", "--netns", ns.name, "--interface", "veth0",
                                              "--address", "192.0.2.20", "--managed", "--protocol", "245"])
        #expect(create.status == 1)
        #expect(create.stderr.contains("ERROR_NOT_SUPPORTED: the namespace has no IPv4 local routing table yet"),
                "\(create.stderr)")
        #expect(Self.entry(ns, "192.0.2.20") == nil)

        // An address of another subnet on the other link: the kernel has a local table, both entries are written.
        try ns.check(["addr", "add", "198.51.100.1/24", "dev", "veth1"])
        let now = try NeighsyncBinary.run(["apply", "-f", f, "--netns", ns.name])
        #expect(now.status == 0, "\(now.stdout)\(now.stderr)")
        for address in ["192.0.2.20", "169.254.7.7"] {
            let e = try #require(Self.entry(ns, address))
            #expect(e.keys.contains("managed") && "\(e["protocol"] ?? "")" == "245", "\(e)")
            #expect(!(e["state"] as? [String] ?? []).contains("NOARP") && e["lladdr"] as? String != "ff:ff:ff:ff:ff:ff",
                    "\(e)")
        }
        let again = try NeighsyncBinary.run(["plan", "-f", f, "--netns", ns.name, "--detailed-exitcode"])
        #expect(again.status == 0, "\(again.stdout)")
    }

    /// Round 3's repro: the local table, once made, stays. veth0 up, `198.51.100.1/24` added then deleted (`lo`
    /// down): no IPv4 address anywhere, yet the kernel resolves `ip neigh add … managed` normally, so neighsync
    /// writes the entry (it used to keep it pending, apply rc 1, and `entry create --managed` said
    /// ERROR_NOT_SUPPORTED); the same after `lo` was up once and went down again. Nothing NOARP ff:ff, second plan
    /// empty.
    @Test func managedIPv4IsResolvedOnceTheLocalTableExistsEvenWithoutAddresses() throws {
        for makeTable in [[["addr", "add", "198.51.100.1/24", "dev", "veth0"],
                           ["addr", "del", "198.51.100.1/24", "dev", "veth0"]],
                          [["link", "set", "lo", "up"], ["link", "set", "lo", "down"]]] {
            guard let ns = try cliNetns() else { return }
            defer { ns.close() }
            for step in makeTable { try ns.check(step) }
            let dir = try TempDir()
            let f = try dir.write("m.yaml", """
                version: 1
                neighbors:
                  - { address: 192.0.2.20, interface: veth0, state: managed }

                """)
            let plan = try NeighsyncBinary.run(["plan", "-f", f, "--netns", ns.name])
            #expect(plan.stdout.contains("  + 192.0.2.20 dev veth0 managed"), "\(makeTable): \(plan.stdout)")
            #expect(!plan.stdout.contains("?"), "\(makeTable): \(plan.stdout)")
            let apply = try NeighsyncBinary.run(["apply", "-f", f, "--netns", ns.name])
            #expect(apply.status == 0, "\(makeTable): \(apply.stdout)\(apply.stderr)")
            let e = try #require(Self.entry(ns, "192.0.2.20"), "\(makeTable)")
            #expect(e.keys.contains("managed") && "\(e["protocol"] ?? "")" == "245", "\(e)")
            #expect(!(e["state"] as? [String] ?? []).contains("NOARP") && e["lladdr"] as? String != "ff:ff:ff:ff:ff:ff",
                    "\(makeTable): \(e)")
            #expect(try NeighsyncBinary.run(["plan", "-f", f, "--netns", ns.name, "--detailed-exitcode"]).status == 0)
            let create = try NeighsyncBinary.run(["entry", "create", "--netns", ns.name, "--interface", "veth0",
                                                  "--address", "192.0.2.21", "--managed", "--protocol", "245"])
            #expect(create.status == 0, "\(makeTable): \(create.stdout)\(create.stderr)")
            let c = try #require(Self.entry(ns, "192.0.2.21"), "\(makeTable)")
            #expect(c.keys.contains("managed") && !(c["state"] as? [String] ?? []).contains("NOARP"), "\(c)")
        }
    }

    /// Watch mode: the managed IPv4 entry waits while the namespace has no IPv4 local routing table (nothing
    /// written, no NOARP entry re-created pass after pass) and is written once another link gets an address (an
    /// address event wakes a pass); a broadcast route added by hand to table local (a route event only) blocks it:
    /// deleted by hand, it is not re-created (never NOARP ff:ff).
    @Test func watchFollowsTheNamespacesAddressesForAManagedEntry() throws {
        guard let ns = try cliNetns() else { return }
        defer { ns.close() }
        let dir = try TempDir()
        let f = try dir.write("m.yaml", """
            version: 1
            neighbors:
              - { address: 192.0.2.20, interface: veth0, state: managed, optional: true }

            """)
        let w = try WatchCommandTests.Watch(["apply", "-f", f, "--netns", ns.name, "--watch", "--lock-timeout", "5"],
                                            dir: dir)
        #expect(ManagedEntryKernelTests.waitFor(10) { w.log.contains("no IPv4 local routing table yet") },
                "\(w.log)")
        #expect(Self.entry(ns, "192.0.2.20") == nil)
        try ns.check(["addr", "add", "198.51.100.1/24", "dev", "veth1"])
        #expect(ManagedEntryKernelTests.waitFor(10) {
            let e = Self.entry(ns, "192.0.2.20")
            return e?.keys.contains("managed") == true && !(e?["state"] as? [String] ?? []).contains("NOARP")
        }, "\(String(describing: Self.entry(ns, "192.0.2.20"))): \(w.log)")
        // A broadcast route added by hand makes 192.0.2.20 a broadcast: blocked, and not re-created once deleted.
        try ns.check(["route", "add", "broadcast", "192.0.2.20", "dev", "veth1", "table", "local"])
        #expect(ManagedEntryKernelTests.waitFor(10) {
            w.log.contains("192.0.2.20 is a broadcast in the namespace's local routing table")
        },
                "\(w.log)")
        try ns.check(["neigh", "del", "192.0.2.20", "dev", "veth0"])
        try ns.check(["neigh", "add", "192.0.2.5", "lladdr", "02:00:00:00:00:05", "dev", "veth0"])  // wakes a pass
        Thread.sleep(forTimeInterval: 1.5)
        #expect(Self.entry(ns, "192.0.2.20") == nil, "\(String(describing: Self.entry(ns, "192.0.2.20"))): \(w.log)")
        #expect(w.stop() == 0)
    }

    /// `apply PLANFILE` runs the managed host checks on every saved row before any write: a plan saved while the
    /// managed row was fine, then the host changed (a /24 made a /25, whose broadcast the row now is), is refused
    /// whole, naming the row, and the permanent row beside it is not written either (the old
    /// code wrote it, then failed the managed one: `1 created … 1 failed`). Back as it was, the plan applies.
    @Test func aSavedPlanWhoseManagedRowTheHostNowRefusesWritesNothing() throws {
        guard let ns = try cliNetns() else { return }
        defer { ns.close() }
        try ns.check(["addr", "add", "198.51.100.1/24", "dev", "veth0"])
        let dir = try TempDir()
        let f = try dir.write("m.yaml", """
            version: 1
            neighbors:
              - { address: 192.0.2.30, interface: veth0, physicalAddress: "02:00:00:00:00:30" }
              - { address: 198.51.100.127, interface: veth0, state: managed }

            """)
        let out = "\(dir.path)/plan.json"
        let plan = try NeighsyncBinary.run(["plan", "-f", f, "--netns", ns.name, "--out", out])
        #expect(plan.status == 0, "\(plan.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out)))
                               as? [String: Any])
        let desired = try #require(doc["desired"] as? [[String: Any]])
        let k = try #require(desired.firstIndex { $0["address"] as? String == "198.51.100.127" })
        let tail = "; nothing was applied"
        // (Removing the address is no longer a change that refuses it: the local table stays, and the kernel
        // resolves the entry; `managedIPv4IsResolvedOnceTheLocalTableExistsEvenWithoutAddresses`.)
        let changes: [(steps: [[String]], message: String)] = [
            ([["addr", "del", "198.51.100.1/24", "dev", "veth0"], ["addr", "add", "198.51.100.1/25", "dev", "veth0"]],
             "desired[\(k)]: ERROR_INVALID_PARAMETER: 198.51.100.127 is a broadcast in the namespace's local routing "
             + "table (its longest match is `broadcast 198.51.100.127` on veth0)"),
        ]
        for (steps, message) in changes {
            for step in steps { try ns.check(step) }
            let r = try NeighsyncBinary.run(["apply", out])
            #expect(r.status == 1, "\(r.stdout)")
            #expect(r.stderr.contains(message) && r.stderr.contains(tail), "\(r.stderr)")
            #expect(!r.stdout.contains("created") && !r.stdout.contains("failed"), "\(r.stdout)")
            #expect(Self.entry(ns, "192.0.2.30") == nil, "\(String(describing: Self.entry(ns, "192.0.2.30")))")
            #expect(Self.entry(ns, "198.51.100.127") == nil)
        }
        try ns.check(["addr", "del", "198.51.100.1/25", "dev", "veth0"])
        try ns.check(["addr", "add", "198.51.100.1/24", "dev", "veth0"])
        let ok = try NeighsyncBinary.run(["apply", out])
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        #expect(Self.entry(ns, "192.0.2.30") != nil && Self.entry(ns, "198.51.100.127")?.keys.contains("managed") == true)
        #expect(try NeighsyncBinary.run(["plan", "-f", f, "--netns", ns.name, "--detailed-exitcode"]).status == 0)
    }

    /// A managed entry the kernel made NOARP (written before the link had an IPv4 address, here by iproute2) is a
    /// set whose reason shows the kernel's state, `noarp → managed`, not `managed → managed`.
    @Test func aNoarpManagedEntryIsASetThatNamesTheKernelsState() throws {
        guard let ns = try cliNetns() else { return }
        defer { ns.close() }
        try ns.check(["neigh", "add", "192.0.2.20", "dev", "veth0", "managed", "extern_learn", "protocol", "245"])
        let e = try #require(Self.entry(ns, "192.0.2.20"))
        try #require((e["state"] as? [String] ?? []) == ["NOARP"], "this kernel did not make it NOARP: \(e)")
        try ns.check(["addr", "add", "192.0.2.1/24", "dev", "veth0"])
        let dir = try TempDir()
        let f = try dir.write("m.yaml", """
            version: 1
            neighbors:
              - { address: 192.0.2.20, interface: veth0, state: managed }

            """)
        let plan = try NeighsyncBinary.run(["plan", "-f", f, "--netns", ns.name])
        #expect(plan.stdout.contains("  ~ 192.0.2.20 dev veth0 managed  # lladdr ff:ff:ff:ff:ff:ff → none, state noarp "
                                     + "→ managed (\(f):3:5)"), "\(plan.stdout)")
        let json = try NeighsyncBinary.run(["plan", "-f", f, "--netns", ns.name, "--output", "json"])
        let compact = json.stdout.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "\n", with: "")
        #expect(compact.contains("\"before\":\"noarp\""), "\(json.stdout)")
        #expect(!compact.contains("managed→managed") && !compact.contains("\"before\":\"managed\""), "\(json.stdout)")
        #expect(try NeighsyncBinary.run(["apply", "-f", f, "--netns", ns.name]).status == 0)
        let after = try #require(Self.entry(ns, "192.0.2.20"))
        #expect(!(after["state"] as? [String] ?? []).contains("NOARP"), "\(after)")
        #expect(try NeighsyncBinary.run(["plan", "-f", f, "--netns", ns.name, "--detailed-exitcode"]).status == 0)
    }
}
