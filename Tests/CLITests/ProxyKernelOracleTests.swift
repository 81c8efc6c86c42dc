import Foundation
import NetnsTesting
import CoreTestSupport
import Testing

/// The randomized kernel oracle (`KernelOracleTests`) extended to proxy entries. Each seeded round makes a fresh
/// namespace with two veth pairs, fills the proxy table with a random mix of owned (protocol 245), foreign (protocol
/// 4) and untagged IPv4/IPv6 proxy entries on four links (some IPv6 ones with the router flag), and the neighbor table
/// with owned and foreign permanent entries, often at the same (link, address) as a proxy; writes a random file of
/// proxies (some IPv6 ones with `isRouter: true`) and neighbors that overlaps both and adds new ones; runs `neighsync
/// apply` and checks with `ip -N -j neigh show proxy` and `ip -N -j neigh show` that (a) every desired proxy and
/// neighbor is present with protocol 245 (and the router flag exactly where wanted), (b) every foreign or untagged
/// entry of either table not at a desired key is untouched, (c) only owned, undesired entries are gone and nothing
/// else appeared, (d) `plan --detailed-exitcode` then exits 0. Rounds: `ORACLE_ROUNDS` (default 8); seeds:
/// `ORACLE_SEED` + round (default random, printed on failure).
@Suite struct ProxyKernelOracleTests {
    enum Kind: CaseIterable { case owned, foreign, untagged }

    static let devices = KernelOracleTests.devices

