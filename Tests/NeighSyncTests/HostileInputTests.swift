import Foundation
import CoreTestSupport
import Testing
import IpNet
import NeighSync
import NetnsTesting
import IpNetCore
import NeighSyncCore

/// Hostile desired-state input handed to the loader in memory: each must give a positioned, readable error (never
/// a crash, a hang or an accepted file), quickly. The golden fixtures in `Fixtures/bad` (alias, too-deep, nul-byte,
/// binary-junk, invalid-utf8, huge-integers, zone-ids, duplicate-keys, invalid-addresses with `010.0.0.1`) check
/// the exact text; the 100 MB file and "nothing applied" run through the CLI (`CLITests/HostileFileTests`).
@Suite("Desired-state loader: hostile input")
struct HostileInputTests {
    static func failure(_ bytes: [UInt8]) -> DiagnosticList? {
        if case .failure(let e) = DesiredStateLoader.load(data: bytes, fileName: "h.yaml") { return e }
        return nil
    }

    static func seconds(_ body: () -> Void) -> Double {
        let start = ContinuousClock.now
        body()
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    @Test("10,000 nested flow lists or mappings stop at depth 32 with a position", arguments: ["[", "{a: "])
    func deeplyNested(_ opener: String) throws {
        let closer = opener == "[" ? "]" : "}"
        let text = "neighbors: " + String(repeating: opener, count: 10_000) + String(repeating: closer, count: 10_000)
        var e: DiagnosticList? = nil
        let t = Self.seconds { e = Self.failure(Array(text.utf8)) }
        let list = try #require(e)
        let deep = try #require(list.diagnostics.first { $0.message.hasPrefix("nesting deeper than 32 levels") })
        #expect(deep.mark?.line == 1)
        // The 32nd opener past the top-level mapping and `neighbors` is where reading stops.
        #expect(deep.mark.map { $0.column > 12 && $0.column < 12 + 32 * opener.count + 2 } == true,
                "\(String(describing: deep.mark))")
        #expect(t < 5, "took \(t) s")
    }

    @Test("10,000 nested block sequences stop at depth 32")
    func deeplyNestedBlocks() throws {
        let text = "neighbors:\n  " + String(repeating: "- ", count: 10_000) + "x\n"
        let list = try #require(Self.failure(Array(text.utf8)))
        #expect(list.diagnostics.contains { $0.message.hasPrefix("nesting deeper than 32 levels") && $0.mark != nil })
    }

    @Test("an alias bomb (anchors nine deep, 9^9 expansions) is refused at the first alias, fast")
    func aliasBomb() throws {
        var text = "version: 1\nlol0: &l0 \"lol\"\n"
        for i in 1...9 {
            text += "lol\(i): &l\(i) [" + Array(repeating: "*l\(i - 1)", count: 9).joined(separator: ",") + "]\n"
        }
        text += "neighbors: *l9\n"
        var e: DiagnosticList? = nil
        let t = Self.seconds { e = Self.failure(Array(text.utf8)) }
        let list = try #require(e)
        let first = try #require(list.diagnostics.first { $0.message.hasPrefix("aliases are not supported") })
        #expect(first.mark?.line == 3)
        #expect(t < 2, "took \(t) s")
    }

    @Test("binary junk and NUL bytes are errors at their position, in any part of the file")
    func binaryJunk() throws {
        var rng = SeededRandom(seed: 7)
        for _ in 0..<200 {
            let junk = (0..<Int(rng.next() % 512 + 1)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let prefix = Array("version: 1\nneighbors:\n  - address: 192.0.2.1\n".utf8)
            for input in [junk, prefix + junk] {
                guard let e = Self.failure(input) else {
                    // Junk that happens to be valid, empty YAML is fine only if it loads to nothing.
                    let s = try DesiredStateLoader.load(data: input, fileName: "h.yaml").get()
                    #expect(s.neighbors.isEmpty); continue
                }
                #expect(e.count >= 1)
                #expect(e.rendered().hasPrefix("h.yaml:"), "unpositioned: \(e.rendered().prefix(200))")
            }
        }
        let nul = Self.failure(Array("version: 1\nneighbors: []\n# a\u{0}b\n".utf8))
        #expect(nul?.description == "h.yaml:3:4: error: NUL byte in the file; a YAML file is text (is this a binary "
                + "or UTF-16 file?)")
    }

