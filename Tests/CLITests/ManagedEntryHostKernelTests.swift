import Foundation
import NetnsTesting
import Testing

/// The red team's managed-entry inputs (issue 13) fed to the binary in fresh namespaces: a multicast address and a
/// link's subnet broadcast as `state: managed` (the kernel maps those itself: apply used to write `lladdr
/// 01:00:5e:… managed NOARP`, plan the next time `~ … → none`, and the set left an INCOMPLETE entry that blackholed
/// the group), and managed IPv4 on a link without an address of the neighbor's subnet (stored as `lladdr
/// ff:ff:ff:ff:ff:ff managed NOARP`, the second plan never empty). Each is refused or pending with its reason, and
/// the kernel holds nothing of it.
@Suite(.serialized) struct ManagedEntryHostKernelTests {
    /// `ip -j -d neigh show nud all` entry for `address` in `ns`.
    static func entry(_ ns: Netns, _ address: String) -> [String: Any]? {
        ManagedEntryKernelTests.entry(ns, address)
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
            ("198.51.100.255", "198.51.100.255 is the broadcast address of 198.51.100.1/24 on veth0: the kernel sends "
             + "to it as a broadcast itself, so it cannot be managed"),
        ]
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
                                   ("198.51.100.255", "198.51.100.255 is the broadcast address of 198.51.100.1/24")] {
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

    @Test func managedIPv4WithoutAnAddressOfTheSubnetWaitsAndIsWrittenOnceThereIsOne() throws {
        guard let ns = try cliNetns() else { return }
        defer { ns.close() }
        let dir = try TempDir()
        let f = try dir.write("m.yaml", """
            version: 1
            neighbors:
              - { address: 192.0.2.20, interface: veth0, state: managed }
              - { address: 2001:db8::20, interface: veth0, state: managed }

            """)
        let reason = "blocked: veth0 has no IPv4 address whose subnet holds 192.0.2.20, so ARP cannot resolve a "
            + "managed entry for it"
        let validate = try NeighsyncBinary.run(["validate", "-f", f, "--netns", ns.name])
        #expect(validate.status == 0 && validate.stderr.contains("note: pending: 1 entry on veth0 " + reason),
                "\(validate.stdout)\(validate.stderr)")
        let plan = try NeighsyncBinary.run(["plan", "-f", f, "--netns", ns.name])
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("  ? 192.0.2.20 dev veth0 managed  # " + reason), "\(plan.stdout)")
        #expect(plan.stdout.contains("  + 2001:db8::20 dev veth0 managed  # absent"), "\(plan.stdout)")
        let apply = try NeighsyncBinary.run(["apply", "-f", f, "--netns", ns.name])
        #expect(apply.status == 1, "\(apply.stdout)")
        #expect(apply.stderr.contains(reason), "\(apply.stderr)")
        #expect(Self.entry(ns, "192.0.2.20") == nil, "\(String(describing: Self.entry(ns, "192.0.2.20")))")
        #expect(Self.entry(ns, "2001:db8::20")?.keys.contains("managed") == true)
        // Nothing left but the pending line: the second plan changes nothing.
        #expect(try NeighsyncBinary.run(["plan", "-f", f, "--netns", ns.name, "--detailed-exitcode"]).status == 0)

        // entry create --managed: ERROR_NOT_SUPPORTED, nothing written.
        let create = try NeighsyncBinary.run(["entry", "create", "--netns", ns.name, "--interface", "veth0",
                                              "--address", "192.0.2.20", "--managed", "--protocol", "245"])
        #expect(create.status == 1)
        #expect(create.stderr.contains("ERROR_NOT_SUPPORTED: veth0 has no IPv4 address whose subnet holds 192.0.2.20"),
                "\(create.stderr)")
        #expect(Self.entry(ns, "192.0.2.20") == nil)

        // An address of another subnet is not enough; one of the neighbor's is.
        try ns.check(["addr", "add", "198.51.100.1/24", "dev", "veth0"])
        #expect(try NeighsyncBinary.run(["apply", "-f", f, "--netns", ns.name]).status == 1)
        #expect(Self.entry(ns, "192.0.2.20") == nil)
        try ns.check(["addr", "add", "192.0.2.1/24", "dev", "veth0"])
        let now = try NeighsyncBinary.run(["apply", "-f", f, "--netns", ns.name])
        #expect(now.status == 0, "\(now.stdout)\(now.stderr)")
        let e = try #require(Self.entry(ns, "192.0.2.20"))
        #expect(e.keys.contains("managed") && "\(e["protocol"] ?? "")" == "245", "\(e)")
        #expect(!(e["state"] as? [String] ?? []).contains("NOARP") && e["lladdr"] as? String != "ff:ff:ff:ff:ff:ff",
                "\(e)")
        let again = try NeighsyncBinary.run(["plan", "-f", f, "--netns", ns.name, "--detailed-exitcode"])
        #expect(again.status == 0, "\(again.stdout)")
    }

    /// Watch mode: the managed IPv4 entry waits while veth0 has no address of its subnet (nothing written, no
    /// NOARP entry re-created pass after pass) and is written once one is added (an address event wakes a pass).
    @Test func watchWritesAWaitingManagedEntryOnceTheLinkHasAnAddressOfItsSubnet() throws {
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
        #expect(ManagedEntryKernelTests.waitFor(10) { w.log.contains("no IPv4 address whose subnet holds 192.0.2.20") },
                "\(w.log)")
        #expect(Self.entry(ns, "192.0.2.20") == nil)
        try ns.check(["addr", "add", "192.0.2.1/24", "dev", "veth0"])
        #expect(ManagedEntryKernelTests.waitFor(10) {
            let e = Self.entry(ns, "192.0.2.20")
            return e?.keys.contains("managed") == true && !(e?["state"] as? [String] ?? []).contains("NOARP")
        }, "\(String(describing: Self.entry(ns, "192.0.2.20"))): \(w.log)")
        #expect(w.stop() == 0)
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
