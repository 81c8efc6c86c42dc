import Foundation
import Testing
import IpNetCore
@testable import NeighSyncCore

/// The pure rule of watch mode: which kernel events make the loop re-plan.
@Suite struct WatchScopeTests {
    static let mac10 = PhysicalAddress("02:00:00:00:00:10")!
    static let mac99 = PhysicalAddress("02:00:00:00:00:99")!
    static let want = IpNetRow2(address: IpAddress("192.0.2.10")!, interfaceIndex: 3, physicalAddress: mac10,
                                state: .permanent, protocol: 245)
    static let want6 = IpNetRow2(address: IpAddress("2001:db8::10")!, interfaceIndex: 3, physicalAddress: mac10,
                                 state: .permanent, protocol: 245)
    let scope = WatchScope(desired: [want, want6], interfaceNames: ["veth0"], ownerProtocol: 245, prunes: true)

    func link(_ name: String, _ index: UInt32, up: Bool) -> Link {
        Link(name: name, index: index, arphrdType: 1, hardwareAddressLength: 6, isUp: up)
    }

    @Test func echoOfOurOwnWriteIsIgnored() {
        #expect(!scope.touches(.neighborChanged(Self.want)))
        #expect(!scope.touches(.neighborChanged(Self.want6)))
    }

    @Test func changeAtADesiredKeyThatDiffersIsRelevant() {
        var other = Self.want
        other.physicalAddress = Self.mac99
        #expect(scope.touches(.neighborChanged(other)))
        var untagged = Self.want
        untagged.protocol = 0
        #expect(scope.touches(.neighborChanged(untagged)))
        var stale = Self.want
        stale.state = .stale
        #expect(scope.touches(.neighborChanged(stale)))
        var router = Self.want6
        router.isRouter = true
        #expect(scope.touches(.neighborChanged(router)))
    }

    @Test func deleteOfADesiredEntryIsRelevant() {
        #expect(scope.touches(.neighborDeleted(Self.want)))
        // The same address on another interface is someone else's entry.
        var elsewhere = Self.want
        elsewhere.interfaceIndex = 4
        #expect(!scope.touches(.neighborDeleted(elsewhere)))
    }

    @Test func ownedEntryNotDesiredIsRelevantOnlyWhenPruning() {
        let stray = IpNetRow2(address: IpAddress("192.0.2.77")!, interfaceIndex: 3, physicalAddress: Self.mac99,
                              state: .permanent, protocol: 245)
        #expect(scope.touches(.neighborChanged(stray)))
        let keep = WatchScope(desired: [Self.want], interfaceNames: [], ownerProtocol: 245, prunes: false)
        #expect(!keep.touches(.neighborChanged(stray)))
        // Its deletion (our own prune, or anyone's) needs no pass.
        #expect(!scope.touches(.neighborDeleted(stray)))
    }

    @Test func foreignAndDynamicEntriesAreIgnored() {
        let dynamic = IpNetRow2(address: IpAddress("198.51.100.2")!, interfaceIndex: 3, physicalAddress: Self.mac99,
                                state: .reachable, protocol: 0)
        #expect(!scope.touches(.neighborChanged(dynamic)))
        #expect(!scope.touches(.neighborDeleted(dynamic)))
        var foreign = dynamic
        foreign.state = .permanent
        foreign.protocol = 4
        #expect(!scope.touches(.neighborChanged(foreign)))
        // A dynamic entry that happens to carry our protocol number is not ours to prune.
        var taggedDynamic = dynamic
        taggedDynamic.protocol = 245
        #expect(!scope.touches(.neighborChanged(taggedDynamic)))
    }

    @Test func linkEventsOnManagedInterfacesAreRelevant() {
        #expect(scope.touches(.linkChanged(link("veth0", 3, up: false))))
        #expect(scope.touches(.linkChanged(link("veth0", 3, up: true))))
        // Re-created with a new index: the name still counts.
        #expect(scope.touches(.linkChanged(link("veth0", 12, up: true))))
        #expect(!scope.touches(.linkChanged(link("veth1", 4, up: false))))
        #expect(scope.touches(.linkDeleted(interfaceIndex: 3)))
        #expect(!scope.touches(.linkDeleted(interfaceIndex: 4)))
        #expect(scope.touches(.addressChanged(interfaceIndex: 3)))
        #expect(!scope.touches(.addressChanged(interfaceIndex: 4)))
    }

