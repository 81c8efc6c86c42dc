import Foundation
import Testing
import IpNet
@testable import NeighSync
import IpNetCore
@testable import NeighSyncCore

/// `DesiredState.resolve(links:)` against hand-built link lists: rows built from the link, and every host check
/// positioned at the value at fault.
@Suite("Desired state: resolving interfaces")
struct DesiredStateResolveTests {
    static let links = [
        Link(name: "lo", index: 1, arphrdType: 772, hardwareAddressLength: 0),
        Link(name: "veth0", index: 3, arphrdType: 1, hardwareAddressLength: 6),
        Link(name: "veth1", index: 4, arphrdType: 1, hardwareAddressLength: 6),
        Link(name: "v6off", index: 5, arphrdType: 1, hardwareAddressLength: 6, ipv6Enabled: false),
        Link(name: "nov4", index: 6, arphrdType: 1, hardwareAddressLength: 6, ipv4Enabled: false),
        Link(name: "ib0", index: 7, arphrdType: 32, hardwareAddressLength: 20),
        Link(name: "tun0", index: 8, arphrdType: 65534, hardwareAddressLength: 0, isPointToPoint: true, isNoArp: true),
    ]

    /// The desired state of `text`; `version: 1` is added after it (every file needs it), so the positions in the
    /// expected texts stay those of the lines written here.
    static func state(_ text: String) throws -> DesiredState {
        try DesiredStateLoader.load(text: text + "\nversion: 1\n", fileName: "r.yaml").get()
    }

    /// The rendered diagnostics of resolving `text`, with source lines from `text`.
    static func failure(_ text: String) throws -> String {
        guard case .failure(let e) = try state(text).resolve(links: links) else {
            Issue.record("resolving must fail")
            return ""
        }
        let snippets = Array(text.utf8).withUnsafeBufferPointer { SourceExcerpt.snippets(for: e.marks, in: $0) }
        return e.rendered { snippets[$0] }
    }

