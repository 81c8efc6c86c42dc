import Foundation
import CoreTestSupport
import Testing
import IpNet
@testable import NeighSync
import IpNetCore
@testable import NeighSyncCore

/// Log lines (text and JSON), quiet runs, the `--report` file and one apply pass against the in-memory table.
@Suite struct RunLoggerTests {
    static let links = [Link(name: "veth0", index: 3, arphrdType: 1, hardwareAddressLength: 6)]
    static let fixed = Date(timeIntervalSince1970: 1_795_000_000)   // 2026-11-18T11:06:40Z

    final class Lines: @unchecked Sendable {
        var all: [String] = []
    }

    func state(_ yaml: String) throws -> DesiredState {
        try DesiredStateLoader.load(text: yaml, fileName: "test.yaml").get()
    }

    func round(_ yaml: String, table: MemoryNeighborTable) throws -> ApplyRound {
        ApplyRound.run(try state(yaml), table: table, force: false)
    }

    static let twoEntries = """
        version: 1
        defaults: { interface: veth0 }
        neighbors:
          - address: 192.0.2.10
            physicalAddress: "02:00:00:00:00:10"
          - address: 192.0.2.11
            physicalAddress: "02:00:00:00:00:11"
        """

    @Test func oneLinePerChangeThenQuiet() throws {
        let table = MemoryNeighborTable(links: Self.links)
        let lines = Lines()
        let logger = RunLogger(format: .text, sink: { lines.all.append($0) }, now: { Self.fixed })
        let first = try round(Self.twoEntries, table: table)
        #expect(first.succeeded)
        logger.log(try #require(first.report))
        #expect(lines.all == [
            "ts=2026-11-18T11:06:40Z level=info event=create address=192.0.2.10 interface=veth0 lladdr=02:00:00:00:00:10\n",
            "ts=2026-11-18T11:06:40Z level=info event=create address=192.0.2.11 interface=veth0 lladdr=02:00:00:00:00:11\n",
        ])
        lines.all = []
        let second = try round(Self.twoEntries, table: table)
        logger.log(try #require(second.report), trigger: "resync")
        #expect(lines.all.isEmpty, "a converged run must log nothing")
    }

