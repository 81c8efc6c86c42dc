import Foundation
import NetnsTesting
import Testing

/// Neighbor-table parameters through the CLI against real namespaces: `ip ntable show dev IF` and `sysctl` inside
/// the namespace are the oracles, never neighsync's own reader.
@Suite struct ParameterTests {
    static let desired = """
        version: 1
        neighbors:
          - { address: 192.0.2.10, interface: veth0, physicalAddress: "02:00:00:00:00:10" }
        parameters:
          interfaces:
            veth0:
              ipv4: { baseReachableTime: 15s, retransTime: 2s, ucastSolicit: 5, intervalProbeTime: 3s }
              ipv6: { baseReachableTime: 20s, proxyNDP: true }

        """

    /// `ip -n NS ntable show dev IF name TABLE`, whitespace folded.
    static func ntable(_ ns: Netns, _ dev: String, _ table: String) -> String {
        ns.run(["ntable", "show", "dev", dev, "name", table]).stdout.split(whereSeparator: \.isWhitespace)
            .joined(separator: " ")
    }

    @Test func perInterfaceParametersAreAppliedReadBackAndDriftIsRepaired() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        let file = try dir.write("n.yaml", Self.desired)
        // A key the file leaves out, changed by hand: never reset.
        try ns.check(["ntable", "change", "name", "arp_cache", "dev", "veth0", "gc_stale", "45000"])
        let plan = try NeighsyncBinary.run(["plan", "-f", file, "--netns", ns.name, "--detailed-exitcode"])
        #expect(plan.status == 2, "\(plan.stderr)")
        #expect(plan.stdout.hasPrefix("""
              ~ parameter veth0 ipv4 baseReachableTime 30s → 15s  (\(file):7:34)
              ~ parameter veth0 ipv4 retransTime 1s → 2s  (\(file):7:52)
              ~ parameter veth0 ipv4 intervalProbeTime 5s → 3s  (\(file):7:92)
              ~ parameter veth0 ipv4 ucastSolicit 3 → 5  (\(file):7:70)
              ~ parameter veth0 ipv6 baseReachableTime 30s → 20s  (\(file):8:34)
              ~ parameter veth0 ipv6 proxyNDP false → true  (\(file):8:49)
              + 192.0.2.10 dev veth0
            """), "\(plan.stdout)")
        #expect(plan.stdout.hasSuffix("Plan: 1 to create, 0 to set, 0 to delete, 0 unchanged; 6 parameters to change.\n"))
        let json = try NeighsyncBinary.run(["plan", "-f", file, "--netns", ns.name, "--output", "json"])
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let params = try #require(doc["parameters"] as? [[String: Any]])
        #expect(params.count == 6)
        #expect(params.first?["key"] as? String == "baseReachableTime")
        #expect(params.first?["before"] as? Int == 30000 && params.first?["after"] as? Int == 15000)
        #expect(params.first?["unit"] as? String == "ms" && params.first?["interface"] as? String == "veth0")

        let apply = try NeighsyncBinary.run(["apply", "-f", file, "--netns", ns.name])
        #expect(apply.status == 0, "\(apply.stderr)")
        #expect(apply.stdout.contains("set parameter veth0 ipv4 retransTime 1s → 2s\n"))
        let v4 = Self.ntable(ns, "veth0", "arp_cache")
        for word in ["base_reachable 15000", "retrans 2000", "ucast_probes 5", "gc_stale 45000"] {
            #expect(v4.contains(word), "\(word) in \(v4)")
        }
        #expect(Self.ntable(ns, "veth0", "ndisc_cache").contains("base_reachable 20000"))
        #expect(Self.ntable(ns, "veth1", "arp_cache").contains("base_reachable 30000"))
        #expect(ns.exec(["sysctl", "-n", "net.ipv6.conf.veth0.proxy_ndp"]).stdout == "1\n")
        #expect(ns.exec(["sysctl", "-n", "net.ipv6.conf.veth0.interval_probe_time_ms"]).status != 0
                || true)  // (not a conf sysctl; the neigh one is checked through ntable above)
        #expect(ns.exec(["sysctl", "-n", "net.ipv4.neigh.veth0.interval_probe_time_ms"]).stdout == "3000\n")

        let again = try NeighsyncBinary.run(["plan", "-f", file, "--netns", ns.name, "--detailed-exitcode"])
        #expect(again.status == 0 && again.stdout == "No changes. 1 entry matches the desired state.\n",
                "\(again.stdout)\(again.stderr)")

        // Drift by another writer: repaired by the next apply, and only that key is written.
        try ns.check(["ntable", "change", "name", "arp_cache", "dev", "veth0", "retrans", "1000"])
        _ = ns.exec(["sysctl", "-w", "net.ipv6.conf.veth0.proxy_ndp=0"])
        let drift = try NeighsyncBinary.run(["plan", "-f", file, "--netns", ns.name])
        #expect(drift.stdout.hasPrefix("""
              ~ parameter veth0 ipv4 retransTime 1s → 2s  (\(file):7:52)
              ~ parameter veth0 ipv6 proxyNDP false → true  (\(file):8:49)

