import Foundation
import IpNet
import NetnsTesting
import Testing
import IpNetCore

/// SIGINT / SIGTERM in the middle of a 100,000-entry apply: every entry is one netlink message, so each entry in
/// our range is either absent or exact (desired MAC, PERMANENT, protocol 245) — never half-written — and the next
/// apply converges (a following `plan --detailed-exitcode` exits 0).
@Suite(.serialized) struct SignalInterruptTests {
    static let count = 100_000

    static func mac(_ i: Int) -> String { String(format: "02:00:00:%02x:%02x:%02x", i >> 16, (i >> 8) & 0xff, i & 0xff) }
    /// Entry `i` gets 2001:db8::(i+1), written as iproute2 prints it.
    static func address(_ i: Int) -> String {
        let n = i + 1
        return n >> 16 == 0 ? "2001:db8::\(String(n, radix: 16))"
            : "2001:db8::\(String(n >> 16, radix: 16)):\(String(n & 0xffff, radix: 16))"
    }

    static func file(_ dir: TempDir) throws -> String {
        var text = "version: 1\ndefaults: { interface: veth0 }\nneighbors:\n"
        text.reserveCapacity(count * 70)
        for i in 0..<count { text += "  - { address: \"\(address(i))\", physicalAddress: \"\(mac(i))\" }\n" }
        return try dir.write("big.yaml", text)
    }

    /// Our IPv6 entries as iproute2 sees them (`ip -N -j -6 neigh show nud all`): dst → (lladdr, states, protocol).
    static func entries(_ ns: Netns) -> [String: (mac: String, state: [String], proto: String)] {
        let r = ns.run(["-N", "-j", "-6", "neigh", "show", "nud", "all"])
        let arr = (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]) ?? []
        var out: [String: (String, [String], String)] = [:]
        for e in arr {
            guard let dst = e["dst"] as? String, dst.hasPrefix("2001:db8:") else { continue }
            out[dst] = (e["lladdr"] as? String ?? "", e["state"] as? [String] ?? [], "\(e["protocol"] ?? "-")")
        }
        return out
    }

    @Test(arguments: [SIGINT, SIGTERM])
    func interruptedApplyLeavesNoHalfWrittenEntryAndTheNextConverges(_ signal: Int32) throws {
        let dir = try TempDir()
        let file = try Self.file(dir)
        let expected = Dictionary(uniqueKeysWithValues: (0..<Self.count).map { (Self.address($0), Self.mac($0)) })
        let bin = try #require(NeighsyncBinary.path)
        // The writes of 100,000 entries take ~0.2 s after ~1.5 s of loading and reading; the signal is sent as soon
        // as the first entry (2001:db8::1, the plan's first) shows up. A run that still finished first is repeated.
        var midWrite = false
        for attempt in 1...5 where !midWrite {
            guard let ns = try cliNetns() else { return }
            defer { ns.close() }
            // Watch with an in-process RTM_GETNEIGH (microseconds), not by running ip (milliseconds).
            let watch = try NeighborTable(namespace: ns.name)
            let first = IpNetRow2(address: IpAddress("2001:db8::1")!, interfaceIndex: ns.index(of: "veth0"))
            let child = try ChildProcess(bin, ["apply", "-f", file, "--netns", ns.name])
            let start = ContinuousClock.now
            while (try? watch.get(first)) == nil && ContinuousClock.now - start < .seconds(60) {
                usleep(500)
            }
            child.kill(signal)
            let outcome = child.wait()
            if outcome.status == 0 { print("signal \(signal), attempt \(attempt): apply finished first"); continue }
            let after = Self.entries(ns)
            var bad: [String] = []
            for (dst, e) in after {
                guard let mac = expected[dst] else { bad.append("\(dst) is not in the file"); continue }
                if e.mac != mac || e.state != ["PERMANENT"] || e.proto != "245" {
                    bad.append("\(dst) \(e.mac) \(e.state) proto \(e.proto)")
                }
            }
            #expect(bad.isEmpty, "half-written or wrong entries after signal \(signal): \(bad.prefix(5))")
            midWrite = after.count > 0 && after.count < Self.count
            print("signal \(signal), attempt \(attempt): stopped (\(outcome.signal.map { "signal \($0)" } ?? "exit \(outcome.status!)")) "
                  + "with \(after.count) of \(Self.count) entries written, all exact")
            let second = try NeighsyncBinary.run(["apply", "-f", file, "--netns", ns.name])
            #expect(second.status == 0, "\(second.stderr.prefix(400))")
            let plan = try NeighsyncBinary.run(["plan", "-f", file, "--netns", ns.name, "--detailed-exitcode"])
            #expect(plan.status == 0, "\(plan.stdout.prefix(400)) \(plan.stderr.prefix(400))")
            #expect(Self.entries(ns).count == Self.count)
        }
        #expect(midWrite, "no attempt stopped the apply in the middle of its writes")
    }
}
