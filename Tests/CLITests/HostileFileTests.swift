import Foundation
import NetnsTesting
import Testing

/// Hostile desired-state files through the CLI: `apply` exits 1 with a positioned error and writes nothing to a
/// fresh namespace; a 100 MB file is refused by size with the binary's peak memory (GNU time `%M`) bounded; one-line
/// files with many errors give bounded stderr and memory; a desired state that is empty by accident (empty file,
/// dangling symlink in a directory, `--watch` on a pipe) never prunes; `-f -` reads standard input.
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
        #expect(v.stderr == "error: \(file) is \(written) bytes, over the limit of 16777216 bytes; split it into a "
                + "directory of smaller files or raise the limit\n1 error; nothing was applied\n")
        #expect(v.maxRSSKiB > 0 && v.maxRSSKiB < 64 * 1024, "peak RSS \(v.maxRSSKiB) KiB (needs GNU time)")
        // The same bytes through a pipe: read only up to the limit, then refused; memory bounded by the limit.
        let p = try ChildProcess.run("/bin/sh", ["-c", "cat \"$0\" | \"$1\" validate --offline -f /dev/stdin", file, bin])
        #expect(p.status == 1)
        #expect(p.stderr.contains("/dev/stdin is over the limit of 16777216 bytes (stopped reading there)"), "\(p.stderr)")
        #expect(p.maxRSSKiB > 0 && p.maxRSSKiB < 64 * 1024, "peak RSS \(p.maxRSSKiB) KiB")
        // Endless input (`-f /dev/zero`, `yes a | … -f -`) and a pipe just under the limit that is one huge YAML
        // scalar (libyaml copies it, the parser makes a String of it): refused, and still under 64 MiB.
        for command in ["\"$1\" validate --offline -f /dev/zero", "yes a | \"$1\" validate --offline -f -",
                        "yes a | head -c 16777000 | \"$1\" validate --offline -f -"] {
            let r = try ChildProcess.run("/bin/sh", ["-c", command, "sh", bin])
            #expect(r.status == 1, "\(command): \(r.stderr)")
            #expect(r.maxRSSKiB > 0 && r.maxRSSKiB < 64 * 1024, "\(command): peak RSS \(r.maxRSSKiB) KiB")
        }
        guard let ns = try cliNetns() else { return }
        let a = try ChildProcess.run(bin, ["apply", "-f", file, "--netns", ns.name])
        #expect(a.status == 1 && a.stderr.contains("over the limit"))
        #expect(a.maxRSSKiB > 0 && a.maxRSSKiB < 64 * 1024, "peak RSS \(a.maxRSSKiB) KiB")
        #expect(Self.ours(ns).isEmpty)
    }

    /// A one-line flow file of about `size` bytes in which every 100th entry, 100 times, has a bad address.
    static func oneLine(size: Int) -> Data {
        var parts: [String] = []
        var length = 0
        var i = 0
        while length < size {
            let bad = i % 100 == 0 && i / 100 < 100
            let a = bad ? "192.0.2.\(300 + i % 600)" : "2001:db8::\(String(i, radix: 16))"
            let p = "{address: \(a), interface: veth0, physicalAddress: \"02:00:00:00:00:01\"}, "
            parts.append(p)
            length += p.utf8.count
            i += 1
        }
        return Data(("{version: 1, neighbors: [" + parts.joined() + "]}\n").utf8)
    }

    /// The reproductions of issue 10: a 1 MB one-line file with 100 bad addresses gave 104 MB of stderr and 250 MB
    /// RSS, a 5.7 MB one gave 1.1 GB and 2.5 GB. Now each error prints a window of the line, and memory stays low.
    @Test(arguments: [1 << 20, 5_700_000])
    func aOneLineFileWithManyErrorsGivesBoundedOutputAndMemory(_ size: Int) throws {
        let dir = try TempDir()
        let file = dir.path + "/one-line.yaml"
        try Self.oneLine(size: size).write(to: URL(fileURLWithPath: file))
        let r = try ChildProcess.run(try #require(NeighsyncBinary.path), ["validate", "--offline", "-f", file])
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("\(file):1:"), "\(r.stderr.prefix(300))")
        #expect(r.stderr.hasSuffix("101 errors; nothing was applied\n"), "\(r.stderr.suffix(300))")
        #expect(r.stderr.utf8.count < 64 * 1024, "stderr \(r.stderr.utf8.count) bytes")
        #expect(r.stderr.split(separator: "\n").allSatisfy { $0.count < 400 })
        #expect(r.maxRSSKiB > 0 && r.maxRSSKiB < 64 * 1024, "peak RSS \(r.maxRSSKiB) KiB (needs GNU time)")
    }

    /// A file that is empty by accident must not prune: each of these exits 1 naming the problem, and the owned
    /// entry written before stays. Only `neighbors: []` deletes it.
    @Test func anAccidentallyEmptyFileNeverPrunes() throws {
        guard let ns = try cliNetns() else { return }
        let bin = try #require(NeighsyncBinary.path)
        let dir = try TempDir()
        let file = try dir.write("neighbors.yaml", Self.valid)
        #expect(try ChildProcess.run(bin, ["apply", "-f", file, "--netns", ns.name]).status == 0)
        #expect(Self.ours(ns) == ["192.0.2.10"])
        let cases: [(String, String)] = [
            ("", "1:1: error: the file is empty (no 'version' key)"),
            ("# only a comment\n", "1:1: error: the file is empty (no 'version' key)"),
            ("---\n", "1:1: error: the file is empty (no 'version' key)"),
            ("{}\n", "1:1: error: missing key 'version' at the top level"),
            ("version: 1\n", "1:1: error: missing key 'neighbors' at the top level"),
            ("version: 1\nneighbors:\n", "2:11: error: 'neighbors' has no value"),
            ("version: 1\nneighbors:\n  - addr", "3:"),
        ]
        for (text, message) in cases {
            try dir.write("neighbors.yaml", text)
            for command in [["plan"], ["apply"]] {
                let r = try ChildProcess.run(bin, command + ["-f", file, "--netns", ns.name])
                #expect(r.status == 1, "\(text.debugDescription): \(r.stdout)\(r.stderr)")
                #expect(r.stderr.hasPrefix("\(file):\(message)"), "\(text.debugDescription): \(r.stderr)")
            }
            #expect(Self.ours(ns) == ["192.0.2.10"], "\(text.debugDescription) pruned")
        }
        try dir.write("neighbors.yaml", "version: 1\nneighbors: []\n")
        #expect(try ChildProcess.run(bin, ["apply", "-f", file, "--netns", ns.name]).status == 0)
        #expect(Self.ours(ns).isEmpty, "an explicit empty list deletes the owned entry")
    }

    /// A `*.yaml` of a `-f` directory that is a dangling symlink (or a FIFO) fails the run; its entries stay.
    @Test func anUnreadableDirectoryEntryNeverPrunes() throws {
        guard let ns = try cliNetns() else { return }
        let bin = try #require(NeighsyncBinary.path)
        let dir = try TempDir()
        try FileManager.default.createDirectory(atPath: dir.path + "/d", withIntermediateDirectories: false)
        let d = dir.path + "/d"
        try dir.write("d/a.yaml", Self.valid)
        try dir.write("real-b.yaml", "version: 1\nneighbors:\n  - { address: 192.0.2.11, interface: veth0, "
                      + "physicalAddress: \"02:00:00:00:00:11\" }\n")
        #expect(symlink(dir.path + "/real-b.yaml", d + "/b.yaml") == 0)
        #expect(try ChildProcess.run(bin, ["apply", "-f", d, "--netns", ns.name]).status == 0)
        #expect(Self.ours(ns).sorted() == ["192.0.2.10", "192.0.2.11"])
        // The target disappears (a failed checkout): the link dangles.
        unlink(dir.path + "/real-b.yaml")
        let r = try ChildProcess.run(bin, ["apply", "-f", d, "--netns", ns.name])
        #expect(r.status == 1)
        #expect(r.stderr == "error: cannot read \(d)/b.yaml: No such file or directory (a dangling symlink?); every "
                + "*.yaml / *.yml file of the directory must be readable, or be removed\n1 error; nothing was applied\n")
        #expect(Self.ours(ns).sorted() == ["192.0.2.10", "192.0.2.11"])
        // A FIFO in its place: refused at once, never a hang.
        unlink(d + "/b.yaml")
        #expect(mkfifo(d + "/b.yaml", 0o600) == 0)
        let f = try ChildProcess.run(bin, ["apply", "-f", d, "--netns", ns.name])
        #expect(f.status == 1 && f.stderr.contains("b.yaml: not a regular file (a FIFO)"), "\(f.stderr)")
        #expect(Self.ours(ns).sorted() == ["192.0.2.10", "192.0.2.11"])
    }

    /// `apply --watch -f /dev/stdin` then SIGHUP read an empty pipe and deleted every owned entry: watch mode now
    /// refuses a `-f` that SIGHUP cannot re-read (a pipe, standard input), before touching the namespace.
    @Test func watchModeRefusesAPipeOrStandardInput() throws {
        guard let ns = try cliNetns() else { return }
        let bin = try #require(NeighsyncBinary.path)
        let dir = try TempDir()
        let file = try dir.write("n.yaml", Self.valid)
        for path in ["/dev/stdin", "-"] {
            let r = try ChildProcess.run("/bin/sh", ["-c", "cat \"$0\" | \"$1\" apply --watch -f \"$2\" --netns \"$3\"",
                                                     file, bin, path, ns.name])
            #expect(r.status == 1)
            let what = path == "-" ? "standard input" : "/dev/stdin, a FIFO"
            #expect(r.stderr == "error: watch mode needs -f to be a regular file or a directory, not \(what): SIGHUP "
                    + "re-reads it, and a pipe or standard input is at its end by then. Write the desired state to a "
                    + "file and give its path\n", "\(r.stderr)")
            #expect(Self.ours(ns).isEmpty)
        }
    }

    /// `-f -` reads standard input for validate, plan and apply; diagnostics name `<stdin>`.
    @Test func dashReadsStandardInput() throws {
        let bin = try #require(NeighsyncBinary.path)
        let dir = try TempDir()
        let good = try dir.write("good.yaml", Self.valid)
        let bad = try dir.write("bad.yaml", "version: 1\nprune: sometimes\nneighbors: []\n")
        let v = try ChildProcess.run(bin, ["validate", "--offline", "-f", "-"], stdinPath: good)
        #expect(v.status == 0 && v.stdout == "ok: 1 neighbor on 1 interface\n", "\(v.stdout)\(v.stderr)")
        let b = try ChildProcess.run("/bin/sh", ["-c", "cat \"$0\" | \"$1\" validate --offline -f -", bad, bin])
        #expect(b.status == 1)
        #expect(b.stderr == "<stdin>:2:8: error: 'prune' must be owned or none, found 'sometimes'\n  prune: sometimes\n"
                + "         ^\n1 error; nothing was applied\n")
        guard let ns = try cliNetns() else { return }
        let a = try ChildProcess.run(bin, ["apply", "-f", "-", "--netns", ns.name], stdinPath: good)
        #expect(a.status == 0, "\(a.stderr)")
        #expect(Self.ours(ns) == ["192.0.2.10"])
    }
}