            Plan: 0 to create, 0 to set, 0 to delete, 1 unchanged; 2 parameters to change.
            """), "\(drift.stdout)")
        #expect(try NeighsyncBinary.run(["apply", "-f", file, "--netns", ns.name]).status == 0)
        #expect(Self.ntable(ns, "veth0", "arp_cache").contains("retrans 2000"))
        #expect(ns.exec(["sysctl", "-n", "net.ipv6.conf.veth0.proxy_ndp"]).stdout == "1\n")
        #expect(try NeighsyncBinary.run(["plan", "-f", file, "--netns", ns.name, "--detailed-exitcode"]).status == 0)
    }

    @Test func tableWideKeysAreRefusedInANamespaceWithTheDocumentedMessage() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        let file = try dir.write("n.yaml", """
            version: 1
            neighbors:
              - { address: 192.0.2.10, interface: veth0, physicalAddress: "02:00:00:00:00:10" }
            parameters:
              interfaces: { veth0: { ipv4: { retransTime: 2s } } }
              tables:
                ipv4: { gcThresh3: 8192 }

            """)
        let before = Self.ntable(ns, "veth0", "arp_cache")
        for verb in ["validate", "plan", "apply"] {
            let r = try NeighsyncBinary.run([verb, "-f", file, "--netns", ns.name])
            #expect(r.status == 1, "\(verb): \(r.stdout)")
            #expect(r.stderr.contains("\(file):7:24: error: table-wide parameter 'gcThresh3' (gc_thresh3) can only be "
                                      + "set in the initial network namespace"), "\(verb): \(r.stderr)")
            #expect(r.stderr.contains("neightbl_set()"))
        }
        // Nothing was written: neither the entry nor the interface's parameter.
        #expect(ns.neighbors().isEmpty)
        #expect(Self.ntable(ns, "veth0", "arp_cache") == before)
        #expect(before.contains("retrans 1000"))
    }

    @Test func proxyNDPAnswersAPeerNamespacesSolicitation() throws {
        switch KernelTests.decision() {
        case .run: break
        case .skip(let reason): print("skipping CLI kernel test: \(reason)"); return
        case .fail(let reason): Issue.record(Comment(rawValue: reason)); return
        }
        let (a, b) = try Netns.joinedPair()
        defer { a.close(); b.close() }
        // The proxy entry is made by hand (proxy entries as desired state are another feature); the kernel answers
        // for it only on a forwarding link with proxy_ndp on.
        _ = a.exec(["sysctl", "-w", "net.ipv6.conf.veth0.forwarding=1"])
        try a.check(["neigh", "add", "proxy", "2001:db8:51::99", "dev", "veth0"])
        let resolve = ["entry", "resolve", "--netns", b.name, "--interface", "veth0", "--address", "2001:db8:51::99",
                       "--timeout", "3"]
        let unanswered = try NeighsyncBinary.run(resolve)
        #expect(unanswered.status == 1 && unanswered.stderr.contains("ERROR_BAD_NET_NAME"), "\(unanswered.stdout)")

        let dir = try TempDir()
        let file = try dir.write("n.yaml", """
            version: 1
            neighbors: []
            parameters: { interfaces: { veth0: { ipv6: { proxyNDP: true } } } }

