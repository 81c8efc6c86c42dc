import Foundation
import NetnsTesting
import Testing

/// `state: noarp` entries stay converged: the kernel's neighbour garbage collection (`neigh_periodic_work()` in
/// net/core/neighbour.c) removes an unused NOARP entry older than the link's `gc_stale_time` and skips only
/// NUD_PERMANENT entries and those with NTF_EXT_LEARNED, so neighsync writes its noarp entries with `extern_learn`.
/// The test makes the collection happen within seconds in a fresh namespace: `gc_stale` of veth0 shortened to 1 s
/// (per-device ntable parameters can be set inside a namespace), and the shared table filled past `gc_thresh1` with
/// permanent entries of the namespace (the periodic pass does nothing below it; the neighbour tables, their
/// thresholds and the pass interval, base_reachable_time/2 of the default parameters, are global and can only be
/// changed from the initial namespace, which tests never touch). A control, a NOARP entry written by
/// `ip neigh add … nud noarp` on the same link, disappears: proof that a pass ran over entries older than the file's.
@Suite(.serialized) struct NoarpGarbageCollectionTests {
    /// A global neighbour-table value of the initial namespace (read only), e.g. `ipv4`, `gc_thresh1`.
    static func hostValue(_ family: String, _ name: String) -> Int? {
        (try? String(contentsOfFile: "/proc/sys/net/\(family)/neigh/default/\(name)", encoding: .utf8))
            .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// The entries of `dev` as "dst lladdr STATE [extern_learn] proto", from `ip -j neigh show nud all`.
    static func entries(_ ns: Netns, dev: String = "veth0") -> Set<String> {
        let r = ns.run(["-j", "neigh", "show", "nud", "all", "dev", dev])
        guard let arr = try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]] else { return [] }
        return Set(arr.map { e in
            "\(e["dst"] ?? "") \(e["lladdr"] ?? "-") \((e["state"] as? [String] ?? []).joined())"
                + (e.keys.contains("extern_learn") ? " extern_learn" : "") + " \(e["protocol"] ?? "-")"
        })
    }

    @Test("noarp entries (IPv4, IPv6, multicast without MAC) survive the kernel's garbage collection that removes a plain NOARP entry; the next plan is empty")
    func noarpEntriesSurviveGarbageCollection() throws {
        guard let ns = try cliNetns() else { return }
        let thresh = max(Self.hostValue("ipv4", "gc_thresh1") ?? 128, Self.hostValue("ipv6", "gc_thresh1") ?? 128)
        let interval = max(Self.hostValue("ipv4", "base_reachable_time_ms") ?? 30000,
                           Self.hostValue("ipv6", "base_reachable_time_ms") ?? 30000) / 2
        try #require(thresh <= 500, "gc_thresh1 \(thresh): too many filler entries to add")
        for t in ["arp_cache", "ndisc_cache"] {
            try ns.check(["ntable", "change", "name", t, "dev", "veth0", "gc_stale", "1000"])
        }
        // Filler: permanent (never collected) entries on veth1, enough for either table alone to pass gc_thresh1.
        var batch = ""
        for i in 0..<thresh + 2 {
            batch += "neigh add 198.51.\(100 + i / 250).\(1 + i % 250) dev veth1 lladdr 02:00:00:00:01:01 nud permanent\n"
            batch += "neigh add 2001:db8:f::\(String(i + 1, radix: 16)) dev veth1 lladdr 02:00:00:00:01:01 nud permanent\n"
        }
        let dir = try TempDir()
        try ns.check(["-batch", try dir.write("filler.batch", batch)])

        let f = try dir.write("n.yaml", """
            version: 1
            neighbors:
              - {address: 2001:db8::11, interface: veth0, physicalAddress: "02:00:00:00:00:13", state: noarp}
              - {address: ff05::fb, interface: veth0, state: noarp}
              - {address: 192.0.2.11, interface: veth0, physicalAddress: "02:00:00:00:00:11", state: noarp}
              - {address: 224.0.0.251, interface: veth0, state: noarp}
              - {address: 192.0.2.12, interface: veth0, physicalAddress: "02:00:00:00:00:12"}

            """)
        // A NOARP entry of ours from before the fix (no extern_learn) is upgraded in place, and the plan says why.
        try ns.check(["neigh", "add", "192.0.2.11", "dev", "veth0", "lladdr", "02:00:00:00:00:11", "nud", "noarp",
                      "proto", "245"])
        let plan = try NeighsyncBinary.run(["plan", "-f", f, "--netns", ns.name])
        #expect(plan.stdout.contains("  ~ 192.0.2.11 dev veth0 lladdr 02:00:00:00:00:11 noarp  # add extern_learn: "
                                     + "keeps the noarp entry from the kernel's garbage collection (\(f):5:5)\n"),
                "\(plan.stdout)")
        #expect(!plan.stdout.contains("drops flags"), "\(plan.stdout)")
        // Through a saved plan: the reader takes extern_learn on noarp rows.
        let saved = "\(dir.path)/plan.json"
        #expect(try NeighsyncBinary.run(["plan", "-f", f, "--netns", ns.name, "--out", saved]).status == 0)
        let apply = try NeighsyncBinary.run(["apply", saved])
        #expect(apply.status == 0, "\(apply.stderr)")
        #expect(apply.stdout.hasSuffix("Apply: 4 created, 1 set, 0 deleted, 0 already converged, 0 unchanged, 0 failed.\n"),
                "\(apply.stdout)")
        let written: Set<String> = [
            "2001:db8::11 02:00:00:00:00:13 NOARP extern_learn 245", "ff05::fb 33:33:00:00:00:fb NOARP extern_learn 245",
            "192.0.2.11 02:00:00:00:00:11 NOARP extern_learn 245", "224.0.0.251 01:00:5e:00:00:fb NOARP extern_learn 245",
            "192.0.2.12 02:00:00:00:00:12 PERMANENT 245",
        ]
        #expect(Self.entries(ns).intersection(written) == written, "\(Self.entries(ns))")

        // Controls, written after the file's entries (so younger): plain NOARP, IPv4 and IPv6.
        let controls = ["192.0.2.99", "2001:db8::99"]
        for c in controls {
            try ns.check(["neigh", "add", c, "dev", "veth0", "lladdr", "02:00:00:00:00:99", "nud", "noarp"])
        }
        func controlsLeft() -> Int { Self.entries(ns).filter { e in controls.contains { e.hasPrefix($0 + " ") } }.count }
        #expect(controlsLeft() == 2)
        // One pass covers the whole table: wait for two pass intervals at most, polling.
        let deadline = Date().addingTimeInterval(Double(2 * interval + 3000) / 1000)
        while controlsLeft() > 0 && Date() < deadline { usleep(250_000) }
        try #require(controlsLeft() == 0, "the kernel did not collect the plain NOARP controls within \(2 * interval + 3000) ms: \(Self.entries(ns))")

        #expect(Self.entries(ns).intersection(written) == written, "\(Self.entries(ns))")
        let again = try NeighsyncBinary.run(["plan", "-f", f, "--netns", ns.name, "--detailed-exitcode"])
        #expect(again.status == 0 && again.stdout == "No changes. 5 entries match the desired state.\n",
                "\(again.stdout)\(again.stderr)")
        // The bootstrap of what neighsync wrote gives the noarp entries back as noarp.
        let show = try NeighsyncBinary.run(["show", "--netns", ns.name, "--output", "yaml", "--interface", "veth0"])
        #expect(show.status == 0, "\(show.stderr)")
        let boot = try dir.write("boot.yaml", show.stdout)
        let bootPlan = try NeighsyncBinary.run(["plan", "-f", boot, "--netns", ns.name, "--detailed-exitcode"])
        #expect(bootPlan.status == 0, "\(show.stdout)\(bootPlan.stdout)\(bootPlan.stderr)")
        #expect(show.stdout.components(separatedBy: "state: noarp").count - 1 == 4, "\(show.stdout)")
    }
}
