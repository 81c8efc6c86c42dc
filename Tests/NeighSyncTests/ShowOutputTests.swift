import Foundation
import IpNet
import NetnsTesting
import CoreTestSupport
import Testing
@testable import NeighSync
import IpNetCore
@testable import NeighSyncCore

/// What `show` writes, without a kernel: the YAML scalar writer against names YAML would misread, which rows each
/// output selects, protocol names, flags, the takeover notes of a plan, and escaping of control characters in every
/// text, log and JSON output.
@Suite struct ShowOutputTests {
    /// Names the kernel accepts (`dev_valid_name()`: 1–15 bytes, no '/', ':' or whitespace) that a YAML reader would
    /// read as something else when written plain, or that hold control characters.
    static let hostileNames = [
        "-", "yes", "Yes", "no", "on", "OFF", "y", "n", "null", "Null", "~", "true", "1_000", "0o7", "0x10", "1e3",
        ".inf", ".NaN", "-.inf", "+1", "012", "1:2", "2001-12-14", "a#b", "#x", "&a", "*a", "!tag", "%p", "@a", "`a",
        "|", ">", "'q", "\"q", "b\\s", "[a]", "{a}", "a,b", "?", "=", "<<", "a\u{1B}[31m", "x\u{7F}y", "e\u{85}",
        "\u{202E}rtl", "veth0", "eth0.100", "_x",
    ]

    @Test("every hostile interface name is written so that the loader reads back exactly that name")
    func scalarWriterRoundTripsThroughTheLoader() throws {
        let names = Self.hostileNames.filter { !$0.contains(":") }
        let links = names.enumerated().map { Link(name: $1, index: UInt32($0 + 2), arphrdType: 1, hardwareAddressLength: 6) }
        let rows = links.map { IpNetRow2(address: IpAddress("192.0.2.10")!, interfaceIndex: $0.index,
                                         physicalAddress: PhysicalAddress("02:00:00:00:00:10")!, protocol: 245) }
        let text = DesiredStateWriter.yaml(rows: rows, links: links)
        #expect(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" || ($0.value >= 0x7f && $0.value <= 0x9f) })
        let state = try DesiredStateLoader.load(text: text, fileName: "boot.yaml").get()
        #expect(state.neighbors.map { $0.interface.name } == names)
        #expect(DesiredStateWriter.scalar("veth0") == "veth0")
        #expect(DesiredStateWriter.scalar("-") == "\"-\"")
        #expect(DesiredStateWriter.scalar("yes") == "\"yes\"")
        #expect(DesiredStateWriter.scalar("a\u{1B}[31m") == "\"a\\x1b[31m\"")
        #expect(DesiredStateWriter.scalar("\u{202E}rtl") == "\"\\u202ertl\"")
        // PyYAML reads YAML 1.1: every value must come back as the same string.
        if let py = Self.pyyamlInterfaceNames(text) { #expect(py == names) }
    }

    /// The interface names PyYAML (YAML 1.1 resolver) reads from `text`, nil when python3/PyYAML is missing.
    static func pyyamlInterfaceNames(_ text: String) -> [String]? {
        let script = """
            import json, sys, yaml
            d = yaml.safe_load(sys.stdin.read())
            print(json.dumps([n["interface"] if isinstance(n["interface"], str) else repr(n["interface"]) for n in d["neighbors"]]))
            """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script]
        let inp = Pipe(), out = Pipe()
        p.standardInput = inp
        p.standardOutput = out
        p.standardError = Pipe()
        do { try p.run() } catch { return nil }
        inp.fileHandleForWriting.write(Data(text.utf8))
        try? inp.fileHandleForWriting.close()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { return nil }
        return try? JSONDecoder().decode([String].self, from: data)
    }

