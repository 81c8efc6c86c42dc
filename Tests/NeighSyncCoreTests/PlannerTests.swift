import CoreTestSupport
import Testing
import IpNetCore
@testable import NeighSyncCore

/// Table-driven tests of the pure planner: no kernel, no files.
@Suite struct PlannerTests {
    static let links = RowFixtures.links

    static func row(_ a: String, _ mac: String = "02:00:00:00:00:10", dev: UInt32 = 3,
                    state: NeighborState = .permanent, router: Bool = false, proto: UInt8 = 0) -> IpNetRow2 {
        RowFixtures.row(a, mac, dev: dev, state: state, router: router, proto: proto)
    }

    static func plan(_ desired: [IpNetRow2], _ current: [IpNetRow2], prune: PruneMode = .owned,
                     maxDeletes: Int = 50) -> Plan {
        RowFixtures.plan(desired, current, prune: prune, maxDeletes: maxDeletes)
    }

    static func actions(_ p: Plan) -> [String] { p.changes.map { "\($0.action.symbol)\($0.key)" } }

    @Test func createsWhatIsAbsent() {
        let p = Self.plan([Self.row("192.0.2.10"), Self.row("2001:db8::1")], [])
        #expect(Self.actions(p) == ["+192.0.2.10@3", "+2001:db8::1@3"])
        #expect(p.changes.allSatisfy { $0.after?.protocol == 245 })
        #expect(p.summary == "Plan: 2 to create, 0 to set, 0 to delete, 0 unchanged.")
    }

    @Test func equalOwnedEntryIsUnchanged() {
        let p = Self.plan([Self.row("192.0.2.10")], [Self.row("192.0.2.10", proto: 245)])
        #expect(p.isEmpty)
        #expect(p.unchanged == 1)
    }

    @Test func equalEntryWithoutTagIsAdopted() {
        let p = Self.plan([Self.row("192.0.2.10")], [Self.row("192.0.2.10", proto: 0)])
        #expect(Self.actions(p) == ["~192.0.2.10@3"])
        #expect(p.changes[0].reason == "adopt: entry exists without owner tag")
        #expect(p.changes[0].fields == [FieldChange(field: "protocol", before: "none", after: "245")])
    }

    @Test func changedMacIsASetWithReason() {
        let p = Self.plan([Self.row("192.0.2.10", "02:00:00:00:00:02")],
                          [Self.row("192.0.2.10", "02:00:00:00:00:01", proto: 245)])
        #expect(Self.actions(p) == ["~192.0.2.10@3"])
        #expect(p.changes[0].reason == "lladdr 02:00:00:00:00:01 → 02:00:00:00:00:02")
    }

    @Test func dynamicEntryAtDesiredKeyBecomesPermanent() {
        let p = Self.plan([Self.row("192.0.2.10")], [Self.row("192.0.2.10", state: .stale)])
        #expect(Self.actions(p) == ["~192.0.2.10@3"])
        #expect(p.changes[0].reason == "state stale → permanent")
    }

    @Test func foreignAndDynamicEntriesAreNeverDeleted() {
        let current = [Self.row("192.0.2.20", proto: 0), Self.row("192.0.2.21", proto: 4),
                       Self.row("192.0.2.22", state: .reachable), Self.row("192.0.2.23", state: .stale, proto: 245),
                       Self.row("198.51.100.1", state: .noarp, proto: 11)]
        let p = Self.plan([], current)
        #expect(p.isEmpty)
    }

    @Test func ownedStaticEntriesNotDesiredAreDeleted() {
        let current = [Self.row("192.0.2.30", proto: 245), Self.row("192.0.2.31", state: .noarp, proto: 245)]
        let p = Self.plan([], current)
        #expect(Self.actions(p) == ["-192.0.2.30@3", "-192.0.2.31@3"])
        #expect(p.changes[0].reason == "owned entry not in desired state")
    }

    @Test func otherOwnerProtocolIsForeign() {
        let p = Planner.plan(desired: [], current: [Self.row("192.0.2.30", proto: 245)], links: Self.links,
                             ownerProtocol: 200, prune: .owned)
        #expect(p.isEmpty)
    }