    /// `ip -N -j neigh show proxy` or `ip -N -j neigh show`: "dev dst" → "protocol[ router]" for a proxy,
    /// "protocol mac" for a neighbor ("-" for no protocol).
    static func table(_ ns: Netns, proxy: Bool) -> [String: String] {
        let r = ns.run(["-N", "-j", "neigh", "show"] + (proxy ? ["proxy"] : ["nud", "permanent"]))
        let arr = (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]) ?? []
        var out: [String: String] = [:]
        for e in arr {
            guard let dst = e["dst"] as? String, let dev = e["dev"] as? String, e.keys.contains("proxy") == proxy,
                  dst.hasPrefix("192.0.2.") || dst.hasPrefix("2001:db8:") else { continue }
            out["\(dev) \(dst)"] = "\(e["protocol"] ?? "-")"
                + (proxy ? (e.keys.contains("router") ? " router" : "") : " \(e["lladdr"] as? String ?? "")")
        }
        return out
    }

    static func pool(_ g: inout SeededRandom) -> String {
        g.next() % 2 == 0 ? "192.0.2.\(1 + g.next() % 24)" : "2001:db8::\(String(1 + g.next() % 24, radix: 16))"
    }

    static func tag(_ k: Kind) -> String {
        switch k {
        case .owned: return "245"
        case .foreign: return "4"
        case .untagged: return "-"
        }
    }

    @Test func randomProxyTablesAndFilesConvergeWithoutTouchingForeignEntries() throws {
        let base = KernelOracleTests.baseSeed
        for round in 0..<KernelOracleTests.rounds {
            guard try oneRound(seed: base + UInt64(round)) else { return }
        }
    }

    func oneRound(seed: UInt64) throws -> Bool {
        guard let ns = try cliNetns(pairs: 2) else { return false }
        defer { ns.close() }
        let rerun = "seed \(seed); rerun with ORACLE_SEED=\(seed) ORACLE_ROUNDS=1"
        var g = SeededRandom(seed: seed)
        var proxies: [String: Kind] = [:], neighbors: [String: Kind] = [:]
        for _ in 0..<(5 + Int(g.next() % 20)) {
            let key = "\(Self.devices[Int(g.next() % 4)]) \(Self.pool(&g))"
            proxies[key] = Kind.allCases[Int(g.next() % 3)]
            // Often an ordinary entry at the same link and address.
            if g.next() % 2 == 0 { neighbors[key] = Kind.allCases[Int(g.next() % 3)] }
        }
        var batch = ""
        for (key, k) in proxies.sorted(by: { $0.key < $1.key }) {
            let p = key.split(separator: " ")
            // Some IPv6 proxies carry the router flag (NTF_ROUTER, which the kernel keeps on a proxy entry).
            let router = p[1].contains(":") && g.next() % 3 == 0
            batch += "neigh add proxy \(p[1]) dev \(p[0])" + (k == .untagged ? "" : " protocol \(Self.tag(k))")
                + (router ? " router" : "") + "\n"
        }
        for (key, k) in neighbors {
            let p = key.split(separator: " ")
            batch += "neigh add \(p[1]) lladdr 02:00:00:00:00:01 dev \(p[0]) nud permanent"
                + (k == .untagged ? "" : " protocol \(Self.tag(k))") + "\n"
        }
        let dir = try TempDir()
        try ns.check(["-batch", try dir.write("batch", batch)])
        let beforeProxies = Self.table(ns, proxy: true), beforeNeighbors = Self.table(ns, proxy: false)
        // The file: some existing proxy keys, some new ones; a few neighbors (some at proxied addresses).
        var wantProxies = Set<String>(), wantNeighbors = Set<String>()
        for key in proxies.keys where g.next() % 2 == 0 { wantProxies.insert(key) }
        for _ in 0..<Int(g.next() % 8) { wantProxies.insert("\(Self.devices[Int(g.next() % 4)]) \(Self.pool(&g))") }
        for key in proxies.keys where g.next() % 4 == 0 { wantNeighbors.insert(key) }
        var text = "version: 1\nmaxDeletes: 1000\nneighbors:\n"
        for key in wantNeighbors.sorted() {
            let p = key.split(separator: " ")
            text += "  - { address: \"\(p[1])\", interface: \(p[0]), physicalAddress: \"02:00:00:00:00:99\" }\n"
        }
        if wantNeighbors.isEmpty { text = text.replacingOccurrences(of: "neighbors:\n", with: "neighbors: []\n") }
        text += wantProxies.isEmpty ? "proxies: []\n" : "proxies:\n"
        var wantRouter = Set<String>()
        for key in wantProxies.sorted() {
            let p = key.split(separator: " ")
            let router = p[1].contains(":") && g.next() % 2 == 0
            if router { wantRouter.insert(key) }
            text += "  - { address: \"\(p[1])\", interface: \(p[0])" + (router ? ", isRouter: true" : "") + " }\n"
        }
        let file = try dir.write("desired.yaml", text)
        let apply = try NeighsyncBinary.run(["apply", "-f", file, "--netns", ns.name])
        #expect(apply.status == 0, "apply failed, \(rerun): \(apply.stderr)")
        let afterProxies = Self.table(ns, proxy: true), afterNeighbors = Self.table(ns, proxy: false)
        var problems: [String] = []
        for key in wantProxies {
            let want = "245" + (wantRouter.contains(key) ? " router" : "")
            if afterProxies[key] != want {
                problems.append("(a) proxy \(key): want \(want), got \(afterProxies[key] ?? "absent")")
            }
        }
        for key in wantNeighbors where afterNeighbors[key] != "245 02:00:00:00:00:99" {
            problems.append("(a) neighbor \(key): got \(afterNeighbors[key] ?? "absent")")
        }
        for (key, k) in proxies where !wantProxies.contains(key) {
            if k == .owned {
                if afterProxies[key] != nil { problems.append("(c) owned undesired proxy \(key) not deleted") }
            } else if afterProxies[key] != beforeProxies[key] {
                problems.append("(b) \(k) proxy \(key) touched: \(beforeProxies[key] ?? "absent") → "
                                + "\(afterProxies[key] ?? "absent")")
            }
        }
        for (key, k) in neighbors where !wantNeighbors.contains(key) {
            if k == .owned {
                if afterNeighbors[key] != nil { problems.append("(c) owned undesired neighbor \(key) not deleted") }
            } else if afterNeighbors[key] != beforeNeighbors[key] {
                problems.append("(b) \(k) neighbor \(key) touched: \(beforeNeighbors[key] ?? "absent") → "
                                + "\(afterNeighbors[key] ?? "absent")")
            }
        }
        for key in afterProxies.keys where proxies[key] == nil && !wantProxies.contains(key) {
            problems.append("(c) proxy \(key) appeared from nowhere")
        }
        for key in afterNeighbors.keys where neighbors[key] == nil && !wantNeighbors.contains(key) {
            problems.append("(c) neighbor \(key) appeared from nowhere")
        }
        #expect(problems.isEmpty, "\(rerun)\n\(problems.joined(separator: "\n"))\nfile:\n\(text)\nbatch:\n\(batch)")
        let plan = try NeighsyncBinary.run(["plan", "-f", file, "--netns", ns.name, "--detailed-exitcode"])
        #expect(plan.status == 0, "(d) second plan not empty, \(rerun): \(plan.stdout)\(plan.stderr)")
        print("proxy oracle seed \(seed): \(proxies.count) proxies and \(neighbors.count) neighbors before, "
              + "\(wantProxies.count) + \(wantNeighbors.count) desired; \(problems.isEmpty ? "ok" : "FAILED")")
        return true
    }
}