    @Test("only NOARP multicast entries without a protocol and with the kernel's mapped MAC count as kernel-made")
    func kernelMadeRule() {
        func r(_ a: String, _ mac: String, state: NeighborState = .noarp, proto: UInt8 = 0) -> IpNetRow2 {
            IpNetRow2(address: IpAddress(a)!, interfaceIndex: 3, physicalAddress: PhysicalAddress(mac)!, state: state,
                      protocol: proto)
        }
        #expect(ShowSelection.isKernelMade(r("ff02::16", "33:33:00:00:00:16")))
        #expect(ShowSelection.isKernelMade(r("ff02::1:ffac:5b7a", "33:33:ff:ac:5b:7a")))
        #expect(ShowSelection.isKernelMade(r("224.0.0.22", "01:00:5e:00:00:16")))
        #expect(ShowSelection.isKernelMade(r("239.129.0.1", "01:00:5e:01:00:01")))
        #expect(!ShowSelection.isKernelMade(r("ff05::fb", "33:33:00:00:00:fb", proto: 245)))   // owned
        #expect(!ShowSelection.isKernelMade(r("ff05::fb", "33:33:00:00:00:fb", proto: 11)))    // another owner
        #expect(!ShowSelection.isKernelMade(r("ff05::fb", "02:00:00:00:00:fb")))               // a chosen MAC
        #expect(!ShowSelection.isKernelMade(r("192.0.2.1", "02:00:00:00:00:01")))              // unicast
        #expect(!ShowSelection.isKernelMade(r("ff02::16", "33:33:00:00:00:16", state: .permanent)))
    }

