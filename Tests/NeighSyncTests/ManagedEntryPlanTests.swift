import Testing
@testable import NeighSync
import IpNetCore
import CoreTestSupport
@testable import NeighSyncCore

/// Managed entries (`state: managed`, NTF_EXT_MANAGED) without a kernel: the loader and the one row validator
/// (hostile inputs positioned at the value at fault), the one row comparison (converged whatever the kernel
/// resolved; managed ↔ permanent is a set with a readable reason), the saved-plan fingerprint (not stale when the
/// resolution changes), pruning of owned managed entries, and the YAML bootstrap.
@Suite struct ManagedEntryPlanTests {
    typealias P = RowFixtures
    static let mac = PhysicalAddress("02:00:00:00:00:10")!

    static func load(_ text: String) -> Result<DesiredState, DiagnosticList> {
        DesiredStateLoader.load(text: "version: 1\n" + text, fileName: "m.yaml")
    }

    static func error(_ text: String) throws -> String {
        guard case .failure(let e) = load(text) else {
            Issue.record("must fail")
            return ""
        }
        return e.description
    }

    /// The desired managed row as the planner writes it (`managed extern_learn`).
    static func wanted(_ a: String, dev: UInt32 = 3) -> IpNetRow2 {
        IpNetRow2(address: IpAddress(a)!, interfaceIndex: dev, state: DesiredRules.managedState, protocol: 245,
                  flags: [.managed, .externallyLearned])
    }

    /// A kernel entry at the same key: managed as neighsync writes it (`managed extern_learn`), in `state`, with
    /// `mac`.
    static func kernel(_ a: String, state: NeighborState, mac: PhysicalAddress = .empty, router: Bool = false,
                       proto: UInt8 = 245, flags: NeighborFlags = [.managed, .externallyLearned]) -> IpNetRow2 {
        IpNetRow2(address: IpAddress(a)!, interfaceIndex: 3, physicalAddress: mac, state: state, isRouter: router,
                  isUnreachable: state == .unreachable, reachabilityTime: 1200, protocol: proto, flags: flags)
    }

    @Test func stateManagedLoadsWithoutMacInEntriesAndDefaults() throws {
        let s = try Self.load("""
            defaults: { interface: veth0, state: managed }
            neighbors:
              - address: 192.0.2.20
              - address: 2001:db8::20
                state: managed
              - address: 192.0.2.21
                physicalAddress: "02:00:00:00:00:21"
                state: permanent
            """).get()
        #expect(s.neighbors.map(\.state) == [.none, .none, .permanent])
        #expect(s.neighbors[0].physicalAddress.count == 0)
        let rows = try s.resolve(links: P.links).get().entries.map(\.row)
        #expect(rows[0].flags == [.managed, .externallyLearned] && rows[0].state == .none && rows[0].physicalAddress.count == 0)
        #expect(rows[2].flags == [])
    }

