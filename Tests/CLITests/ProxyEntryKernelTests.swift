import Foundation
import NetnsTesting
import Testing

/// Proxy entries (issue 13) end to end through the binary, against fresh namespaces, IPv4 and IPv6, with
/// `ip -N -j neigh show proxy` as the oracle: created with the owner protocol, a second plan empty, pruned when removed
/// from the file, foreign proxy entries (another protocol, or none) untouched, an ordinary entry at the same address
/// beside them; re-added by watch mode after `ip link set D down/up` and after carrier loss; a peer in a second
/// namespace gets the proxying host's MAC for the address; an offline plan (snapshot, iproute2 files) equals the
/// live one; saved plans carry proxies and refuse a tampered kind; `entry … --proxy`; `show`.
@Suite(.serialized) struct ProxyEntryKernelTests {
    static let file = """
        version: 1
        defaults: { interface: veth0 }
        neighbors:
          - address: 192.0.2.77
            physicalAddress: "02:00:00:00:00:77"
        proxies:
          - address: 192.0.2.77
          - address: 192.0.2.78
          - address: 2001:db8:100::5
          - address: 2001:db8:100::6
            interface: veth1

        """

    /// `ip -N -j neigh show proxy` as "dev dst" → protocol ("-" for none).
    static func proxies(_ ns: Netns) -> [String: String] {
        let r = ns.run(["-N", "-j", "neigh", "show", "proxy"])
        let arr = (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]) ?? []
        var out: [String: String] = [:]
        for e in arr {
            guard let d = e["dst"] as? String, let dev = e["dev"] as? String, e.keys.contains("proxy") else { continue }
            out["\(dev) \(d)"] = "\(e["protocol"] ?? "-")"
        }
        return out
    }

    static let wanted = ["veth0 192.0.2.77": "245", "veth0 192.0.2.78": "245", "veth0 2001:db8:100::5": "245",
                         "veth1 2001:db8:100::6": "245"]

    func run(_ args: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try NeighsyncBinary.run(args)
    }

    @Test func createdConvergedPrunedAndForeignOnesUntouched() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        // Foreign proxies: another protocol, and none; one of each family. An owned one not in the file.
        for args in [["192.0.2.90", "protocol", "5"], ["192.0.2.91"], ["2001:db8:100::90", "protocol", "5"],
                     ["2001:db8:100::91"], ["192.0.2.60", "protocol", "245"]] {
            try ns.check(["neigh", "add", "proxy", args[0], "dev", "veth0"] + args.dropFirst())
        }
        let f = try dir.write("p.yaml", Self.file)
        let plan = try run(["plan", "-f", f, "--netns", ns.name])
        #expect(plan.status == 0, "\(plan.stderr)")
        for line in ["  + 192.0.2.77 dev veth0 lladdr 02:00:00:00:00:77 permanent  # absent (\(f):4:5)",
                     "  + proxy 192.0.2.77 dev veth0  # absent (\(f):7:5)",
                     "  + proxy 2001:db8:100::6 dev veth1  # absent (\(f):10:5)",
                     "  - proxy 192.0.2.60 dev veth0  # owned proxy entry not in desired state"] {
            #expect(plan.stdout.contains(line + "\n"), "\(line)\n\(plan.stdout)")
        }
        #expect(plan.stdout.contains("Plan: 5 to create, 0 to set, 1 to delete, 0 unchanged."), "\(plan.stdout)")
        let apply = try run(["apply", "-f", f, "--netns", ns.name])
        #expect(apply.status == 0, "\(apply.stderr)")
        #expect(apply.stdout.contains("created proxy 2001:db8:100::5 dev veth0\n"), "\(apply.stdout)")
        #expect(apply.stdout.contains("deleted proxy 192.0.2.60 dev veth0\n"), "\(apply.stdout)")
        var foreign = ["veth0 192.0.2.90": "5", "veth0 192.0.2.91": "-", "veth0 2001:db8:100::90": "5",
                       "veth0 2001:db8:100::91": "-"]
        #expect(Self.proxies(ns) == Self.wanted.merging(foreign) { a, _ in a })
        // The ordinary entry at the proxied address lives beside the proxy entry.
        #expect(ns.neighbors().contains { $0["dst"] as? String == "192.0.2.77" && $0["lladdr"] as? String == "02:00:00:00:00:77" })
        let again = try run(["plan", "-f", f, "--netns", ns.name, "--detailed-exitcode"])
        #expect(again.status == 0, "second plan not empty: \(again.stdout)")
        // Removed from the file: pruned; the foreign ones stay.
        let fewer = try dir.write("q.yaml", Self.file.replacingOccurrences(of: "  - address: 192.0.2.78\n", with: "")
            .replacingOccurrences(of: "  - address: 2001:db8:100::5\n", with: ""))
        let prune = try run(["apply", "-f", fewer, "--netns", ns.name])
        #expect(prune.status == 0, "\(prune.stderr)")
        #expect(prune.stdout.contains("deleted proxy 192.0.2.78 dev veth0\n") &&
                prune.stdout.contains("deleted proxy 2001:db8:100::5 dev veth0\n"), "\(prune.stdout)")
        foreign["veth0 192.0.2.77"] = "245"
        foreign["veth1 2001:db8:100::6"] = "245"
        #expect(Self.proxies(ns) == foreign)
        // The ordinary entry at the proxied address is still there; the file without proxies prunes the rest.
        let none = try dir.write("r.yaml", "version: 1\nneighbors: []\n")
        #expect(try run(["apply", "-f", none, "--netns", ns.name]).status == 0)
        #expect(Self.proxies(ns) == ["veth0 192.0.2.90": "5", "veth0 192.0.2.91": "-", "veth0 2001:db8:100::90": "5",
                                     "veth0 2001:db8:100::91": "-"])
    }

    @Test func adoptsAnEqualUntaggedProxyAndTakesOverAForeignOneOnlyWhenListed() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        try ns.check(["neigh", "add", "proxy", "192.0.2.78", "dev", "veth0"])
        try ns.check(["neigh", "add", "proxy", "2001:db8:100::5", "dev", "veth0", "protocol", "5"])
        let f = try dir.write("p.yaml", Self.file)
        let plan = try run(["plan", "-f", f, "--netns", ns.name])
        #expect(plan.stdout.contains("  ~ proxy 192.0.2.78 dev veth0  # adopt: entry exists without owner tag (\(f):8:5)\n"),
                "\(plan.stdout)")
        #expect(plan.stdout.contains("  ~ proxy 2001:db8:100::5 dev veth0  # takes over from protocol 5"), "\(plan.stdout)")
        #expect(plan.stderr.contains("2001:db8:100::5 on veth0 is held by protocol 5"), "\(plan.stderr)")
        #expect(try run(["apply", "-f", f, "--netns", ns.name]).status == 0)
        #expect(Self.proxies(ns) == Self.wanted)
    }

    @Test func validateAndPlanWarnAboutProxyNdpUnlessTheFileSetsIt() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        let f = try dir.write("p.yaml", Self.file)
        let validate = try run(["validate", "-f", f, "--netns", ns.name])
        #expect(validate.status == 0)
        #expect(validate.stdout == "ok: 1 neighbor and 4 proxies on 2 interfaces\n", "\(validate.stdout)")
        #expect(validate.stderr.contains("\(f):9:5: warning: net.ipv6.conf.veth0.proxy_ndp is 0"), "\(validate.stderr)")
        #expect(validate.stderr.contains("\(f):10:5: warning: net.ipv6.conf.veth1.proxy_ndp is 0"), "\(validate.stderr)")
        #expect(try run(["validate", "-f", f, "--offline"]).stderr.isEmpty)
        let set = try dir.write("s.yaml", Self.file + """
            parameters:
              interfaces:
                veth0: { ipv6: { proxyNDP: true } }
                veth1: { ipv6: { proxyNDP: true } }

            """)
        let plan = try run(["plan", "-f", set, "--netns", ns.name])
        #expect(!plan.stderr.contains("proxy_ndp"), "\(plan.stderr)")
        #expect(try run(["apply", "-f", set, "--netns", ns.name]).status == 0)
        #expect(ns.exec(["sysctl", "-n", "net.ipv6.conf.veth0.proxy_ndp"]).stdout == "1\n")
        #expect(!(try run(["plan", "-f", f, "--netns", ns.name]).stderr.contains("proxy_ndp")))
    }

    /// The kernel answers for an IPv6 proxy when all.proxy_ndp OR IF.proxy_ndp is 1, and only where the interface
    /// forwards (`ndisc_recv_ns`): no false proxy_ndp warning under all.proxy_ndp=1, a forwarding warning where it
    /// is off, and a warning for the file's own `proxyNDP: false` on a link whose sysctl is 1 now.
    @Test func proxyNdpWarningsFollowAllForwardingAndTheFile() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        let f = try dir.write("p.yaml", Self.file)
        for s in ["net.ipv6.conf.all.proxy_ndp=1", "net.ipv6.conf.veth0.forwarding=1", "net.ipv6.conf.veth1.forwarding=0"] {
            #expect(ns.exec(["sysctl", "-q", "-w", s]).status == 0)
        }
        let validate = try run(["validate", "-f", f, "--netns", ns.name])
        #expect(validate.status == 0)
        #expect(!validate.stderr.contains("proxy_ndp"), "\(validate.stderr)")
        #expect(!validate.stderr.contains("veth0.forwarding"), "\(validate.stderr)")
        #expect(validate.stderr.contains("\(f):10:5: warning: net.ipv6.conf.veth1.forwarding is 0"), "\(validate.stderr)")
        let plan = try run(["plan", "-f", f, "--netns", ns.name])
        #expect(!plan.stderr.contains("proxy_ndp") && plan.stderr.contains("veth1.forwarding is 0"), "\(plan.stderr)")
        // The file's own false on veth0, where the kernel holds 1 now (all.proxy_ndp off again).
        #expect(ns.exec(["sysctl", "-q", "-w", "net.ipv6.conf.all.proxy_ndp=0"]).status == 0)
        #expect(ns.exec(["sysctl", "-q", "-w", "net.ipv6.conf.veth0.proxy_ndp=1"]).status == 0)
        let off = try dir.write("off.yaml", Self.file + """
            parameters:
              interfaces:
                veth0: { ipv6: { proxyNDP: false } }

            """)
        for cmd in ["validate", "plan"] {
            let r = try run([cmd, "-f", off, "--netns", ns.name])
            #expect(r.stderr.contains("\(off):9:5: warning: the file sets proxyNDP: false on veth0"), "\(cmd): \(r.stderr)")
        }
        #expect(ns.exec(["sysctl", "-n", "net.ipv6.conf.veth0.proxy_ndp"]).stdout == "1\n", "validate/plan wrote nothing")
    }

    @Test func watchReaddsProxiesAfterLinkDownUpAndAfterCarrierLoss() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        let f = try dir.write("p.yaml", Self.file)
        let w = try WatchCommandTests.Watch(["apply", "-f", f, "--netns", ns.name, "--watch", "--lock-timeout", "5",
                                             "--debounce", "50ms"], dir: dir)
        func converged() -> Bool { Self.proxies(ns) == Self.wanted }
        try #require(WatchCommandTests.waitFor { converged() } != nil, "first pass: \(w.log)")
        // Admin down flushes every proxy entry of the link (pneigh_ifdown_and_unlock from neigh_ifdown).
        let creates = WatchCommandTests.count("event=create kind=proxy address=192.0.2.78 ", in: w.log)
        try ns.check(["link", "set", "veth0", "down"])
        try ns.check(["link", "set", "veth0", "up"])
        #expect(WatchCommandTests.waitFor {
            WatchCommandTests.count("event=create kind=proxy address=192.0.2.78 ", in: w.log) > creates && converged()
        } != nil, "not restored after down/up: \(Self.proxies(ns))\n\(w.log)")
        // Carrier loss (the peer goes down) flushes the proxy entries that are not permanent; neighsync writes
        // permanent ones, which this kernel keeps. Make one non-permanent behind the watcher's back (same owner,
        // equal to the desired entry, so no event makes it act), then take the carrier away.
        try ns.check(["neigh", "replace", "proxy", "192.0.2.78", "dev", "veth0", "nud", "noarp", "protocol", "245"])
        let before = WatchCommandTests.count("event=create kind=proxy address=192.0.2.78 ", in: w.log)
        try ns.check(["link", "set", "veth1", "down"])
        let lost = WatchCommandTests.waitFor(5) {
            WatchCommandTests.count("event=create kind=proxy address=192.0.2.78 ", in: w.log) > before
        }
        #expect(lost != nil, "the non-permanent proxy was not re-added after carrier loss: \(w.log)")
        let kept = Self.proxies(ns)
        #expect(kept["veth0 192.0.2.78"] == "245" && kept["veth0 192.0.2.77"] == "245"
                && kept["veth0 2001:db8:100::5"] == "245", "\(kept)")
        try ns.check(["link", "set", "veth1", "up"])
        #expect(WatchCommandTests.waitFor { converged() } != nil, "\(Self.proxies(ns))\n\(w.log)")
        // A proxy entry deleted by hand comes back.
        try ns.check(["neigh", "del", "proxy", "2001:db8:100::5", "dev", "veth0"])
        #expect(WatchCommandTests.waitFor { converged() } != nil, "not restored after delete: \(w.log)")
        #expect(w.stop() == 0)
    }

    /// The kernel sends no notification for `ip neigh add|del proxy` (pneigh_create/pneigh_delete notify nobody), so
    /// watch mode polls the proxy table: a desired proxy deleted by hand is back within a few seconds and an owned
    /// one added by hand is pruned, with no SIGHUP and the resync an hour away; while nothing changes, no pass runs.
    @Test func watchRestoresAProxyDeletedByHandAndPrunesAnOwnedOneWithoutANotification() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        let f = try dir.write("p.yaml", Self.file)
        let metrics = dir.path + "/m.prom"
        let w = try WatchCommandTests.Watch(["apply", "-f", f, "--netns", ns.name, "--watch", "--lock-timeout", "5",
                                             "--resync", "1h", "--metrics", metrics], dir: dir)
        func converged() -> Bool { Self.proxies(ns) == Self.wanted }
        func passes() -> [Substring] {
            ((try? String(contentsOfFile: metrics, encoding: .utf8)) ?? "").split(separator: "\n")
                .filter { $0.hasPrefix("neighsync_passes_total{") }
        }
        try #require(WatchCommandTests.waitFor { converged() } != nil, "first pass: \(w.log)")
        // Quiet: polls that find nothing changed run no pass (after the events of the new links have settled).
        usleep(3_000_000)
        let settled = passes()
        usleep(5_000_000)
        #expect(passes() == settled, "passes ran while nothing changed: \(w.log)")
        #expect(!settled.contains { $0.contains("trigger=\"proxy\"") }, "\(settled)")
        try ns.check(["neigh", "del", "proxy", "2001:db8:100::5", "dev", "veth0"])
        try ns.check(["neigh", "del", "proxy", "192.0.2.78", "dev", "veth0"])
        #expect(Self.proxies(ns)["veth0 2001:db8:100::5"] == nil)
        #expect(WatchCommandTests.waitFor(6) { converged() } != nil, "not restored without SIGHUP: \(w.log)")
        #expect(WatchCommandTests.count("event=create kind=proxy address=2001:db8:100::5 interface=veth0", in: w.log) == 2,
                "\(w.log)")
        #expect(w.log.contains("trigger=proxy"), "\(w.log)")
        try ns.check(["neigh", "add", "proxy", "192.0.2.61", "dev", "veth0", "protocol", "245"])
        #expect(WatchCommandTests.waitFor(6) { converged() } != nil, "owned proxy not pruned: \(Self.proxies(ns))\n\(w.log)")
        #expect(!w.log.contains("reload") && !w.log.contains("trigger=resync"), "\(w.log)")
        #expect(w.stop() == 0)
    }

    @Test(arguments: ["198.51.100.77", "2001:db8:51::77"])
    func aPeerGetsTheProxyingHostsMac(_ address: String) throws {
        guard KernelTests.available else { _ = try cliNetns(); return }
        let (a, b) = try Netns.joinedPair()
        defer { a.close(); b.close() }
        let dir = try TempDir()
        // The proxying host: forwarding on; for IPv4 the address is routed through another link (arp_process answers
        // for a proxy entry only when the route to the address leaves by another device); for IPv6 proxy_ndp, set by
        // the file.
        try a.check(["link", "add", "veth8", "type", "veth", "peer", "name", "veth9"])
        try a.check(["link", "set", "veth8", "up"])
        try a.check(["link", "set", "veth9", "up"])
        #expect(a.exec(["sysctl", "-qw", "net.ipv4.ip_forward=1"]).status == 0)
        #expect(a.exec(["sysctl", "-qw", "net.ipv6.conf.all.forwarding=1"]).status == 0)
        try a.check(["route", "add", "198.51.100.77/32", "dev", "veth8"])
        let f = try dir.write("p.yaml", """
            version: 1
            neighbors: []
            proxies:
              - { address: "\(address)", interface: veth0 }
            parameters:
              interfaces:
                veth0: { ipv6: { proxyNDP: true } }

            """)
        let apply = try run(["apply", "-f", f, "--netns", a.name])
        #expect(apply.status == 0, "\(apply.stderr)")
        let mac = try #require(a.run(["-j", "link", "show", "dev", "veth0"]).stdout
            .components(separatedBy: "\"address\":\"").dropFirst().first?.prefix(17)).description
        // The peer asks (ARP request / neighbor solicitation) and learns the proxying host's MAC.
        let resolve = try run(["entry", "resolve", "--netns", b.name, "--address", address, "--interface", "veth0",
                               "--timeout", "5"])
        #expect(resolve.status == 0, "\(resolve.stdout)\(resolve.stderr)")
        let seen = b.neighbors().first { $0["dst"] as? String == address }
        #expect(seen?["lladdr"] as? String == mac, "peer table: \(b.neighbors()), proxying MAC \(mac)")
    }

    /// The kernel keeps NTF_ROUTER on an IPv6 proxy entry and its advertisements for the address carry the router
    /// flag: `isRouter: true` in a proxies item writes it (the peer learns `router`), false takes it away (the peer
    /// learns no router), and the plan between the two is the `~` of the router flag alone.
    @Test func aRouterProxyMakesThePeerLearnARouterAndOnlyWhenSet() throws {
        guard KernelTests.available else { _ = try cliNetns(); return }
        let (a, b) = try Netns.joinedPair()
        defer { a.close(); b.close() }
        let dir = try TempDir()
        let address = "2001:db8:51::57"
        #expect(a.exec(["sysctl", "-qw", "net.ipv6.conf.all.forwarding=1"]).status == 0)
        func file(_ router: Bool) throws -> String {
            try dir.write("p\(router).yaml", """
                version: 1
                neighbors: []
                proxies:
                  - { address: "\(address)", interface: veth0, isRouter: \(router) }
                parameters:
                  interfaces:
                    veth0: { ipv6: { proxyNDP: true } }

                """)
        }
        func peerSeesRouter() throws -> Bool? {
            _ = b.run(["neigh", "flush", "dev", "veth0"])
            let resolve = try run(["entry", "resolve", "--netns", b.name, "--address", address, "--interface", "veth0",
                                   "--timeout", "5"])
            #expect(resolve.status == 0, "\(resolve.stdout)\(resolve.stderr)")
            return b.neighbors().first { $0["dst"] as? String == address }.map { $0.keys.contains("router") }
        }
        func kernelRouter() -> Bool? {
            let r = a.run(["-j", "neigh", "show", "proxy"])
            let arr = (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]) ?? []
            return arr.first { $0["dst"] as? String == address }.map { $0.keys.contains("router") }
        }
        let on = try file(true), off = try file(false)
        let apply = try run(["apply", "-f", on, "--netns", a.name])
        #expect(apply.status == 0, "\(apply.stderr)")
        #expect(kernelRouter() == true)
        #expect(try run(["plan", "-f", on, "--netns", a.name]).stdout.hasPrefix("No changes."))
        #expect(try peerSeesRouter() == true, "peer table: \(b.neighbors())")
        let plan = try run(["plan", "-f", off, "--netns", a.name])
        #expect(plan.stdout.contains("  ~ proxy \(address) dev veth0  # router true → false"), "\(plan.stdout)")
        #expect(try run(["apply", "-f", off, "--netns", a.name]).status == 0)
        #expect(kernelRouter() == false)
        #expect(try run(["plan", "-f", off, "--netns", a.name]).stdout.hasPrefix("No changes."))
        #expect(try peerSeesRouter() == false, "peer table: \(b.neighbors())")
    }

    /// `show --output yaml` of a router proxy entry (`ip neigh add proxy A dev D router`) writes `isRouter: true`, so
    /// the file it bootstraps plans "No changes" instead of clearing the flag; `entry create --proxy --router` writes
    /// one on IPv6 and is refused on IPv4, like a neighbor's router flag.
    @Test func aRouterProxyBootstrapsAFileThatPlansNoChanges() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        try ns.check(["neigh", "add", "proxy", "2001:db8:1::57", "dev", "veth0", "router", "protocol", "245"])
        let yaml = try run(["show", "--netns", ns.name, "--output", "yaml"])
        #expect(yaml.stdout.hasSuffix("proxies:\n  - address: \"2001:db8:1::57\"\n    interface: veth0\n    isRouter: true\n"),
                "\(yaml.stdout)")
        let f = try dir.write("boot.yaml", yaml.stdout)
        let plan = try run(["plan", "-f", f, "--netns", ns.name])
        #expect(plan.status == 0 && plan.stdout.hasPrefix("No changes."), "\(plan.stdout)\(plan.stderr)")
        let base = ["--netns", ns.name, "--proxy", "--interface", "veth0", "--router"]
        let create = try run(["entry", "create", "--address", "2001:db8:1::58"] + base)
        #expect(create.status == 0 && create.stdout == "2001:db8:1::58 dev veth0 router proxy\n",
                "\(create.stdout)\(create.stderr)")
        let v4 = try run(["entry", "create", "--address", "192.0.2.58"] + base)
        #expect(v4.status != 0 && v4.stderr.contains("192.0.2.58 is IPv4"), "\(v4.stderr)")
        #expect(Self.proxies(ns).keys.sorted() == ["veth0 2001:db8:1::57", "veth0 2001:db8:1::58"])
    }

    @Test func offlinePlanFromASnapshotOrIprouteFilesEqualsTheLivePlan() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        try ns.check(["neigh", "add", "proxy", "192.0.2.60", "dev", "veth0", "protocol", "245"])
        try ns.check(["neigh", "add", "proxy", "192.0.2.78", "dev", "veth0"])
        try ns.check(["neigh", "add", "proxy", "2001:db8:100::90", "dev", "veth1", "protocol", "5"])
        try ns.check(["neigh", "add", "192.0.2.77", "dev", "veth0", "lladdr", "02:00:00:00:00:01", "protocol", "245"])
        let f = try dir.write("p.yaml", Self.file)
        let live = try run(["plan", "-f", f, "--netns", ns.name, "--output", "json"])
        #expect(live.status == 0, "\(live.stderr)")
        let snap = try run(["show", "--netns", ns.name, "--output", "json"])
        let snapFile = try dir.write("state.json", snap.stdout)
        #expect(snap.stdout.contains("\"flags\": [\"proxy\"]"))
        let offline = try run(["plan", "-f", f, "--state", snapFile, "--output", "json"])
        #expect(offline.status == 0, "\(offline.stderr)")
        // Equal but for the ordinary entry's reachability time, which grows between the two reads.
        func timeless(_ s: String) -> [Substring] { s.split(separator: "\n").filter { !$0.contains("reachabilityTime") } }
        #expect(timeless(offline.stdout) == timeless(live.stdout))
        // `{ ip -j neigh show; ip -j neigh show proxy; } | jq -s add`: one array of both tables.
        var merged: [Any] = []
        for args in [["-j", "neigh", "show"], ["-j", "neigh", "show", "proxy"]] {
            merged += try JSONSerialization.jsonObject(with: Data(ns.run(args).stdout.utf8)) as? [Any] ?? []
        }
        let ipFile = try dir.write("ip.json", String(decoding: try JSONSerialization.data(withJSONObject: merged),
                                                     as: UTF8.self))
        let linksFile = try dir.write("links.json", ns.run(["-j", "link", "show"]).stdout)
        let fromIp = try run(["plan", "-f", f, "--state", ipFile, "--links", linksFile])
        let liveText = try run(["plan", "-f", f, "--netns", ns.name])
        #expect(fromIp.status == 0, "\(fromIp.stderr)")
        #expect(fromIp.stdout == liveText.stdout)
        #expect(liveText.stdout.contains("  ~ 192.0.2.77 dev veth0 lladdr 02:00:00:00:00:77 permanent"))
        #expect(liveText.stdout.contains("  - proxy 192.0.2.60 dev veth0"))
    }

    @Test func savedPlansCarryProxiesAndRefuseATamperedKind() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        try ns.check(["neigh", "add", "proxy", "192.0.2.60", "dev", "veth0", "protocol", "245"])
        let f = try dir.write("p.yaml", Self.file)
        let out = dir.path + "/plan.json"
        #expect(try run(["plan", "-f", f, "--netns", ns.name, "--out", out]).status == 0)
        let saved = try String(contentsOfFile: out, encoding: .utf8)
        #expect(saved.contains("\"kind\" : \"proxy\""))
        // The kind dropped from one change: refused before anything is written.
        let tampered = try dir.write("bad.json", saved.replacingOccurrences(of: "\"kind\" : \"proxy\",", with: ""))
        let refused = try run(["apply", tampered, "--netns", ns.name])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("missing 'kind: proxy' for a change of a proxy entry"), "\(refused.stderr)")
        #expect(Self.proxies(ns) == ["veth0 192.0.2.60": "245"])
        let apply = try run(["apply", out, "--netns", ns.name])
        #expect(apply.status == 0, "\(apply.stderr)")
        #expect(Self.proxies(ns) == Self.wanted)
        #expect(try run(["plan", "-f", f, "--netns", ns.name, "--detailed-exitcode"]).status == 0)
    }

    @Test func entryCommandsAndShow() throws {
        guard let ns = try cliNetns() else { return }
        let base = ["--netns", ns.name, "--proxy", "--interface", "veth0"]
        let create = try run(["entry", "create", "--address", "2001:db8:100::5", "--protocol", "7"] + base)
        #expect(create.status == 0, "\(create.stderr)")
        #expect(create.stdout == "2001:db8:100::5 dev veth0 proxy proto 7\n")
        let twice = try run(["entry", "create", "--address", "2001:db8:100::5"] + base)
        #expect(twice.status == 1 && twice.stderr.contains("ERROR_OBJECT_ALREADY_EXISTS"), "\(twice.stderr)")
        #expect(try run(["entry", "get", "--address", "2001:db8:100::5"] + base).stdout
                == "2001:db8:100::5 dev veth0 proxy proto 7\n")
        #expect(try run(["entry", "table", "--netns", ns.name, "--proxy"]).stdout == "2001:db8:100::5 dev veth0 proxy proto 7\n")
        #expect(!(try run(["entry", "table", "--netns", ns.name]).stdout.contains("proxy")))
        let mac = try run(["entry", "create", "--address", "192.0.2.5", "--lladdr", "02:00:00:00:00:05"] + base)
        #expect(mac.status != 0 && mac.stderr.contains("drop --lladdr"), "\(mac.stderr)")
        let lo = try run(["entry", "create", "--netns", ns.name, "--proxy", "--interface", "lo", "--address", "192.0.2.5"])
        #expect(lo.status == 1 && lo.stderr.contains("ERROR_INVALID_PARAMETER: lo does no ARP"), "\(lo.stderr)")
        let show = try run(["show", "--netns", ns.name])
        #expect(show.stdout.contains("2001:db8:100::5 dev veth0 proxy proto 7\n"), "\(show.stdout)")
        let yaml = try run(["show", "--netns", ns.name, "--output", "yaml", "--owner-protocol", "7"])
        #expect(yaml.stdout.hasSuffix("neighbors: []\nproxies:\n  - address: \"2001:db8:100::5\"\n    interface: veth0\n"),
                "\(yaml.stdout)")
        #expect(try run(["entry", "delete", "--address", "2001:db8:100::5"] + base).status == 0)
        #expect(Self.proxies(ns).isEmpty)
    }
}