            """)
        let apply = try NeighsyncBinary.run(["apply", "-f", file, "--netns", a.name])
        #expect(apply.status == 0, "\(apply.stderr)")
        let mac = try #require(a.run(["-j", "link", "show", "dev", "veth0"]).stdout
            .split(separator: "\"").drop { $0 != "address" }.dropFirst(2).first.map(String.init))
        let answered = try NeighsyncBinary.run(resolve)
        #expect(answered.status == 0, "\(answered.stderr)")
        #expect(answered.stdout.contains(mac), "\(answered.stdout) should name \(mac)")
    }

    @Test func snapshotsCarryParametersSoOfflinePlansMatchLiveOnes() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        let file = try dir.write("n.yaml", Self.desired)
        func snapshot() throws -> String {
            let show = try NeighsyncBinary.run(["show", "--netns", ns.name, "--output", "json"])
            #expect(show.status == 0, "\(show.stderr)")
            return try dir.write("state.json", show.stdout)
        }
        let live = try NeighsyncBinary.run(["plan", "-f", file, "--netns", ns.name])
        let offline = try NeighsyncBinary.run(["plan", "-f", file, "--state", try snapshot()])
        #expect(offline.status == 0 && offline.stdout == live.stdout, "\(offline.stdout)\(offline.stderr)")
        #expect(try NeighsyncBinary.run(["apply", "-f", file, "--netns", ns.name]).status == 0)
        let state = try snapshot()
        let converged = try NeighsyncBinary.run(["plan", "-f", file, "--state", state, "--detailed-exitcode"])
        #expect(converged.status == 0, "\(converged.stdout)")
        // Drift shows offline as it does live.
        try ns.check(["ntable", "change", "name", "ndisc_cache", "dev", "veth0", "base_reachable", "25000"])
        let drifted = try NeighsyncBinary.run(["plan", "-f", file, "--state", try snapshot(), "--detailed-exitcode"])
        #expect(drifted.status == 2 && drifted.stdout.contains("~ parameter veth0 ipv6 baseReachableTime 25s → 20s"))
        // A namespace's snapshot refuses table-wide keys as the live run does.
        let tables = try dir.write("t.yaml", "version: 1\nneighbors: []\nparameters: { tables: { ipv4: { gcThresh3: 8192 } } }\n")
        let refused = try NeighsyncBinary.run(["plan", "-f", tables, "--state", state])
        #expect(refused.status == 1 && refused.stderr.contains("can only be set in the initial network namespace"))
        // A snapshot without parameters cannot plan them: an error naming the command, never "no changes".
        var old = try String(contentsOfFile: state, encoding: .utf8)
        old = String(old[..<old.range(of: ",\n  \"initialNamespace\"")!.lowerBound]) + "\n}\n"
        let oldPath = try dir.write("old.json", old)
        let noParameters = try NeighsyncBinary.run(["plan", "-f", file, "--state", oldPath])
        #expect(noParameters.status == 1 && noParameters.stderr.contains("holds no neighbor-table parameters"),
                "\(noParameters.stderr)")
        #expect(try NeighsyncBinary.run(["plan", "-f", file, "--state", oldPath, "--out", dir.path + "/p.json"]).status == 1)
    }

    @Test func showBootstrapsParametersOnlyWhenAsked() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        try ns.check(["ntable", "change", "name", "arp_cache", "dev", "veth1", "retrans", "1500", "ucast_probes", "7"])
        let plain = try NeighsyncBinary.run(["show", "--netns", ns.name, "--output", "yaml"])
        #expect(plain.status == 0 && !plain.stdout.contains("parameters"))
        let boot = try NeighsyncBinary.run(["show", "--netns", ns.name, "--output", "yaml", "--parameters"])
        #expect(boot.status == 0, "\(boot.stderr)")
        #expect(boot.stdout.contains("    veth1:\n      ipv4: { baseReachableTime: 30s, retransTime: 1500ms, "), "\(boot.stdout)")
        #expect(boot.stdout.contains("ucastSolicit: 7"))
        #expect(!boot.stdout.contains("tables:"))  // a namespace's file cannot hold them
        let file = try dir.write("boot.yaml", boot.stdout)
        let plan = try NeighsyncBinary.run(["plan", "-f", file, "--netns", ns.name, "--detailed-exitcode"])
        #expect(plan.status == 0 && plan.stdout.hasPrefix("No changes."), "\(plan.stdout)\(plan.stderr)")
        let misuse = try NeighsyncBinary.run(["show", "--netns", ns.name, "--parameters"])
        #expect(misuse.status != 0 && misuse.stderr.contains("--parameters"))
    }

    @Test func watchModeRepairsParameterDriftAtTheResync() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        let file = try dir.write("n.yaml", Self.desired)
        let w = try WatchCommandTests.Watch(["apply", "-f", file, "--netns", ns.name, "--watch", "--resync", "1s"],
                                            dir: dir)
        defer { _ = w.stop() }
        #expect(WatchCommandTests.waitFor { Self.ntable(ns, "veth0", "arp_cache").contains("retrans 2000") } != nil,
                "\(w.log)")
        // The kernel announces no parameter change (no RTM_NEWNEIGHTBL): the periodic pass finds and repairs it.
        try ns.check(["ntable", "change", "name", "arp_cache", "dev", "veth0", "retrans", "1000"])
        #expect(WatchCommandTests.waitFor(5) { Self.ntable(ns, "veth0", "arp_cache").contains("retrans 2000") } != nil,
                "\(w.log)")
        #expect(WatchCommandTests.waitFor(2) {
            w.log.contains("event=parameter interface=veth0 family=ipv4 key=retransTime before=1s after=2s trigger=resync")
        } != nil, "\(w.log)")
        #expect(w.stop() == 0)
    }

    @Test func parametersOfAnAbsentInterfaceArePendingAndTheOthersAreWritten() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        let file = try dir.write("n.yaml", """
            version: 1
            neighbors: []
            parameters:
              interfaces:
                vlan100: { ipv4: { retransTime: 2s } }
                veth0: { ipv4: { retransTime: 3s } }

            """)
        let plan = try NeighsyncBinary.run(["plan", "-f", file, "--netns", ns.name])
        #expect(plan.stdout.contains("  ? parameter vlan100 ipv4 retransTime 2s  # waiting for interface vlan100 (\(file):5:37)"),
                "\(plan.stdout)")
        let apply = try NeighsyncBinary.run(["apply", "-f", file, "--netns", ns.name])
        #expect(apply.status == 1)
        #expect(apply.stderr.contains("error: pending: 1 parameter waiting for interface vlan100, which does not exist"),
                "\(apply.stderr)")
        #expect(Self.ntable(ns, "veth0", "arp_cache").contains("retrans 3000"))
        // The link appears: the next apply writes it.
        try ns.check(["link", "add", "vlan100", "type", "veth", "peer", "name", "vlan100p"])
        #expect(try NeighsyncBinary.run(["apply", "-f", file, "--netns", ns.name]).status == 0)
        #expect(Self.ntable(ns, "vlan100", "arp_cache").contains("retrans 2000"))
    }
}