    @Test("integers beyond 64 bits, negative and hex-overflowing selectors are range errors, not wraparounds")
    func hugeIntegers() throws {
        for (value, key, phrase) in [("18446744073709551616", "interfaceLuid", "must fit in 64 bits"),
                                     ("0xffffffffffffffffff", "interfaceLuid", "must fit in 64 bits"),
                                     ("-1", "interfaceIndex", "must be 1…4294967295"),
                                     (String(repeating: "9", count: 5000), "interfaceIndex", "must be 1…4294967295")] {
            let text = "version: 1\nneighbors:\n  - address: 192.0.2.1\n    \(key): \(value)\n    physicalAddress: \"02:00:00:00:00:01\"\n"
            let e = try #require(Self.failure(Array(text.utf8)), "\(key): \(value.prefix(20)) loaded")
            #expect(e.diagnostics.first?.mark?.line == 4)
            #expect(e.diagnostics.first?.message.contains(phrase) == true, "\(e.description.prefix(300))")
        }
    }

    @Test("IPv6 zone ids: a numeric zone is the scope id; a name, an empty or a huge zone, or one on IPv4 is an error")
    func zoneIds() throws {
        let ok = "version: 1\nneighbors:\n  - { address: \"fe80::1%3\", interfaceIndex: 3, physicalAddress: \"02:00:00:00:00:01\" }\n"
        let s = try DesiredStateLoader.load(text: ok, fileName: "z.yaml").get()
        #expect(s.neighbors.first?.address == .v6(high: 0xfe80_0000_0000_0000, low: 1, scopeId: 3))
        for (zone, phrase) in [("fe80::1%eth0", "is an interface name"), ("fe80::1%", "empty zone id"),
                               ("fe80::1%4294967296", "is not an interface index"),
                               ("192.0.2.1%3", "an IPv4 address has no zone id")] {
            let text = "version: 1\nneighbors:\n  - { address: \"\(zone)\", interface: veth0, physicalAddress: \"02:00:00:00:00:01\" }\n"
            let e = try #require(Self.failure(Array(text.utf8)), "\(zone) loaded")
            #expect(e.diagnostics.first?.message.contains(phrase) == true, "\(e.description)")
            #expect(e.diagnostics.first?.mark == SourceMark(file: "h.yaml", line: 3, column: 16))
        }
    }

    @Test("IPv4 octets with leading zeros are neither decimal nor octal: rejected, with the fix")
    func leadingZeros() throws {
        for (a, fixed) in [("010.0.0.1", "10.0.0.1"), ("192.0.2.01", "192.0.2.1"), ("192.000.2.1", "192.0.2.1")] {
            let text = "version: 1\nneighbors:\n  - { address: \(a), interface: veth0, physicalAddress: \"02:00:00:00:00:01\" }\n"
            let e = try #require(Self.failure(Array(text.utf8)), "\(a) loaded")
            #expect(e.diagnostics.first?.message == "invalid address '\(a)': an IPv4 octet has a leading zero, "
                    + "which some tools read as octal; write \(fixed)")
        }
    }

    @Test("mixed-case MACs in all three spellings are accepted and give the same bytes")
    func mixedCaseMacs() throws {
        let text = "version: 1\nneighbors:\n  - { address: 192.0.2.1, interface: veth0, physicalAddress: \"02:aB:Cd:eF:00:01\" }\n"
            + "  - { address: 192.0.2.2, interface: veth0, physicalAddress: 02-AB-CD-EF-00-01 }\n"
        let s = try DesiredStateLoader.load(text: text, fileName: "m.yaml").get()
        #expect(s.neighbors.map(\.physicalAddress) == Array(repeating: PhysicalAddress("02:ab:cd:ef:00:01")!, count: 2))
    }

    @Test("duplicate keys inside one mapping are reported with both positions, at any level")
    func duplicateKeys() throws {
        let text = "version: 1\ndefaults: { interface: veth0, interface: veth1 }\nneighbors:\n"
            + "  - { address: 192.0.2.1, physicalAddress: \"02:00:00:00:00:01\", physicalAddress: \"02:00:00:00:00:02\" }\n"
            + "version: 1\n"
        let e = try #require(Self.failure(Array(text.utf8)))
        let dups = e.diagnostics.filter { $0.message.hasPrefix("duplicate key") }
        #expect(dups.map { $0.mark?.line } == [2, 4, 5], "\(e.description)")
    }
}

