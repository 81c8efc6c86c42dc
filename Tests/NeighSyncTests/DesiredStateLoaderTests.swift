import Foundation
import Testing
import IpNet
@testable import NeighSync
import IpNetCore
@testable import NeighSyncCore

/// The loader against the shipped examples (entry by entry, positions included), the accepted spellings, merging of
/// directories, limits, and a 100,000-entry file.
@Suite("Desired-state loader")
struct DesiredStateLoaderTests {
    static let examples = LoaderFixtures.repoRoot + "/examples"

    /// A hand-built entry in the examples' layout: list item at column 5, `address` value at column 14,
    /// `physicalAddress` value at 22, `interface` value at 16 (14 under defaults), `isRouter` at 15, `state` at 12.
    static func entry(_ file: String, line: Int, _ address: String, mac: String?, macLine: Int? = nil,
                      interface: String, interfaceAt: (Int, Int), state: NeighborState = .permanent,
                      stateAt: (Int, Int)? = nil, router: Bool = false, routerLine: Int? = nil) -> DesiredNeighbor {
        func m(_ l: Int, _ c: Int) -> SourceMark { SourceMark(file: file, line: l, column: c) }
        var marks = ["address": m(line, 14), "interface": m(interfaceAt.0, interfaceAt.1)]
        if mac != nil { marks["physicalAddress"] = m(macLine ?? line + 1, 22) }
        if let s = stateAt { marks["state"] = m(s.0, s.1) }
        if let r = routerLine { marks["isRouter"] = m(r, 15) }
        return DesiredNeighbor(address: IpAddress(address)!, interface: InterfaceRef(name: interface),
                               physicalAddress: mac.map { PhysicalAddress($0)! } ?? .empty, state: state,
                               isRouter: router, mark: m(line, 5), keyMarks: marks)
    }

    static func loaded(_ path: String) throws -> DesiredState {
        switch DesiredStateLoader.load(path: path) {
        case .success(let s): return s
        case .failure(let e):
            Issue.record(Comment(rawValue: e.rendered()))
            throw e
        }
    }

    static func failure(_ text: String, name: String = "t.yaml",
                        limits: LoaderLimits = .default) -> DiagnosticList? {
        if case .failure(let e) = DesiredStateLoader.load(text: text, fileName: name, limits: limits) { return e }
        return nil
    }

