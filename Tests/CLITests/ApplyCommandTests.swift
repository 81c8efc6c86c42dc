import Foundation
import IpNet
import NeighSync
import NetnsTesting
import Testing

/// `neighsync apply` against real namespaces: the table is checked with `ip -j neigh show`, not with our reader.
@Suite struct ApplyCommandTests {
    static let desired = """
        version: 1
        defaults: { interface: veth0 }
        neighbors:
          - address: 192.0.2.10
            physicalAddress: "02:00:00:00:00:10"
          - address: 192.0.2.11
            physicalAddress: "02-00-00-00-00-11"
          - address: 2001:db8::1
            physicalAddress: "0200.0000.0021"
            isRouter: true
          - address: 198.51.100.10
            interface: veth1
            physicalAddress: "02:00:00:00:01:10"

        """

    /// The static entries as iproute2 sees them: "dst dev lladdr [router] proto".
    static func table(_ ns: Netns) -> Set<String> {
        Set(ns.neighbors().compactMap { e -> String? in
            guard (e["state"] as? [String])?.contains("PERMANENT") == true else { return nil }
            let router = e.keys.contains("router") ? " router" : ""
            return "\(e["dst"] ?? "") \(e["dev"] ?? "") \(e["lladdr"] ?? "")\(router) \(e["protocol"] ?? "-")"
        })
    }

    static let expected: Set<String> = [
        "192.0.2.10 veth0 02:00:00:00:00:10 245", "192.0.2.11 veth0 02:00:00:00:00:11 245",
        "2001:db8::1 veth0 02:00:00:00:00:21 router 245", "198.51.100.10 veth1 02:00:00:00:01:10 245",
    ]

