import Foundation
import NetnsTesting
import Testing
import NeighSyncCore

/// One entry must not block the others: entries whose interface is absent (or whose family is disabled on their
/// link) are pending. `plan` lists them apart (`?`, and `pending` in JSON), `apply` writes every other entry and exits
/// 1 naming the interface unless the entries are `optional: true`, and watch mode writes them when the interface
/// appears, logging one line per interface. Each test has a fresh namespace; the table is checked with `ip -j`.
@Suite(.serialized) struct PendingEntryTests {
    /// Two entries on veth0 (which exists) and two on vlan100 (which does not, yet).
    static func file(optional: String = "") -> String {
        """
        version: 1
        defaults: { interface: veth0\(optional) }
        neighbors:
          - address: 192.0.2.10
            physicalAddress: "02:00:00:00:00:10"
          - address: 2001:db8::10
            physicalAddress: "02:00:00:00:00:11"
          - address: 198.51.100.10
            interface: vlan100
            physicalAddress: "02:00:00:00:01:10"
          - address: 198.51.100.11
            interface: vlan100
            physicalAddress: "02:00:00:00:01:11"

        """
    }

    /// The entries carrying protocol 245 as "dst dev lladdr STATE".
    static func owned(_ ns: Netns) -> Set<String> {
        Set(ns.neighbors().compactMap { e -> String? in
            guard "\(e["protocol"] ?? "")" == "245" else { return nil }
            return "\(e["dst"] ?? "") \(e["dev"] ?? "") \(e["lladdr"] ?? "-") \((e["state"] as? [String] ?? []).joined())"
        })
    }

    static let veth0Entries: Set<String> = ["192.0.2.10 veth0 02:00:00:00:00:10 PERMANENT",
                                             "2001:db8::10 veth0 02:00:00:00:00:11 PERMANENT"]
    static let vlan100Entries: Set<String> = ["198.51.100.10 vlan100 02:00:00:00:01:10 PERMANENT",
                                               "198.51.100.11 vlan100 02:00:00:00:01:11 PERMANENT"]