    @Test func managedWithMacIsAnErrorAtTheMac() throws {
        #expect(try Self.error("""
            neighbors:
              - address: 192.0.2.20
                interface: veth0
                state: managed
                physicalAddress: "02:00:00:00:00:20"
            """) == "m.yaml:6:22: error: 192.0.2.20 is managed: the kernel resolves its link-layer address itself "
            + "and keeps it resolved, so a physicalAddress cannot be given; remove physicalAddress, or use state: "
            + "permanent to pin that MAC")
    }

    @Test func managedFromDefaultsWithMacInTheEntryNotesTheDefault() throws {
        guard case .failure(let list) = Self.load("""
            defaults: { interface: veth0, state: managed }
            neighbors:
              - address: 2001:db8::20
                physicalAddress: "02:00:00:00:00:20"
            """) else { Issue.record("must fail"); return }
        #expect(list.description.hasPrefix("m.yaml:5:22: error: 2001:db8::20 is managed: the kernel resolves"))
        let notes = list.diagnostics.first?.notes ?? []
        #expect(notes.map { "\($0.mark): \($0.message)" } == ["m.yaml:2:38: state: managed comes from defaults here"])
    }

    @Test func managedWithRouterFlagIsAnError() throws {
        let e = try Self.error("""
            neighbors:
              - address: 2001:db8::20
                interface: veth0
                state: managed
                isRouter: true
            """)
        #expect(e == "m.yaml:6:15: error: 2001:db8::20 is managed: neighbor discovery sets the router flag of a "
                + "managed entry from the neighbor's own advertisements, so isRouter cannot be pinned; drop isRouter")
    }

    @Test func unknownStateSuggestsManaged() throws {
        #expect(try Self.error("neighbors:\n  - { address: 192.0.2.1, interface: veth0, state: manged }\n")
                .contains("state must be permanent or noarp for a static entry, or managed, found 'manged'; did you "
                          + "mean 'managed'?"))
    }

    /// On a loopback or NOARP link the kernel would keep the entry NOARP with a made-up address: refused at the
    /// address (IPv4 on lo has its own, older refusal: the 0.0.0.0 key).
    @Test func managedOnLinksThatResolveNothingIsRefused() throws {
        let links = DesiredStateResolveTests.links
        for (dev, address) in [("lo", "2001:db8::20"), ("tun0", "2001:db8::21")] {
            let s = try Self.load("neighbors:\n  - { address: \(address), interface: \(dev), state: managed }\n").get()
            guard case .failure(let e) = s.resolve(links: links) else {
                Issue.record("\(dev) must be refused")
                continue
            }
            #expect(e.description == "m.yaml:3:16: error: \(dev) resolves no neighbors (loopback, point-to-point, "
                    + "arp off or no hardware addresses): the kernel would keep \(address) as a NOARP entry that is "
                    + "never resolved; put the managed entry on an ARP/NDP link")
        }
        let v4 = try Self.load("neighbors:\n  - { address: 192.0.2.20, interface: lo, state: managed }\n").get()
        guard case .failure(let e) = v4.resolve(links: links) else { Issue.record("lo IPv4"); return }
        #expect(e.description.contains("under 0.0.0.0"))
        // Link-local addresses are fine (the kernel resolves them like any other).
        let ll = try Self.load("""
            neighbors:
              - { address: "fe80::20", interface: veth0, state: managed }
              - { address: 169.254.0.20, interface: veth0, state: managed }
            """).get()
        #expect(try ll.resolve(links: links).get().entries.count == 2)
    }

    /// The row validator, as `entry create --managed` meets it.
    @Test func validatorRefusesManagedRowsItCannotWrite() {
        let links = Dictionary(uniqueKeysWithValues: DesiredStateResolveTests.links.map { ($0.index, $0) })
        func reason(_ change: (inout IpNetRow2) -> Void) -> InvalidParameterReason? {
            var r = Self.wanted("2001:db8::20")
            change(&r)
            do throws(IpNetError) {
                _ = try NeighborRowValidator.validate(r, for: .write, links: links)
                return nil
            } catch {
                if case .invalidParameter(let x) = error { return x }
                return .other("\(error)")
            }
        }
        let a = IpAddress("2001:db8::20")!
        #expect(reason { _ in } == nil)
        #expect(reason { $0.physicalAddress = Self.mac } == .managedWithPhysicalAddress(a))
        #expect(reason { $0.isRouter = true } == .managedWithRouterFlag(a))
        #expect(reason { $0.state = .permanent } == .managedWithStaticState(a, .permanent))
        #expect(reason { $0.interfaceIndex = 1 } == .managedOnNonResolvingLink(a, link: "lo"))
    }

    /// Converged whatever MAC and resolution state the kernel has, as long as the entry is managed and ours.
    @Test(arguments: [NeighborState.none, .incomplete, .reachable, .stale, .delay, .probe, .unreachable])
    func managedEntryIsConvergedInEveryResolutionState(_ state: NeighborState) throws {
        let want = Self.wanted("2001:db8::20")
        let mac = state == .incomplete || state == .none ? PhysicalAddress.empty : Self.mac
        let have = Self.kernel("2001:db8::20", state: state, mac: mac, router: state == .reachable)
        #expect(CanonicalRow.differences(have, want).isEmpty)
        let plan = Planner.plan(desired: [DesiredRow(row: want)], current: [have], links: P.links, ownerProtocol: 245,
                                prune: .owned)
        #expect(plan.isEmpty)
        #expect(plan.unchanged == 1)
        // Watch mode: a resolution event at a desired key is no news.
        let scope = WatchScope(desired: [want], interfaceNames: [], ownerProtocol: 245, prunes: true)
        #expect(!scope.touches(.neighborChanged(have)))
    }

    @Test func foreignOrUntaggedManagedEntryIsASet() throws {
        let want = Self.wanted("192.0.2.20")
        let zebra = Self.kernel("192.0.2.20", state: .reachable, mac: Self.mac, proto: 11)
        #expect(CanonicalRow.differences(zebra, want) == .protocol)
        let plan = P.plan([], [])
        #expect(plan.isEmpty)
        let p = Planner.plan(desired: [DesiredRow(row: want)], current: [zebra], links: P.links, ownerProtocol: 245,
                             prune: .owned)
        #expect(p.changes.map(\.action) == [.set])
        #expect(p.changes[0].reason == "takes over from protocol 11 (zebra)")
    }

    @Test func permanentToManagedAndBackAreSetsWithAReason() throws {
        let want = Self.wanted("192.0.2.20")
        let permanent = IpNetRow2(address: IpAddress("192.0.2.20")!, interfaceIndex: 3, physicalAddress: Self.mac,
                                  state: .permanent, protocol: 245)
        let toManaged = Planner.plan(desired: [DesiredRow(row: want)], current: [permanent], links: P.links,
                                     ownerProtocol: 245, prune: .owned)
        #expect(toManaged.changes.map(\.action) == [.set])
        #expect(toManaged.changes[0].reason
                == "permanent → managed: the kernel resolves the address and keeps it resolved")
        #expect(toManaged.changes[0].fields.map { "\($0.field): \($0.before) → \($0.after)" }
                == ["physicalAddress: 02:00:00:00:00:10 → none", "state: permanent → managed",
                    "flags: none → managed extern_learn"])
        #expect(toManaged.changes[0].operation == .set(want))

        // Back: a managed entry (resolved, or still INCOMPLETE: never a leftover) where a permanent one is wanted.
        for have in [Self.kernel("192.0.2.20", state: .reachable, mac: PhysicalAddress("02:00:00:00:00:99")!),
                     Self.kernel("192.0.2.20", state: .incomplete)] {
            let back = Planner.plan(desired: [DesiredRow(row: permanent)], current: [have], links: P.links,
                                    ownerProtocol: 245, prune: .owned)
            #expect(back.changes.map(\.action) == [.set])
            #expect(back.changes[0].reason == "managed → permanent: pins lladdr 02:00:00:00:00:10")
            #expect(back.changes[0].droppedFlags == [.managed, .externallyLearned])
        }
    }

    @Test func ownedManagedEntriesArePrunedForeignOnesAreNot() {
        let ours = Self.kernel("192.0.2.20", state: .reachable, mac: Self.mac)
        let oursIncomplete = Self.kernel("192.0.2.21", state: .incomplete)
        let foreign = Self.kernel("192.0.2.22", state: .reachable, mac: Self.mac, proto: 11)
        let p = Planner.plan(desired: [], current: [ours, oursIncomplete, foreign], links: P.links,
                             ownerProtocol: 245, prune: .owned)
        #expect(p.changes.map { "\($0.action.symbol)\($0.key)" } == ["-192.0.2.20@3", "-192.0.2.21@3"])
        #expect(p.changes.map(\.reason) == ["owned entry not in desired state", "owned entry not in desired state"])
        #expect(Planner.plan(desired: [], current: [ours], links: P.links, ownerProtocol: 245, prune: .none).isEmpty)
        let scope = WatchScope(desired: [], interfaceNames: [], ownerProtocol: 245, prunes: true)
        #expect(scope.touches(.neighborChanged(ours)))
        #expect(!scope.touches(.neighborChanged(foreign)))
    }

    /// A saved plan stays valid while the kernel resolves, re-resolves (new MAC) or loses the neighbor: the
    /// fingerprint sees a managed entry's key, flags and protocol only; losing the managed flag does change it.
    @Test func fingerprintIgnoresResolution() {
        let want = Self.wanted("2001:db8::20")
        let keys: Set<NeighborKey> = [want.key]
        func fp(_ rows: [IpNetRow2]) -> String {
            TableFingerprint.of(current: rows, desiredKeys: keys, ownerProtocol: 245)
        }
        let base = fp([Self.kernel("2001:db8::20", state: .incomplete)])
        for (state, mac) in [(NeighborState.reachable, Self.mac), (.stale, PhysicalAddress("02:00:00:00:00:99")!),
                             (.unreachable, .empty), (.probe, Self.mac)] {
            #expect(fp([Self.kernel("2001:db8::20", state: state, mac: mac, router: true)]) == base)
        }
        // An owned managed entry outside the file (prunable) is in the digest too, resolution folded the same way.
        let other = Self.kernel("192.0.2.30", state: .reachable, mac: Self.mac)
        var reresolved = other
        reresolved.physicalAddress = PhysicalAddress("02:00:00:00:00:77")!
        #expect(fp([other]) == fp([reresolved]))
        #expect(fp([other]) != fp([]))
        var permanent = Self.kernel("2001:db8::20", state: .permanent, mac: Self.mac, flags: [])
        #expect(fp([permanent]) != base)
        permanent.flags = .managed
        #expect(CanonicalRow(Self.kernel("2001:db8::20", state: .reachable, mac: Self.mac)).line
                == "2001:db8::20@3||managed|false|245|managed,extern_learn")
    }

    @Test func showSelectsAndBootstrapsManagedEntriesWithoutTheirMac() {
        let managed = Self.kernel("192.0.2.20", state: .reachable, mac: Self.mac)
        let dynamic = Self.kernel("192.0.2.21", state: .reachable, mac: Self.mac, proto: 0, flags: [])
        #expect(ShowSelection.text([managed, dynamic], all: false) == [managed])
        let chosen = ShowSelection.bootstrap([managed, dynamic], ownerProtocol: 245, includeForeign: false).rows
        #expect(chosen == [managed])
        let yaml = DesiredStateWriter.yaml(rows: chosen, links: P.links)
        #expect(yaml == "version: 1\nneighbors:\n  - address: \"192.0.2.20\"\n    interface: veth0\n    state: managed\n")
        // The bootstrapped file loads back into the same desired row, and plans nothing against the live entry.
        let s = try? DesiredStateLoader.load(text: yaml, fileName: "b.yaml").get()
        let rows = (try? s?.resolve(links: P.links).get().entries) ?? []
        #expect(rows.map { CanonicalRow($0.row) } == [CanonicalRow(Self.wanted("192.0.2.20"))])
        #expect(Planner.plan(desired: rows, current: [managed], links: P.links, ownerProtocol: 245,
                             prune: .owned).isEmpty)
        #expect(RowText.line(managed, interfaceName: "veth0")
                == "192.0.2.20 dev veth0 lladdr 02:00:00:00:00:10 managed extern_learn REACHABLE proto 245")
        #expect(RowRecord(managed, interfaceName: "veth0").flags == ["managed", "extern_learn"])
        #expect(RowRecord(managed, interfaceName: "veth0").state == "reachable")
    }
}