    @Test("a bootstrap keeps owned and unowned static entries, leaves out kernel-made, dynamic and other owners' ones")
    func bootstrapSelection() {
        let rows = [
            RowFixtures.row("192.0.2.10", proto: 245), RowFixtures.row("192.0.2.11", proto: 0),
            RowFixtures.row("192.0.2.12", proto: 11), RowFixtures.row("192.0.2.13", proto: 4),
            RowFixtures.row("192.0.2.14", proto: 11), RowFixtures.row("192.0.2.15", state: .stale),
            RowFixtures.row("ff02::16", "33:33:00:00:00:16", state: .noarp),
            RowFixtures.row("ff05::fc", "33:33:00:00:00:fc", state: .noarp, proto: 245),
        ]
        let b = ShowSelection.bootstrap(rows, ownerProtocol: 245, includeForeign: false)
        #expect(b.rows.map(\.address.description) == ["192.0.2.10", "192.0.2.11", "ff05::fc"])
        #expect(b.foreignLeftOut == [11: 2, 4: 1])
        let all = ShowSelection.bootstrap(rows, ownerProtocol: 245, includeForeign: true)
        #expect(all.rows.count == 6 && all.foreignLeftOut.isEmpty)
        #expect(ShowSelection.text(rows, all: false).map(\.address.description)
                == ["192.0.2.10", "192.0.2.11", "192.0.2.12", "192.0.2.13", "192.0.2.14", "ff05::fc"])
    }

    @Test("protocol numbers and names come from one table, iproute2's, used by show, plans and the import")
    func protocolNames() {
        #expect(NeighborProtocolName.word(11) == "zebra")
        #expect(NeighborProtocolName.word(245) == "245")
        #expect(NeighborProtocolName.described(99) == "99 (openr)")
        #expect(NeighborProtocolName.number("bgp") == 186)
        #expect(NeighborProtocolName.number("42") == 42)
        #expect(NeighborProtocolName.number("nosuch") == nil)
        for (n, name) in NeighborProtocolName.table { #expect(NeighborProtocolName.number(name) == n) }
        #expect(RowText.line(RowFixtures.row("192.0.2.10", proto: 186), interfaceName: "veth0")
                == "192.0.2.10 dev veth0 lladdr 02:00:00:00:00:10 PERMANENT proto bgp")
    }

    @Test("flags decode from ndm_flags and NDA_FLAGS_EXT, print as iproute2 words and parse back")
    func flagWords() throws {
        let f = NeighborFlags(ndmFlags: 0x10 | 0x80 | 0x20, extended: 1)
        #expect(f == [.externallyLearned, .offloaded, .managed])
        #expect(f.words == ["managed", "extern_learn", "offload"])
        for w in f.words + ["0x10000"] { #expect(NeighborFlags(word: w) != nil) }
        #expect(NeighborFlags(word: "0x10000")?.words == ["0x10000"])
        var row = RowFixtures.row("192.0.2.10", proto: 11)
        row.flags = .externallyLearned
        #expect(RowText.line(row, interfaceName: "veth0")
                == "192.0.2.10 dev veth0 lladdr 02:00:00:00:00:10 extern_learn PERMANENT proto zebra")
        let rec = RowRecord(row, interfaceName: "veth0")
        #expect(rec.flags == ["extern_learn"])
        #expect(try rec.row() == row)
    }

    @Test("a takeover says which owner it takes the entry from and which flags the write drops, in text and JSON")
    func takeoverAndDroppedFlagsAreInThePlan() throws {
        var frr = RowFixtures.row("192.0.2.20", "02:00:00:00:00:01", proto: 11)
        frr.flags = .externallyLearned
        let other = RowFixtures.row("192.0.2.21", proto: 99)
        let bare = RowFixtures.row("192.0.2.22", "02:00:00:00:00:01")
        let p = RowFixtures.plan([RowFixtures.row("192.0.2.20"), RowFixtures.row("192.0.2.21"),
                                   RowFixtures.row("192.0.2.22")], [frr, other, bare])
        #expect(p.changes.map(\.reason) == [
            "lladdr 02:00:00:00:00:01 → 02:00:00:00:00:10, takes over from protocol 11 (zebra), drops flags extern_learn",
            "takes over from protocol 99 (openr)",
            "lladdr 02:00:00:00:00:01 → 02:00:00:00:00:10",
        ])
        #expect(PlanRenderer(color: false).line(p.changes[1])
                == "  ~ 192.0.2.21 dev veth0 lladdr 02:00:00:00:00:10 permanent  # takes over from protocol 99 (openr)")
        let doc = PlanDocument(p)
        #expect(doc.changes[0].droppedFlags == ["extern_learn"])
        #expect(doc.changes[0].before?.flags == ["extern_learn"])
        #expect(doc.changes[1].droppedFlags == nil)
        #expect(doc.changes[0].fields.contains(FieldChange(field: "protocol", before: "11", after: "245")))
    }

    @Test("control characters in names are escaped in show text, plan text, logs and JSON")
    func controlCharactersAreEscapedEverywhere() {
        let name = "a\u{1B}[31m\u{7F}\u{9B}"
        let row = RowFixtures.row("192.0.2.10", dev: 9)
        #expect(RowText.line(row, interfaceName: name)
                == "192.0.2.10 dev a\\x1b[31m\\x7f\\x9b lladdr 02:00:00:00:00:10 PERMANENT")
        let c = Change(action: .create, interfaceName: name, before: nil, after: row)
        #expect(PlanRenderer(color: false).line(c) == "  + 192.0.2.10 dev a\\x1b[31m\\x7f\\x9b lladdr 02:00:00:00:00:10 permanent  # absent")
        #expect(RunLogger.logfmtValue(name) == "\"a\\x1b[31m\\x7f\\x9b\"")
        #expect(RunLogger.logfmtValue("a\nb") == "\"a\\nb\"")
        #expect(JSONText.quoted(name) == "\"a\\u001b[31m\\u007f\\u009b\"")
        #expect(JSONText.escapingControls("{\n  \"n\": \"x\u{7F}\u{85}\"\n}") == "{\n  \"n\": \"x\\u007f\\u0085\"\n}")
        #expect(DisplayText.sanitized("line1\n\tbad \u{1B}[2J") == "line1\n\tbad \\x1b[2J")
        #expect(DisplayText.escaped("veth0") == "veth0")
        for s in [RowText.line(row, interfaceName: name), PlanRenderer(color: false).line(c),
                  RunLogger.logfmtValue(name), JSONText.quoted(name)] {
            #expect(!s.unicodeScalars.contains { $0.value < 0x20 || ($0.value >= 0x7f && $0.value <= 0x9f) })
        }
    }
}

extension ShowOutputTests {
    @Test("a bootstrap for another owner protocol says so in the file, so the loader uses it")
    func ownerProtocolIsWritten() throws {
        let text = DesiredStateWriter.yaml(rows: [RowFixtures.row("192.0.2.10", proto: 200)], links: RowFixtures.links,
                                           ownerProtocol: 200)
        #expect(text.hasPrefix("version: 1\nowner: { protocol: 200 }\nneighbors:\n"))
        #expect(try DesiredStateLoader.load(text: text, fileName: "b.yaml").get().ownerProtocol == 200)
        #expect(!DesiredStateWriter.yaml(rows: [], links: []).contains("owner"))
    }
}
