import Foundation
import CoreTestSupport
import Testing
import IpNetCore
@testable import NeighSync
@testable import NeighSyncCore

/// One error type per layer: the state-file readers throw `RecordError` with the file, the field and the remedy as
/// parts (the line unchanged), and a watch pass that writes nothing says at which step, with the kernel's error or
/// the refusal typed (`ApplyRound.Failure`), its line unchanged.
@Suite struct TypedErrorTests {
    static func dir() throws -> String {
        let d = NSTemporaryDirectory() + "neighsync-typed-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    @Test func snapshotErrorsNameTheFileTheFieldAndTheRemedy() throws {
        let d = try Self.dir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let path = d + "/s.json"
        try Data(#"{"kind": "neighsync-snapshot", "formatVersion": 2, "links": [], "neighbors": []}"#.utf8)
            .write(to: URL(fileURLWithPath: path))
        do {
            _ = try SnapshotReader.load(path: path, linksPath: nil)
            Issue.record("formatVersion 2 was read")
        } catch let e as RecordError {
            #expect(e.description == "\(path): unsupported snapshot formatVersion 2")
            #expect(e.file == path && e.field == nil && e.problem == "unsupported snapshot formatVersion 2")
        }
        // A directory: the file is the subject of the sentence, and the remedy is its own part.
        do {
            _ = try SnapshotReader.load(path: d, linksPath: nil)
            Issue.record("a directory was read")
        } catch let e as RecordError {
            #expect(e.file == d && e.fileIsSubject && e.remedy == "save the data to a file first and give that file")
            #expect(e.description == "\(d) is a directory, not a regular file; save the data to a file first and "
                        + "give that file")
        }
        // `ip -j neigh show` output without the links.
        try Data("[]".utf8).write(to: URL(fileURLWithPath: path))
        do {
            _ = try SnapshotReader.load(path: path, linksPath: nil)
            Issue.record("ip -j output without links was read")
        } catch let e as RecordError {
            #expect(e.description == "\(path) is 'ip -j neigh show' output; also give the links with --links FILE "
                        + "(the output of 'ip -j link show')")
            #expect(e.file == path && e.remedy == "also give the links with --links FILE (the output of 'ip -j link "
                        + "show')")
        }
    }

    @Test func planFileFieldErrorsNameTheField() throws {
        do {
            _ = try PlanFileReader.read(Array(#"{"kind": "neighsync-plan", "formatVersion": "x"}"#.utf8), file: "p.json")
            Issue.record("a plan file with a string formatVersion was read")
        } catch let e as RecordError {
            #expect(e.file == "p.json")
            #expect(e.field != nil)
            #expect(e.description == "p.json: \(e.field!): \(e.problem)")
        }
    }

    @Test func aWatchPassThatWritesNothingSaysTheStepTyped() throws {
        let links = [Link(name: "veth0", index: 3, arphrdType: 1, hardwareAddressLength: 6)]
        let state = try DesiredStateLoader.load(text: """
            version: 1
            neighbors:
              - { address: 192.0.2.10, interface: veth0, physicalAddress: "02:00:00:00:00:10" }
            """, fileName: "n.yaml").get()
        let t = MemoryNeighborTable(links: links)
        t.readFailure.links = .accessDenied("no")
        var round = ApplyRound.run(state, table: t, force: false)
        #expect(round.failure?.stage == .links && round.failure?.kernelError == .accessDenied("no"))
        #expect(round.error == "cannot read the interfaces: \(IpNetError.accessDenied("no"))")

        t.readFailure = (nil, .accessDenied("no"))
        round = ApplyRound.run(state, table: t, force: false)
        #expect(round.failure?.stage == .table && round.failure?.kernelError == .accessDenied("no"))
        #expect(round.entriesUnchanged(in: t))

        // More deletes than maxDeletes: refused before any write, the refusal typed.
        t.readFailure = (nil, nil)
        let owned = (1...60).map { RowFixtures.row("198.51.100.\($0)", proto: 245) }
        for r in owned { t.entries[r.key] = r }
        round = ApplyRound.run(state, table: t, force: false)
        #expect(round.failure?.stage == .apply)
        guard case .tooManyDeletes(count: 60, limit: 50)? = round.failure?.refusal else {
            Issue.record("not the refusal of 60 deletes over the limit of 50: \(String(describing: round.failure))")
            return
        }
        #expect(round.error == Applier.Refusal.tooManyDeletes(count: 60, limit: 50).description)
        #expect(t.log.isEmpty && t.entries.count == 60)
    }
}

private extension ApplyRound {
    /// Nothing was written: no report.
    func entriesUnchanged(in t: MemoryNeighborTable) -> Bool { report == nil && t.log.isEmpty }
}
