import Foundation
import Testing
@testable import NeighSync
import IpNetCore
import CoreTestSupport
@testable import NeighSyncCore

/// The red team's findings on managed entries (issue 13), without a kernel: multicast addresses refused by the one
/// validator wherever a row comes from; every broadcast route of the namespace refused and a namespace without an
/// IPv4 local routing table pending, once the table is known; `extern_learn` written with every managed entry
/// (and an owned one without it upgraded, a foreign one taken over without "drops flags"); the before side of a set
/// showing the kernel's real state; an empty physicalAddress on a managed entry; repeated flags in plan files and
/// snapshots. The kernel side is `ManagedEntryHostKernelTests` and `ManagedEntryGarbageCollectionTests`.
@Suite struct ManagedEntryFindingsTests {
    typealias P = RowFixtures
    static let mac = ManagedEntryPlanTests.mac

    static func load(_ text: String) -> Result<DesiredState, DiagnosticList> { ManagedEntryPlanTests.load(text) }

    static func loadError(_ text: String) -> String {
        guard case .failure(let e) = load(text) else { return "loaded" }
        return e.description
    }

    /// The desired managed row as the planner writes it.
    static func wanted(_ a: String) -> IpNetRow2 {
        IpNetRow2(address: IpAddress(a)!, interfaceIndex: 3, state: DesiredRules.managedState, protocol: 245,
                  flags: DesiredRules.writtenFlags(for: DesiredRules.managedState))
    }

    static func kernel(_ a: String, state: NeighborState, mac: PhysicalAddress = .empty, proto: UInt8 = 245,
                       flags: NeighborFlags) -> IpNetRow2 {
        IpNetRow2(address: IpAddress(a)!, interfaceIndex: 3, physicalAddress: mac, state: state, protocol: proto,
                  flags: flags)
    }

    // MARK: 1. multicast and subnet broadcast

