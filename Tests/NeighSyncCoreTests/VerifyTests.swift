import Testing
import Foundation
import IpNetCore
@testable import NeighSyncCore

/// The pure half of `neighsync verify`: which entries are probed and how, which answers count, how entries are
/// classified, the exit status, the text and the JSON (the metrics text: `VerifyMetricsTests`). No socket: captures are built by hand.
@Suite struct VerifyTests {
    static let mac = PhysicalAddress("02:00:00:00:aa:01")!
    static let veth0 = Link(name: "veth0", index: 2, arphrdType: 1, hardwareAddressLength: 6)
    static let addrs = [
        InterfaceAddress(interfaceIndex: 2, address: IpAddress("198.51.100.1")!, prefixLength: 24),
        InterfaceAddress(interfaceIndex: 2, address: IpAddress("2001:db8:51::1")!, prefixLength: 64),
        InterfaceAddress(interfaceIndex: 2, address: IpAddress("fe80::ff:fe00:aa01")!, prefixLength: 64),
    ]

    static func row(_ a: String, _ m: String? = "02:00:00:00:00:10", index: UInt32 = 2, state: NeighborState = .permanent,
                    flags: NeighborFlags = [], line: Int = 1) -> DesiredRow {
        DesiredRow(row: IpNetRow2(address: IpAddress(a)!, interfaceIndex: index,
                                  physicalAddress: m.map { PhysicalAddress($0)! } ?? .empty, state: state,
                                  protocol: 245, flags: flags),
                   source: SourceMark(file: "n.yaml", line: line, column: 5))
    }