    @Test("minimal-ipv4.yaml loads as one hand-built entry with defaults for the settings")
    func minimalExample() throws {
        let f = Self.examples + "/minimal-ipv4.yaml"
        let s = try Self.loaded(f)
        #expect(s.neighbors == [Self.entry(f, line: 9, "192.0.2.10", mac: "02:00:00:00:00:10", macLine: 11,
                                           interface: "veth0", interfaceAt: (10, 16))])
        #expect(s.version == 1 && s.ownerProtocol == 245 && s.prune == .owned && s.maxDeletes == 50)
        #expect(s.files == [f])
    }

    @Test("dual-stack-routers.yaml: settings, defaults interface, router flags, Windows MAC spelling")
    func dualStackExample() throws {
        let f = Self.examples + "/dual-stack-routers.yaml"
        let s = try Self.loaded(f)
        let d = (12, 14)
        #expect(s.neighbors == [
            Self.entry(f, line: 15, "192.0.2.1", mac: "02:00:00:00:01:01", interface: "veth0", interfaceAt: d),
            Self.entry(f, line: 17, "2001:db8:0:1::1", mac: "02:00:00:00:01:01", interface: "veth0",
                       interfaceAt: d, router: true, routerLine: 19),
            Self.entry(f, line: 21, "192.0.2.2", mac: "02:00:00:00:01:02", interface: "veth0", interfaceAt: d),
            Self.entry(f, line: 23, "2001:db8:0:1::2", mac: "02:00:00:00:01:02", interface: "veth0",
                       interfaceAt: d, router: true, routerLine: 25),
        ])
        #expect(s.ownerProtocol == 245 && s.prune == .owned && s.maxDeletes == 10)
    }

    @Test("multi-interface-defaults.yaml: own selectors override defaults, Cisco and mixed-case MACs, noarp")
    func multiInterfaceExample() throws {
        let f = Self.examples + "/multi-interface-defaults.yaml"
        let s = try Self.loaded(f)
        let st = (10, 10)
        #expect(s.neighbors == [
            Self.entry(f, line: 12, "192.0.2.20", mac: "02:00:00:00:00:20", interface: "veth0",
                       interfaceAt: (9, 14), stateAt: st),
            Self.entry(f, line: 14, "192.0.2.21", mac: "02:00:00:00:00:21", interface: "veth0",
                       interfaceAt: (9, 14), stateAt: st),
            Self.entry(f, line: 16, "198.51.100.20", mac: "02:00:00:00:00:a0", macLine: 18, interface: "veth1",
                       interfaceAt: (17, 16), stateAt: st),
            Self.entry(f, line: 19, "2001:db8:0:2::20", mac: "02:00:00:00:00:a1", macLine: 21, interface: "veth1",
                       interfaceAt: (20, 16), stateAt: st),
            Self.entry(f, line: 22, "198.51.100.99", mac: "02:00:00:00:00:99", macLine: 24, interface: "veth1",
                       interfaceAt: (23, 16), state: .noarp, stateAt: (25, 12)),
            Self.entry(f, line: 26, "239.1.2.3", mac: nil, interface: "veth1", interfaceAt: (27, 16),
                       state: .noarp, stateAt: (28, 12)),
        ])
        #expect(s.prune == PruneMode.none && s.ownerProtocol == 245)
    }

    @Test("examples/split/ merges three files in name order; defaults stay in their file")
    func splitDirectory() throws {
        let dir = Self.examples + "/split"
        let s = try Self.loaded(dir)
        let a = dir + "/veth0.yaml", b = dir + "/veth1.yaml"
        #expect(s.files == [dir + "/00-settings.yaml", a, b])
        #expect(s.ownerProtocol == 245 && s.prune == .owned && s.maxDeletes == 20)
        let d0 = (5, 14), d1 = (5, 14)
        #expect(s.neighbors == [
            Self.entry(a, line: 7, "192.0.2.1", mac: "02:00:00:00:00:01", interface: "veth0", interfaceAt: d0),
            Self.entry(a, line: 9, "2001:db8::1", mac: "02:00:00:00:00:01", interface: "veth0", interfaceAt: d0,
                       router: true, routerLine: 11),
            Self.entry(a, line: 12, "192.0.2.10", mac: "02:00:00:00:00:10", interface: "veth0", interfaceAt: d0),
            Self.entry(a, line: 14, "2001:db8::10", mac: "02:00:00:00:00:10", interface: "veth0", interfaceAt: d0),
            Self.entry(b, line: 7, "198.51.100.10", mac: "02:00:00:00:01:10", interface: "veth1", interfaceAt: d1),
            Self.entry(b, line: 9, "198.51.100.11", mac: "02:00:00:00:01:11", interface: "veth1", interfaceAt: d1),
            Self.entry(b, line: 11, "2001:db8:1::10", mac: "02:00:00:00:01:10", interface: "veth1", interfaceAt: d1),
            Self.entry(b, line: 13, "2001:db8:1::11", mac: "02:00:00:00:01:11", interface: "veth1", interfaceAt: d1),
        ])
        #expect(s.neighbors.filter(\.isRouter).count == 1)
    }

    @Test("the three MAC spellings, any case, give the same bytes")
    func macSpellings() throws {
        let forms = ["\"02:00:0A:0b:00:10\"", "02-00-0a-0B-00-10", "0200.0a0b.0010", "2:0:a:b:0:10"]
        for (i, form) in forms.enumerated() {
            let s = try DesiredStateLoader.load(text: "version: 1\nneighbors:\n  - address: 192.0.2.\(i + 1)\n    interface: "
                                                + "veth0\n    physicalAddress: \(form)\n", fileName: "m.yaml").get()
            #expect(s.neighbors.first?.physicalAddress == PhysicalAddress(bytes: [2, 0, 0x0a, 0x0b, 0, 0x10]))
        }
    }

    @Test("interface selectors: LUID in hex or decimal, index, and all three agreeing")
    func selectors() throws {
        let text = """
        version: 1
        neighbors:
          - address: 192.0.2.1
            interfaceLuid: 0x0006000003000000
            physicalAddress: "02:00:00:00:00:01"
          - address: 192.0.2.2
            interfaceLuid: 1688849910595584
            physicalAddress: "02:00:00:00:00:02"
          - address: 192.0.2.3
            interfaceIndex: 3
            physicalAddress: "02:00:00:00:00:03"
          - address: 192.0.2.4
            interface: veth0
            interfaceIndex: 3
            interfaceLuid: 0x0006000003000000
            physicalAddress: "02:00:00:00:00:04"
          - address: fe80::1%3
            interfaceIndex: 3
            isRouter: false
            physicalAddress: "02:00:00:00:00:05"
        """
        let s = try DesiredStateLoader.load(text: text, fileName: "sel.yaml").get()
        let luid = NetLuid(value: 0x0006_0000_0300_0000)
        #expect(s.neighbors.map(\.interface) == [
            InterfaceRef(luid: luid), InterfaceRef(luid: luid), InterfaceRef(index: 3),
            InterfaceRef(name: "veth0", index: 3, luid: luid), InterfaceRef(index: 3),
        ])
        #expect(s.neighbors[4].address == .v6(high: 0xfe80_0000_0000_0000, low: 1, scopeId: 3))
        #expect(s.neighbors.allSatisfy { !$0.isRouter && $0.state == .permanent })
    }

    @Test("defaults written after neighbors still apply; quoted keys are keys")
    func defaultsAfterNeighbors() throws {
        // IPv6, since isRouter is refused on IPv4 entries.
        let text = "neighbors:\n  - \"address\": 2001:db8::1\n    physicalAddress: \"02:00:00:00:00:01\"\n"
            + "defaults: { interface: veth1, isRouter: true }\nversion: 1\n"
        let n = try #require(try DesiredStateLoader.load(text: text, fileName: "d.yaml").get().neighbors.first)
        #expect(n.interface == InterfaceRef(name: "veth1"))
        #expect(n.isRouter)
        #expect(n.mark(of: "interface") == SourceMark(file: "d.yaml", line: 4, column: 24))
        #expect(n.mark(of: "isRouter") == SourceMark(file: "d.yaml", line: 4, column: 41))
    }

    @Test("CRLF line endings keep positions right")
    func crlf() throws {
        let text = "version: 1\r\nneighbors:\r\n  - address: 192.0.2.1\r\n    interface: veth0\r\n    state: stale\r\n"
        let e = try #require(Self.failure(text))
        #expect(e.description == "t.yaml:5:12: error: state must be permanent or noarp for a static entry, or managed, "
                + "found 'stale'")
    }

    @Test("in-memory text renders its diagnostics with the source line and caret")
    func renderedInMemory() throws {
        let e = try #require(Self.failure("version: 1\nmaxDeletes: yes\nneighbors: []\n"))
        #expect(e.rendered() == """
        t.yaml:2:13: error: expected an integer for 'maxDeletes', found a string
          maxDeletes: yes
                      ^

        """)
    }

    @Test("settings written in several files of a directory must agree; equal values are fine")
    func settingsAgree() throws {
        let dir = try TemporaryDirectory()
        try dir.write("a.yaml", "version: 1\nprune: none\nmaxDeletes: 5\nneighbors: []\n")
        try dir.write("b.yml", "version: 1\nprune: none\nneighbors:\n  - { address: 192.0.2.1, interface: veth0, "
                      + "physicalAddress: \"02:00:00:00:00:01\" }\n")
        try dir.write(".hidden.yaml", "this is not: [valid\n")
        try dir.write("c.yaml.bak", "neither: [is this\n")
        let s = try DesiredStateLoader.load(path: dir.path).get()
        #expect(s.prune == PruneMode.none && s.maxDeletes == 5 && s.neighbors.count == 1)
        #expect(s.files == [dir.path + "/a.yaml", dir.path + "/b.yml"])
    }

    @Test("a directory without YAML files and a missing path are errors, not empty states")
    func emptyDirectoryAndMissingPath() throws {
        let dir = try TemporaryDirectory()
        try dir.write("README", "nothing here\n")
        guard case .failure(let e) = DesiredStateLoader.load(path: dir.path) else {
            Issue.record("an empty directory must not load"); return
        }
        #expect(e.description == "error: no *.yaml or *.yml files in the directory \(dir.path); to want no "
                + "entries, add a file with 'version: 1' and 'neighbors: []'")
        guard case .failure(let m) = DesiredStateLoader.load(path: dir.path + "/nope.yaml") else {
            Issue.record("a missing file must not load"); return
        }
        #expect(m.description.hasPrefix("error: cannot read \(dir.path)/nope.yaml: no such file or directory"))
    }

    @Test("a file over maxFileSize is reported, not read")
    func sizeLimit() throws {
        let dir = try TemporaryDirectory()
        try dir.write("big.yaml", String(repeating: "# padding\n", count: 20))
        let limits = LoaderLimits(maxFileSize: 100)
        guard case .failure(let e) = DesiredStateLoader.load(path: dir.path + "/big.yaml", limits: limits) else {
            Issue.record("an oversized file must not load"); return
        }
        #expect(e.description == "error: \(dir.path)/big.yaml is 200 bytes, over the limit of 100 bytes; split it "
                + "into a directory of smaller files or raise the limit")
        #expect(Self.failure(String(repeating: "#\n", count: 60), limits: limits)?.count == 1)
        #expect(LoaderLimits.default.maxFileSize == 16 << 20)
    }

    @Test("errors are all collected, up to maxErrors, then a final 'too many errors'")
    func errorCap() throws {
        var text = "neighbors:\n"
        for i in 0..<150 { text += "  - { address: 192.0.2.\(i), interface: veth0, state: bogus }\n" }
        let e = try #require(Self.failure(text))
        #expect(e.count == 101)
        #expect(e.diagnostics.last?.message == "too many errors (100); stopped reading, fix these and run again")
        let few = try #require(Self.failure(text, limits: LoaderLimits(maxErrors: 3)))
        #expect(few.count == 4)
        #expect(few.diagnostics.first?.mark == SourceMark(file: "t.yaml", line: 2, column: 52))
    }

    @Test("a billion-laughs document is refused at its first alias")
    func billionLaughs() throws {
        var text = "a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n"
        for i in 1...9 { text += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 9).joined(separator: ", ") + "]\n" }
        let e = try #require(Self.failure(text))
        let aliases = e.diagnostics.filter { $0.message.hasPrefix("aliases are not supported") }
        #expect(aliases.first?.mark == SourceMark(file: "t.yaml", line: 2, column: 10))
    }

    @Test("100,000 generated entries load correctly")
    func hundredThousand() throws {
        var text = "version: 1\ndefaults: { interface: veth0 }\nneighbors:\n"
        text.reserveCapacity(100_000 * 80)
        func hex(_ v: Int) -> String { String(format: "%02x", v) }
        for i in 0..<100_000 {
            let (a, b, c) = (i >> 16, (i >> 8) & 0xff, i & 0xff)
            text += "  - address: 2001:db8::\(String(i >> 16, radix: 16)):\(String(i & 0xffff, radix: 16))\n    physicalAddress: \"02:00:00:\(hex(a)):"
                + "\(hex(b)):\(hex(c))\"\n" + (i % 2 == 1 ? "    interface: veth1\n" : "")
        }
        let s = try DesiredStateLoader.load(text: text, fileName: "big.yaml").get()
        #expect(s.neighbors.count == 100_000)
        let last = s.neighbors[99_999]
        #expect(last.address == IpAddress("2001:db8::1:869f"))
        #expect(last.physicalAddress == PhysicalAddress("02:00:00:01:86:9f"))
        #expect(last.interface.name == "veth1" && s.neighbors[99_998].interface.name == "veth0")
        #expect(last.mark.line == 3 + 2 * 50_000 + 3 * 49_999 + 1)
        #expect(Set(s.neighbors.map(\.address)).count == 100_000)
    }
}

/// A fresh directory under the system temporary directory, removed when the value is released.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "neighsync-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ text: String) throws {
        try text.write(toFile: path + "/" + name, atomically: true, encoding: .utf8)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
