import Foundation
import NetnsTesting
import Testing

/// `neighsync verify` against real neighbors: two namespaces joined by a veth pair (confirmed, mismatch naming the
/// real MAC, silent; IPv4 and IPv6; the probe forms from an interface without addresses), three around a bridge
/// with two ports (conflict), and without CAP_NET_RAW (refused before any frame: the peer's receive counter stays).
/// Every test compares the verifying namespace's `ip -j neigh show` before and after, byte for byte.
@Suite(.serialized) struct VerifyCommandTests {
    /// Two joined namespaces (see `Netns.joinedPair`), or nil after skipping / failing as `cliNetns` does.
    static func pair() throws -> (Netns, Netns)? {
        switch KernelTests.decision() {
        case .run: return try Netns.joinedPair()
        case .skip(let reason): print("skipping CLI kernel test: \(reason)"); return nil
        case .fail(let reason): Issue.record(Comment(rawValue: reason)); return nil
        }
    }

    /// The hardware address of `device` in `ns`.
    static func mac(_ ns: Netns, _ device: String = "veth0") throws -> String {
        let r = ns.run(["-j", "link", "show", "dev", device])
        let arr = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]
        return try #require(arr?.first?["address"] as? String)
    }

    /// The raw text of `ip -j neigh show` (all states): the byte-for-byte oracle.
    static func table(_ ns: Netns) -> String { ns.run(["-j", "neigh", "show", "nud", "all"]).stdout }

    /// Waits (at most 8 s) until the kernel's own start-up traffic on fresh links is over: no tentative IPv6
    /// address left and the table unchanged for 1.5 s. The kernel-made NOARP entries of that traffic (ff02::16 for
    /// MLD reports, ff02::2 for router solicitations, solicited-node groups for DAD) would otherwise appear during
    /// a test and make a before/after comparison fail for a reason that is not verify's.
    static func settle(_ namespaces: Netns...) {
        let deadline = Date().addingTimeInterval(8)
        for ns in namespaces {
            while Date() < deadline && !ns.run(["-6", "addr", "show", "tentative"]).stdout.isEmpty { usleep(100_000) }
        }
        var last = namespaces.map(table)
        var stableSince = Date()
        while Date() < deadline && Date().timeIntervalSince(stableSince) < 1.5 {
            usleep(250_000)
            let now = namespaces.map(table)
            if now != last { last = now; stableSince = Date() }
        }
    }

    /// The entries of `ns` that are not kernel-made NOARP ones (unicast entries, whatever their state).
    static func unicastEntries(_ ns: Netns) -> [String] {
        ns.neighbors().filter { !(($0["state"] as? [String]) ?? []).contains("NOARP") }
            .map { e in e.keys.sorted().map { "\($0)=\(e[$0]!)" }.joined(separator: " ") }.sorted()
    }

    /// The received-packets counter of `device` in `ns`.
    static func rxPackets(_ ns: Netns, _ device: String = "veth0") throws -> Int {
        let r = ns.run(["-s", "-j", "link", "show", "dev", device])
        let arr = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]
        let stats = try #require(arr?.first?["stats64"] as? [String: Any])
        return try #require((stats["rx"] as? [String: Any])?["packets"] as? Int)
    }

    /// Parses `verify --output json`: the entries by address.
    static func entries(_ stdout: String) throws -> [String: [String: Any]] {
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any], "\(stdout)")
        var out: [String: [String: Any]] = [:]
        for e in doc["entries"] as? [[String: Any]] ?? [] { out[e["address"] as! String] = e }
        return out
    }

    @Test func confirmedMismatchAndSilentWithTheTableUnchanged() throws {
        guard let (a, b) = try Self.pair() else { return }
        try b.check(["addr", "add", "198.51.100.3/24", "dev", "veth0"])
        try b.check(["addr", "add", "2001:db8:51::3/64", "dev", "veth0", "nodad"])
        let peer = try Self.mac(b)
        let dir = try TempDir()
        let file = try dir.write("n.yaml", """
            version: 1
            defaults: { interface: veth0 }
            neighbors:
              - address: 198.51.100.2
                physicalAddress: "\(peer)"
              - address: 198.51.100.3
                physicalAddress: "02:00:00:00:99:03"
              - address: 198.51.100.77
                physicalAddress: "02:00:00:00:99:77"
              - address: 2001:db8:51::2
                physicalAddress: "02:00:00:00:99:02"
              - address: 2001:db8:51::3
                physicalAddress: "\(peer)"
              - address: 2001:db8:51::77
                physicalAddress: "02:00:00:00:99:77"
              - address: ff05::fb
                state: noarp

            """)
        Self.settle(a, b)
        let before = Self.table(a)
        let text = try NeighsyncBinary.run(["verify", "-f", file, "--netns", a.name, "--timeout", "500ms"])
        #expect(text.status == 2, "\(text.stderr)")
        #expect(text.stdout == """
              ! 198.51.100.3 dev veth0 lladdr 02:00:00:00:99:03  # mismatch: answered by \(peer) (\(file):6:5)
              ? 198.51.100.77 dev veth0 lladdr 02:00:00:00:99:77  # silent: no answer within 500ms (\(file):8:5)
              ! 2001:db8:51::2 dev veth0 lladdr 02:00:00:00:99:02  # mismatch: answered by \(peer) (\(file):10:5)
              ? 2001:db8:51::77 dev veth0 lladdr 02:00:00:00:99:77  # silent: no answer within 500ms (\(file):14:5)
              - ff05::fb dev veth0  # skipped: no MAC pinned (\(file):16:5)

            Verify: 2 confirmed, 2 mismatch, 0 conflict, 2 silent, 1 skipped.

            """, "\(text.stderr)")
        let json = try NeighsyncBinary.run(["verify", "-f", file, "--netns", a.name, "--output", "json",
                                            "--timeout", "500ms"])
        #expect(json.status == 2)
        let e = try Self.entries(json.stdout)
        #expect(e["198.51.100.2"]?["result"] as? String == "confirmed")
        #expect(e["198.51.100.2"]?["probe"] as? String == "arp-request")
        #expect(e["198.51.100.2"]?["probeSource"] as? String == "198.51.100.1")
        #expect(e["2001:db8:51::3"]?["result"] as? String == "confirmed")
        #expect(e["2001:db8:51::3"]?["probe"] as? String == "neighbor-solicitation")
        #expect(e["2001:db8:51::3"]?["probeSource"] as? String == "2001:db8:51::1")
        #expect(e["2001:db8:51::2"]?["seen"] as? [String] == [peer])
        #expect(e["198.51.100.77"]?["seen"] as? [String] == [])
        #expect(Self.table(a) == before, "verify changed the table")
        // What the peer does a few seconds later is its own neighbor unreachability detection (RFC 4861 7.3.3): it
        // learnt our address from the solicitation's source option (STALE), answered through that entry (DELAY)
        // and, 5 s on, asks us from its link-local address whether we are still there. The kernel of the verifying
        // namespace answers and so holds a dynamic entry for the peer's link-local address, as after any exchange
        // with it. That is the only change: no entry at a probed address appears, nothing static changes.
        usleep(6_500_000)
        let later = Self.unicastEntries(a)
        #expect(later.allSatisfy { $0.contains("fe80::") && !$0.contains("PERMANENT") }, "\(later)")
        // Only confirmed and silent entries: exit 0, and 2 with --strict (silent counts).
        let quiet = try dir.write("q.yaml", """
            version: 1
            neighbors:
              - { address: 198.51.100.2, interface: veth0, physicalAddress: "\(peer)" }
              - { address: 198.51.100.78, interface: veth0, physicalAddress: "02:00:00:00:99:78" }

            """)
        let q = try NeighsyncBinary.run(["verify", "-f", quiet, "--netns", a.name, "--timeout", "300ms"])
        #expect(q.status == 0, "\(q.stdout)\(q.stderr)")
        let metrics = dir.path + "/verify.prom"
        let s = try NeighsyncBinary.run(["verify", "-f", quiet, "--netns", a.name, "--timeout", "300ms", "--strict",
                                         "--metrics", metrics])
        #expect(s.status == 2)
        if let families = try PrometheusText.parseOrSkip(file: metrics) {
            #expect(PrometheusText.value(families, "neighsync_verify_results", ["result": "confirmed"]) == 1)
            #expect(PrometheusText.value(families, "neighsync_verify_results", ["result": "silent"]) == 1)
            #expect(PrometheusText.value(families, "neighsync_verify_results", ["result": "mismatch"]) == 0)
        }
    }

    @Test func appliedEntriesStayExactlyAsTheyWereAndAllOwnedProbesThem() throws {
        guard let (a, b) = try Self.pair() else { return }
        let peer = try Self.mac(b)
        let dir = try TempDir()
        let file = try dir.write("n.yaml", """
            version: 1
            defaults: { interface: veth0 }
            neighbors:
              - { address: 198.51.100.2, physicalAddress: "02:00:00:00:99:02" }
              - { address: 198.51.100.77, physicalAddress: "02:00:00:00:99:77" }
              - { address: 2001:db8:51::2, physicalAddress: "\(peer)" }

            """)
        #expect(try NeighsyncBinary.run(["apply", "-f", file, "--netns", a.name]).status == 0)
        Self.settle(a, b)
        let before = Self.table(a)
        #expect(before.contains("\"dst\":\"198.51.100.2\",\"dev\":\"veth0\",\"lladdr\":\"02:00:00:00:99:02\""))
        let r = try NeighsyncBinary.run(["verify", "-f", file, "--netns", a.name, "--output", "json",
                                         "--timeout", "500ms"])
        #expect(r.status == 2, "\(r.stderr)")
        let e = try Self.entries(r.stdout)
        #expect(e["198.51.100.2"]?["result"] as? String == "mismatch")
        #expect(e["198.51.100.2"]?["seen"] as? [String] == [peer])
        #expect(e["198.51.100.77"]?["result"] as? String == "silent")
        #expect(e["2001:db8:51::2"]?["result"] as? String == "confirmed")
        // --all-owned probes what the table holds with the owner protocol: the same verdicts, no file positions.
        let owned = try NeighsyncBinary.run(["verify", "--all-owned", "--netns", a.name, "--output", "json",
                                             "--timeout", "500ms"])
        #expect(owned.status == 2, "\(owned.stderr)")
        let o = try Self.entries(owned.stdout)
        #expect(o["198.51.100.2"]?["result"] as? String == "mismatch")
        #expect(o["2001:db8:51::2"]?["result"] as? String == "confirmed")
        #expect(o["198.51.100.77"]?["result"] as? String == "silent")
        #expect(o["198.51.100.77"]?["source"] is NSNull)  // null, not left out (every key on every entry)
        #expect(Self.table(a) == before, "verify changed the table")
        // The pinned (wrong) MAC stays: verify reports, apply decides.
        #expect(try NeighsyncBinary.run(["plan", "-f", file, "--netns", a.name, "--detailed-exitcode"]).status == 0)
    }

    @Test func watchModeVerifiesPeriodicallyAndLogsEachMismatch() throws {
        guard let (a, b) = try Self.pair() else { return }
        let peer = try Self.mac(b)
        let dir = try TempDir()
        let file = try dir.write("n.yaml", """
            version: 1
            neighbors:
              - { address: 198.51.100.2, interface: veth0, physicalAddress: "02:00:00:00:99:02" }
              - { address: 2001:db8:51::2, interface: veth0, physicalAddress: "\(peer)" }

            """)
        let report = dir.path + "/report.json", metrics = dir.path + "/n.prom"
        let bin = try #require(NeighsyncBinary.path)
        let child = try ChildProcess(bin, ["apply", "-f", file, "--netns", a.name, "--watch", "--verify-every", "1s",
                                           "--report", report, "--metrics", metrics])
        // The first verify pass follows the initial apply at once (its window is 1 s); the second starts a second
        // after it ends. Wait for the report to hold a verify result, then long enough for a second pass.
        var waited = 0
        while waited < 100, !((try? String(contentsOfFile: report, encoding: .utf8))?.contains("\"verify\"") ?? false) {
            usleep(100_000)
            waited += 1
        }
        usleep(3_000_000)
        child.kill(SIGTERM)
        let out = child.wait()
        #expect(out.status == 0, "\(out.stderr)")
        let line = "level=warn event=verify-mismatch address=198.51.100.2 interface=veth0 pinned=02:00:00:00:99:02 "
            + "seen=\(peer)\n"
        #expect(out.stderr.components(separatedBy: line).count - 1 >= 2, "\(out.stderr)")
        #expect(out.stderr.contains("event=verify confirmed=1 mismatch=1 conflict=0 silent=0 skipped=0"))
        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any]
        let verify = try #require(doc?["verify"] as? [String: Any], "no verify in the report: \(String(describing: doc))")
        #expect((verify["summary"] as? [String: Any])?["mismatch"] as? Int == 1)
        #expect(verify["finishedAt"] is String)
        if let families = try PrometheusText.parseOrSkip(file: metrics) {
            #expect(PrometheusText.value(families, "neighsync_verify_results", ["result": "mismatch"]) == 1)
            #expect(PrometheusText.value(families, "neighsync_verify_results", ["result": "confirmed"]) == 1)
            #expect(PrometheusText.value(families, "neighsync_last_run_success") == 1)
        }
    }

    @Test func anInterfaceWithoutAddressesUsesTheProbeFormsAndClaimsNoAddress() throws {
        guard let (a, b) = try Self.pair() else { return }
        try a.check(["addr", "flush", "dev", "veth0"])
        let peer = try Self.mac(b)
        let dir = try TempDir()
        let file = try dir.write("n.yaml", """
            version: 1
            neighbors:
              - { address: 198.51.100.2, interface: veth0, physicalAddress: "\(peer)" }
              - { address: 2001:db8:51::2, interface: veth0, physicalAddress: "\(peer)" }

            """)
        Self.settle(a, b)
        let beforeA = Self.table(a), beforeB = Self.unicastEntries(b)
        let r = try NeighsyncBinary.run(["verify", "-f", file, "--netns", a.name, "--output", "json",
                                         "--timeout", "500ms"])
        #expect(r.status == 0, "\(r.stderr)")
        let e = try Self.entries(r.stdout)
        #expect(e["198.51.100.2"]?["result"] as? String == "confirmed")
        #expect(e["198.51.100.2"]?["probe"] as? String == "arp-probe")
        #expect(e["198.51.100.2"]?["probeSource"] is NSNull)  // null, not left out
        #expect(e["2001:db8:51::2"]?["result"] as? String == "confirmed")
        #expect(e["2001:db8:51::2"]?["probe"] as? String == "dad-solicitation")
        #expect(Self.table(a) == beforeA)
        // Neither form names a sender address, so the peer learnt no entry from them either (its answer to all
        // nodes makes its kernel add the NOARP entry of ff02::1, which is its own multicast output).
        #expect(Self.unicastEntries(b) == beforeB)
    }

    @Test func twoPeersAnsweringOnABridgeAreAConflict() throws {
        guard KernelTests.available else { _ = try Self.pair(); return }
        let v = try Netns(pairs: 0), p1 = try Netns(pairs: 0), p2 = try Netns(pairs: 0)
        try v.check(["link", "add", "br0", "type", "bridge", "mcast_snooping", "0"])
        for (i, p) in [p1, p2].enumerated() {
            try v.check(["link", "add", "vp\(i)", "type", "veth", "peer", "name", "veth0", "netns", p.name])
            try v.check(["link", "set", "vp\(i)", "master", "br0", "up"])
            try p.check(["addr", "add", "198.51.100.9/24", "dev", "veth0"])
            try p.check(["addr", "add", "2001:db8:51::9/64", "dev", "veth0", "nodad"])
            try p.check(["link", "set", "veth0", "up"])
        }
        try v.check(["addr", "add", "198.51.100.1/24", "dev", "br0"])
        try v.check(["addr", "add", "2001:db8:51::1/64", "dev", "br0", "nodad"])
        try v.check(["link", "set", "br0", "up"])
        let m1 = try Self.mac(p1), m2 = try Self.mac(p2)
        let dir = try TempDir()
        let file = try dir.write("n.yaml", """
            version: 1
            defaults: { interface: br0 }
            neighbors:
              - { address: 198.51.100.9, physicalAddress: "\(m1)" }
              - { address: 2001:db8:51::9, physicalAddress: "\(m1)" }

            """)
        Self.settle(v, p1, p2)
        let before = Self.table(v)
        let r = try NeighsyncBinary.run(["verify", "-f", file, "--netns", v.name, "--output", "json",
                                         "--timeout", "500ms"])
        #expect(r.status == 2, "\(r.stderr)")
        let e = try Self.entries(r.stdout)
        for a in ["198.51.100.9", "2001:db8:51::9"] {
            #expect(e[a]?["result"] as? String == "conflict", "\(r.stdout)")
            #expect(Set(e[a]?["seen"] as? [String] ?? []) == [m1, m2])
        }
        let text = try NeighsyncBinary.run(["verify", "-f", file, "--netns", v.name, "--timeout", "500ms"])
        #expect(text.stdout.contains("  ! 198.51.100.9 dev br0 lladdr \(m1)  # conflict: answered by 2 MACs: "),
                "\(text.stdout)")
        #expect(Self.table(v) == before)
    }

    @Test func withoutCapNetRawNothingIsSent() throws {
        guard let (a, b) = try Self.pair() else { return }
        let setpriv = try #require(PrivilegeTests.setpriv, "setpriv (util-linux) is needed to drop privileges")
        // No IPv6 on the link, so nothing else crosses it and the peer's counter moves only for our probes.
        for ns in [a, b] { ns.exec(["sysctl", "-q", "-w", "net.ipv6.conf.veth0.disable_ipv6=1"]) }
        let peer = try Self.mac(b)
        let dir = try TempDir()
        let file = try dir.write("n.yaml", """
            version: 1
            neighbors:
              - { address: 198.51.100.2, interface: veth0, physicalAddress: "\(peer)" }

            """)
        let bin = try #require(NeighsyncBinary.path)
        usleep(300_000)
        let rx = try Self.rxPackets(b)
        let r = try PrivilegeTests.run(setpriv, ["--inh-caps=-net_raw", "--bounding-set=-net_raw", bin, "verify",
                                                 "-f", file, "--netns", a.name, "--output", "json"])
        #expect(r.status == 1)
        #expect(r.stderr == "error: ERROR_ACCESS_DENIED: sending 1 ARP/ND probe needs CAP_NET_RAW; nothing was sent; "
                + "run as root, or grant the capability (systemd: AmbientCapabilities=CAP_NET_RAW)\n", "\(r.stderr)")
        #expect(r.stdout.contains("\"status\" : \"ERROR_ACCESS_DENIED\""), "\(r.stdout)")
        usleep(300_000)
        #expect(try Self.rxPackets(b) == rx, "a frame reached the peer although verify was refused")
        // The same run with the capability does reach it (the counter is a working witness).
        let ok = try NeighsyncBinary.run(["verify", "-f", file, "--netns", a.name, "--timeout", "300ms"])
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        #expect(try Self.rxPackets(b) > rx)
    }

    /// Red-team findings 1 and 2 (issue 15) on the wire: the peer's namespace spoofs, for addresses nobody holds,
    /// answers that match our probes in every field but are 802.1Q-tagged (VID 100) or sent to another host's MAC;
    /// the kernel would learn from none of them, so the entries stay `silent`. An untagged answer to our MAC for a
    /// third address (the control) is a `mismatch`, so the spoofer did send. The table is unchanged.
    @Test func taggedAndOtherHostAnswersAreNotCounted() throws {
        guard let (a, b) = try Self.pair() else { return }
        let ours = try Self.mac(a)
        let script = """
            import socket, struct, time
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW); s.bind(("veth0", 0))
            m = lambda t: bytes.fromhex(t.replace(":", ""))
            OURS, EVIL, OTHER = m("\(ours)"), m("02:ee:00:00:00:ee"), m("02:aa:00:00:00:77")
            def arp(target, dst, vlan=None):
                eth = dst + EVIL + (struct.pack("!HH", 0x8100, vlan) if vlan is not None else b"") + b"\\x08\\x06"
                return eth + struct.pack("!HHBBH", 1, 0x0800, 6, 4, 2) + EVIL + socket.inet_aton(target) + OURS \\
                    + socket.inet_aton("198.51.100.1")
            def csum(b):
                s = sum(struct.unpack("!%dH" % (len(b) // 2), b)); s = (s >> 16) + (s & 0xffff); s += s >> 16
                return ~s & 0xffff
            def na(target, dst, vlan=None):
                t, src, to = (socket.inet_pton(socket.AF_INET6, x) for x in (target, target, "2001:db8:51::1"))
                body = struct.pack("!BBHI", 136, 0, 0, 0x60000000) + t + bytes([2, 1]) + EVIL
                c = csum(src + to + struct.pack("!I", len(body)) + b"\\0\\0\\0\\x3a" + body)
                body = body[:2] + struct.pack("!H", c) + body[4:]
                eth = dst + EVIL + (struct.pack("!HH", 0x8100, vlan) if vlan is not None else b"") + b"\\x86\\xdd"
                return eth + struct.pack("!IHBB", 0x60000000, len(body), 58, 255) + src + to + body
            frames = [arp("198.51.100.77", OURS, vlan=100), arp("198.51.100.78", OTHER),
                      na("2001:db8:51::77", OURS, vlan=100), na("2001:db8:51::78", OTHER),
                      arp("198.51.100.79", OURS)]
            end = time.time() + 2.5
            while time.time() < end:
                for f in frames: s.send(f)
                time.sleep(0.02)
            """
        let dir = try TempDir()
        let file = try dir.write("n.yaml", """
            version: 1
            defaults: { interface: veth0 }
            neighbors:
              - { address: 198.51.100.77, physicalAddress: "02:00:00:00:99:99" }
              - { address: 198.51.100.78, physicalAddress: "02:00:00:00:99:99" }
              - { address: 2001:db8:51::77, physicalAddress: "02:00:00:00:99:99" }
              - { address: 2001:db8:51::78, physicalAddress: "02:00:00:00:99:99" }
              - { address: 198.51.100.79, physicalAddress: "02:00:00:00:99:99" }

            """)
        Self.settle(a, b)
        let before = Self.table(a)
        let spoofer = Process()
        spoofer.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        if !FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip") {
            spoofer.executableURL = URL(fileURLWithPath: "/sbin/ip")
        }
        spoofer.arguments = ["netns", "exec", b.name, "python3", "-c", script]
        let errors = Pipe()
        spoofer.standardError = errors
        try spoofer.run()
        usleep(300_000)
        let r = try NeighsyncBinary.run(["verify", "-f", file, "--netns", a.name, "--timeout", "1s",
                                         "--output", "json"])
        spoofer.waitUntilExit()
        #expect(spoofer.terminationStatus == 0,
                "spoofer: \(String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))")
        let e = try Self.entries(r.stdout)
        #expect(e["198.51.100.79"]?["result"] as? String == "mismatch", "the control: \(r.stdout)\(r.stderr)")
        #expect(e["198.51.100.79"]?["seen"] as? [String] == ["02:ee:00:00:00:ee"])
        for tagged in ["198.51.100.77", "2001:db8:51::77", "198.51.100.78", "2001:db8:51::78"] {
            #expect(e[tagged]?["result"] as? String == "silent", "\(tagged): \(r.stdout)")
        }
        #expect(Self.table(a) == before, "verify changed the table")
    }
}

/// `verify`'s option checks, before anything is opened (no root needed).
@Suite struct VerifyOptionTests {
    @Test("bad options are usage errors with the option's own message", arguments: [
        (["verify"], "give the desired state with -f PATH (or --all-owned to probe the owned entries)"),
        (["verify", "-f", "n.yaml", "--timeout", "0s"], "--timeout '0s' is not a duration from 1ms to 60s"),
        (["verify", "-f", "n.yaml", "--timeout", "2m"], "--timeout '2m' is not a duration from 1ms to 60s"),
        (["verify", "-f", "n.yaml", "--rate", "0"], "--rate 0 is not a number of probes per second from 1 to 100000"),
        (["verify", "-f", "n.yaml", "--metrics", "dir/"], "--metrics needs a file path"),
        // Red-team finding 6 (issue 15): the path is checked before the file is even read, let alone probed.
        (["verify", "-f", "n.yaml", "--metrics", "/nonexistent-neighsync-dir/v.prom"],
         "--metrics: cannot write the metrics file /nonexistent-neighsync-dir/v.prom: its directory "
            + "/nonexistent-neighsync-dir cannot be used (No such file or directory); create it or give a path in an "
            + "existing directory"),
        (["verify", "-f", "n.yaml", "--metrics", "/etc/hostname/v.prom"],
         "--metrics: cannot write the metrics file /etc/hostname/v.prom: /etc/hostname is not a directory"),
        (["apply", "-f", "n.yaml", "--verify-every", "10m"], "--verify-every only applies with --watch"),
        (["apply", "-f", "n.yaml", "--watch", "--verify-every", "500ms"],
         "--verify-every '500ms' is not a duration of at least 1s"),
    ])
    func usageErrors(_ args: [String], _ message: String) throws {
        let r = try NeighsyncBinary.run(args)
        #expect(r.status == 1)
        #expect(r.stderr.contains(message), "\(r.stderr)")
    }

    @Test func aFileThatDoesNotLoadIsAPositionedErrorAndNothingIsProbed() throws {
        let dir = try TempDir()
        let file = try dir.write("n.yaml", "version: 1\nneighbors:\n  - address: 192.0.2.300\n    interface: lo\n")
        let r = try NeighsyncBinary.run(["verify", "-f", file, "--output", "json"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("n.yaml:3:14: error: "), "\(r.stderr)")
        #expect(r.stderr.hasSuffix("1 error; nothing was probed\n"), "\(r.stderr)")
        #expect(r.stdout.contains("\"ok\" : false"), "\(r.stdout)")
    }
}