    @Test func probesTakeTheSubnetSourceOrTheProbeForms() {
        let plan = VerifyPlan.make(rows: [Self.row("198.51.100.2"), Self.row("192.0.2.9"), Self.row("2001:db8:51::2"),
                                          Self.row("2001:db8:99::2"), Self.row("fe80::1")],
                                   links: [Self.veth0], addresses: Self.addrs)
        #expect(plan.probes.map(\.form) == [.arpRequest, .arpProbe, .neighborSolicitation, .neighborSolicitation,
                                             .neighborSolicitation])
        #expect(plan.probes.map(\.request.source) == [IpAddress("198.51.100.1"), nil, IpAddress("2001:db8:51::1"),
                                                       IpAddress("fe80::ff:fe00:aa01"), IpAddress("fe80::ff:fe00:aa01")])
        // Without any address on the interface: the RFC 5227 probe and the DAD form.
        let bare = VerifyPlan.make(rows: [Self.row("198.51.100.2"), Self.row("2001:db8:51::2")], links: [Self.veth0],
                                   addresses: [])
        #expect(bare.probes.map(\.form) == [.arpProbe, .dadSolicitation])
        #expect(bare.probes.allSatisfy { $0.request.source == nil })
    }

    @Test func entriesThatCannotBeProbedAreSkippedWithTheReason() {
        var noarpLink = Self.veth0
        noarpLink.index = 3
        noarpLink.name = "veth1"
        noarpLink.isNoArp = true
        var down = Self.veth0
        down.index = 4
        down.name = "veth2"
        down.isUp = false
        let tun = Link(name: "tun0", index: 5, arphrdType: 65534, hardwareAddressLength: 0, isPointToPoint: true)
        let pending = PendingNeighbor(address: IpAddress("192.0.2.50")!, interfaceName: "vlan100", interfaceIndex: nil,
                                      physicalAddress: Self.mac, state: .permanent, isRouter: false, isOptional: false,
                                      cause: .interfaceAbsent, reason: "waiting for interface vlan100", source: nil)
        let plan = VerifyPlan.make(
            rows: [Self.row("198.51.100.20", nil, state: .noarp), Self.row("198.51.100.21", index: 3),
                   Self.row("198.51.100.22", index: 4), Self.row("198.51.100.23", "02:00:00:00:00:23", index: 5),
                   Self.row("198.51.100.24", flags: .managed), Self.row("198.51.100.25", flags: .proxy),
                   Self.row("198.51.100.1"), Self.row("ff05::fb", "33:33:00:00:00:fb")],
            pending: [pending], links: [Self.veth0, noarpLink, down, tun], addresses: Self.addrs)
        #expect(plan.probes.isEmpty)
        #expect(plan.entries.map(\.outcome) == Array(repeating: .skipped, count: 9))
        #expect(plan.entries.map { $0.reason ?? "" } == [
            "no MAC pinned", "NOARP link: veth1 does not resolve neighbors (arp off)", "interface veth2 is down",
            "tun0 is not an Ethernet link; ARP and ND probes need one",
            "managed entry: the kernel resolves it and pins no MAC",
            "proxy entry: this host answers for the address, no MAC is pinned", "veth0's own address",
            "multicast address: no single neighbor answers for it", "pending: waiting for interface vlan100"])
    }

    /// One ARP and one ND probe with their answers (`extra`) heard on veth0.
    static func classify(_ extra: [ProbeCapture.Received], rows: [DesiredRow]? = nil) -> [VerifyEntry] {
        let plan = VerifyPlan.make(rows: rows ?? [Self.row("198.51.100.2"), Self.row("2001:db8:51::2")],
                                   links: [Self.veth0], addresses: Self.addrs)
        var capture = ProbeCapture()
        capture.localAddresses[2] = Self.mac
        capture.received = extra
        return VerifyMatcher.classify(plan, capture: capture)
    }

    static func arp(_ sender: String, from ip: String = "198.51.100.2", to tpa: String = "198.51.100.1",
                    tha: PhysicalAddress = mac, on index: UInt32 = 2) -> ProbeCapture.Received {
        .init(interfaceIndex: index, answer: .arpReply(senderMAC: PhysicalAddress(sender)!, senderIP: IpAddress(ip)!,
                                                       targetMAC: tha, targetIP: IpAddress(tpa)!))
    }

    static func na(_ lladdr: String, target: String = "2001:db8:51::2", to dst: String = "2001:db8:51::1",
                   solicited: Bool = true) -> ProbeCapture.Received {
        .init(interfaceIndex: 2, answer: .neighborAdvertisement(target: IpAddress(target)!,
                                                                 linkLayerAddress: PhysicalAddress(lladdr)!,
                                                                 source: IpAddress(target)!,
                                                                 destination: IpAddress(dst)!, solicited: solicited))
    }

    @Test func classification() {
        let pinned = "02:00:00:00:00:10", other = "02:00:00:00:00:99", third = "02:00:00:00:00:98"
        var e = Self.classify([Self.arp(pinned), Self.na(pinned)])
        #expect(e.map(\.outcome) == [.confirmed, .confirmed])
        e = Self.classify([Self.arp(other), Self.arp(other), Self.na(other)])
        #expect(e.map(\.outcome) == [.mismatch, .mismatch])
        #expect(e[0].seen == [PhysicalAddress(other)!])
        e = Self.classify([Self.arp(other), Self.arp(pinned), Self.na(third), Self.na(other)])
        #expect(e.map(\.outcome) == [.conflict, .conflict])
        #expect(e[0].seen == [PhysicalAddress(other)!, PhysicalAddress(pinned)!])
        #expect(Self.classify([]).map(\.outcome) == [.silent, .silent])
    }

    @Test func onlyTheAnswerToOurRequestCounts() {
        let other = "02:00:00:00:00:99"
        let ignored: [ProbeCapture.Received] = [
            Self.arp(other, on: 3),                                       // another interface
            Self.arp(other, tha: PhysicalAddress("02:00:00:00:00:77")!),  // to another host
            Self.arp(other, to: "198.51.100.7"),                          // to another sender address
            Self.arp(other, from: "198.51.100.3"),                        // for another address
            Self.arp("ff:ff:ff:ff:ff:ff"), Self.arp("00:00:00:00:00:00"), // not a neighbor's address
            Self.na(other, solicited: false),                             // unsolicited advertisement
            Self.na(other, to: "ff02::1"),                                // to all nodes, but we asked from ::1
            Self.na(other, to: "2001:db8:51::7"),                         // to someone else
            Self.na(other, target: "2001:db8:51::3"),                     // for another address
        ]
        #expect(Self.classify(ignored).map(\.outcome) == [.silent, .silent])
        // The probe forms: the ARP reply goes to 0.0.0.0, the DAD answer to all nodes, unsolicited.
        let plan = VerifyPlan.make(rows: [Self.row("198.51.100.2"), Self.row("2001:db8:51::2")], links: [Self.veth0],
                                   addresses: [])
        var capture = ProbeCapture()
        capture.localAddresses[2] = Self.mac
        capture.received = [Self.arp(other, to: "0.0.0.0"), Self.na(other, to: "ff02::1", solicited: false)]
        #expect(VerifyMatcher.classify(plan, capture: capture).map(\.outcome) == [.mismatch, .mismatch])
        capture.received = [Self.arp(other), Self.na(other)]     // answers to a request we did not send
        #expect(VerifyMatcher.classify(plan, capture: capture).map(\.outcome) == [.silent, .silent])
    }

    @Test func aProbeThatCouldNotBeSentIsSkipped() {
        let plan = VerifyPlan.make(rows: [Self.row("198.51.100.2")], links: [Self.veth0], addresses: Self.addrs)
        var capture = ProbeCapture()
        capture.unsent[0] = .notSupported("interface index 2 is down")
        let e = VerifyMatcher.classify(plan, capture: capture)
        #expect(e[0].outcome == .skipped)
        #expect(e[0].reason == "the probe could not be sent: ERROR_NOT_SUPPORTED: interface index 2 is down")
    }

    @Test func exitCodes() {
        func report(_ outcomes: [VerifyOutcome]) -> VerifyReport {
            VerifyReport(entries: outcomes.enumerated().map {
                VerifyEntry(address: .v4(UInt32(0xC000_0200) + UInt32($0.offset)), interfaceName: "veth0",
                            interfaceIndex: 2, pinned: Self.mac, outcome: $0.element)
            }, timeout: .seconds(1))
        }
        #expect(report([.confirmed, .skipped, .silent]).exitCode(strict: false) == 0)
        #expect(report([.confirmed, .skipped, .silent]).exitCode(strict: true) == 2)
        #expect(report([.confirmed, .mismatch]).exitCode(strict: false) == 2)
        #expect(report([.conflict]).exitCode(strict: false) == 2)
        #expect(report([]).exitCode(strict: true) == 0)
    }

    @Test func textAndJSON() throws {
        let pinned = "02:00:00:00:00:10"
        let entries = Self.classify([Self.arp("02:00:00:00:00:99"), Self.na(pinned), Self.na("02:00:00:00:00:98")],
                                    rows: [Self.row("198.51.100.2", line: 4), Self.row("2001:db8:51::2", line: 7),
                                           Self.row("198.51.100.3", line: 10), Self.row("198.51.100.4", line: 13),
                                           Self.row("198.51.100.5", nil, state: .noarp, line: 16)])
        let plan = VerifyPlan.make(rows: [Self.row("198.51.100.4", line: 13)], links: [Self.veth0], addresses: Self.addrs)
        var capture = ProbeCapture()
        capture.localAddresses[2] = Self.mac
        capture.received = [Self.arp(pinned, from: "198.51.100.4")]
        let confirmed = VerifyMatcher.classify(plan, capture: capture)
        let report = VerifyReport(entries: entries.filter { $0.address != IpAddress("198.51.100.4")! } + confirmed,
                                  timeout: .milliseconds(500), probesSent: 4)
        #expect(VerifyRenderer().render(report) == """
              ! 198.51.100.2 dev veth0 lladdr 02:00:00:00:00:10  # mismatch: answered by 02:00:00:00:00:99 (n.yaml:4:5)
              ? 198.51.100.3 dev veth0 lladdr 02:00:00:00:00:10  # silent: no answer within 500ms (n.yaml:10:5)
              - 198.51.100.5 dev veth0  # skipped: no MAC pinned (n.yaml:16:5)
              ! 2001:db8:51::2 dev veth0 lladdr 02:00:00:00:00:10  # conflict: answered by 2 MACs: 02:00:00:00:00:10, 02:00:00:00:00:98 (n.yaml:7:5)

            Verify: 1 confirmed, 1 mismatch, 1 conflict, 1 silent, 1 skipped.

            """)
        let doc = VerifyDocument(report)
        #expect(doc.summary == .init(confirmed: 1, mismatch: 1, conflict: 1, silent: 1, skipped: 1, probes: 4))
        #expect(doc.timeoutSeconds == 0.5)
        #expect(doc.entries.map(\.result) == [.mismatch, .silent, .confirmed, .skipped, .conflict])
        #expect(doc.entries[0].seen == ["02:00:00:00:00:99"] && doc.entries[0].probe == .arpRequest
                && doc.entries[0].probeSource == "198.51.100.1" && doc.entries[0].source == "n.yaml:4:5")
        #expect(doc.entries[3].pinned == nil && doc.entries[3].reason == "no MAC pinned" && doc.entries[3].probe == nil)
    }

    @Test func allOwnedTakesTheStaticEntriesWithTheOwnerProtocol() {
        let rows = [IpNetRow2(address: IpAddress("192.0.2.1")!, interfaceIndex: 2, physicalAddress: Self.mac, protocol: 245),
                    IpNetRow2(address: IpAddress("192.0.2.2")!, interfaceIndex: 2, physicalAddress: Self.mac, protocol: 11),
                    IpNetRow2(address: IpAddress("192.0.2.3")!, interfaceIndex: 2, physicalAddress: Self.mac,
                              state: .reachable, protocol: 245)]
        #expect(VerifyPlan.ownedRows(rows, ownerProtocol: 245).map(\.row.address) == [IpAddress("192.0.2.1")!])
    }
    // Red-team finding 5 (issue 15): at most 16 answers per probe are kept; the rest are counted and said.
    @Test func answersPerProbeAreCappedAndTheCapIsSaid() {
        let flood = (0..<3000).map { i in
            Self.arp(String(format: "02:ee:00:00:%02x:%02x", i / 256, i % 256))
        }
        let e = Self.classify(flood + [Self.arp("02:ee:00:00:00:00")])  // a repeat is not a new MAC
        #expect(e[0].outcome == .conflict)
        #expect(e[0].seen.count == VerifyMatcher.answersPerProbe)
        #expect(e[0].seen.count == 16)
        #expect(e[0].unlisted == 3000 - 16)
        #expect(e[1].outcome == .silent && e[1].unlisted == 0)
        let line = VerifyRenderer().line(e[0], timeout: .seconds(1))
        #expect(line.contains("conflict: answered by 3000 MACs: 02:ee:00:00:00:00, "))
        #expect(line.hasSuffix("02:ee:00:00:00:0f (and 2984 more not listed: at most 16 kept) (n.yaml:1:5)"))
        let doc = VerifyDocument(VerifyReport(entries: e, timeout: .seconds(1)))
        #expect(doc.entries[0].seen.count == 16 && doc.entries[0].unlisted == 2984)
        // Exactly 16: nothing left out.
        let sixteen = Self.classify(Array(flood[0..<16]))
        #expect(sixteen[0].seen.count == 16 && sixteen[0].unlisted == 0)
        #expect(!VerifyRenderer().line(sixteen[0], timeout: .seconds(1)).contains("not listed"))
    }

    // Red-team finding 7 (issue 15): a tentative or DAD-failed own address is not the host's: the entry is probed,
    // and such an address is never the probe's source (RFC 4862 section 5.4).
    @Test func tentativeAndDadFailedOwnAddressesAreNeitherSkippedNorUsed() {
        let own = [
            InterfaceAddress(interfaceIndex: 2, address: IpAddress("2001:db8:51::1")!, prefixLength: 64,
                             isTentative: true),
            InterfaceAddress(interfaceIndex: 2, address: IpAddress("2001:db8:51::2")!, prefixLength: 64,
                             isDadFailed: true),
            InterfaceAddress(interfaceIndex: 2, address: IpAddress("fe80::ff:fe00:aa01")!, prefixLength: 64),
        ]
        let plan = VerifyPlan.make(rows: [Self.row("2001:db8:51::2"), Self.row("2001:db8:51::3")],
                                   links: [Self.veth0], addresses: own)
        #expect(plan.entries.map(\.outcome) == [.silent, .silent])
        #expect(plan.probes.map(\.form) == [.neighborSolicitation, .neighborSolicitation])
        #expect(plan.probes.map(\.request.source) == [IpAddress("fe80::ff:fe00:aa01"), IpAddress("fe80::ff:fe00:aa01")])
        // Only tentative addresses (the link-local one too): the DAD form, from ::.
        var allTentative = own
        allTentative[2].isTentative = true
        let dad = VerifyPlan.make(rows: [Self.row("2001:db8:51::5")], links: [Self.veth0], addresses: allTentative)
        #expect(dad.probes.map(\.form) == [.dadSolicitation])
        #expect(dad.probes[0].request.source == nil)
        // A usable own address is still skipped.
        let usable = VerifyPlan.make(rows: [Self.row("fe80::ff:fe00:aa01")], links: [Self.veth0], addresses: own)
        #expect(usable.entries.map { $0.reason ?? "" } == ["veth0's own address"])
    }

    // Red-team finding 8 (issue 15): an up link without carrier is skipped like a down one.
    @Test func anUpLinkWithoutCarrierIsSkipped() {
        var noCarrier = Self.veth0
        noCarrier.hasCarrier = false
        let plan = VerifyPlan.make(rows: [Self.row("198.51.100.2")], links: [noCarrier], addresses: Self.addrs)
        #expect(plan.probes.isEmpty)
        #expect(plan.entries.map { $0.reason ?? "" }
                == ["no carrier: interface veth0 is up but its link is down (not LOWER_UP)"])
    }

    // Red-team finding 9 (issue 15): every documented key on every entry, null where it does not apply.
    @Test func everyJSONEntryHasEveryDocumentedKey() throws {
        let entries = Self.classify([Self.arp("02:00:00:00:00:10")],
                                    rows: [Self.row("198.51.100.2"), Self.row("198.51.100.5", nil, state: .noarp)])
        let data = try JSONEncoder().encode(VerifyDocument(VerifyReport(entries: entries, timeout: .seconds(1))))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let records = try #require(object["entries"] as? [[String: Any]])
        let documented: Set<String> = ["address", "interface", "interfaceIndex", "family", "pinned", "result", "seen",
                                       "unlisted", "reason", "probe", "probeSource", "source"]
        #expect(records.count == 2)
        for r in records { #expect(Set(r.keys) == documented) }
        #expect(records[0]["reason"] is NSNull && records[1]["pinned"] is NSNull && records[1]["probe"] is NSNull)
    }
}