    @Test func failuresAndSetsCarryStatusAndReason() throws {
        var row = IpNetRow2(address: IpAddress("192.0.2.10")!, interfaceIndex: 3,
                            physicalAddress: PhysicalAddress("02:00:00:00:00:99")!, state: .permanent, protocol: 245)
        row.interfaceLuid = Self.links[0].luid
        let table = MemoryNeighborTable(links: Self.links, rows: [row])
        table.failures[IpAddress("192.0.2.11")!] = .accessDenied("needs CAP_NET_ADMIN")
        let lines = Lines()
        let logger = RunLogger(format: .json, sink: { lines.all.append($0) }, now: { Self.fixed })
        let r = try round(Self.twoEntries, table: table)
        logger.log(try #require(r.report), trigger: "event")
        #expect(lines.all.count == 2)
        let objects = try lines.all.map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String])
        }
        #expect(objects[0]["event"] == "set")
        #expect(objects[0]["reason"] == "lladdr 02:00:00:00:00:99 → 02:00:00:00:00:10")
        #expect(objects[0]["trigger"] == "event")
        #expect(objects[1]["level"] == "error")
        #expect(objects[1]["event"] == "failure")
        #expect(objects[1]["action"] == "create")
        #expect(objects[1]["status"] == "ERROR_ACCESS_DENIED")
        #expect(objects[1]["address"] == "192.0.2.11")
        // Key order is fixed: ts, level, event first.
        #expect(lines.all[0].hasPrefix("{\"ts\":\"2026-11-18T11:06:40Z\",\"level\":\"info\",\"event\":\"set\""))
    }

    @Test func logfmtQuotesOnlyWhenNeeded() {
        #expect(RunLogger.logfmtValue("veth0") == "veth0")
        #expect(RunLogger.logfmtValue("a b") == "\"a b\"")
        #expect(RunLogger.logfmtValue("say \"hi\"") == "\"say \\\"hi\\\"\"")
        #expect(RunLogger.logfmtValue("") == "\"\"")
        #expect(RunLogger.logfmtValue("k=v") == "\"k=v\"")
        #expect(JSONText.quoted("a\"b\\c\nd\u{1}") == "\"a\\\"b\\\\c\\nd\\u0001\"")
    }

    @Test func aMissingInterfaceIsPendingNotAnError() throws {
        let table = MemoryNeighborTable(links: Self.links)
        let r = try round("""
            version: 1
            neighbors:
              - address: 192.0.2.10
                interface: veth9
                physicalAddress: "02:00:00:00:00:10"
              - address: 192.0.2.11
                interface: veth0
                physicalAddress: "02:00:00:00:00:11"
            """, table: table)
        #expect(r.error == nil)
        #expect(r.report?.pending.map(\.reason) == ["waiting for interface veth9"])
        #expect(r.report?.count(.create) == 1)
        #expect(r.scope?.interfaceNames == ["veth9", "veth0"])
        #expect(table.log == [.create(IpNetRow2(address: IpAddress("192.0.2.11")!, interfaceIndex: 3,
                                                interfaceLuid: NetLuid(ifIndex: 3, arphrdType: 1),
                                                physicalAddress: PhysicalAddress("02:00:00:00:00:11")!,
                                                protocol: 245))])
        let doc = r.document(trigger: "initial")
        #expect(!doc.ok && doc.pending.map(\.interface) == ["veth9"] && doc.summary.pending == 1)
    }

    @Test func unresolvableStateIsAnErrorWithScope() throws {
        let table = MemoryNeighborTable(links: Self.links)
        let r = try round("""
            version: 1
            neighbors:
              - address: 192.0.2.10
                interface: veth9
                interfaceIndex: 3
                physicalAddress: "02:00:00:00:00:10"
            """, table: table)
        #expect(r.report == nil)
        #expect(r.error?.contains("no interface named 'veth9' in this namespace, but the entry's interfaceIndex "
                                  + "selects veth0 (index 3)") == true)
        #expect(r.scope?.interfaceNames == ["veth9"])
        #expect(table.log.isEmpty)
        let doc = r.document(trigger: "reload")
        #expect(!doc.ok)
        #expect(doc.trigger == "reload")
        #expect(doc.error == r.error)
    }

    @Test func reportFileIsWrittenAtomically() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("neighsync-report-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("last-run.json").path
        let table = MemoryNeighborTable(links: Self.links)
        let r = try round(Self.twoEntries, table: table)
        try ReportFile.write(r.document(trigger: "initial"), to: path, now: Self.fixed)
        let data = try #require(FileManager.default.contents(atPath: path))
        let obj = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(obj["ok"] as? Bool == true)
        #expect(obj["trigger"] as? String == "initial")
        #expect(obj["finishedAt"] as? String == "2026-11-18T11:06:40Z")
        #expect((obj["summary"] as? [String: Any])?["created"] as? Int == 2)
        #expect((obj["changes"] as? [Any])?.count == 2)
        #expect(obj["durationSeconds"] is Double)
        #expect(obj["error"] == nil)
        // Nothing but the report is left in the directory.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["last-run.json"])
        #expect(throws: ReportFile.Failure.self) {
            try ReportFile.write(r.document(trigger: nil), to: "/nonexistent-dir-neighsync/x.json")
        }
    }

    /// The report's temporary file is a fresh `mkstemp` name: a symlink planted at the name the report used to use
    /// (`.FILE.PID.tmp`, predictable) is never written through, and a symlink at FILE itself is replaced.
    @Test func reportFileNeverWritesThroughAPlantedSymlink() throws {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("neighsync-report-\(UUID().uuidString)").path
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? fm.removeItem(atPath: dir) }
        let target = dir + "/target", other = dir + "/other"
        try "precious\n".write(toFile: target, atomically: false, encoding: .utf8)
        try "other\n".write(toFile: other, atomically: false, encoding: .utf8)
        try fm.createSymbolicLink(atPath: dir + "/.last-run.json.\(getpid()).tmp", withDestinationPath: target)
        try fm.createSymbolicLink(atPath: dir + "/last-run.json", withDestinationPath: other)
        let r = try round(Self.twoEntries, table: MemoryNeighborTable(links: Self.links))
        try ReportFile.write(r.document(trigger: "initial"), to: dir + "/last-run.json", now: Self.fixed)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "precious\n")
        #expect(try String(contentsOfFile: other, encoding: .utf8) == "other\n")
        let attrs = try fm.attributesOfItem(atPath: dir + "/last-run.json")
        #expect(attrs[.type] as? FileAttributeType == .typeRegular)
        #expect((attrs[.posixPermissions] as? NSNumber)?.intValue == 0o644)
        #expect(try String(contentsOfFile: dir + "/last-run.json", encoding: .utf8).contains("\"trigger\" : \"initial\""))
    }
}
