import Foundation
import NetnsTesting
import Testing

/// Managed entries (`state: managed`, NTF_EXT_MANAGED) end to end through the binary, each case in fresh namespaces:
/// created as managed with the owner protocol (`ip -j -d neigh show`), resolved against a peer namespace that
/// answers (REACHABLE with the peer's MAC) and left unresolved where nobody answers (INCOMPLETE/FAILED), converged
/// either way (the second plan is empty); managed ↔ permanent both ways; an offline plan from a snapshot equals
/// the live one; show/entry outputs; hostile files refused with the kernel untouched; watch mode re-adds what a
/// link down/up flushed.
@Suite(.serialized) struct ManagedEntryKernelTests {
    /// (family, the peer's answering address, an address nobody answers).
    static let families = [("ipv4", "198.51.100.2", "198.51.100.99"), ("ipv6", "2001:db8:51::2", "2001:db8:51::99")]

    static func file(_ peer: String, _ silent: String) -> String {
        """
        version: 1
        defaults: { interface: veth0, state: managed }
        neighbors:
          - address: \(peer)
          - address: \(silent)

        """
    }

    /// `ip -j -d neigh show nud all` entry for `address` in `ns`.
    static func entry(_ ns: Netns, _ address: String) -> [String: Any]? {
        let r = ns.run(["-j", "-d", "neigh", "show", "nud", "all"])
        let all = (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]) ?? []
        return all.first { $0["dst"] as? String == address }
    }

    /// The entries of `ns` other than the kernel's own multicast NOARP ones (which come and go by themselves).
    static func configured(_ ns: Netns) -> [String] {
        let r = ns.run(["-j", "-d", "neigh", "show", "nud", "all"])
        let all = (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]) ?? []
        return all.compactMap { e -> String? in
            let dst = e["dst"] as? String ?? ""
            return dst.hasPrefix("ff02:") ? nil : "\(dst) \(e["dev"] ?? "") \(e["state"] ?? "")"
        }.sorted()
    }

    static func states(_ e: [String: Any]?) -> [String] { e?["state"] as? [String] ?? [] }

    static func mac(_ ns: Netns, _ dev: String) -> String {
        let r = ns.run(["-j", "link", "show", "dev", dev])
        let arr = (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]) ?? []
        return arr.first?["address"] as? String ?? "?"
    }

    static func waitFor(_ timeout: Double = 8, _ condition: () -> Bool) -> Bool {
        let start = Date()
        while Date().timeIntervalSince(start) < timeout {
            if condition() { return true }
            usleep(50_000)
        }
        return false
    }

    static func json(_ text: String) -> Any? { try? JSONSerialization.jsonObject(with: Data(text.utf8)) }

    @Test(arguments: families)
    func managedEntriesAreCreatedResolvedAndStayConverged(_ family: String, _ peer: String, _ silent: String) throws {
        guard let probe = try cliNetns(pairs: 0) else { return }
        probe.close()
        let (a, b) = try Netns.joinedPair()
        let dir = try TempDir()
        let f = try dir.write("m.yaml", Self.file(peer, silent))
        let plan = try NeighsyncBinary.run(["plan", "-f", f, "--netns", a.name])
        #expect(plan.stdout.contains("  + \(peer) dev veth0 managed  # absent (\(f):4:5)"), "\(plan.stdout)")
        #expect(plan.stdout.hasSuffix("Plan: 2 to create, 0 to set, 0 to delete, 0 unchanged.\n"), "\(plan.stdout)")
        let apply = try NeighsyncBinary.run(["apply", "-f", f, "--netns", a.name])
        #expect(apply.status == 0, "\(apply.stderr)")

        // The kernel holds managed entries carrying the owner protocol, and no MAC pinned by us.
        for address in [peer, silent] {
            let e = try #require(Self.entry(a, address), "\(address) missing")
            #expect(e.keys.contains("managed"), "\(e)")
            #expect("\(e["protocol"] ?? "")" == "245", "\(e)")
            #expect(!Self.states(e).contains("PERMANENT"))
        }
        // The peer answers: REACHABLE with its MAC (the kernel may have moved on to STALE already).
        let peerMac = Self.mac(b, "veth0")
        #expect(Self.waitFor {
            let e = Self.entry(a, peer)
            return e?["lladdr"] as? String == peerMac
                && !Set(Self.states(e)).isDisjoint(with: ["REACHABLE", "STALE", "DELAY", "PROBE"])
        }, "\(String(describing: Self.entry(a, peer)))")
        // Nobody answers the other: INCOMPLETE, then FAILED, still managed and ours.
        let unanswered = Self.entry(a, silent)
        #expect(!Set(Self.states(unanswered)).isDisjoint(with: ["INCOMPLETE", "FAILED"]), "\(String(describing: unanswered))")
        #expect(unanswered?["lladdr"] == nil)

        // Converged whatever the kernel resolved: the second plan is empty, now and once the silent one FAILED.
        let again = try NeighsyncBinary.run(["plan", "-f", f, "--netns", a.name, "--detailed-exitcode"])
        #expect(again.status == 0, "\(again.stdout)")
        #expect(again.stdout.hasSuffix("No changes. The neighbor table matches the desired state; 0 pending.\n")
                || again.stdout.contains("No changes"), "\(again.stdout)")
        _ = Self.waitFor(5) { Self.states(Self.entry(a, silent)).contains("FAILED") }
        #expect(try NeighsyncBinary.run(["plan", "-f", f, "--netns", a.name, "--detailed-exitcode"]).status == 0)

        // Outputs: the managed flag and the resolution state.
        let show = try NeighsyncBinary.run(["show", "--netns", a.name])
        #expect(show.stdout.contains("\(peer) dev veth0 lladdr \(peerMac) managed "), "\(show.stdout)")
        #expect(show.stdout.contains("\(silent) dev veth0 managed "), "\(show.stdout)")
        let showJSON = try NeighsyncBinary.run(["show", "--netns", a.name, "--output", "json"])
        let doc = try #require(Self.json(showJSON.stdout) as? [String: Any])
        let rows = try #require((doc["neighbors"] ?? doc["entries"] ?? doc["rows"]) as? [[String: Any]], "\(doc.keys)")
        let peerRow = try #require(rows.first { $0["address"] as? String == peer })
        #expect(peerRow["flags"] as? [String] == ["managed", "extern_learn"])
        #expect(peerRow["physicalAddress"] as? String == peerMac)
        #expect(["reachable", "stale", "delay", "probe"].contains(peerRow["state"] as? String ?? ""), "\(peerRow)")
        let yaml = try NeighsyncBinary.run(["show", "--netns", a.name, "--output", "yaml"])
        #expect(yaml.stdout.contains("  - address: \"\(peer)\"\n    interface: veth0\n    state: managed\n")
                || yaml.stdout.contains("  - address: \(peer)\n    interface: veth0\n    state: managed\n"),
                "\(yaml.stdout)")
        #expect(!yaml.stdout.contains("physicalAddress"), "\(yaml.stdout)")
        let get = try NeighsyncBinary.run(["entry", "get", "--netns", a.name, "--interface", "veth0", "--address", peer,
                                           "--output", "json"])
        let got = try #require((Self.json(get.stdout) as? [[String: Any]])?.first, "\(get.stdout)\(get.stderr)")
        #expect(got["flags"] as? [String] == ["managed", "extern_learn"])
        #expect(got["state"] as? String != "permanent")
        let table = try NeighsyncBinary.run(["entry", "table", "--netns", a.name, "--managed"])
        #expect(table.stdout.split(separator: "\n").count == 2, "\(table.stdout)")

        // Offline: a snapshot holding the managed entries plans exactly as the live table does, for an empty plan
        // and for one that converts an entry to permanent.
        let snap = try dir.write("snap.json", showJSON.stdout)
        let offline = try NeighsyncBinary.run(["plan", "-f", f, "--state", snap, "--detailed-exitcode"])
        #expect(offline.status == 0, "\(offline.stdout)\(offline.stderr)")
        let g = try dir.write("p.yaml", Self.file(peer, silent).replacingOccurrences(
            of: "  - address: \(silent)\n",
            with: "  - address: \(silent)\n    state: permanent\n    physicalAddress: \"02:00:00:00:00:99\"\n"))
        let live = try NeighsyncBinary.run(["plan", "-f", g, "--netns", a.name])
        let fromSnapshot = try NeighsyncBinary.run(["plan", "-f", g, "--state", snap])
        #expect(live.stdout == fromSnapshot.stdout, "\(live.stdout)\n---\n\(fromSnapshot.stdout)")
        #expect(live.stdout.contains("  ~ \(silent) dev veth0 lladdr 02:00:00:00:00:99 permanent  # managed → "
                                     + "permanent: pins lladdr 02:00:00:00:00:99"), "\(live.stdout)")
        a.close()
        b.close()
    }

    @Test(arguments: families)
    func managedAndPermanentConvertBothWays(_ family: String, _ peer: String, _ silent: String) throws {
        guard let probe = try cliNetns(pairs: 0) else { return }
        probe.close()
        let (a, b) = try Netns.joinedPair()
        defer { a.close(); b.close() }
        let dir = try TempDir()
        let permanent = try dir.write("p.yaml", """
            version: 1
            neighbors:
              - { address: \(silent), interface: veth0, physicalAddress: "02:00:00:00:00:99" }

            """)
        let managed = try dir.write("m.yaml", """
            version: 1
            neighbors:
              - { address: \(silent), interface: veth0, state: managed }

            """)
        #expect(try NeighsyncBinary.run(["apply", "-f", permanent, "--netns", a.name]).status == 0)
        #expect(Self.states(Self.entry(a, silent)) == ["PERMANENT"])

        let toManaged = try NeighsyncBinary.run(["plan", "-f", managed, "--netns", a.name])
        #expect(toManaged.stdout.contains("  ~ \(silent) dev veth0 managed  # permanent → managed: the kernel "
                                          + "resolves the address and keeps it resolved"), "\(toManaged.stdout)")
        #expect(toManaged.stdout.contains("Plan: 0 to create, 1 to set, 0 to delete"), "\(toManaged.stdout)")
        #expect(try NeighsyncBinary.run(["apply", "-f", managed, "--netns", a.name]).status == 0)
        let e = Self.entry(a, silent)
        #expect(e?.keys.contains("managed") == true && !Self.states(e).contains("PERMANENT"), "\(String(describing: e))")
        #expect("\(e?["protocol"] ?? "")" == "245")
        #expect(try NeighsyncBinary.run(["plan", "-f", managed, "--netns", a.name, "--detailed-exitcode"]).status == 0)

        let back = try NeighsyncBinary.run(["apply", "-f", permanent, "--netns", a.name])
        #expect(back.status == 0, "\(back.stderr)")
        let p = Self.entry(a, silent)
        #expect(Self.states(p) == ["PERMANENT"] && p?["managed"] == nil && p?["extern_learn"] == nil,
                "\(String(describing: p))")
        #expect(p?["lladdr"] as? String == "02:00:00:00:00:99")
        #expect(try NeighsyncBinary.run(["plan", "-f", permanent, "--netns", a.name, "--detailed-exitcode"]).status == 0)

        // Pruning: an owned managed entry left out of the file is deleted; a foreign one is not.
        #expect(try NeighsyncBinary.run(["apply", "-f", managed, "--netns", a.name]).status == 0)
        try a.check(["neigh", "add", peer, "dev", "veth0", "managed", "protocol", "99"])
        let empty = try dir.write("e.yaml", "version: 1\nneighbors: []\n")
        let prune = try NeighsyncBinary.run(["apply", "-f", empty, "--netns", a.name])
        #expect(prune.status == 0, "\(prune.stderr)")
        #expect(Self.entry(a, silent) == nil)
        #expect(Self.entry(a, peer)?.keys.contains("managed") == true)
    }

    /// Hostile inputs: each refused with its position and reason, and the kernel table unchanged.
    @Test func hostileManagedInputsAreRefusedAndWriteNothing() throws {
        guard let ns = try cliNetns() else { return }
        try ns.check(["link", "set", "lo", "up"])
        let dir = try TempDir()
        let before = Self.configured(ns)
        let cases: [(String, String, String)] = [
            ("mac", """
                version: 1
                neighbors:
                  - address: 192.0.2.20
                    interface: veth0
                    state: managed
                    physicalAddress: "02:00:00:00:00:20"
                """, ":6:22: error: 192.0.2.20 is managed: the kernel resolves its link-layer address itself"),
            ("defaults", """
                version: 1
                defaults: { interface: veth0, state: managed }
                neighbors:
                  - address: 2001:db8::20
                    physicalAddress: "02:00:00:00:00:20"
                """, ":5:22: error: 2001:db8::20 is managed"),
            ("lo6", """
                version: 1
                neighbors:
                  - { address: 2001:db8::20, interface: lo, state: managed }
                """, ":3:16: error: lo resolves no neighbors (loopback, point-to-point, arp off or no hardware "
                + "addresses): the kernel would keep 2001:db8::20 as a NOARP entry that is never resolved"),
            ("lo4", """
                version: 1
                neighbors:
                  - { address: 192.0.2.20, interface: lo, state: managed }
                """, ":3:16: error: lo is a loopback link: the kernel stores every IPv4 neighbor on it under 0.0.0.0"),
            ("router", """
                version: 1
                neighbors:
                  - { address: "fe80::20", interface: veth0, state: managed, isRouter: true }
                """, ":3:72: error: fe80::20 is managed: neighbor discovery sets the router flag"),
        ]
        for (name, text, message) in cases {
            let f = try dir.write("\(name).yaml", text + "\n")
            for verb in ["validate", "apply"] {
                let r = try NeighsyncBinary.run([verb, "-f", f, "--netns", ns.name])
                #expect(r.status == 1, "\(name) \(verb)")
                #expect(r.stderr.contains(f + message), "\(name) \(verb): \(r.stderr)")
            }
        }
        // Link-local addresses are fine.
        let ll = try dir.write("ll.yaml", """
            version: 1
            neighbors:
              - { address: "fe80::20", interface: veth0, state: managed }

            """)
        #expect(try NeighsyncBinary.run(["validate", "-f", ll, "--netns", ns.name]).status == 0)
        #expect(Self.configured(ns) == before)

        // entry: the same reasons as ERROR_INVALID_PARAMETER; get/delete take no --managed (the key is the same).
        let mac = try NeighsyncBinary.run(["entry", "create", "--netns", ns.name, "--interface", "veth0", "--address",
                                           "2001:db8::20", "--managed", "--lladdr", "02:00:00:00:00:20"])
        #expect(mac.status == 1)
        #expect(mac.stderr.contains("ERROR_INVALID_PARAMETER: 2001:db8::20 is managed"), "\(mac.stderr)")
        let perm = try NeighsyncBinary.run(["entry", "create", "--netns", ns.name, "--interface", "veth0", "--address",
                                            "2001:db8::20", "--managed", "--state", "permanent"])
        #expect(perm.stderr.contains("ERROR_INVALID_PARAMETER: 2001:db8::20 cannot be managed and permanent"),
                "\(perm.stderr)")
        #expect(Self.configured(ns) == before)
        let get = try NeighsyncBinary.run(["entry", "get", "--netns", ns.name, "--interface", "veth0", "--address",
                                           "2001:db8::20", "--managed"])
        #expect(get.status != 0 && get.stderr.contains("drop --managed"), "\(get.stderr)")

        let create = try NeighsyncBinary.run(["entry", "create", "--netns", ns.name, "--interface", "veth0",
                                              "--address", "2001:db8::20", "--managed", "--protocol", "245"])
        #expect(create.status == 0, "\(create.stderr)")
        #expect(create.stdout.contains("2001:db8::20 dev veth0 managed "), "\(create.stdout)")
        #expect(Self.entry(ns, "2001:db8::20")?.keys.contains("managed") == true)
        let set = try NeighsyncBinary.run(["entry", "set", "--netns", ns.name, "--interface", "veth0", "--address",
                                           "2001:db8::20", "--lladdr", "02:00:00:00:00:20", "--protocol", "245"])
        #expect(set.status == 0, "\(set.stderr)")
        #expect(Self.states(Self.entry(ns, "2001:db8::20")) == ["PERMANENT"])
        let del = try NeighsyncBinary.run(["entry", "delete", "--netns", ns.name, "--interface", "veth0", "--address",
                                           "2001:db8::20"])
        #expect(del.status == 0)
        #expect(Self.entry(ns, "2001:db8::20") == nil)
    }

    /// A saved plan made while the managed entries were still being resolved applies after the kernel resolved
    /// them (its fingerprint sees no MAC or state of a managed entry), and `ip -j neigh show` + `ip -j link show` as
    /// `plan --state` input (iproute2's `managed` key) plan as the live table does.
    @Test func aSavedPlanIsNotStaleWhenTheKernelResolvesAndIproute2InputPlansAlike() throws {
        guard let probe = try cliNetns(pairs: 0) else { return }
        probe.close()
        let (a, b) = try Netns.joinedPair()
        defer { a.close(); b.close() }
        let dir = try TempDir()
        let first = try dir.write("m.yaml", Self.file("198.51.100.2", "2001:db8:51::2"))
        #expect(try NeighsyncBinary.run(["apply", "-f", first, "--netns", a.name]).status == 0)
        // The peer stops answering ARP and the entry starts over: unresolved while the plan (which adds a third
        // entry) is saved.
        try b.check(["link", "set", "veth0", "arp", "off"])
        try a.check(["neigh", "replace", "198.51.100.2", "dev", "veth0", "nud", "none", "protocol", "245"])
        try a.check(["neigh", "replace", "198.51.100.2", "dev", "veth0", "managed", "extern_learn", "protocol", "245"])
        let sysctl = a.exec(["sysctl", "-w", "net.ipv4.neigh.veth0.interval_probe_time_ms=200"])
        #expect(sysctl.status == 0, "\(sysctl.stderr)")
        let more = try dir.write("more.yaml", Self.file("198.51.100.2", "2001:db8:51::2") + "  - address: 198.51.100.3\n")
        let out = dir.path + "/plan.json"
        let plan = try NeighsyncBinary.run(["plan", "-f", more, "--netns", a.name, "--out", out])
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("Plan: 1 to create, 0 to set, 0 to delete, 2 unchanged."), "\(plan.stdout)")
        #expect(Self.entry(a, "198.51.100.2")?["lladdr"] == nil, "\(String(describing: Self.entry(a, "198.51.100.2")))")
        // Now it answers, and the kernel's next probe resolves the entry: MAC and state change under the saved plan.
        try b.check(["link", "set", "veth0", "arp", "on"])
        let peerMac = Self.mac(b, "veth0")
        #expect(Self.waitFor { Self.entry(a, "198.51.100.2")?["lladdr"] as? String == peerMac },
                "\(String(describing: Self.entry(a, "198.51.100.2")))")
        let apply = try NeighsyncBinary.run(["apply", out])
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        #expect(Self.entry(a, "198.51.100.3")?.keys.contains("managed") == true)

        let neigh = try dir.write("neigh.json", a.run(["-j", "neigh", "show"]).stdout)
        let links = try dir.write("links.json", a.run(["-j", "link", "show"]).stdout)
        let pinned = try dir.write("p.yaml", """
            version: 1
            neighbors:
              - { address: 198.51.100.2, interface: veth0, physicalAddress: "02:00:00:00:00:02" }
              - { address: 198.51.100.3, interface: veth0, state: managed }

            """)
        let live = try NeighsyncBinary.run(["plan", "-f", pinned, "--netns", a.name])
        let iproute = try NeighsyncBinary.run(["plan", "-f", pinned, "--state", neigh, "--links", links])
        #expect(iproute.status == 0, "\(iproute.stderr)")
        #expect(live.stdout == iproute.stdout, "\(live.stdout)\n---\n\(iproute.stdout)")
        #expect(live.stdout.contains("Plan: 0 to create, 1 to set, 1 to delete, 1 unchanged."), "\(live.stdout)")
    }

    /// Watch mode: `ip link set veth0 down` flushes the managed entries; once the link is up again the next pass
    /// writes them again.
    @Test func watchReAddsManagedEntriesAfterLinkDownUp() throws {
        guard let probe = try cliNetns(pairs: 0) else { return }
        probe.close()
        let (a, b) = try Netns.joinedPair()
        defer { a.close(); b.close() }
        let dir = try TempDir()
        let f = try dir.write("m.yaml", Self.file("198.51.100.2", "2001:db8:51::2"))
        func present() -> Bool {
            ["198.51.100.2", "2001:db8:51::2"].allSatisfy {
                let e = Self.entry(a, $0)
                return e?.keys.contains("managed") == true && "\(e?["protocol"] ?? "")" == "245"
            }
        }
        let w = try WatchCommandTests.Watch(["apply", "-f", f, "--netns", a.name, "--watch", "--lock-timeout", "5"],
                                            dir: dir)
        #expect(Self.waitFor(10) { present() }, "first pass: \(w.log)")
        try a.check(["link", "set", "veth0", "down"])
        #expect(Self.waitFor(5) { Self.entry(a, "198.51.100.2") == nil }, "the kernel did not flush")
        try a.check(["link", "set", "veth0", "up"])
        #expect(Self.waitFor(10) { present() }, "not re-added: \(w.log)")
        #expect(w.stop() == 0)
    }
}