    @Test func aMissingInterfaceDoesNotBlockTheOthers() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        let f = try dir.write("n.yaml", Self.file())
        let validate = try NeighsyncBinary.run(["validate", "-f", f, "--netns", ns.name])
        #expect(validate.status == 0, "\(validate.stderr)")
        #expect(validate.stdout == "ok: 4 neighbors on 2 interfaces; 2 pending\n")
        let plan = try NeighsyncBinary.run(["plan", "-f", f, "--netns", ns.name])
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stdout == """
              + 192.0.2.10 dev veth0 lladdr 02:00:00:00:00:10 permanent  # absent (\(f):4:5)
              + 2001:db8::10 dev veth0 lladdr 02:00:00:00:00:11 permanent  # absent (\(f):6:5)
              ? 198.51.100.10 dev vlan100 lladdr 02:00:00:00:01:10 permanent  # waiting for interface vlan100 (\(f):8:5)
              ? 198.51.100.11 dev vlan100 lladdr 02:00:00:00:01:11 permanent  # waiting for interface vlan100 (\(f):11:5)

            Plan: 2 to create, 0 to set, 0 to delete, 0 unchanged, 2 pending.

            """)
        let json = try NeighsyncBinary.run(["plan", "-f", f, "--netns", ns.name, "--output", "json"])
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let summary = try #require(doc["summary"] as? [String: Any])
        #expect(summary["pending"] as? Int == 2 && summary["create"] as? Int == 2)
        let pending = try #require(doc["pending"] as? [[String: Any]])
        #expect(pending.map { $0["address"] as? String } == ["198.51.100.10", "198.51.100.11"])
        #expect(pending.allSatisfy { $0["interface"] as? String == "vlan100" && $0["optional"] as? Bool == false
            && $0["reason"] as? String == "waiting for interface vlan100" && $0["cause"] as? String == "interfaceAbsent" })
        #expect(pending.map { $0["source"] as? String } == ["\(f):8:5", "\(f):11:5"])
        #expect(Self.owned(ns).isEmpty, "plan wrote nothing")

        let apply = try NeighsyncBinary.run(["apply", "-f", f, "--netns", ns.name])
        #expect(apply.status == 1)
        #expect(apply.stdout.hasSuffix("Apply: 2 created, 0 set, 0 deleted, 0 already converged, 0 unchanged, 0 failed, "
                                       + "2 pending.\n"), "\(apply.stdout)")
        #expect(apply.stderr == "error: pending: 2 entries waiting for interface vlan100, which does not exist in this "
                + "namespace; nothing was written for them. They are written once they can be (apply again, or run "
                + "with --watch); mark them optional: true if that is expected\n")
        #expect(Self.owned(ns) == Self.veth0Entries)
        // Nothing left to change: the plan holds only the pending lines, and --detailed-exitcode says so.
        let again = try NeighsyncBinary.run(["plan", "-f", f, "--netns", ns.name, "--detailed-exitcode"])
        #expect(again.status == 0)
        #expect(again.stdout.hasSuffix("\nNo changes. 2 entries match the desired state; 2 pending.\n"), "\(again.stdout)")

        // The interface appears: the next apply writes its entries and succeeds.
        try ns.check(["link", "add", "vlan100", "type", "veth", "peer", "name", "x"])
        let later = try NeighsyncBinary.run(["apply", "-f", f, "--netns", ns.name])
        #expect(later.status == 0, "\(later.stderr)")
        #expect(later.stdout.hasSuffix("Apply: 2 created, 0 set, 0 deleted, 0 already converged, 2 unchanged, 0 failed.\n"))
        #expect(Self.owned(ns) == Self.veth0Entries.union(Self.vlan100Entries))
    }

    @Test func optionalPendingEntriesLetApplySucceed() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        let f = try dir.write("n.yaml", Self.file(optional: ", optional: true"))
        let apply = try NeighsyncBinary.run(["apply", "-f", f, "--netns", ns.name])
        #expect(apply.status == 0, "\(apply.stderr)")
        #expect(apply.stderr == "")
        #expect(Self.owned(ns) == Self.veth0Entries)
        // Converged and optional: quiet, as a cron run must be; -v and JSON still list the pending entries.
        let quiet = try NeighsyncBinary.run(["apply", "-f", f, "--netns", ns.name])
        #expect(quiet.status == 0 && quiet.stdout == "" && quiet.stderr == "")
        let verbose = try NeighsyncBinary.run(["apply", "-f", f, "--netns", ns.name, "-v"])
        #expect(verbose.status == 0)
        #expect(verbose.stdout == """
            ? 198.51.100.10 dev vlan100 lladdr 02:00:00:00:01:10 permanent  # waiting for interface vlan100, optional (\(f):8:5)
            ? 198.51.100.11 dev vlan100 lladdr 02:00:00:00:01:11 permanent  # waiting for interface vlan100, optional (\(f):11:5)
            Apply: 0 created, 0 set, 0 deleted, 0 already converged, 2 unchanged, 0 failed, 2 pending.

            """)
        let json = try NeighsyncBinary.run(["apply", "-f", f, "--netns", ns.name, "--output", "json"])
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(doc["ok"] as? Bool == true)
        #expect((doc["pending"] as? [[String: Any]])?.map { $0["optional"] as? Bool } == [true, true])
        // optional per entry works the same as under defaults.
        let perEntry = try dir.write("e.yaml", Self.file().replacingOccurrences(
            of: "interface: vlan100\n", with: "interface: vlan100\n    optional: true\n"))
        #expect(try NeighsyncBinary.run(["apply", "-f", perEntry, "--netns", ns.name]).status == 0)
    }

    @Test func ipv6DisabledOnOneLinkBlocksOnlyItsEntries() throws {
        guard let ns = try cliNetns() else { return }
        #expect(ns.exec(["sysctl", "-qw", "net.ipv6.conf.veth1.disable_ipv6=1"]).status == 0)
        let dir = try TempDir()
        let f = try dir.write("n.yaml", """
            version: 1
            neighbors:
              - { address: 192.0.2.10, interface: veth0, physicalAddress: "02:00:00:00:00:10" }
              - { address: 2001:db8::20, interface: veth1, physicalAddress: "02:00:00:00:00:20" }

            """)
        let plan = try NeighsyncBinary.run(["plan", "-f", f, "--netns", ns.name])
        #expect(plan.stdout.contains("  ? 2001:db8::20 dev veth1 lladdr 02:00:00:00:00:20 permanent  # blocked: IPv6 is "
                                     + "disabled on veth1 (net.ipv6.conf.veth1.disable_ipv6 = 1) (\(f):4:5)\n"))
        let apply = try NeighsyncBinary.run(["apply", "-f", f, "--netns", ns.name])
        #expect(apply.status == 1)
        #expect(apply.stderr.hasPrefix("error: pending: 1 entry on veth1 blocked: IPv6 is disabled on veth1"))
        #expect(Self.owned(ns) == ["192.0.2.10 veth0 02:00:00:00:00:10 PERMANENT"])
    }

    /// Errors that are the file's fault still stop everything, at a one-shot apply, at the start of watch mode and
    /// on a SIGHUP reload alike; a reload whose only news is a missing interface is accepted.
    @Test func theFilesOwnFaultStillStopsEverythingAndAReloadIsJudgedLikeAStart() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        let badText = """
            version: 1
            neighbors:
              - { address: 192.0.2.10, interface: veth0, physicalAddress: "02:00:00:00:00:10:11" }
              - { address: 198.51.100.10, interface: vlan100, physicalAddress: "02:00:00:00:01:10" }

            """
        let bad = try dir.write("bad.yaml", badText)
        let refused = try NeighsyncBinary.run(["apply", "-f", bad, "--netns", ns.name])
        #expect(refused.status == 1 && refused.stderr.hasSuffix("1 error; nothing was applied\n"), "\(refused.stderr)")
        #expect(Self.owned(ns).isEmpty)
        let watch = try NeighsyncBinary.run(["apply", "-f", bad, "--netns", ns.name, "--watch"])
        #expect(watch.status == 1 && watch.stderr.contains("has 7 bytes, but veth0 uses 6-byte hardware addresses"))
        #expect(Self.owned(ns).isEmpty)

        let f = try dir.write("n.yaml", """
            version: 1
            neighbors:
              - { address: 192.0.2.10, interface: veth0, physicalAddress: "02:00:00:00:00:10" }

            """)
        let w = try startWatch(ns, dir, file: f)
        #expect(WatchCommandTests.waitFor { Self.owned(ns) == ["192.0.2.10 veth0 02:00:00:00:00:10 PERMANENT"] } != nil)
        try dir.write("n.yaml", badText)
        w.signal(SIGHUP)
        #expect(WatchCommandTests.waitFor { w.log.contains("event=reload-failed") } != nil, "\(w.log)")
        try dir.write("n.yaml", Self.file())
        w.signal(SIGHUP)
        #expect(WatchCommandTests.waitFor { w.log.contains("event=pending interface=vlan100 entries=2") } != nil,
                "\(w.log)")
        #expect(WatchCommandTests.waitFor { Self.owned(ns) == Self.veth0Entries } != nil, "\(w.log)")
        #expect(w.stop() == 0)
    }

    /// Interface names with terminal escapes and C1 controls, pending since no such link exists: the `?` lines of
    /// `plan` and `apply -v`, and apply's note on stderr, print them escaped (`DisplayText`), never raw.
    @Test func pendingLinesEscapeControlCharacters() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        let f = try dir.write("esc.yaml", """
            version: 1
            neighbors:
              - {address: 198.51.100.5, interface: "e\\x1b[2J\\x1b[31mX", physicalAddress: "02:00:00:00:00:05"}
              - {address: 198.51.100.6, interface: "e\\u0085Y", physicalAddress: "02:00:00:00:00:06"}

            """)
        let plan = try NeighsyncBinary.run(["plan", "-f", f, "--netns", ns.name])
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stdout == #"""
              ? 198.51.100.5 dev e\x1b[2J\x1b[31mX lladdr 02:00:00:00:00:05 permanent  # waiting for interface e\x1b[2J\x1b[31mX (\#(f):3:5)
              ? 198.51.100.6 dev e\x85Y lladdr 02:00:00:00:00:06 permanent  # waiting for interface e\x85Y (\#(f):4:5)

            No changes. 0 entries match the desired state; 2 pending.

            """#, "\(plan.stdout)")
        let apply = try NeighsyncBinary.run(["apply", "-f", f, "--netns", ns.name, "-v"])
        #expect(apply.status == 1)
        for text in [apply.stdout, apply.stderr] {
            #expect(!text.unicodeScalars.contains { $0.value == 0x1b || $0.value == 0x85 }, "\(text)")
        }
        #expect(apply.stdout.contains(#"198.51.100.5 dev e\x1b[2J\x1b[31mX lladdr 02:00:00:00:00:05 permanent  # "#
                                      + #"waiting for interface e\x1b[2J\x1b[31mX"#), "\(apply.stdout)")
        #expect(apply.stderr.contains(#"1 entry waiting for interface e\x85Y, which does not exist"#), "\(apply.stderr)")
    }

    // MARK: Watch mode

    func startWatch(_ ns: Netns, _ dir: TempDir, file: String) throws -> WatchCommandTests.Watch {
        try WatchCommandTests.Watch(["apply", "-f", file, "--netns", ns.name, "--watch", "--lock-timeout", "5",
                                     "--debounce", "100ms"], dir: dir)
    }

    @Test func watchWritesPendingEntriesWhenTheInterfaceAppearsAndLogsOncePerInterface() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        let w = try startWatch(ns, dir, file: try dir.write("n.yaml", Self.file()))
        #expect(WatchCommandTests.waitFor { Self.owned(ns) == Self.veth0Entries } != nil, "\(w.log)")
        // A few seconds of waiting: still one line for vlan100, not one per pass or per second.
        sleep(3)
        #expect(WatchCommandTests.count("event=pending ", in: w.log) == 1, "\(w.log)")
        #expect(w.log.contains("level=warn event=pending interface=vlan100 entries=2 reason=\"waiting for interface "
                               + "vlan100\""), "\(w.log)")
        let t0 = Date()
        try ns.check(["link", "add", "vlan100", "type", "veth", "peer", "name", "x"])
        let t = WatchCommandTests.waitFor { Self.owned(ns) == Self.veth0Entries.union(Self.vlan100Entries) }
        #expect(t != nil, "the entries of vlan100 were not written after it appeared: \(w.log)")
        print("watch: pending entries written \(Int(Date().timeIntervalSince(t0) * 1000)) ms after ip link add")
        #expect(Date().timeIntervalSince(t0) < 5)
        #expect(WatchCommandTests.waitFor { w.log.contains("event=pending-resolved interface=vlan100 entries=2") } != nil)
        #expect(w.log.contains("event=create address=198.51.100.10 interface=vlan100"))
        #expect(WatchCommandTests.count("event=pending", in: w.log) == 2, "\(w.log)")
        #expect(w.stop() == 0)
    }

    @Test func watchKeepsRepairingTheOtherInterfacesWhenOneIsRenamed() throws {
        guard let ns = try cliNetns(pairs: 2) else { return }
        let dir = try TempDir()
        let f = try dir.write("n.yaml", """
            version: 1
            neighbors:
              - { address: 192.0.2.10, interface: veth0, physicalAddress: "02:00:00:00:00:10" }
              - { address: 198.51.100.10, interface: veth2, physicalAddress: "02:00:00:00:01:10" }

            """)
        let w = try startWatch(ns, dir, file: f)
        let both: Set<String> = ["192.0.2.10 veth0 02:00:00:00:00:10 PERMANENT",
                                 "198.51.100.10 veth2 02:00:00:00:01:10 PERMANENT"]
        #expect(WatchCommandTests.waitFor { Self.owned(ns) == both } != nil, "\(w.log)")
        try ns.check(["link", "set", "veth2", "down"])
        try ns.check(["link", "set", "veth2", "name", "veth2old"])
        #expect(WatchCommandTests.waitFor { w.log.contains("event=pending interface=veth2 entries=1") } != nil, "\(w.log)")
        // The other interface is still repaired.
        try ns.check(["neigh", "del", "192.0.2.10", "dev", "veth0"])
        #expect(WatchCommandTests.waitFor { Self.owned(ns).contains("192.0.2.10 veth0 02:00:00:00:00:10 PERMANENT") }
                != nil, "veth0 was not repaired while veth2 was renamed away: \(w.log)")
        #expect(!w.log.contains("event=apply-failed"), "\(w.log)")
        // Renamed back: the entry is written again (the kernel dropped it on link down).
        try ns.check(["link", "set", "veth2old", "name", "veth2"])
        try ns.check(["link", "set", "veth2", "up"])
        #expect(WatchCommandTests.waitFor { Self.owned(ns).contains("198.51.100.10 veth2 02:00:00:00:01:10 PERMANENT") }
                != nil, "\(w.log)")
        #expect(WatchCommandTests.waitFor { w.log.contains("event=pending-resolved interface=veth2 entries=1") } != nil)
        #expect(w.stop() == 0)
    }

    // MARK: The host changes under an admitted file

    /// A link switched `arp on` under a watched file: its noarp entry without a MAC is now one the link cannot keep.
    /// That is the host's change, not the file's: the entry is blocked (logged once, with the validator's reason),
    /// and veth0 is still repaired; `arp off` again writes it and logs the resolution once.
    @Test func watchKeepsRepairingWhenALinkStartsRefusingAnEntry() throws {
        guard let ns = try cliNetns(pairs: 2) else { return }
        try ns.check(["link", "set", "veth2", "arp", "off"])
        let dir = try TempDir()
        let f = try dir.write("n.yaml", """
            version: 1
            neighbors:
              - {address: 192.0.2.10, interface: veth0, physicalAddress: "02:00:00:00:00:10"}
              - {address: 198.51.100.70, interface: veth2, state: noarp}

            """)
        let w = try startWatch(ns, dir, file: f)
        #expect(WatchCommandTests.waitFor { Self.owned(ns).contains("192.0.2.10 veth0 02:00:00:00:00:10 PERMANENT") }
                != nil, "\(w.log)")
        #expect(WatchCommandTests.waitFor { w.log.contains("event=create address=198.51.100.70") } != nil, "\(w.log)")
        try ns.check(["link", "set", "veth2", "arp", "on"])
        #expect(WatchCommandTests.waitFor { w.log.contains("event=pending interface=veth2") } != nil, "\(w.log)")
        try ns.check(["neigh", "del", "192.0.2.10", "dev", "veth0"])
        #expect(WatchCommandTests.waitFor { Self.owned(ns).contains("192.0.2.10 veth0 02:00:00:00:00:10 PERMANENT") }
                != nil, "veth0 was not repaired while veth2 refused its entry: \(w.log)")
        sleep(2)
        #expect(!w.log.contains("event=apply-failed"), "\(w.log)")
        #expect(w.log.contains("level=warn event=pending interface=veth2 entries=1 reason=\"blocked: veth2 resolves "
                               + "neighbors with ARP, so the kernel keeps a noarp entry for the unicast address "
                               + "198.51.100.70 only with a link-layer address"), "\(w.log)")
        #expect(WatchCommandTests.count("event=pending ", in: w.log) == 1, "\(w.log)")
        try ns.check(["link", "set", "veth2", "arp", "off"])
        #expect(WatchCommandTests.waitFor { w.log.contains("event=pending-resolved interface=veth2 entries=1") } != nil,
                "\(w.log)")
        // Written again (`ip neigh show` lists a NOARP entry only with `nud all`: the log is the oracle here).
        #expect(WatchCommandTests.waitFor {
            WatchCommandTests.count("event=create address=198.51.100.70 interface=veth2", in: w.log) == 2
        } != nil, "\(w.log)")
        #expect(WatchCommandTests.count("event=pending", in: w.log) == 2, "\(w.log)")
        #expect(w.stop() == 0)
    }

    /// Entries accepted as pending for an absent vlan100 that turn out wrong for the link once it appears (a MAC of
    /// the wrong length; noarp without a MAC for a unicast address on an ARP link): blocked with the validator's
    /// reason, logged once, while veth0 is still repaired. A one-shot apply of the same file now judges it as the
    /// file's fault (positioned errors, nothing applied).
    @Test func aPendingLinkThatAppearsWrongForItsEntriesBlocksOnlyThem() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        let f = try dir.write("n.yaml", """
            version: 1
            neighbors:
              - {address: 192.0.2.10, interface: veth0, physicalAddress: "02:00:00:00:00:10"}
              - {address: 198.51.100.10, interface: vlan100, physicalAddress: "02:00"}
              - {address: 198.51.100.11, interface: vlan100, state: noarp}

            """)
        let w = try startWatch(ns, dir, file: f)
        #expect(WatchCommandTests.waitFor { Self.owned(ns) == ["192.0.2.10 veth0 02:00:00:00:00:10 PERMANENT"] }
                != nil, "\(w.log)")
        #expect(WatchCommandTests.waitFor { w.log.contains("reason=\"waiting for interface vlan100\"") } != nil,
                "\(w.log)")
        try ns.check(["link", "add", "vlan100", "type", "veth", "peer", "name", "x"])
        try ns.check(["link", "set", "vlan100", "up"])
        #expect(WatchCommandTests.waitFor { w.log.contains("reason=\"blocked: ") } != nil, "\(w.log)")
        try ns.check(["neigh", "del", "192.0.2.10", "dev", "veth0"])
        #expect(WatchCommandTests.waitFor { Self.owned(ns) == ["192.0.2.10 veth0 02:00:00:00:00:10 PERMANENT"] }
                != nil, "veth0 was not repaired after vlan100 appeared wrong for its entries: \(w.log)")
        sleep(2)
        #expect(!w.log.contains("event=apply-failed"), "\(w.log)")
        #expect(w.log.contains("level=warn event=pending interface=vlan100 entries=2 reason=\"blocked: physicalAddress "
                               + "02:00 has 2 bytes, but vlan100 uses 6-byte hardware addresses\""), "\(w.log)")
        #expect(WatchCommandTests.count("event=pending ", in: w.log) == 2, "\(w.log)")
        #expect(!w.log.contains("pending-resolved"), "\(w.log)")
        #expect(w.stop() == 0)
        // A one-shot apply reads the file afresh: the file's fault, positioned, nothing written.
        try ns.check(["neigh", "del", "192.0.2.10", "dev", "veth0"])
        let r = try NeighsyncBinary.run(["apply", "-f", f, "--netns", ns.name])
        #expect(r.status == 1)
        #expect(r.stderr.contains("n.yaml:4:"), "\(r.stderr)")
        #expect(r.stderr.contains("nothing was applied"), "\(r.stderr)")
        #expect(Self.owned(ns).isEmpty)
    }

    /// A reload that removes the entries of a pending interface: they are dropped, not resolved.
    @Test func aReloadWithoutThePendingEntriesLogsThemDropped() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        let f = try dir.write("n.yaml", Self.file())
        let w = try startWatch(ns, dir, file: f)
        #expect(WatchCommandTests.waitFor { w.log.contains("event=pending interface=vlan100 entries=2") } != nil,
                "\(w.log)")
        _ = try dir.write("n.yaml", """
            version: 1
            neighbors:
              - {address: 192.0.2.10, interface: veth0, physicalAddress: "02:00:00:00:00:10"}

            """)
        w.signal(SIGHUP)
        #expect(WatchCommandTests.waitFor { w.log.contains("event=pending-dropped interface=vlan100 entries=2 "
                                                           + "reason=\"no longer in the desired state\"") } != nil,
                "\(w.log)")
        #expect(!w.log.contains("pending-resolved"), "\(w.log)")
        #expect(w.stop() == 0)
    }
}
