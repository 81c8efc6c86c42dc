import Foundation
import CoreTestSupport
import Testing
import IpNet
@testable import NeighSync
import IpNetCore
@testable import NeighSyncCore

/// The oscillation brake of watch mode, without a kernel: two writers with one owner protocol and different desired
/// states over one in-memory table stop fighting; re-creating an entry the kernel dropped (a flapping link) is never
/// held; a hold runs out; a reload clears it.
@Suite struct OscillationGuardTests {
    static let links = [Link(name: "veth0", index: 3, arphrdType: 1, hardwareAddressLength: 6)]

    static func state(_ address: String) throws -> DesiredState {
        try DesiredStateLoader.load(text: """
            version: 1
            defaults: { interface: veth0 }
            neighbors:
              - address: \(address)
                physicalAddress: "02:00:00:00:00:01"
            """, fileName: "\(address).yaml").get()
    }

    static func writes(_ r: ApplyRound) -> Int {
        r.report?.outcomes.filter { if case .applied = $0.result { return true } else { return false } }.count ?? 0
    }

    @Test func twoWritersWithDifferentFilesStopFighting() throws {
        let table = MemoryNeighborTable(links: Self.links)
        let a = try Self.state("192.0.2.10"), b = try Self.state("192.0.2.11")
        var guardA = OscillationGuard(), guardB = OscillationGuard()
        let clock = ContinuousClock()
        var now = clock.now
        var held: [String] = []
        var lastWrites: [Int] = []
        for _ in 0..<20 {
            now += .milliseconds(200)
            let ra = ApplyRound.run(a, table: table, force: false, holding: guardA.held(at: now))
            held += guardA.record(try #require(ra.report), at: now).map { "A \($0.key.address)" }
            let rb = ApplyRound.run(b, table: table, force: false, holding: guardB.held(at: now))
            held += guardB.record(try #require(rb.report), at: now).map { "B \($0.key.address)" }
            lastWrites.append(Self.writes(ra) + Self.writes(rb))
        }
        // Each deletes the other's entry; after more than 5 deletes within 60 s each holds the key it deletes.
        #expect(held.sorted() == ["A 192.0.2.11", "B 192.0.2.10"])
        #expect(lastWrites.suffix(10).allSatisfy { $0 == 0 }, "\(lastWrites)")
        #expect(Set(table.entries.keys.map(\.address.description)) == ["192.0.2.10", "192.0.2.11"])
        // The hold runs out after 10 minutes: the key is written again (and counted afresh).
        #expect(guardA.held(at: now + .seconds(590)).count == 1)
        #expect(guardA.held(at: now + .seconds(600)).isEmpty)
        // A reload clears it at once.
        guardB.reset()
        #expect(guardB.held(at: now).isEmpty)
    }

    @Test func reCreatingAnEntryTheKernelDroppedIsNeverHeld() throws {
        let table = MemoryNeighborTable(links: Self.links)
        let a = try Self.state("192.0.2.10")
        var g = OscillationGuard()
        var now = ContinuousClock().now
        for _ in 0..<50 {
            now += .milliseconds(500)
            table.entries = [:]   // the link flapped: the kernel flushed even the permanent entry
            let r = ApplyRound.run(a, table: table, force: false, holding: g.held(at: now))
            #expect(Self.writes(r) == 1)
            #expect(g.record(try #require(r.report), at: now).isEmpty)
        }
    }

    @Test func setsSpreadOverMoreThanTheWindowAreNotHeld() throws {
        let table = MemoryNeighborTable(links: Self.links)
        let a = try Self.state("192.0.2.10")
        var g = OscillationGuard()
        var now = ContinuousClock().now
        _ = ApplyRound.run(a, table: table, force: false)
        for _ in 0..<20 {
            now += .seconds(13)   // at most 5 within any 60 s
            let key = try #require(table.entries.keys.first)
            table.entries[key]?.physicalAddress = PhysicalAddress("02:00:00:00:00:99")!
            let r = ApplyRound.run(a, table: table, force: false, holding: g.held(at: now))
            #expect(Self.writes(r) == 1)
            #expect(g.record(try #require(r.report), at: now).isEmpty)
        }
    }
}

extension OscillationGuardTests {
    static func parameterState(_ retrans: String) throws -> DesiredState {
        try DesiredStateLoader.load(text: """
            version: 1
            neighbors: []
            parameters: { interfaces: { veth0: { ipv4: { retransTime: \(retrans), ucastSolicit: 3 } } } }
            """, fileName: "p\(retrans).yaml").get()
    }

    /// Issue 14, red-team finding 4: two watchers with different values for one parameter stop rewriting it, each
    /// naming the parameter once, and keep the keys they agree on; a reload clears the hold.
    @Test func twoWritersWithDifferentParameterValuesStopFighting() throws {
        let table = MemoryNeighborTable(links: Self.links)
        table.parameterSets = [NeighborParameterSet(family: .ipv4, interfaceIndex: 3,
                                                    values: [.retransTime: 1000, .ucastSolicit: 3])]
        let a = try Self.parameterState("2s"), b = try Self.parameterState("3s")
        var guardA = OscillationGuard(), guardB = OscillationGuard()
        var now = ContinuousClock().now
        var held: [String] = []
        var writes: [Int] = []
        for _ in 0..<20 {
            now += .seconds(1)
            let before = table.parameterLog.count
            let ra = ApplyRound.run(a, table: table, force: false, holding: guardA.held(at: now),
                                    holdingParameters: guardA.heldParameters(at: now))
            held += guardA.recordParameters(try #require(ra.report), at: now).map { "A \($0.desired.path)" }
            let rb = ApplyRound.run(b, table: table, force: false, holding: guardB.held(at: now),
                                    holdingParameters: guardB.heldParameters(at: now))
            held += guardB.recordParameters(try #require(rb.report), at: now).map { "B \($0.desired.path)" }
            writes.append(table.parameterLog.count - before)
        }
        #expect(held == ["A parameters.interfaces.veth0.ipv4.retransTime",
                         "B parameters.interfaces.veth0.ipv4.retransTime"])
        #expect(writes.prefix(6).allSatisfy { $0 == 2 } && writes.suffix(12).allSatisfy { $0 == 0 }, "\(writes)")
        // The key they agree on was never written (it was already 3), and the hold runs out after 10 minutes.
        #expect(table.parameterLog.allSatisfy { $0.values[.ucastSolicit] == nil })
        #expect(guardA.heldParameters(at: now + .seconds(600)).isEmpty)
        guardB.reset()
        #expect(guardB.heldParameters(at: now).isEmpty)
    }
}
