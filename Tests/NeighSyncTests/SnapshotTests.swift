import Foundation
import IpNet
import CoreTestSupport
import Testing
@testable import NeighSync
import IpNetCore
@testable import NeighSyncCore

/// Snapshots and iproute2 JSON: what `plan --state` reads.
@Suite struct SnapshotTests {
    static func fixture(_ name: String) -> String {
        Bundle.module.path(forResource: "Fixtures/iproute/\(name)", ofType: nil)!
    }

    @Test func readsIprouteJSON() throws {
        let (links, rows) = try Snapshot.load(path: Self.fixture("neigh.json"), linksPath: Self.fixture("links.json"))
        #expect(links.map(\.name) == ["lo", "veth1", "veth0"])
        #expect(links[2] == Link(name: "veth0", index: 3, arphrdType: 1, hardwareAddressLength: 6))
        #expect(links[0].luid.ifType == 24)
        #expect(rows.count == 4)
        #expect(rows[0] == IpNetRow2(address: IpAddress("192.0.2.10")!, interfaceIndex: 3,
                                     interfaceLuid: NetLuid(ifIndex: 3, arphrdType: 1),
                                     physicalAddress: PhysicalAddress("02:00:00:00:00:10")!, state: .permanent,
                                     protocol: 245))
        #expect(rows[1].state == .stale && rows[1].protocol == 0)
        #expect(rows[2].state == .noarp && rows[2].physicalAddress.count == 0)
        #expect(rows[3].isRouter && rows[3].protocol == 4 && rows[3].interfaceIndex == 2)
    }

    @Test func iprouteNeighWithoutLinksSaysWhatToDo() {
        #expect { try Snapshot.load(path: Self.fixture("neigh.json"), linksPath: nil) } throws: { e in
            "\(e)".contains("--links FILE")
        }
    }

    @Test func snapshotRoundTrips() throws {
        let (links, rows) = try Snapshot.load(path: Self.fixture("neigh.json"), linksPath: Self.fixture("links.json"))
        let data = try JSONEncoder().encode(Snapshot(links: links, rows: rows))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("snap-\(UUID()).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        FileManager.default.createFile(atPath: path, contents: data)
        let (l2, r2) = try Snapshot.load(path: path, linksPath: nil)
        #expect(l2 == links && r2 == rows)
    }

    @Test func planFileRoundTripsDesiredRows() throws {
        let desired = [DesiredRow(row: RowFixtures.row("192.0.2.10", proto: 245),
                                  source: SourceMark(file: "a:b.yaml", line: 4, column: 5))]
        let plan = Planner.plan(desired: desired, current: [], links: RowFixtures.links, ownerProtocol: 245,
                                prune: .owned)
        // Also a plan for the process's own namespace: written as "namespace": null (the reader requires the key).
        for ns in ["ns1", nil] {
            let f = PlanFile(namespace: ns, desired: desired, links: RowFixtures.links, current: [], plan: plan)
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("plan-\(UUID()).json").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            try f.write(to: path)
            let back = try PlanFile.load(path: path)
            #expect(back == f)
            #expect(try back.desiredRows() == desired)
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(text.contains(ns == nil ? "\"namespace\" : null" : "\"namespace\" : \"ns1\""))
        }
    }

    @Test func showYamlIsADesiredStateFile() {
        let rows = [RowFixtures.row("2001:db8::1", router: true, proto: 245), RowFixtures.row("192.0.2.10"),
                    RowFixtures.row("198.51.100.8", "", dev: 4, state: .noarp)]
        #expect(DesiredStateWriter.yaml(rows: rows, links: RowFixtures.links, header: ["from test"]) == """
            # from test
            version: 1
            neighbors:
              - address: "192.0.2.10"
                interface: veth0
                physicalAddress: "02:00:00:00:00:10"
              - address: "2001:db8::1"
                interface: veth0
                physicalAddress: "02:00:00:00:00:10"
                isRouter: true
              - address: "198.51.100.8"
                interface: veth1
                state: noarp

            """)
    }
}

/// The hand-written snapshot JSON must read back exactly, and must be the same document the Codable shape gives.
@Suite struct SnapshotWriterTests {
    @Test func writtenSnapshotReadsBack() throws {
        let (links, rows0) = try Snapshot.load(path: SnapshotTests.fixture("neigh.json"),
                                               linksPath: SnapshotTests.fixture("links.json"))
        var rows = rows0
        rows[1].reachabilityTime = 1234
        rows[2].isUnreachable = true
        var odd = links
        odd[0].name = "we\"ird\\na\u{1}me"
        let text = SnapshotWriter.json(links: odd, rows: rows)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("snapw-\(UUID()).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        let (l2, r2) = try Snapshot.load(path: path, linksPath: nil)
        #expect(l2 == odd)
        #expect(r2 == rows)
        let viaCodable = try JSONDecoder().decode(Snapshot.self, from: Data(text.utf8))
        #expect(viaCodable == Snapshot(links: odd, rows: rows))
        #expect(SnapshotWriter.json(links: [], rows: []) == """
            {
              "formatVersion" : 1,
              "kind" : "neighsync-snapshot",
              "links" : [],
              "neighbors" : []
            }

            """)
    }
}
