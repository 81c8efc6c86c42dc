import Foundation
import NetnsTesting
import Testing

/// Hostile desired-state files through the CLI: `apply` exits 1 with a positioned error and writes nothing to a
/// fresh namespace; a 100 MB file is refused by size with the binary's peak memory (GNU time `%M`) bounded.
@Suite struct HostileFileTests {
    /// A valid entry in front of each hostile part, so a partial apply would be visible.
    static let valid = "version: 1\nneighbors:\n  - address: 192.0.2.10\n    interface: veth0\n"
        + "    physicalAddress: \"02:00:00:00:00:10\"\n"

    static let hostile: [(name: String, bytes: [UInt8], line: Int)] = {
        var bomb = valid + "lol0: &l0 \"lol\"\n"
        for i in 1...9 { bomb += "lol\(i): &l\(i) [" + Array(repeating: "*l\(i - 1)", count: 9).joined(separator: ",") + "]\n" }
        let entry = { (a: String, extra: String) in
            "  - address: \(a)\n    interface: veth0\n    physicalAddress: \"02:00:00:00:00:11\"\n\(extra)"
        }
        return [
            ("deep-nesting", Array((valid + "  - " + String(repeating: "[", count: 10_000) + "\n").utf8), 6),
            ("alias-bomb", Array(bomb.utf8), 6),
            ("binary-junk", Array(valid.utf8) + [0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0xff, 0xfe, 0x0a], 6),
            ("nul-byte", Array((valid + "  - address: 192.0.2.11\u{0}\n").utf8), 6),
            ("huge-integer", Array((valid + "  - address: 192.0.2.11\n    interfaceIndex: 99999999999999999999\n"
                                    + "    physicalAddress: \"02:00:00:00:00:11\"\n").utf8), 7),
            ("zone-name", Array((valid + entry("\"fe80::1%veth0\"", "")).utf8), 6),
            ("leading-zero", Array((valid + entry("010.0.0.1", "")).utf8), 6),
            ("duplicate-key", Array((valid + entry("192.0.2.11", "    physicalAddress: \"02:00:00:00:00:12\"\n")).utf8), 9),
        ]
    }()

    /// Our entries in the namespace (any state), from `ip -j neigh show nud all`.
    static func ours(_ ns: Netns) -> [String] {
        let r = ns.run(["-j", "neigh", "show", "nud", "all"])
        let arr = (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]) ?? []
        return arr.compactMap { $0["dst"] as? String }
            .filter { $0.hasPrefix("192.0.2.") || $0.hasPrefix("2001:db8:") || $0.hasPrefix("fe80::1") || $0 == "10.0.0.1" }
    }

    @Test(arguments: hostile.map(\.name))
    func applyWithAHostileFileWritesNothing(_ name: String) throws {
        guard let ns = try cliNetns() else { return }
        let h = try #require(Self.hostile.first { $0.name == name })
        let dir = try TempDir()
        let file = dir.path + "/\(name).yaml"
        try Data(h.bytes).write(to: URL(fileURLWithPath: file))
        let r = try ChildProcess.run(try #require(NeighsyncBinary.path), ["apply", "-f", file, "--netns", ns.name])
        #expect(r.status == 1, "\(name): \(r.stderr.prefix(400))")
        #expect(r.stderr.hasPrefix("\(file):\(h.line):"), "\(name): \(r.stderr.prefix(400))")
        #expect(r.stderr.contains(": error: "))
        #expect(r.stderr.hasSuffix("nothing was applied\n"))
        #expect(r.stdout.isEmpty)
        #expect(Self.ours(ns).isEmpty, "\(name) wrote \(Self.ours(ns))")
        #expect(r.maxRSSKiB > 0 && r.maxRSSKiB < 64 * 1024, "\(name): peak RSS \(r.maxRSSKiB) KiB (needs GNU time)")
    }

    @Test func a100MBFileIsRefusedBySizeWithBoundedMemory() throws {
        let dir = try TempDir()
        let file = dir.path + "/big.yaml"
        let fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        #expect(fd >= 0)
        let line = Array("  - { address: 192.0.2.10, interface: veth0, physicalAddress: \"02:00:00:00:00:10\" }\n".utf8)
        var block = Array("neighbors:\n".utf8)
        while block.count < 1 << 20 { block += line }
        var written = 0
        while written < 100 << 20 { written += block.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) } }
        close(fd)
        let bin = try #require(NeighsyncBinary.path)
        let v = try ChildProcess.run(bin, ["validate", "--offline", "-f", file])
        #expect(v.status == 1)
        #expect(v.stderr == "error: \(file) is \(written) bytes, over the limit of 67108864 bytes; split it into a "
                + "directory of smaller files or raise the limit\n1 error; nothing was applied\n")
        #expect(v.maxRSSKiB > 0 && v.maxRSSKiB < 64 * 1024, "peak RSS \(v.maxRSSKiB) KiB (needs GNU time)")
        // The same bytes through a pipe: read only up to the limit, then refused; memory bounded by the limit.
        let p = try ChildProcess.run("/bin/sh", ["-c", "cat \"$0\" | \"$1\" validate --offline -f /dev/stdin", file, bin])
        #expect(p.status == 1)
        #expect(p.stderr.contains("/dev/stdin is over the limit of 67108864 bytes (stopped reading there)"), "\(p.stderr)")
        #expect(p.maxRSSKiB > 0 && p.maxRSSKiB < 192 * 1024, "peak RSS \(p.maxRSSKiB) KiB")
        guard let ns = try cliNetns() else { return }
        let a = try ChildProcess.run(bin, ["apply", "-f", file, "--netns", ns.name])
        #expect(a.status == 1 && a.stderr.contains("over the limit"))
        #expect(a.maxRSSKiB > 0 && a.maxRSSKiB < 64 * 1024, "peak RSS \(a.maxRSSKiB) KiB")
        #expect(Self.ours(ns).isEmpty)
    }
}
