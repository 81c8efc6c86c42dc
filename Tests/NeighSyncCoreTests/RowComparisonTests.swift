import CoreTestSupport
import Testing
import IpNetCore
@testable import NeighSyncCore

/// One notion of "equal": the planner, the applier (a create that meets EEXIST), watch scope and the saved-plan
/// fingerprint all judge a kernel row against a desired one by `CanonicalRow`, and the display of a set is made from
/// the comparison's result. Each case is a kernel row at a desired key; every consumer must agree on it.
@Suite struct RowComparisonTests {
    typealias P = PlannerTests
    static let mac10 = PhysicalAddress("02:00:00:00:00:10")!

    /// The desired rows as the planner writes them (owner protocol, written flags).
    static func written(_ r: IpNetRow2) -> IpNetRow2 {
        var w = r
        w.protocol = 245
        w.flags = DesiredRules.writtenFlags(for: w.state)
        return w
    }

    /// (name, desired row, kernel row, the fields that differ).
    static let cases: [(String, IpNetRow2, IpNetRow2, RowFields)] = {
        let want = P.row("192.0.2.10")
        let want6 = P.row("2001:db8::10")
        var noarp = P.row("192.0.2.20", state: .noarp)
        noarp.flags = .externallyLearned
        var noarpNoMac = P.row("ff02::fb", state: .noarp)
        noarpNoMac.physicalAddress = .empty
        func have(_ r: IpNetRow2, _ change: (inout IpNetRow2) -> Void) -> IpNetRow2 {
            var h = written(r)
            change(&h)
            return h
        }
        return [
            ("equal", want, have(want) { _ in }, []),
            ("equal with a reachability time", want, have(want) { $0.reachabilityTime = 1234 }, []),
            ("other MAC", want, have(want) { $0.physicalAddress = PhysicalAddress("02:00:00:00:00:99")! },
             .physicalAddress),
            ("stale", want, have(want) { $0.state = .stale }, .state),
            ("incomplete leftover", want, have(want) { $0.state = .incomplete; $0.physicalAddress = .empty },
             [.state, .physicalAddress]),
            ("router", want6, have(want6) { $0.isRouter = true }, .isRouter),
            ("untagged", want, have(want) { $0.protocol = 0 }, .protocol),
            ("zebra's", want, have(want) { $0.protocol = 11 }, .protocol),
            ("extra flag kept", want, have(want) { $0.flags = .externallyLearned }, []),
            ("noarp without extern_learn", noarp, have(noarp) { $0.flags = [] }, .flags),
            ("noarp with more flags", noarp, have(noarp) { $0.flags = [.externallyLearned, .managed] }, []),
            ("noarp, MAC chosen by the kernel", noarpNoMac,
             have(noarpNoMac) { $0.physicalAddress = PhysicalAddress("33:33:00:00:00:fb")! }, []),
            ("everything", want6, have(want6) {
                $0.physicalAddress = .empty; $0.state = .reachable; $0.isRouter = true; $0.protocol = 0
                $0.flags = .externallyLearned
            }, [.physicalAddress, .state, .isRouter, .protocol]),
        ]
    }()

    @Test(arguments: cases.indices)
    func everyConsumerAgrees(_ i: Int) throws {
        let (name, desired, have, expected) = Self.cases[i]
        let want = Self.written(desired)
        let found = CanonicalRow(have).differences(from: CanonicalRow(want))
        #expect(found == expected, "\(name)")

        // The planner: unchanged exactly when nothing differs; a set (or a create over a leftover) otherwise, its
        // displayed fields exactly the differing ones, in the comparison's order.
        let plan = Planner.plan(desired: [DesiredRow(row: desired)], current: [have], links: P.links,
                                ownerProtocol: 245, prune: .owned)
        #expect(plan.isEmpty == expected.isEmpty, "\(name)")
        if let c = plan.changes.first, c.action == .set {
            #expect(c.changedFields == expected, "\(name)")
            #expect(c.fields.map(\.field) == expected.names, "\(name)")
        }

        // Watch scope: the kernel's row at a desired key is news exactly when it differs.
        let scope = WatchScope(desired: [want], interfaceNames: [], ownerProtocol: 245, prunes: true)
        #expect(scope.touches(.neighborChanged(have)) == !expected.isEmpty, "\(name)")

        // The applier: a create that meets EEXIST is converged exactly when the entry found is equal.
        let table = MemoryNeighborTable(links: P.links)
        table.beforeEach = { op, t in
            if case .create(let r) = op, t.entries[r.key] == nil { t.entries[r.key] = have }
        }
        let empty = Planner.plan(desired: [DesiredRow(row: desired)], current: [], links: P.links,
                                 ownerProtocol: 245, prune: .owned)
        let report = try Applier.apply(empty, to: table, force: false)
        #expect(report.results == [expected.isEmpty ? .converged("already exists with the desired values")
                                                      : .applied(.set)], "\(name)")

        // The fingerprint: any difference of the canonical rows (an extra flag too) changes it; the reachability
        // time does not.
        let keys: Set<NeighborKey> = [want.key]
        let same = CanonicalRow(have) == CanonicalRow(want)
        #expect((TableFingerprint.of(current: [have], desiredKeys: keys, ownerProtocol: 245)
                    == TableFingerprint.of(current: [want], desiredKeys: keys, ownerProtocol: 245)) == same,
                "\(name)")
    }

    /// Every field of the list is compared and written into the fingerprint line: changing one field alone is
    /// reported as exactly that field.
    @Test func everyFieldIsCompared() {
        var want = Self.written(P.row("2001:db8::10"))
        want.flags = .externallyLearned
        var seen: RowFields = []
        for (field, _) in RowFields.named {
            var have = want
            switch field {
            case .physicalAddress: have.physicalAddress = PhysicalAddress("02:00:00:00:00:99")!
            case .state: have.state = .stale
            case .isRouter: have.isRouter = true
            case .protocol: have.protocol = 11
            default: have.flags = []
            }
            #expect(CanonicalRow.differences(have, want) == field)
            #expect(CanonicalRow(have).line != CanonicalRow(want).line)
            seen.formUnion(field)
        }
        #expect(seen.rawValue == (1 << RowFields.named.count) - 1)
    }
}