    @Test("examples/split resolves to rows with index, LUID, owner protocol, state and router flag")
    func splitExample() throws {
        let s = try DesiredStateLoader.load(path: LoaderFixtures.repoRoot + "/examples/split").get()
        let rows = try s.resolve(links: Self.links).get().entries
        #expect(rows.count == 8)
        let veth0 = NetLuid(value: 0x0006_0000_0300_0000), veth1 = NetLuid(value: 0x0006_0000_0400_0000)
        #expect(rows[1].row == IpNetRow2(address: IpAddress("2001:db8::1")!, interfaceIndex: 3, interfaceLuid: veth0,
                                         physicalAddress: PhysicalAddress("02:00:00:00:00:01")!, state: .permanent,
                                         isRouter: true, protocol: 245))
        #expect(rows[4].row == IpNetRow2(address: IpAddress("198.51.100.10")!, interfaceIndex: 4,
                                         interfaceLuid: veth1, physicalAddress: PhysicalAddress("02:00:00:00:01:10")!,
                                         protocol: 245))
        // Each row comes from its entry, in file order, on the link its interface names (veth0 is 3, veth1 is 4).
        #expect(rows.map(\.row.interfaceIndex) == Array(repeating: 3, count: 4) + Array(repeating: 4, count: 4))
        #expect(rows.map(\.row.address) == s.neighbors.map(\.address))
        #expect(rows.map(\.source) == s.neighbors.map(\.mark))
        #expect(rows[0] == DesiredRow(row: rows[0].row, source: s.neighbors[0].mark))
    }

    @Test("index, LUID and agreeing selectors resolve; noarp without MAC; owner protocol from the file")
    func selectorsAndNoarp() throws {
        let s = try Self.state("""
        owner: { protocol: 99 }
        neighbors:
          - { address: 192.0.2.1, interfaceIndex: 4, physicalAddress: "02:00:00:00:00:01" }
          - { address: 192.0.2.2, interfaceLuid: 0x0006000004000000, physicalAddress: "02:00:00:00:00:02" }
          - { address: 239.1.2.3, interface: veth1, interfaceIndex: 4, state: noarp }
          - { address: 192.0.2.4, interface: ib0, physicalAddress: "\(Array(repeating: "01", count: 20).joined(separator: ":"))" }
        """)
        let rows = try s.resolve(links: Self.links).get().entries
        #expect(rows.map(\.row.interfaceIndex) == [4, 4, 4, 7])
        #expect(rows.map(\.row.protocol) == [99, 99, 99, 99])
        #expect(rows[2].row.state == .noarp && rows[2].row.physicalAddress == .empty)
        #expect(rows[3].row.interfaceLuid == NetLuid(ifIndex: 7, arphrdType: 32))
    }

    @Test("entries whose name, index or LUID names no link are pending, positioned, with their reason")
    func absentInterfacesArePending() throws {
        let s = try Self.state("""
        neighbors:
          - address: 192.0.2.1
            interface: eth9
            physicalAddress: "02:00:00:00:00:01"
          - address: 192.0.2.2
            interfaceIndex: 42
            physicalAddress: "02:00:00:00:00:02"
            optional: true
          - address: 192.0.2.3
            interfaceLuid: 0x0006000009000000
            physicalAddress: "02:00:00:00:00:03"
          - address: 192.0.2.4
            interface: veth0
            physicalAddress: "02:00:00:00:00:04"
        """)
        let r = try s.resolve(links: Self.links).get()
        #expect(r.entries.map(\.row.address.description) == ["192.0.2.4"])
        #expect(r.pending.map(\.interfaceName) == ["eth9", "if42", "if9"])
        #expect(r.pending.map(\.reason) == ["waiting for interface eth9", "waiting for an interface with index 42",
                                            "waiting for an interface with NetLuidIndex 9 (interfaceLuid "
                                            + "0x0006000009000000)"])
        #expect(r.pending.map(\.isOptional) == [false, true, false])
        #expect(r.pending.map(\.source?.description) == ["r.yaml:2:5", "r.yaml:5:5", "r.yaml:9:5"])
        #expect(r.pending.allSatisfy { $0.cause == .interfaceAbsent && $0.key == nil })
    }

    @Test("optional: true/false in defaults and per entry; only true or false")
    func optionalKey() throws {
        let s = try Self.state("""
        defaults: { interface: eth9, optional: true }
        neighbors:
          - { address: 192.0.2.1, physicalAddress: "02:00:00:00:00:01" }
          - { address: 192.0.2.2, physicalAddress: "02:00:00:00:00:02", optional: false }
          - { address: 192.0.2.3, interface: veth0, physicalAddress: "02:00:00:00:00:03" }
        """)
        #expect(s.neighbors.map(\.isOptional) == [true, false, true])
        #expect(s.neighbors[1].mark(of: "optional")?.description == "r.yaml:4:75")
        guard case .failure(let e) = DesiredStateLoader.load(text: """
            neighbors:
              - { address: 192.0.2.1, interface: veth0, physicalAddress: "02:00:00:00:00:01", optional: yes }
            """, fileName: "r.yaml") else {
            Issue.record("optional: yes must be refused")
            return
        }
        #expect(e.description.contains("r.yaml:2:93: error: expected true or false for 'optional'"), "\(e.description)")
    }

    @Test("a selector that names no link beside one that does is the file's contradiction")
    func partlyAbsentSelectorsDisagree() throws {
        let text = """
        neighbors:
          - address: 192.0.2.1
            interface: eth9
            interfaceIndex: 3
            physicalAddress: "02:00:00:00:00:01"
          - address: 192.0.2.2
            interface: veth0
            interfaceIndex: 42
            physicalAddress: "02:00:00:00:00:02"
        """
        #expect(try Self.failure(text) == """
        r.yaml:3:16: error: no interface named 'eth9' in this namespace, but the entry's interfaceIndex selects veth0 (index 3); give one of them, or make them agree
              interface: eth9
                         ^
        r.yaml:8:21: error: no interface with index 42 in this namespace, but interface 'veth0' selects veth0 (index 3); give one of them, or make them agree
              interfaceIndex: 42
                              ^

        """)
    }

    @Test("a name and an index (or LUID) that name different links, and a LUID of the wrong IfType")
    func disagreements() throws {
        let text = """
        neighbors:
          - address: 192.0.2.1
            interface: veth0
            interfaceIndex: 4
            physicalAddress: "02:00:00:00:00:01"
          - address: 192.0.2.2
            interface: veth0
            interfaceLuid: 0x0006000004000000
            physicalAddress: "02:00:00:00:00:02"
          - address: 192.0.2.3
            interfaceLuid: 0x0047000003000000
            physicalAddress: "02:00:00:00:00:03"
        """
        #expect(try Self.failure(text) == """
        r.yaml:4:21: error: interfaceIndex 4 is veth1, but interface 'veth0' has index 3; give one of them, or make them agree
              interfaceIndex: 4
                              ^
        r.yaml:3:16: note: interface 'veth0' is here
              interface: veth0
                         ^
        r.yaml:8:20: error: interfaceLuid 0x0006000004000000 selects veth1 (index 4), but interface 'veth0' has index 3; give one of them, or make them agree
              interfaceLuid: 0x0006000004000000
                             ^
        r.yaml:7:16: note: interface 'veth0' is here
              interface: veth0
                         ^
        r.yaml:11:20: error: interfaceLuid 0x0047000003000000 has IfType 71, but veth0 has IfType 6; its LUID is 0x0006000003000000
              interfaceLuid: 0x0047000003000000
                             ^

        """)
    }

    @Test("IPv6 disabled and no IPv4 block only their own entries: pending with the reason, key kept")
    func familyUnavailableIsPending() throws {
        let s = try Self.state("""
        neighbors:
          - { address: "2001:db8::1", interface: v6off, physicalAddress: "02:00:00:00:00:02" }
          - { address: 192.0.2.3, interface: nov4, physicalAddress: "02:00:00:00:00:03" }
          - { address: 192.0.2.4, interface: v6off, physicalAddress: "02:00:00:00:00:04" }
        """)
        let r = try s.resolve(links: Self.links).get()
        #expect(r.entries.map(\.row.address.description) == ["192.0.2.4"])
        #expect(r.pending.map(\.reason) == ["blocked: IPv6 is disabled on v6off (net.ipv6.conf.v6off.disable_ipv6 = 1)",
                                            "blocked: nov4 has no IPv4 configuration"])
        #expect(r.pending.map(\.key) == [NeighborKey(interfaceIndex: 5, address: IpAddress("2001:db8::1")!),
                                         NeighborKey(interfaceIndex: 6, address: IpAddress("192.0.2.3")!)])
    }

    @Test("MAC length, a foreign scope id and link types that cannot keep the entry are reported")
    func hostChecks() throws {
        let text = """
        neighbors:
          - address: 192.0.2.1
            interface: veth0
            physicalAddress: "02:00:00:00:00:01:02:03"
          - address: 2001:db8::1
            interface: v6off
            physicalAddress: "02:00:00:00:00:02"
          - address: 192.0.2.3
            interface: nov4
            physicalAddress: "02:00:00:00:00:03"
          - address: fe80::1%4
            interface: veth0
            physicalAddress: "02:00:00:00:00:04"
          - address: 192.0.2.5
            interface: lo
            physicalAddress: "02:00:00:00:00:05"
          - address: 192.0.2.6
            interface: tun0
            state: noarp
          - address: 2001:db8::7
            interface: tun0
            physicalAddress: "02:00:00:00:00:07"
          - address: 2001:db8::8
            interface: veth1
            state: noarp
          - address: 192.0.2.9
            interface: veth1
            state: noarp
        """
        #expect(try Self.failure(text) == """
        r.yaml:4:22: error: physicalAddress 02:00:00:00:00:01:02:03 has 8 bytes, but veth0 uses 6-byte hardware addresses
              physicalAddress: "02:00:00:00:00:01:02:03"
                               ^
        r.yaml:11:14: error: address fe80::1%4 has zone id %4 (interface index 4), but the entry's interface has index 3; drop the zone id or make it %3 (veth0 is index 3)
            - address: fe80::1%4
                       ^
        r.yaml:14:14: error: lo is a loopback link: the kernel stores every IPv4 neighbor on it under 0.0.0.0, so no entry can be kept there; remove 192.0.2.5 or put it on another interface
            - address: 192.0.2.5
                       ^
        r.yaml:17:14: error: tun0 is a point-to-point link: the kernel stores every IPv4 neighbor on it under 0.0.0.0, so no entry can be kept there; remove 192.0.2.6 or put it on another interface
            - address: 192.0.2.6
                       ^
        r.yaml:22:22: error: physicalAddress 02:00:00:00:00:07 has 6 bytes, but tun0 has no hardware addresses; use state: noarp without physicalAddress
              physicalAddress: "02:00:00:00:00:07"
                               ^
        r.yaml:23:14: error: veth1 resolves neighbors with neighbor discovery, so the kernel keeps a noarp entry for the unicast address 2001:db8::8 only with a link-layer address (without one it answers 'No link layer address given'); add physicalAddress
            - address: 2001:db8::8
                       ^
        r.yaml:26:14: error: veth1 resolves neighbors with ARP, so the kernel keeps a noarp entry for the unicast address 192.0.2.9 only with a link-layer address (without one it answers 'No link layer address given', or stores ff:ff:ff:ff:ff:ff); add physicalAddress
            - address: 192.0.2.9
                       ^

        """)
    }

    @Test("entries naming one link differently are duplicates after resolution")
    func duplicatesAfterResolution() throws {
        let text = """
        neighbors:
          - address: 192.0.2.1
            interface: veth0
            physicalAddress: "02:00:00:00:00:01"
          - address: 192.0.2.1
            interfaceIndex: 3
            physicalAddress: "02:00:00:00:00:02"
        """
        #expect(try Self.failure(text) == """
        r.yaml:5:14: error: duplicate neighbor 192.0.2.1 on veth0 (index 3): another entry names the same interface as veth0; remove one
            - address: 192.0.2.1
                       ^
        r.yaml:2:14: note: first defined here
            - address: 192.0.2.1
                       ^

        """)
    }

    @Test("an empty desired state resolves to no rows, even with no links")
    func empty() throws {
        #expect(try DesiredState().resolve(links: []).get().entries.isEmpty)
    }
}
