import Foundation
import IpNet
import NetnsTesting
import Testing
@testable import NeighSync
import IpNetCore
@testable import NeighSyncCore

/// Library-level reconcile runs against a real namespace, where the CLI cannot reach in between plan and apply.
@Suite struct ReconcileKernelTests {
    func netns(pairs: Int) throws -> Netns? {
        switch KernelTests.decision() {
        case .run: return try Netns(pairs: pairs)
        case .skip(let reason): print("skipping kernel test: \(reason)"); return nil
        case .fail(let reason): Issue.record(Comment(rawValue: reason)); return nil
        }
    }

    @Test func aVanishedInterfaceFailsOnlyItsOwnEntries() throws {
        guard let ns = try netns(pairs: 2) else { return }
        let state = try DesiredStateLoader.load(text: """
            version: 1
            neighbors:
              - { address: 192.0.2.10, interface: veth0, physicalAddress: "02:00:00:00:00:10" }
              - { address: 192.0.2.20, interface: veth2, physicalAddress: "02:00:00:00:00:20" }
              - { address: 2001:db8::20, interface: veth2, physicalAddress: "02:00:00:00:00:21" }
              - { address: 198.51.100.10, interface: veth1, physicalAddress: "02:00:00:00:01:10" }
            """, fileName: "n.yaml").get()
        let table = try NeighborTable(namespace: ns.name)
        let links = try table.links()
        let desired = try state.resolve(links: links).get().entries
        let plan = Planner.plan(desired: desired, current: try table.table(family: .unspecified), links: links,
                                ownerProtocol: state.ownerProtocol, prune: state.prune)
        #expect(plan.count(.create) == 4)
        // The interface goes away between plan and apply.
        try ns.check(["link", "del", "veth2"])
        let report = try Applier.apply(plan, to: table, force: false)
        #expect(report.failures == 2)
        #expect(report.count(.create) == 2)
        for o in report.outcomes where o.failed {
            #expect(o.change.interfaceName == "veth2")
            if case .failed(let e) = o.result { #expect(e.windowsName == "ERROR_NOT_FOUND", "\(e)") }
        }
        let dsts = Set(ns.neighbors().compactMap { $0["dst"] as? String })
        #expect(dsts.isSuperset(of: ["192.0.2.10", "198.51.100.10"]))
    }

    @Test func leftoverIncompleteEntryIsReplaced() throws {
        guard let ns = try netns(pairs: 1) else { return }
        // An INCOMPLETE leftover at a desired key: plan says create, the kernel says EEXIST, apply replaces it.
        try ns.check(["neigh", "add", "192.0.2.10", "dev", "veth0", "nud", "incomplete"])
        let table = try NeighborTable(namespace: ns.name)
        let links = try table.links()
        let state = try DesiredStateLoader.load(text: """
            version: 1
            neighbors:
              - { address: 192.0.2.10, interface: veth0, physicalAddress: "02:00:00:00:00:10" }
            """, fileName: "n.yaml").get()
        let desired = try state.resolve(links: links).get().entries
        let current = try table.table(family: .unspecified)
        let plan = Planner.plan(desired: desired, current: current, links: links, ownerProtocol: 245, prune: .owned)
        #expect(plan.changes.map(\.action) == [.create])
        let report = try Applier.apply(plan, to: table, force: false)
        #expect(report.succeeded, "\(report.outcomes)")
        let row = try table.get(desired[0].row)
        #expect(row.state == .permanent && row.protocol == 245)
        #expect(row.physicalAddress == PhysicalAddress("02:00:00:00:00:10"))
    }
}
