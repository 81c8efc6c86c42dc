import Foundation
import NetnsTesting
import Testing

/// Round-2 findings on proxy entries (issue 13), each fed exactly the input that broke it, in fresh namespaces with
/// `ip -N -j neigh show [proxy]` as the oracle: kernel entries the file format cannot express (the router flag on
/// IPv4, a proxy on `lo` or on an `arp off` link) bootstrap a file that loads and plans "No changes"; an owned proxy
/// on `lo` or a NOARP link is pruned, and `entry get|delete --proxy` reach it; a missing proxy is named `proxy A`;
/// the metrics label desired proxies and managed entries by their kind.
@Suite(.serialized) struct ProxyFindingsKernelTests {
    func run(_ args: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try NeighsyncBinary.run(args)
    }

    /// `ip -N -j neigh show [proxy]` as "dev dst" → "protocol router" ("-" for none).
    static func table(_ ns: Netns, proxy: Bool) -> [String: String] {
        let r = ns.run(["-N", "-j", "neigh", "show"] + (proxy ? ["proxy"] : ["nud", "permanent"]))
        let arr = (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]) ?? []
        var out: [String: String] = [:]
        for e in arr {
            guard let d = e["dst"] as? String, let dev = e["dev"] as? String else { continue }
            out["\(dev) \(d)"] = "\(e["protocol"] ?? "-")\(e.keys.contains("router") ? " router" : "")"
        }
        return out
    }

    /// An `arp off` veth pair `noarp0`/`noarp1` in `ns` (both up; `noarp0` NOARP).
    static func addNoArpLink(_ ns: Netns) throws {
        try ns.check(["link", "add", "noarp0", "type", "veth", "peer", "name", "noarp1"])
        try ns.check(["link", "set", "noarp0", "arp", "off", "up"])
        try ns.check(["link", "set", "noarp1", "up"])
    }

    /// Finding 1: `show --output yaml` wrote `isRouter: true` for IPv4 rows with NTF_ROUTER and the proxies on `lo`
    /// and a NOARP link, all of which the loader refuses, so the whole bootstrapped file failed to load. Now: no
    /// `isRouter` on IPv4, the unexpressible proxies left out with a `# skipped:` line and a note, the file plans
    /// "No changes" live and offline, apply changes nothing, and the kernel keeps its router flags.
    @Test func entriesTheFileCannotExpressBootstrapAFileThatPlansNoChanges() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        try Self.addNoArpLink(ns)
        try ns.check(["neigh", "add", "proxy", "192.0.2.91", "dev", "veth0", "router", "protocol", "245"])
        try ns.check(["neigh", "add", "198.51.100.88", "dev", "veth1", "lladdr", "02:00:00:00:00:88", "router",
                      "protocol", "245"])
        try ns.check(["neigh", "add", "proxy", "2001:db8:1::57", "dev", "veth0", "router", "protocol", "245"])
        try ns.check(["neigh", "add", "proxy", "192.0.2.92", "dev", "lo"])
        try ns.check(["neigh", "add", "proxy", "2001:db8:1::92", "dev", "noarp0"])
        let proxies = Self.table(ns, proxy: true), neighbors = Self.table(ns, proxy: false)
        #expect(proxies["veth0 192.0.2.91"] == "245 router" && neighbors["veth1 198.51.100.88"] == "245 router",
                "\(proxies) \(neighbors)")

        let yaml = try run(["show", "--netns", ns.name, "--output", "yaml"])
        #expect(yaml.status == 0, "\(yaml.stderr)")
        let body = yaml.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().joined(separator: "\n")
        let why = "does no ARP or neighbor discovery (loopback or NOARP), so a proxy entry for"
        #expect(body == """
            version: 1
            neighbors:
              - address: "198.51.100.88"
                interface: veth1
                physicalAddress: "02:00:00:00:00:88"
            proxies:
              - address: "192.0.2.91"
                interface: veth0
              - address: "2001:db8:1::57"
                interface: veth0
                isRouter: true
            # skipped: proxy 192.0.2.92 dev lo (lo \(why) 192.0.2.92 there would answer nothing; put it on the link the requests arrive on)
            # skipped: proxy 2001:db8:1::92 dev noarp0 (noarp0 \(why) 2001:db8:1::92 there would answer nothing; put it on the link the requests arrive on)

            """, "\(yaml.stdout)")
        #expect(yaml.stderr.contains("note: left out proxy 192.0.2.92 dev lo, which a desired-state file cannot hold: lo "
                                     + why), "\(yaml.stderr)")
        #expect(yaml.stderr.contains("note: left out proxy 2001:db8:1::92 dev noarp0, which a desired-state file cannot "
                                     + "hold: noarp0 " + why), "\(yaml.stderr)")

        let f = try dir.write("boot.yaml", yaml.stdout)
        let validate = try run(["validate", "-f", f])
        #expect(validate.status == 0, "\(validate.stdout)\(validate.stderr)")
        let plan = try run(["plan", "-f", f, "--netns", ns.name])
        #expect(plan.status == 0 && plan.stdout.hasPrefix("No changes."), "\(plan.stdout)\(plan.stderr)")
        let snap = try dir.write("state.json", try run(["show", "--netns", ns.name, "--output", "json"]).stdout)
        let offline = try run(["plan", "-f", f, "--state", snap])
        #expect(offline.status == 0 && offline.stdout.hasPrefix("No changes."), "\(offline.stdout)\(offline.stderr)")
        let apply = try run(["apply", "-f", f, "--netns", ns.name])
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        #expect(Self.table(ns, proxy: true) == proxies && Self.table(ns, proxy: false) == neighbors)

        // A file wanting the IPv4 rows without the router flag is converged too: never `~ router true → false`.
        let plain = try dir.write("plain.yaml", """
            version: 1
            neighbors:
              - { address: 198.51.100.88, interface: veth1, physicalAddress: "02:00:00:00:00:88" }
            proxies:
              - { address: 192.0.2.91, interface: veth0 }
              - { address: "2001:db8:1::57", interface: veth0, isRouter: true }

            """)
        let second = try run(["plan", "-f", plain, "--netns", ns.name])
        #expect(second.status == 0 && second.stdout.hasPrefix("No changes."), "\(second.stdout)\(second.stderr)")
        #expect(!second.stdout.contains("router"))
    }

    /// Finding 2: an owned proxy on `lo` or on a NOARP link was planned for deletion and every apply failed with
    /// ERROR_INVALID_PARAMETER (the link refusal meant for writes was applied to deletes); `entry get|delete
    /// --proxy` on such a link failed too. Now: pruned, a second plan empty, foreign ones there untouched.
    @Test func anOwnedProxyOnLoOrANoArpLinkIsPrunedAndReachableByEntry() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        try Self.addNoArpLink(ns)
        for (a, dev) in [("192.0.2.93", "lo"), ("2001:db8:1::93", "lo"), ("192.0.2.94", "noarp0"),
                         ("2001:db8:1::94", "noarp0")] {
            try ns.check(["neigh", "add", "proxy", a, "dev", dev, "protocol", "245"])
        }
        try ns.check(["neigh", "add", "proxy", "192.0.2.95", "dev", "lo"])
        try ns.check(["neigh", "add", "proxy", "192.0.2.96", "dev", "noarp0", "protocol", "5"])
        let f = try dir.write("empty.yaml", "version: 1\nneighbors: []\n")
        let plan = try run(["plan", "-f", f, "--netns", ns.name])
        #expect(plan.status == 0, "\(plan.stderr)")
        for line in ["  - proxy 192.0.2.93 dev lo  # owned proxy entry not in desired state",
                     "  - proxy 2001:db8:1::94 dev noarp0  # owned proxy entry not in desired state"] {
            #expect(plan.stdout.contains(line + "\n"), "\(plan.stdout)")
        }
        let apply = try run(["apply", "-f", f, "--netns", ns.name])
        #expect(apply.status == 0 && !apply.stderr.contains("ERROR_"), "\(apply.stdout)\(apply.stderr)")
        #expect(apply.stdout.contains("4 deleted") && apply.stdout.contains("0 failed"), "\(apply.stdout)")
        #expect(Self.table(ns, proxy: true) == ["lo 192.0.2.95": "-", "noarp0 192.0.2.96": "5"])
        let again = try run(["plan", "-f", f, "--netns", ns.name])
        #expect(again.status == 0 && again.stdout.hasPrefix("No changes."), "\(again.stdout)\(again.stderr)")

        // `entry get|delete --proxy` reach a proxy on lo and on a NOARP link; create there is still refused.
        for (a, dev) in [("192.0.2.95", "lo"), ("192.0.2.96", "noarp0")] {
            let base = ["--netns", ns.name, "--proxy", "--interface", dev, "--address", a]
            let get = try run(["entry", "get"] + base)
            #expect(get.status == 0 && get.stdout.hasPrefix("\(a) dev \(dev) proxy"), "\(get.stdout)\(get.stderr)")
            let delete = try run(["entry", "delete"] + base)
            #expect(delete.status == 0, "\(delete.stderr)")
            let create = try run(["entry", "create"] + base)
            #expect(create.status == 1 && create.stderr.contains("ERROR_INVALID_PARAMETER: \(dev) does no ARP"),
                    "\(create.stderr)")
        }
        #expect(Self.table(ns, proxy: true).isEmpty)
    }

    /// Finding 3: `entry get|delete --proxy` of a missing proxy said `ERROR_NOT_FOUND: 198.51.100.123 does not
    /// exist on veth0`, as if an ordinary entry were meant; now `proxy 198.51.100.123 …` like `entry set --proxy`.
    @Test func aMissingProxyIsNamedAsAProxy() throws {
        guard let ns = try cliNetns() else { return }
        try ns.check(["neigh", "add", "198.51.100.123", "dev", "veth0", "lladdr", "02:00:00:00:01:23"])
        let base = ["--netns", ns.name, "--proxy", "--interface", "veth0", "--address", "198.51.100.123"]
        for verb in ["get", "delete", "set"] {
            let r = try run(["entry", verb] + base)
            #expect(r.status == 1 && r.stderr == "error: ERROR_NOT_FOUND: proxy 198.51.100.123 does not exist on veth0\n",
                    "\(verb): \(r.stderr)")
        }
        #expect(Self.table(ns, proxy: false) == ["veth0 198.51.100.123": "-"], "the ordinary entry is untouched")
        let plain = try run(["entry", "get", "--netns", ns.name, "--interface", "veth0", "--address", "198.51.100.124"])
        #expect(plain.stderr == "error: ERROR_NOT_FOUND: 198.51.100.124 does not exist on veth0\n", "\(plain.stderr)")
    }

    /// Finding 3: `neighsync_desired_entries{kind="none"}` lumped proxies and managed entries; now `kind="proxy"`
    /// and `kind="managed"`, as `neighsync_owned_entries` labels them.
    @Test func metricsLabelDesiredProxiesAndManagedEntriesByKind() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        try ns.check(["addr", "add", "198.51.100.1/24", "dev", "veth0"])
        let prom = dir.path + "/neighsync.prom"
        let f = try dir.write("m.yaml", """
            version: 1
            defaults: { interface: veth0 }
            neighbors:
              - { address: 198.51.100.10, physicalAddress: "02:00:00:00:00:10" }
              - { address: 198.51.100.20, state: managed }
            proxies:
              - address: 192.0.2.77
              - address: 192.0.2.78

            """)
        let apply = try run(["apply", "-f", f, "--netns", ns.name, "--metrics", prom])
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        guard let m = try PrometheusText.parseOrSkip(file: prom) else { return }
        func v(_ name: String, _ labels: [String: String]) -> Double? { PrometheusText.value(m, name, labels) }
        #expect(v("neighsync_desired_entries", ["kind": "permanent"]) == 1)
        #expect(v("neighsync_desired_entries", ["kind": "noarp"]) == 0)
        #expect(v("neighsync_desired_entries", ["kind": "managed"]) == 1)
        #expect(v("neighsync_desired_entries", ["kind": "proxy"]) == 2)
        #expect(v("neighsync_desired_entries", ["kind": "none"]) == nil)
        #expect(v("neighsync_owned_entries", ["interface": "veth0", "family": "ipv4", "kind": "proxy"]) == 2)
        #expect(v("neighsync_owned_entries", ["interface": "veth0", "family": "ipv4", "kind": "managed"]) == 1)
        #expect(v("neighsync_owned_entries", ["interface": "veth0", "family": "ipv4", "kind": "permanent"]) == 1)
    }
}