    /// A managed IPv4 entry (written or pending) depends on the addresses of every link (a broadcast route, an IPv4
    /// address on an up link): an address change anywhere is relevant; a managed IPv6 entry does not.
    @Test func addressEventsOnAnyLinkAreRelevantToAManagedIPv4Entry() {
        let managed = IpNetRow2(address: IpAddress("192.0.2.20")!, interfaceIndex: 3, state: .none, protocol: 245,
                                flags: [.managed, .externallyLearned])
        var managed6 = managed
        managed6.address = IpAddress("2001:db8::20")!
        #expect(WatchScope(desired: [managed], interfaceNames: ["veth0"], ownerProtocol: 245, prunes: true)
            .touches(.addressChanged(interfaceIndex: 4)))
        #expect(!WatchScope(desired: [managed6], interfaceNames: ["veth0"], ownerProtocol: 245, prunes: true)
            .touches(.addressChanged(interfaceIndex: 4)))
        let waiting = PendingNeighbor(address: IpAddress("192.0.2.20")!, interfaceName: "veth0", interfaceIndex: 3,
                                      physicalAddress: .empty, state: .none, isRouter: false, isOptional: false,
                                      cause: .familyUnavailable, reason: "blocked", source: nil)
        #expect(WatchScope(desired: [], interfaceNames: ["veth0"], ownerProtocol: 245, prunes: true,
                           pending: [waiting]).touches(.addressChanged(interfaceIndex: 4)))
        #expect(!scope.touches(.addressChanged(interfaceIndex: 4)))
        // A change of the IPv4 local routing table (a broadcast route added by hand): the same rule.
        #expect(WatchScope(desired: [managed], interfaceNames: ["veth0"], ownerProtocol: 245, prunes: true)
            .touches(.localRouteChanged))
        #expect(WatchScope(desired: [], interfaceNames: ["veth0"], ownerProtocol: 245, prunes: true,
                           pending: [waiting]).touches(.localRouteChanged))
        #expect(!WatchScope(desired: [managed6], interfaceNames: ["veth0"], ownerProtocol: 245, prunes: true)
            .touches(.localRouteChanged))
        #expect(!scope.touches(.localRouteChanged))
    }

    @Test func overrunIsAlwaysRelevant() {
        let empty = WatchScope(desired: [], interfaceNames: [], ownerProtocol: 245, prunes: true)
        #expect(empty.touches(.overrun))
        #expect(scope.touches(.overrun))
    }

    @Test func theAppearanceOfAnInterfaceAPendingEntryWaitsForIsRelevant() {
        let pending = PendingNeighbor(address: IpAddress("2001:db8::20")!, interfaceName: "veth1", interfaceIndex: 4,
                                      physicalAddress: Self.mac10, state: .permanent, isRouter: false,
                                      isOptional: false, cause: .familyUnavailable, reason: "blocked", source: nil)
        let s = WatchScope(desired: [Self.want], interfaceNames: ["veth0", "vlan100"], ownerProtocol: 245,
                           prunes: true, pending: [pending], namedIndexes: [9])
        #expect(s.touches(.linkChanged(link("vlan100", 12, up: false))), "a new link with a name the file uses")
        #expect(s.touches(.linkChanged(link("eth9", 9, up: true))), "a new link with an index the file uses")
        #expect(s.touches(.linkChanged(link("veth1", 4, up: true))), "the link of a family-blocked entry")
        #expect(!s.touches(.linkChanged(link("other", 13, up: true))))
    }

    @Test func noarpWithoutMacMatchesWhateverAddressTheKernelSupplied() {
        let want = IpNetRow2(address: IpAddress("ff05::fb")!, interfaceIndex: 3, physicalAddress: .empty, state: .noarp,
                             protocol: 245)
        let s = WatchScope(desired: [want], interfaceNames: ["veth0"], ownerProtocol: 245, prunes: true)
        var have = want
        have.physicalAddress = PhysicalAddress("33:33:00:00:00:fb")!
        #expect(!s.touches(.neighborChanged(have)), "the echo of our own write")
    }
}
