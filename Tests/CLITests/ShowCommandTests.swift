import Foundation
import NetnsTesting
import Testing
import NeighSyncCore

/// `neighsync show` against real namespaces: bootstrapping a desired state (`--output yaml`) and taking a snapshot
/// (`--output json`) from a host that holds owned, foreign, NOARP-multicast, link-local and dynamic entries, on links
/// with names YAML would misread or that hold control characters. The oracle is `ip -j neigh show nud all`.
@Suite(.serialized) struct ShowCommandTests {
    /// Every entry as iproute2 reports it: `dst dev lladdr state protocol flags`, sorted; without the ff02::/16
    /// groups the kernel keeps joining on its own (solicited-node, MLD) while a test runs.
    static func kernelTable(_ ns: Netns) -> [String] {
        let r = ns.run(["-N", "-j", "neigh", "show", "nud", "all"])
        let arr = (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]) ?? []
        return arr.filter { !(($0["dst"] as? String)?.hasPrefix("ff02::") ?? false) || $0["protocol"] != nil }.map { e in
            let flags = ["router", "extern_learn", "offload", "managed"].filter { e.keys.contains($0) }
            return "\(e["dst"] ?? "") \(e["dev"] ?? "") \(e["lladdr"] ?? "-") \((e["state"] as? [String]) ?? []) "
                + "\(e["protocol"] ?? "0") \(flags)"
        }.sorted()
    }

    /// The snapshot command the README gives, then the offline plan from it.
    static func offlinePlan(_ ns: Netns, file: String, dir: TempDir) throws -> (status: Int32, stdout: String, stderr: String) {
        let snap = try NeighsyncBinary.run(["show", "--netns", ns.name, "--output", "json"])
        #expect(snap.status == 0, "\(snap.stderr)")
        let state = try dir.write("state.json", snap.stdout)
        return try NeighsyncBinary.run(["plan", "-f", file, "--state", state, "--detailed-exitcode"])
    }

    @Test("a file bootstrapped from owned, foreign, NOARP-multicast and link-local entries plans No changes, live and offline")
    func bootstrapPlansNoChangesLiveAndOffline() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        for args in [
            ["addr", "add", "192.0.2.1/24", "dev", "veth0"],
            // owned: IPv4, link-local IPv6 router, a NOARP multicast entry with the kernel's own MAC (written as
            // neighsync writes noarp entries: extern_learn, which keeps it from garbage collection)
            ["neigh", "add", "192.0.2.10", "dev", "veth0", "lladdr", "02:00:00:00:00:10", "proto", "245"],
            ["neigh", "add", "fe80::10", "dev", "veth0", "lladdr", "02:00:00:00:00:11", "router", "proto", "245"],
            ["neigh", "add", "ff05::fc", "dev", "veth1", "nud", "noarp", "extern_learn", "proto", "245"],
            // foreign: FRR's extern_learn entry, `protocol static`, another daemon's NOARP multicast entry
            ["neigh", "add", "192.0.2.20", "dev", "veth0", "lladdr", "02:00:00:00:00:20", "extern_learn", "proto", "zebra"],
            ["neigh", "add", "192.0.2.21", "dev", "veth0", "lladdr", "02:00:00:00:00:21", "proto", "static"],
            ["neigh", "add", "ff05::fd", "dev", "veth0", "nud", "noarp", "proto", "99"],
            // made like the kernel's own (NOARP multicast, no protocol) and a dynamic entry
            ["neigh", "add", "ff05::fb", "dev", "veth0", "nud", "noarp"],
            ["neigh", "add", "192.0.2.30", "dev", "veth0", "lladdr", "02:00:00:00:00:30", "nud", "stale"],
            // makes the kernel send an IGMP report, and so create its own NOARP entry for 224.0.0.22
            ["addr", "add", "239.1.1.1/32", "dev", "veth0", "autojoin"],
        ] { try ns.check(args) }
        for _ in 0..<30 where !ns.run(["neigh", "show", "nud", "all"]).stdout.contains("224.0.0.22") { usleep(100_000) }
        let all = try NeighsyncBinary.run(["show", "--netns", ns.name, "--all"]).stdout
        let plain = try NeighsyncBinary.run(["show", "--netns", ns.name]).stdout
        for kernelMade in ["224.0.0.22 dev veth0 lladdr 01:00:5e:00:00:16 NOARP", "ff02::16 dev veth0", "ff05::fb dev veth0"] {
            #expect(all.contains(kernelMade) && !plain.contains(kernelMade), "\(kernelMade)")
        }
        #expect(plain.contains("ff05::fd dev veth0 lladdr 33:33:00:00:00:fd NOARP proto openr"))
        let before = Self.kernelTable(ns)

        let show = try NeighsyncBinary.run(["show", "--netns", ns.name, "--output", "yaml"])
        #expect(show.status == 0, "\(show.stderr)")
        #expect(show.stderr == "note: left out 3 entries of other owners (1 of protocol 4 (static), 1 of protocol 11 "
                + "(zebra), 1 of protocol 99 (openr)): applying the file would take them over; add --include-foreign "
                + "to write them too\n")
        for kept in ["\"192.0.2.10\"", "\"fe80::10\"", "\"ff05::fc\""] { #expect(show.stdout.contains(kept), "\(kept)") }
        for left in ["192.0.2.20", "192.0.2.21", "ff05::fd", "ff05::fb", "ff02::", "192.0.2.30"] {
            #expect(!show.stdout.contains(left), "\(left) must not be bootstrapped")
        }
        let file = try dir.write("neighbors.yaml", show.stdout)

        let live = try NeighsyncBinary.run(["plan", "-f", file, "--netns", ns.name, "--detailed-exitcode"])
        #expect(live.status == 0, "\(live.stdout)\(live.stderr)")
        #expect(live.stdout == "No changes. 3 entries match the desired state.\n")
        let offline = try Self.offlinePlan(ns, file: file, dir: dir)
        #expect(offline.status == 0, "\(offline.stdout)\(offline.stderr)")
        #expect(offline.stdout == live.stdout)

        let apply = try NeighsyncBinary.run(["apply", "-f", file, "--netns", ns.name])
        #expect(apply.status == 0 && apply.stdout == "" && apply.stderr == "", "\(apply)")
        #expect(Self.kernelTable(ns) == before)

        // The default text view hides only the kernel-made entries; the owned NOARP multicast entry is shown.
        let text = try NeighsyncBinary.run(["show", "--netns", ns.name, "--interface", "veth1"])
        #expect(text.stdout == "ff05::fc dev veth1 lladdr 33:33:00:00:00:fc extern_learn NOARP proto 245\n")
    }

    @Test("an entry without a protocol is bootstrapped and adopted: the first plan says so, the next is empty")
    func unownedEntriesAreAdopted() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        try ns.check(["neigh", "add", "192.0.2.40", "dev", "veth0", "lladdr", "02:00:00:00:00:40"])
        let show = try NeighsyncBinary.run(["show", "--netns", ns.name, "--output", "yaml"])
        #expect(show.stderr == "")
        let file = try dir.write("neighbors.yaml", show.stdout)
        let plan = try NeighsyncBinary.run(["plan", "-f", file, "--netns", ns.name])
        #expect(plan.stdout == """
              ~ 192.0.2.40 dev veth0 lladdr 02:00:00:00:00:40 permanent  # adopt: entry exists without owner tag (\(file):4:5)

            Plan: 0 to create, 1 to set, 0 to delete, 0 unchanged.

            """)
        #expect(try NeighsyncBinary.run(["apply", "-f", file, "--netns", ns.name]).status == 0)
        let again = try NeighsyncBinary.run(["plan", "-f", file, "--netns", ns.name, "--detailed-exitcode"])
        #expect(again.status == 0, "\(again.stdout)")
    }

    @Test("--include-foreign takes over: the plan names the owner and the flags the write drops, live, offline and from iproute2's JSON")
    func takeoverIsShownInThePlan() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        try ns.check(["neigh", "add", "192.0.2.20", "dev", "veth0", "lladdr", "02:00:00:00:00:20", "extern_learn",
                      "proto", "zebra"])
        let text = try NeighsyncBinary.run(["show", "--netns", ns.name])
        #expect(text.stdout == "192.0.2.20 dev veth0 lladdr 02:00:00:00:00:20 extern_learn PERMANENT proto zebra\n")
        let get = try NeighsyncBinary.run(["entry", "get", "--netns", ns.name, "--interface", "veth0",
                                           "--address", "192.0.2.20"])
        #expect(get.stdout == text.stdout)
        let getJSON = try NeighsyncBinary.run(["entry", "get", "--netns", ns.name, "--interface", "veth0",
                                               "--address", "192.0.2.20", "--output", "json"])
        let rec = try #require(try JSONSerialization.jsonObject(with: Data(getJSON.stdout.utf8)) as? [[String: Any]])
        #expect(rec.first?["flags"] as? [String] == ["extern_learn"])

        let show = try NeighsyncBinary.run(["show", "--netns", ns.name, "--output", "yaml", "--include-foreign"])
        #expect(show.status == 0 && show.stderr == "", "\(show.stderr)")
        let file = try dir.write("neighbors.yaml",
                                 show.stdout.replacingOccurrences(of: "02:00:00:00:00:20", with: "02:00:00:00:00:21"))
        let expected = """
              ~ 192.0.2.20 dev veth0 lladdr 02:00:00:00:00:21 permanent  # lladdr 02:00:00:00:00:20 → 02:00:00:00:00:21, takes over from protocol 11 (zebra), drops flags extern_learn (\(file):4:5)

            Plan: 0 to create, 1 to set, 0 to delete, 0 unchanged.

            """
        let live = try NeighsyncBinary.run(["plan", "-f", file, "--netns", ns.name])
        #expect(live.stdout == expected)
        #expect(try Self.offlinePlan(ns, file: file, dir: dir).stdout == expected)
        let neigh = try dir.write("neigh.json", ns.run(["-j", "neigh", "show", "nud", "all"]).stdout)
        let links = try dir.write("links.json", ns.run(["-j", "link", "show"]).stdout)
        let iproute = try NeighsyncBinary.run(["plan", "-f", file, "--state", neigh, "--links", links])
        #expect(iproute.stdout == expected, "\(iproute.stderr)")

        let json = try NeighsyncBinary.run(["plan", "-f", file, "--netns", ns.name, "--output", "json"])
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let change = try #require((doc["changes"] as? [[String: Any]])?.first)
        #expect(change["droppedFlags"] as? [String] == ["extern_learn"])
        #expect((change["before"] as? [String: Any])?["flags"] as? [String] == ["extern_learn"])

        // What the plan said is what the kernel does: the flag is gone, the entry is ours.
        #expect(try NeighsyncBinary.run(["apply", "-f", file, "--netns", ns.name]).status == 0)
        #expect(Self.kernelTable(ns).contains("192.0.2.20 veth0 02:00:00:00:00:21 [\"PERMANENT\"] 245 []"))
    }

    /// Pairs of link names YAML would misread or that hold control characters.
    static let hostilePairs: [(String, String)] = [
        ("yes", "1_000"), ("-", ".inf"), ("0o7", "~"), ("null", "1e3"), ("0x10", ".nan"), ("a#b", "#x"),
        ("on", "No"), ("b\\s\"q", "'q"), ("a\u{1B}[31m", "x\u{7F}y"), ("\u{202E}rtl", "&a"),
    ]

    @Test("links named yes, 1_000, -, .inf, ~, 0x10, ESC…: the bootstrap reads back to the same rows, No changes live and offline; no output carries a raw control character")
    func hostileInterfaceNamesRoundTrip() throws {
        guard let ns = try cliNetns(pairs: 0) else { return }
        let dir = try TempDir()
        var n = 0
        for (a, b) in Self.hostilePairs {
            try ns.check(["link", "add", a, "type", "veth", "peer", "name", b])
            for dev in [a, b] {
                try ns.check(["link", "set", dev, "up"])
                n += 1
                try ns.check(["neigh", "add", "192.0.2.\(n)", "dev", dev, "lladdr", String(format: "02:00:00:00:00:%02x", n),
                              "proto", "245"])
            }
        }
        let before = Self.kernelTable(ns)
        let show = try NeighsyncBinary.run(["show", "--netns", ns.name, "--output", "yaml"])
        #expect(show.status == 0, "\(show.stderr)")
        let file = try dir.write("neighbors.yaml", show.stdout)
        let live = try NeighsyncBinary.run(["plan", "-f", file, "--netns", ns.name, "--detailed-exitcode"])
        #expect(live.status == 0, "\(live.stdout)\(live.stderr)")
        #expect(live.stdout == "No changes. \(n) entries match the desired state.\n")
        let offline = try Self.offlinePlan(ns, file: file, dir: dir)
        #expect(offline.stdout == live.stdout, "\(offline.stderr)")

        // A change on the ESC-named link: every output escapes the name.
        try ns.check(["neigh", "replace", "192.0.2.17", "dev", "a\u{1B}[31m", "lladdr", "02:00:00:00:00:99", "proto", "245"])
        let outputs = [
            try NeighsyncBinary.run(["show", "--netns", ns.name]),
            try NeighsyncBinary.run(["show", "--netns", ns.name, "--output", "json"]),
            try NeighsyncBinary.run(["plan", "-f", file, "--netns", ns.name]),
            try NeighsyncBinary.run(["plan", "-f", file, "--netns", ns.name, "--output", "json"]),
            try NeighsyncBinary.run(["show", "--netns", ns.name, "--interface", "no\u{1B}]0;pwned\u{7}"]),
            try NeighsyncBinary.run(["apply", "-f", file, "--netns", ns.name, "--log-format", "text"]),
            try NeighsyncBinary.run(["entry", "get", "--netns", ns.name, "--interface", "n\u{1B}[2J", "--address", "192.0.2.1"]),
            try NeighsyncBinary.run(["validate", "-f", try dir.write("bad.yaml", """
                version: 1
                neighbors:
                  - { address: 192.0.2.99, interface: "n\\x1b[2J", physicalAddress: "02:00:00:00:00:99" }

                """), "--netns", ns.name]),
        ]
        for o in outputs {
            let all = o.stdout + o.stderr
            #expect(!all.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || ($0.value >= 0x7f && $0.value <= 0x9f) },
                    "raw control character in \(all.debugDescription)")
        }
        #expect(outputs[0].stdout.contains("192.0.2.17 dev a\\x1b[31m lladdr 02:00:00:00:00:99 PERMANENT proto 245"))
        #expect(outputs[1].stdout.contains("\"a\\u001b[31m\""))
        #expect(outputs[2].stdout.contains("~ 192.0.2.17 dev a\\x1b[31m lladdr 02:00:00:00:00:11"))
        #expect(outputs[5].stderr.contains("interface=\"a\\x1b[31m\""))
        #expect(outputs[6].status == 1 && outputs[6].stderr.contains("n\\x1b[2J"), "\(outputs[6])")
        // An interface that does not exist is pending, not an error: validate says so (escaped) and exits 0.
        #expect(outputs[7].status == 0 && outputs[7].stderr.contains("pending: 1 entry waiting for interface n\\x1b[2J"),
                "\(outputs[7])")
        #expect(Self.kernelTable(ns) == before)
    }

    @Test("README and examples/ci give one snapshot command, the one the tests above plan from")
    func oneSnapshotCommandEverywhere() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        var found: [String: Set<String>] = [:]
        for f in ["README.md", "examples/ci/github-actions.yml", "examples/ci/gitlab-ci.yml"] {
            let text = try String(contentsOfFile: root + "/" + f, encoding: .utf8)
            for line in text.split(separator: "\n") where line.contains("neighsync show") && line.contains("json")
                && !line.contains("[--") {  // the usage synopsis of the commands table
                let r = try #require(line.range(of: "neighsync show"))
                let cmd = line[r.lowerBound...].prefix { $0 != "`" && $0 != ">" && $0 != ")" && $0 != "," }
                found[f, default: []].insert(cmd.trimmingCharacters(in: .whitespaces))
            }
        }
        #expect(found.keys.count == 3, "\(found)")
        #expect(found.values.allSatisfy { $0 == ["neighsync show --output json"] }, "\(found)")
    }
}