    @Test func pruneNoneNeverDeletes() {
        let p = Self.plan([], [Self.row("192.0.2.30", proto: 245)], prune: .none)
        #expect(p.isEmpty)
    }

    @Test func leftoversCountAsAbsent() {
        for s in [NeighborState.incomplete, .unreachable, .none] {
            let p = Self.plan([Self.row("192.0.2.10")], [Self.row("192.0.2.10", "", state: s)])
            #expect(Self.actions(p) == ["+192.0.2.10@3"], "state \(s)")
            #expect(p.changes[0].reason.contains("leftover"))
        }
    }

    @Test func ownedLeftoversOfARefusedWriteAreDeletedForeignOnesNot() {
        let p = Self.plan([], [Self.row("192.0.2.30", "", state: .none, proto: 245),
                               Self.row("192.0.2.31", "", state: .unreachable, proto: 245),
                               Self.row("192.0.2.32", "", state: .none),
                               Self.row("192.0.2.33", "", state: .incomplete, proto: 99)])
        #expect(Self.actions(p) == ["-192.0.2.30@3", "-192.0.2.31@3"])
        #expect(p.changes.map(\.reason) == ["owned NONE leftover not in desired state",
                                            "owned FAILED leftover not in desired state"])
        #expect(Self.plan([], [Self.row("192.0.2.30", "", state: .none, proto: 245)], prune: .none).isEmpty)
    }

    @Test func aCreateOverALeftoverIsWrittenAsAnUpsertAndStaysACreate() {
        let p = Self.plan([Self.row("192.0.2.10")], [Self.row("192.0.2.10", "", state: .unreachable)])
        #expect(p.changes.map(\.action) == [.create] && p.count(.create) == 1)
        #expect(p.changes[0].operation == .upsert(p.changes[0].after!))
        #expect(Self.plan([Self.row("192.0.2.10")], []).changes[0].operation == .create(Self.row("192.0.2.10", proto: 245)))
    }

    @Test func pendingEntriesAreListedApartAndTheirKeysAreNeverPruned() {
        let held = PendingNeighbor(address: IpAddress("2001:db8::20")!, interfaceName: "veth1", interfaceIndex: 4,
                                   physicalAddress: PhysicalAddress("02:00:00:00:00:20")!, state: .permanent,
                                   isRouter: false, isOptional: false, cause: .familyUnavailable,
                                   reason: "blocked: IPv6 is disabled on veth1", source: nil)
        let absent = PendingNeighbor(address: IpAddress("198.51.100.10")!, interfaceName: "vlan100", interfaceIndex: nil,
                                     physicalAddress: PhysicalAddress("02:00:00:00:01:10")!, state: .permanent,
                                     isRouter: false, isOptional: true, cause: .interfaceAbsent,
                                     reason: "waiting for interface vlan100", source: nil)
        let p = Planner.plan(desired: [], current: [Self.row("2001:db8::20", "02:00:00:00:00:20", dev: 4, proto: 245),
                                                    Self.row("192.0.2.40", proto: 245)],
                             links: Self.links, ownerProtocol: 245, prune: .owned, pending: [held, absent])
        #expect(Self.actions(p) == ["-192.0.2.40@3"], "the owned entry at the pending key stays")
        #expect(p.pending == [held, absent] && p.requiredPending == [held])
        #expect(p.summary == "Plan: 0 to create, 0 to set, 1 to delete, 0 unchanged, 2 pending.")
        let text = PlanRenderer(color: false).render(p)
        #expect(text.contains("  ? 2001:db8::20 dev veth1 lladdr 02:00:00:00:00:20 permanent  # blocked: IPv6 is disabled on veth1\n"))
        #expect(text.contains("  ? 198.51.100.10 dev vlan100 lladdr 02:00:00:00:01:10 permanent  # waiting for interface vlan100, optional\n"))
        let doc = PlanDocument(p)
        #expect(doc.summary.pending == 2 && doc.pending?.map(\.interface) == ["veth1", "vlan100"])
        #expect(doc.pending?.compactMap(\.pendingNeighbor) == [held, absent])
        #expect(PendingNeighbor.problems(p.requiredPending) == ["1 entry on veth1 blocked: IPv6 is disabled on veth1"])
        #expect(PendingNeighbor.problems([absent, absent]) == ["2 entries waiting for interface vlan100, which does not "
                                                               + "exist in this namespace"])
    }

    @Test func noarpWithoutMacLeavesTheAddressToTheKernel() {
        let want = IpNetRow2(address: IpAddress("ff05::fb")!, interfaceIndex: 3, state: .noarp)
        var supplied = Self.row("ff05::fb", "33:33:00:00:00:fb", state: .noarp, proto: 245)
        supplied.flags = .externallyLearned
        #expect(Self.plan([want], [supplied]).isEmpty)
        let p = Self.plan([want], [Self.row("ff05::fb", "02:00:00:00:00:99", proto: 245)])
        #expect(p.changes.map(\.reason) == ["state permanent → noarp, add extern_learn: keeps the noarp entry from the "
                                            + "kernel's garbage collection"])
    }

    /// A noarp entry is written with extern_learn (NTF_EXT_LEARNED), which alone keeps a non-permanent entry from the
    /// kernel's garbage collection; a noarp entry without it at a desired key is a set that says why, and no write of
    /// a noarp entry reports dropping the flag it keeps. Permanent entries are written and compared as before.
    @Test func noarpEntriesCarryExternLearnAndAnEntryWithoutItIsASet() {
        let want = Self.row("192.0.2.40", "02:00:00:00:00:40", state: .noarp)
        let bare = Self.row("192.0.2.40", "02:00:00:00:00:40", state: .noarp, proto: 245)
        let p = Self.plan([want], [bare])
        #expect(Self.actions(p) == ["~192.0.2.40@3"])
        #expect(p.changes.map(\.reason) == ["add extern_learn: keeps the noarp entry from the kernel's garbage "
                                            + "collection"])
        #expect(p.changes.first?.after?.flags == .externallyLearned)
        #expect(p.changes.first?.droppedFlags == [])
        #expect(p.changes.first?.fields.map(\.field) == ["flags"])
        var kept = bare
        kept.flags = .externallyLearned
        #expect(Self.plan([want], [kept]).isEmpty)
        // An FRR entry (extern_learn, protocol zebra) taken over as noarp keeps the flag: nothing dropped.
        var frr = kept
        frr.protocol = 11
        #expect(Self.plan([want], [frr]).changes.map(\.reason) == ["takes over from protocol 11 (zebra)"])
        // Created noarp rows carry it; permanent ones carry no flags, and a permanent entry of ours that has the
        // flag stays unchanged (nothing garbage-collects a permanent entry).
        #expect(Self.plan([want], []).changes.first?.after?.flags == .externallyLearned)
        let perm = Self.row("192.0.2.41", "02:00:00:00:00:41")
        #expect(Self.plan([perm], []).changes.first?.after?.flags == [])
        var permFlagged = Self.row("192.0.2.41", "02:00:00:00:00:41", proto: 245)
        permFlagged.flags = .externallyLearned
        #expect(Self.plan([perm], [permFlagged]).isEmpty)
        // noarp → permanent is a state change whose write clears the flag, and says so.
        #expect(Self.plan([Self.row("192.0.2.40", "02:00:00:00:00:40")], [kept]).changes.map(\.reason)
                == ["state noarp → permanent, drops flags extern_learn"])
    }

    @Test func maxDeletesIsReported() {
        let current = (1...5).map { Self.row("192.0.2.\($0)", proto: 245) }
        #expect(Self.plan([], current, maxDeletes: 4).exceedsMaxDeletes)
        #expect(!Self.plan([], current, maxDeletes: 5).exceedsMaxDeletes)
    }

    @Test func ipv6ScopeIdDoesNotChangeIdentity() {
        let p = Self.plan([Self.row("fe80::1%3")], [Self.row("fe80::1", proto: 245)])
        #expect(p.isEmpty)
        #expect(p.unchanged == 1)
    }

    @Test func sameAddressOnTwoInterfacesIsTwoEntries() {
        let p = Self.plan([Self.row("192.0.2.10", dev: 3), Self.row("192.0.2.10", dev: 4)],
                          [Self.row("192.0.2.10", dev: 3, proto: 245)])
        #expect(Self.actions(p) == ["+192.0.2.10@4"])
    }

    @Test func orderIsDeterministic() {
        let desired = [Self.row("2001:db8::2", dev: 4), Self.row("192.0.2.9", dev: 4), Self.row("2001:db8::1"),
                       Self.row("192.0.2.200"), Self.row("192.0.2.3")]
        let current = [Self.row("198.51.100.7", proto: 245), Self.row("192.0.2.3", "02:00:00:00:00:99", proto: 245)]
        let expected = ["~192.0.2.3@3", "+192.0.2.200@3", "-198.51.100.7@3", "+2001:db8::1@3", "+192.0.2.9@4",
                        "+2001:db8::2@4"]
        for seed in 0..<10 {
            var g = SeededRandom(seed: UInt64(seed))
            let p = Self.plan(desired.shuffled(using: &g), current.shuffled(using: &g))
            #expect(Self.actions(p) == expected)
        }
    }

    @Test func routerFlagIsCompared() {
        let p = Self.plan([Self.row("2001:db8::1", router: true)], [Self.row("2001:db8::1", proto: 245)])
        #expect(p.changes.map(\.reason) == ["router false → true"])
    }

    @Test func textRendering() {
        let p = Self.plan([Self.row("192.0.2.10"), Self.row("192.0.2.11", "02:00:00:00:00:02")],
                          [Self.row("192.0.2.11", "02:00:00:00:00:01", proto: 245),
                           Self.row("192.0.2.12", proto: 245)])
        let text = PlanRenderer(color: false).render(p)
        #expect(text == """
              + 192.0.2.10 dev veth0 lladdr 02:00:00:00:00:10 permanent  # absent
              ~ 192.0.2.11 dev veth0 lladdr 02:00:00:00:00:02 permanent  # lladdr 02:00:00:00:00:01 → 02:00:00:00:00:02
              - 192.0.2.12 dev veth0 lladdr 02:00:00:00:00:10 permanent  # owned entry not in desired state

            Plan: 1 to create, 1 to set, 1 to delete, 0 unchanged.

            """)
        #expect(PlanRenderer(color: false).render(Self.plan([], [])) == "No changes. 0 entries match the desired state.\n")
    }

    @Test func fingerprintCoversOwnedStaticAndDesiredEntriesOnly() {
        let base = [Self.row("192.0.2.10", proto: 245)]
        let keys: Set<NeighborKey> = [NeighborKey(interfaceIndex: 3, address: IpAddress("192.0.2.20")!)]
        func f(_ rows: [IpNetRow2]) -> String { TableFingerprint.of(current: rows, desiredKeys: keys, ownerProtocol: 245) }
        let f0 = f(base)
        // Irrelevant to the plan: a dynamic entry, a foreign static one (the kernel's NOARP multicast entries come
        // and go by themselves), the reachability time of an owned one.
        #expect(f(base + [Self.row("192.0.2.50", state: .reachable)]) == f0)
        #expect(f(base + [Self.row("ff02::16", "33:33:00:00:00:16", state: .noarp)]) == f0)
        #expect(f(base + [Self.row("192.0.2.51", proto: 4)]) == f0)
        var ticked = base[0]
        ticked.reachabilityTime = 12345
        #expect(f([ticked]) == f0)
        #expect(f(base.reversed()) == f0)
        // NTF_ROUTER on an IPv4 entry: the NDP router flag, meaningless for ARP, which no file can ask for.
        #expect(f([Self.row("192.0.2.10", router: true, proto: 245)]) == f0)
        // Relevant: an owned static entry's MAC, router flag (IPv6) or presence, anything at a desired key.
        #expect(f([Self.row("192.0.2.10", "02:00:00:00:00:11", proto: 245)]) != f0)
        #expect(f(base + [Self.row("2001:db8::10", router: true, proto: 245)])
                != f(base + [Self.row("2001:db8::10", proto: 245)]))
        var learned = base[0]
        learned.flags = .externallyLearned
        #expect(f([learned]) != f0)
        #expect(f([]) != f0)
        #expect(f(base + [Self.row("192.0.2.20", state: .reachable)]) != f0)
        #expect(f(base + [Self.row("192.0.2.20")]) != f0)
    }
}