    @Test(arguments: ["224.0.0.5", "ff02::5", "ff05::fb", "239.1.2.3"])
    func managedMulticastIsRefusedAtTheAddress(_ address: String) {
        let e = Self.loadError("neighbors:\n  - { address: \"\(address)\", interface: veth0, state: managed }\n")
        #expect(e == "m.yaml:3:16: error: \(address) is a multicast address: the kernel maps it to its multicast "
                + "link-layer address itself, so it cannot be managed (a managed entry would solicit for it and "
                + "blackhole its traffic); use state: noarp without physicalAddress, or no entry", "\(e)")
        // From defaults too, with the note where `state: managed` comes from.
        guard case .failure(let list) = Self.load("""
            defaults: { interface: veth0, state: managed }
            neighbors:
              - address: "\(address)"
            """) else { Issue.record("must fail"); return }
        #expect(list.description.hasPrefix("m.yaml:4:14: error: \(address) is a multicast address"), "\(list)")
        #expect(list.diagnostics.first?.notes.map(\.message) == ["state: managed comes from defaults here"])
        // The same address as a noarp entry is fine (the kernel maps it).
        if case .failure(let e) = Self.load("neighbors:\n  - { address: \"\(address)\", interface: veth0, state: noarp }\n") {
            Issue.record("noarp multicast refused: \(e)")
        }
    }

    /// The one validator, as `entry create --managed --address ff02::9` and a saved plan's row meet it.
    @Test func theValidatorRefusesManagedMulticast() {
        let links = Dictionary(uniqueKeysWithValues: P.links.map { ($0.index, $0) })
        for a in ["ff02::9", "224.0.0.5"] {
            #expect(throws: IpNetError.invalidParameter(.managedMulticast(IpAddress(a)!))) {
                _ = try NeighborRowValidator.validate(Self.wanted(a), for: .write, links: links)
            }
        }
        #expect(NeighborRowValidator.managedProblem(address: IpAddress("ff02::9")!, hasPhysicalAddress: false,
                                                    isRouter: false, state: .none) == .managedMulticast(IpAddress("ff02::9")!))
    }

    typealias Route = LocalRouteTable.Route

    /// A route of the local table: `type` 2 local, 3 broadcast.
    static func route(_ a: String, _ length: UInt8, _ type: UInt8, on index: UInt32) -> Route {
        Route(destination: IpAddress(a)!, prefixLength: length, type: type, interfaceIndex: index)
    }

    /// The local table of veth0 (index 3) holding 198.51.100.1/24 and veth1 (index 4) 192.0.2.1/24, as
    /// `ip route show table local` lists it.
    static let own = LocalRouteTable(routes: [
        route("198.51.100.1", 32, 2, on: 3), route("198.51.100.255", 32, 3, on: 3),
        route("192.0.2.1", 32, 2, on: 4), route("192.0.2.255", 32, 3, on: 4)])

    /// An address whose longest match in the local table is a broadcast route is refused, whatever link holds the
    /// route (`inet_addr_type_dev_table()` looks in the namespace's local table): a subnet broadcast, a configured
    /// `brd` (red team: `ip addr add 198.51.100.67/26 broadcast 198.51.100.99 dev veth1` then a managed .99 was
    /// written `lladdr ff:ff:ff:ff:ff:ff managed extern_learn NOARP`), one added by hand (round 3: `ip route add
    /// broadcast 192.0.2.200 dev veth0 table local` was not refused); a longer local route inside a broadcast
    /// prefix wins.
    @Test func managedBroadcastRoutesOfTheNamespaceAreRefused() throws {
        let s = try Self.load("""
            neighbors:
              - { address: 198.51.100.255, interface: veth0, state: managed }
              - { address: 198.51.100.254, interface: veth0, state: managed }
            """).get()
        guard case .failure(let e) = s.resolve(links: P.links, localRoutes: Self.own) else {
            Issue.record("must be refused")
            return
        }
        #expect(e.description == "m.yaml:3:16: error: 198.51.100.255 is a broadcast in the namespace's local "
                + "routing table (its longest match is `broadcast 198.51.100.255` on veth0): the kernel sends to it "
                + "as a broadcast, so it cannot be managed (the kernel would write the entry NOARP with "
                + "ff:ff:ff:ff:ff:ff and never resolve it); use state: noarp without physicalAddress, or no entry")
        // In a watch pass of an admitted file (a route event made it a broadcast): blocked, the other written.
        let pass = try s.resolve(links: P.links, linkRefusals: .blocked, localRoutes: Self.own).get()
        #expect(pass.entries.map(\.row.address) == [IpAddress("198.51.100.254")!])
        #expect(pass.pending.map(\.cause) == [.linkRefuses])
        // Offline (a snapshot has no routing table): not known, not refused.
        #expect(try s.resolve(links: P.links).get().entries.count == 2)
        // 192.0.2.255, the broadcast route on veth1, is a broadcast for veth0 too.
        let other = try Self.load("neighbors:\n  - { address: 192.0.2.255, interface: veth0, state: managed }\n").get()
        guard case .failure(let e2) = other.resolve(links: P.links, localRoutes: Self.own) else {
            Issue.record("192.0.2.255 must be refused")
            return
        }
        #expect(e2.description.hasPrefix("m.yaml:3:16: error: 192.0.2.255 is a broadcast in the namespace's local "
                                         + "routing table (its longest match is `broadcast 192.0.2.255` on veth1)"),
                "\(e2)")
        // A broadcast route added by hand.
        let byHand = LocalRouteTable(routes: Self.own.routes! + [Self.route("192.0.2.200", 32, 3, on: 3)])
        let s200 = try Self.load("neighbors:\n  - { address: 192.0.2.200, interface: veth0, state: managed }\n").get()
        guard case .failure(let e3) = s200.resolve(links: P.links, localRoutes: byHand) else {
            Issue.record("192.0.2.200 must be refused")
            return
        }
        #expect(e3.description.hasPrefix("m.yaml:3:16: error: 192.0.2.200 is a broadcast in the namespace's local "
                                         + "routing table (its longest match is `broadcast 192.0.2.200` on veth0)"),
                "\(e3)")
        #expect(try s200.resolve(links: P.links, localRoutes: Self.own).get().entries.count == 1)
        // The write path (`entry create --managed`, a saved plan's row): invalidParameter, same reason.
        let links = Dictionary(uniqueKeysWithValues: P.links.map { ($0.index, $0) })
        #expect(throws: IpNetError.invalidParameter(.managedBroadcastRoute(
            IpAddress("192.0.2.200")!, route: "broadcast 192.0.2.200", link: "veth0"))) {
            _ = try NeighborRowValidator.validate(Self.wanted("192.0.2.200"), for: .write, links: links,
                                                  localRoutes: byHand)
        }
        // Longest prefix match: a broadcast /24 with a local /32 inside; the /32 decides.
        let nested = LocalRouteTable(routes: [Self.route("192.0.2.0", 24, 3, on: 3),
                                              Self.route("192.0.2.9", 32, 2, on: 3)])
        #expect(nested.lookup(IpAddress("192.0.2.9")!)?.isBroadcast == false)
        #expect(nested.lookup(IpAddress("192.0.2.8")!)?.isBroadcast == true)
        #expect(nested.lookup(IpAddress("198.51.100.8")!) == nil)
        #expect(NeighborRowValidator.managedBroadcastRefusal(address: IpAddress("192.0.2.9")!, localRoutes: nested,
                                                             links: links) == nil)
    }

    // MARK: 2. IPv4 while the namespace has no local routing table

    /// The kernel resolves a managed IPv4 entry as soon as the namespace's local table exists, whatever routes it
    /// holds, even none (every address deleted again, `lo` down: round 3 found such entries wrongly pending); only
    /// a table that does not exist makes the entry wait.
    @Test func managedIPv4IsPendingOnlyWithoutALocalRoutingTable() throws {
        let s = try Self.load("""
            neighbors:
              - { address: 192.0.2.20, interface: veth0, state: managed }
              - { address: 169.254.7.7, interface: veth1, state: managed }
              - { address: 2001:db8::20, interface: veth0, state: managed }
              - { address: 192.0.2.21, interface: veth0, physicalAddress: "02:00:00:00:00:21" }
            """).get()
        #expect(s.needsLocalRoutes)
        #expect(try s.resolve(links: P.links, localRoutes: Self.own).get().entries.count == 4)
        // The table exists but is empty (addresses removed again) and every link is down: written.
        var links = P.links
        links[1].isUp = false
        links[0].isUp = false
        let empty = LocalRouteTable(routes: [])
        let r1 = try s.resolve(links: links, localRoutes: empty).get()
        #expect(r1.entries.count == 4 && r1.pending.isEmpty)
        // No local table: both managed IPv4 entries pending.
        let r = try s.resolve(links: P.links, localRoutes: .missing).get()
        #expect(r.entries.map(\.row.address.description) == ["2001:db8::20", "192.0.2.21"])
        #expect(r.pending.map(\.cause) == [.familyUnavailable, .familyUnavailable])
        #expect(r.pending.first?.reason == "blocked: the namespace has no IPv4 local routing table yet (no IPv4 "
                + "address was ever configured; `ip link set lo up` creates it), so the kernel keeps a managed entry "
                + "for 192.0.2.20 NOARP with ff:ff:ff:ff:ff:ff, never resolved; add an IPv4 address to any link or "
                + "bring up lo, or use state: permanent with its MAC")
        // The write path (`entry create --managed`): notSupported, with the same reason.
        let byIndex = Dictionary(uniqueKeysWithValues: links.map { ($0.index, $0) })
        #expect(throws: Never.self) {
            _ = try NeighborRowValidator.validate(Self.wanted("192.0.2.20"), for: .write, links: byIndex,
                                                  localRoutes: empty)
        }
        do throws(IpNetError) {
            _ = try NeighborRowValidator.validate(Self.wanted("192.0.2.20"), for: .write, links: byIndex,
                                                  localRoutes: .missing)
            Issue.record("must be refused")
        } catch {
            guard case .notSupported(let m) = error else { Issue.record("\(error)"); return }
            #expect(m.hasPrefix("the namespace has no IPv4 local routing table yet"), "\(m)")
        }
    }

    /// managed → permanent over a managed IPv6 entry the kernel learned a router flag for: the fields come from the
    /// kernel row's real flag (the projection folds it away): `isRouter: true → false` when the permanent entry is
    /// no router (the write drops it; it used to be missing), nothing when it is one (it used to read `true → true`);
    /// likewise a resolved MAC equal to the pinned one is no field (it used to read `02:…:10 → 02:…:10`).
    @Test func managedToPermanentShowsTheKernelsRealRouterFlag() {
        let have = IpNetRow2(address: IpAddress("2001:db8::20")!, interfaceIndex: 3, physicalAddress: Self.mac,
                             state: .reachable, isRouter: true, protocol: 245, flags: [.managed, .externallyLearned])
        for router in [false, true] {
            let want = IpNetRow2(address: IpAddress("2001:db8::20")!, interfaceIndex: 3, physicalAddress: Self.mac,
                                 state: .permanent, isRouter: router, protocol: 245)
            let p = Planner.plan(desired: [DesiredRow(row: want)], current: [have], links: P.links, ownerProtocol: 245,
                                 prune: .owned)
            #expect(p.changes.map(\.action) == [.set])
            let fields = p.changes.first?.fields.map { "\($0.field): \($0.before) → \($0.after)" } ?? []
            #expect(fields == ["state: managed → permanent"] + (router ? [] : ["isRouter: true → false"]),
                    "router \(router): \(fields)")
        }
        // A managed want over a managed entry still ignores the kernel's router flag: converged.
        #expect(Planner.plan(desired: [DesiredRow(row: Self.wanted("2001:db8::20"))], current: [have], links: P.links,
                             ownerProtocol: 245, prune: .owned).isEmpty)
    }

    /// A pending managed entry keeps its marker in `plan --output json`, plan files and `--report`
    /// (`PendingRecord.flags`, as a change row's `after`); a plan file reads it back and refuses other flags there.
    @Test func pendingManagedRowsCarryTheirFlags() throws {
        let s = try Self.load("""
            neighbors:
              - { address: 192.0.2.20, interface: veth0, state: managed }
              - { address: 192.0.2.21, interface: veth0, physicalAddress: "02:00:00:00:00:21" }
            """).get()
        let r = try s.resolve(links: P.links, localRoutes: .missing).get()
        let p = Planner.plan(desired: r.entries, current: [], links: P.links, ownerProtocol: 245, prune: .owned,
                             pending: r.pending)
        let records = try #require(PlanDocument(p).pending)
        #expect(records.map(\.state) == ["none"] && records.map(\.flags) == [["managed", "extern_learn"]])
        let dir = try TemporaryDirectory()
        let path = dir.path + "/plan.json"
        try PlanFile(namespace: nil, desired: r.entries, links: P.links, current: [], plan: p).write(to: path)
        let back = try PlanFile.load(path: path)
        #expect(back.plan.pending?.map(\.flags) == [["managed", "extern_learn"]])
        #expect(back.plan.pending?.compactMap(\.pendingNeighbor).map(\.state) == [.none])
        let saved = try String(contentsOfFile: path, encoding: .utf8)
        let bad = saved.replacingOccurrences(of: "\"managed\",", with: "")
        #expect(bad != saved)
        try bad.write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try PlanFile.load(path: path)
            Issue.record("a pending managed row with other flags must be refused")
        } catch {
            #expect("\(error)".contains("pending[0].flags: extern_learn: a pending managed entry is written with "
                                        + "exactly managed extern_learn"), "\(error)")
        }
    }

    // MARK: 3 and 4. extern_learn on managed entries

    @Test func managedEntriesAreWrittenWithExternLearn() throws {
        let s = try Self.load("neighbors:\n  - { address: 192.0.2.20, interface: veth0, state: managed }\n").get()
        let row = try s.resolve(links: P.links).get().entries[0].row
        #expect(row.flags == [.managed, .externallyLearned])
        #expect(row.state == .none && row.physicalAddress.count == 0)
    }

    @Test func anOwnedManagedEntryWithoutExternLearnIsUpgradedInPlace() {
        let want = Self.wanted("192.0.2.20")
        for state in [NeighborState.reachable, .unreachable, .incomplete] {
            let have = Self.kernel("192.0.2.20", state: state, mac: state == .reachable ? Self.mac : .empty,
                                   flags: .managed)
            let p = Planner.plan(desired: [DesiredRow(row: want)], current: [have], links: P.links, ownerProtocol: 245,
                                 prune: .owned)
            #expect(p.changes.map(\.action) == [.set], "\(state)")
            #expect(p.changes.first?.reason == "add extern_learn: keeps the managed entry from the kernel's garbage "
                    + "collection when its neighbor does not answer (FAILED)")
            #expect(p.changes.first?.fields.map { "\($0.field): \($0.before) → \($0.after)" }
                    == ["flags: managed → managed extern_learn"])
            #expect(p.changes.first?.droppedFlags == [])
        }
        // With the flag: converged in every resolution state, FAILED included.
        for state in [NeighborState.reachable, .unreachable, .incomplete, .stale] {
            let have = Self.kernel("192.0.2.20", state: state, flags: [.managed, .externallyLearned])
            #expect(Planner.plan(desired: [DesiredRow(row: want)], current: [have], links: P.links,
                                 ownerProtocol: 245, prune: .owned).isEmpty, "\(state)")
        }
    }

    /// Finding 4: the same kernel entry (managed + extern_learn) is converged when ours and a takeover when
    /// another protocol's, without "drops flags extern_learn" (the write keeps it).
    @Test func aForeignManagedEntryWithExternLearnIsTakenOverWithoutDroppingIt() {
        let want = Self.wanted("192.0.2.20")
        let cilium = Self.kernel("192.0.2.20", state: .reachable, mac: Self.mac, proto: 11,
                                 flags: [.managed, .externallyLearned])
        let p = Planner.plan(desired: [DesiredRow(row: want)], current: [cilium], links: P.links, ownerProtocol: 245,
                             prune: .owned)
        #expect(p.changes.map(\.action) == [.set])
        #expect(p.changes.first?.reason == "takes over from protocol 11 (zebra)")
        #expect(p.changes.first?.droppedFlags == [])
        // Converting ours to permanent: the reason stands for both flags of the managed kind.
        let permanent = IpNetRow2(address: IpAddress("192.0.2.20")!, interfaceIndex: 3, physicalAddress: Self.mac,
                                  state: .permanent, protocol: 245)
        let ours = Self.kernel("192.0.2.20", state: .reachable, mac: Self.mac, flags: [.managed, .externallyLearned])
        let back = Planner.plan(desired: [DesiredRow(row: permanent)], current: [ours], links: P.links,
                                ownerProtocol: 245, prune: .owned)
        #expect(back.changes.first?.reason == "managed → permanent: pins lladdr 02:00:00:00:00:10")
    }

    // MARK: 5. the before side shows the kernel's state

    @Test func aNoarpEntryWithTheManagedFlagShowsNoarpBeforeTheSet() throws {
        let want = Self.wanted("192.0.2.20")
        let have = Self.kernel("192.0.2.20", state: .noarp, mac: PhysicalAddress("ff:ff:ff:ff:ff:ff")!,
                               flags: [.managed, .externallyLearned])
        let p = Planner.plan(desired: [DesiredRow(row: want)], current: [have], links: P.links, ownerProtocol: 245,
                             prune: .owned)
        let change = try #require(p.changes.first)
        #expect(change.action == .set)
        #expect(change.reason == "lladdr ff:ff:ff:ff:ff:ff → none, state noarp → managed", "\(change.reason)")
        #expect(change.fields.map { "\($0.field): \($0.before) → \($0.after)" }
                == ["physicalAddress: ff:ff:ff:ff:ff:ff → none", "state: noarp → managed"])
        let doc = PlanDocument(p)
        let json = String(decoding: try JSONEncoder().encode(doc), as: UTF8.self)
        #expect(json.contains("\"before\":\"noarp\""), "\(json)")
        #expect(!json.contains("\"before\":\"managed\""), "\(json)")
    }

    // MARK: 6. an empty physicalAddress, repeated flags

    @Test func anEmptyPhysicalAddressOnAManagedEntryIsTheManagedMessage() {
        let e = Self.loadError("""
            neighbors:
              - { address: 192.0.2.20, interface: veth0, state: managed, physicalAddress: "" }
            """)
        #expect(e == "m.yaml:3:79: error: 192.0.2.20 is managed: the kernel resolves its link-layer address itself "
                + "and keeps it resolved, so a physicalAddress cannot be given; remove physicalAddress, or use state: "
                + "permanent to pin that MAC", "\(e)")
    }

    @Test func repeatedFlagsAreRefusedInSnapshots() throws {
        let row = Self.kernel("192.0.2.20", state: .reachable, mac: Self.mac, flags: [.managed, .externallyLearned])
        let data = try JSONEncoder().encode(Snapshot(links: P.links, rows: [row]))
        let text = String(decoding: data, as: UTF8.self)
        try #require(text.contains("\"managed\""), "\(text)")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("snap-\(UUID()).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try text.replacingOccurrences(of: "\"managed\"", with: "\"managed\",\"managed\"")
            .write(toFile: path, atomically: true, encoding: .utf8)
        #expect { try Snapshot.load(path: path, linksPath: nil) } throws: { e in
            "\(e)".contains("flag 'managed' is listed twice in 'flags'; list each flag once")
        }
        var flags = NeighborFlags()
        #expect(flags.add(word: "managed") == nil)
        #expect(flags.add(word: "extern_learn") == nil)
        #expect(flags.add(word: "managed") == .repeated)
        #expect(flags.add(word: "bogus") == .unknown)
        #expect(flags == [.managed, .externallyLearned])
    }
}