    @Test func applyOnEmptyThenAgainIsQuietAndEmpty() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        let file = try dir.write("n.yaml", Self.desired)
        let first = try NeighsyncBinary.run(["apply", "-f", file, "--netns", ns.name])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.hasSuffix("Apply: 4 created, 0 set, 0 deleted, 0 already converged, 0 unchanged, 0 failed.\n"))
        #expect(Self.table(ns) == Self.expected)
        let second = try NeighsyncBinary.run(["apply", "-f", file, "--netns", ns.name])
        #expect(second.status == 0 && second.stdout == "" && second.stderr == "", "cron run must be quiet")
        let plan = try NeighsyncBinary.run(["plan", "-f", file, "--netns", ns.name, "--detailed-exitcode"])
        #expect(plan.status == 0 && plan.stdout == "No changes. 4 entries match the desired state.\n")
    }

    @Test func oneApplyRepairsEveryKindOfDrift() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        let file = try dir.write("n.yaml", Self.desired)
        #expect(try NeighsyncBinary.run(["apply", "-f", file, "--netns", ns.name]).status == 0)
        // MAC changed by hand, owned entry deleted by hand, a foreign static entry, a dynamic one, and a link flap
        // (the kernel drops even permanent entries of a link set down).
        try ns.check(["neigh", "replace", "192.0.2.10", "lladdr", "02:00:00:00:00:99", "dev", "veth0", "nud", "permanent"])
        try ns.check(["neigh", "del", "192.0.2.11", "dev", "veth0"])
        try ns.check(["neigh", "add", "192.0.2.50", "lladdr", "02:00:00:00:00:50", "dev", "veth0", "nud", "permanent"])
        try ns.check(["link", "set", "veth1", "down"])
        try ns.check(["link", "set", "veth1", "up"])
        // After the flap: carrier loss on veth0 flushes its dynamic entries, so add this one now.
        try ns.check(["neigh", "add", "192.0.2.51", "lladdr", "02:00:00:00:00:51", "dev", "veth0", "nud", "stale"])
        #expect(ns.neighbors().contains { $0["dst"] as? String == "192.0.2.51" })
        #expect(!Self.table(ns).contains("198.51.100.10 veth1 02:00:00:00:01:10 245"))
        let r = try NeighsyncBinary.run(["apply", "-f", file, "--netns", ns.name])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Apply: 2 created, 1 set, 0 deleted"))
        #expect(Self.table(ns) == Self.expected.union(["192.0.2.50 veth0 02:00:00:00:00:50 -"]))
        #expect(ns.neighbors().contains { $0["dst"] as? String == "192.0.2.51" }, "dynamic entry untouched")
        let plan = try NeighsyncBinary.run(["plan", "-f", file, "--netns", ns.name, "--detailed-exitcode"])
        #expect(plan.status == 0)
    }

    @Test func ownedEntriesArePrunedWithinMaxDeletes() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        #expect(try NeighsyncBinary.run(["apply", "-f", try dir.write("a.yaml", Self.desired), "--netns", ns.name]).status == 0)
        let fewer = try dir.write("b.yaml", """
            version: 1
            maxDeletes: 2
            neighbors:
              - { address: 192.0.2.10, interface: veth0, physicalAddress: "02:00:00:00:00:10" }

            """)
        let refused = try NeighsyncBinary.run(["apply", "-f", fewer, "--netns", ns.name])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("refusing to delete 3 entries: the limit is maxDeletes = 2"))
        #expect(Self.table(ns) == Self.expected, "nothing written when refused")
        let forced = try NeighsyncBinary.run(["apply", "-f", fewer, "--netns", ns.name, "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(Self.table(ns) == ["192.0.2.10 veth0 02:00:00:00:00:10 245"])
    }

    @Test func savedPlanAppliesOnceAndIsRefusedWhenStale() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        let file = try dir.write("n.yaml", Self.desired)
        let planPath = "\(dir.path)/plan.json"
        let plan = try NeighsyncBinary.run(["plan", "-f", file, "--netns", ns.name, "--out", planPath])
        #expect(plan.status == 0, "\(plan.stderr)")
        let applied = try NeighsyncBinary.run(["apply", planPath])
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(Self.table(ns) == Self.expected)
        // The same plan again: the table it was made against is gone.
        let again = try NeighsyncBinary.run(["apply", planPath])
        #expect(again.status == 1)
        #expect(again.stderr.contains("is stale: the neighbor table changed since the plan was made"))
        // A drift after planning at an entry the plan touches also makes it stale, and nothing is written.
        let second = "\(dir.path)/plan2.json"
        try ns.check(["neigh", "del", "192.0.2.10", "dev", "veth0"])
        #expect(try NeighsyncBinary.run(["plan", "-f", file, "--netns", ns.name, "--out", second]).status == 0)
        try ns.check(["neigh", "add", "192.0.2.10", "lladdr", "02:00:00:00:00:60", "dev", "veth0", "nud", "permanent"])
        let stale = try NeighsyncBinary.run(["apply", second])
        #expect(stale.status == 1)
        #expect(!Self.table(ns).contains("192.0.2.10 veth0 02:00:00:00:00:10 245"))
    }

    @Test func jsonReport() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        let file = try dir.write("n.yaml", Self.desired)
        let r = try NeighsyncBinary.run(["apply", "-f", file, "--netns", ns.name, "--output", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(doc["ok"] as? Bool == true)
        #expect(doc["summary"] as? [String: Int] == ["created": 4, "set": 0, "deleted": 0, "converged": 0,
                                                      "unchanged": 0, "failed": 0, "pending": 0])
        let changes = try #require(doc["changes"] as? [[String: Any]])
        #expect(changes.count == 4 && changes.allSatisfy { $0["result"] as? String == "applied" })
    }

    @Test func applyWaitsForTheLockAndFailsClearlyOnTimeout() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        let file = try dir.write("n.yaml", Self.desired)
        var st = stat()
        try #require(stat("/run/netns/\(ns.name)", &st) == 0)
        var lock: ApplyLock? = try ApplyLock(namespace: NamespaceIdentity(device: UInt64(st.st_dev),
                                                                          inode: UInt64(st.st_ino)),
                                             label: "test", timeout: 0)
        let blocked = try NeighsyncBinary.run(["apply", "-f", file, "--netns", ns.name, "--lock-timeout", "0.3"])
        #expect(blocked.status == 1)
        // The holder's PID comes from the kernel (/proc/locks), not from the lock file.
        #expect(blocked.stderr == "error: another neighsync run (pid \(getpid())) holds the lock of network namespace "
                + "'\(ns.name)' (\(lock!.path)); waited 0.3 s. Try again later or raise --lock-timeout\n",
                "\(blocked.stderr)")
        #expect(Self.table(ns).isEmpty)
        // Released after 1 s while a second apply waits: it then runs.
        let release = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var held = lock
        lock = nil
        DispatchQueue.global().asyncAfter(deadline: .now() + 1) { held = nil; release.signal() }
        let started = Date()
        let waited = try NeighsyncBinary.run(["apply", "-f", file, "--netns", ns.name, "--lock-timeout", "20"])
        release.wait()
        #expect(waited.status == 0, "\(waited.stderr)")
        #expect(Date().timeIntervalSince(started) >= 0.9)
        #expect(Self.table(ns) == Self.expected)
        _ = held
    }

    @Test func concurrentAppliesSerialize() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        var lines = "version: 1\ndefaults: { interface: veth0 }\nneighbors:\n"
        for i in 1...2000 {
            lines += "  - { address: \"2001:db8::\(String(i, radix: 16))\", physicalAddress: \"02:00:00:00:\(String(format: "%02x:%02x", i >> 8, i & 0xff))\" }\n"
        }
        let file = try dir.write("big.yaml", lines)
        let group = DispatchGroup()
        nonisolated(unsafe) var results: [(status: Int32, stdout: String, stderr: String)] = []
        let m = NSLock()
        for _ in 0..<2 {
            DispatchQueue.global().async(group: group) {
                let r = (try? NeighsyncBinary.run(["apply", "-f", file, "--netns", ns.name, "--output", "json"]))
                    ?? (127, "", "not run")
                m.lock(); results.append(r); m.unlock()
            }
        }
        group.wait()
        #expect(results.allSatisfy { $0.status == 0 }, "\(results.map(\.stderr))")
        // One run created everything; the other, serialized after it, found nothing to do.
        let created = results.compactMap { r -> Int? in
            let doc = try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
            return (doc?["summary"] as? [String: Int])?["created"]
        }.sorted()
        #expect(created == [0, 2000])
        #expect(ns.neighbors().filter { ($0["protocol"] as? String) == "245" }.count == 2000)
    }

    @Test func showYamlBootstrapsADesiredStateFile() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        #expect(try NeighsyncBinary.run(["apply", "-f", try dir.write("a.yaml", Self.desired), "--netns", ns.name]).status == 0)
        let show = try NeighsyncBinary.run(["show", "--netns", ns.name, "--output", "yaml"])
        #expect(show.status == 0, "\(show.stderr)")
        let copy = try dir.write("copy.yaml", show.stdout)
        let plan = try NeighsyncBinary.run(["plan", "-f", copy, "--netns", ns.name, "--detailed-exitcode"])
        #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
        let text = try NeighsyncBinary.run(["show", "--netns", ns.name, "--interface", "veth1"])
        #expect(text.stdout == "198.51.100.10 dev veth1 lladdr 02:00:00:00:01:10 PERMANENT proto 245\n")
        let snap = try NeighsyncBinary.run(["show", "--netns", ns.name, "--output", "json"])
        let state = try dir.write("state.json", snap.stdout)
        let offline = try NeighsyncBinary.run(["plan", "-f", "\(dir.path)/a.yaml", "--state", state, "--detailed-exitcode"])
        #expect(offline.status == 0, "\(offline.stdout)\(offline.stderr)")
    }
}
