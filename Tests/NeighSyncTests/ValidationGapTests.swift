import Foundation
import Testing
import IpNet
@testable import NeighSync
import IpNetCore
@testable import NeighSyncCore

/// The loader runs the row validator's rules (`NeighborRowValidator`, `OwnerProtocolRule`) and reports their reasons
/// at the value at fault: IPv4-mapped addresses, zone ids (selecting the interface, or disagreeing with it), the zero
/// LUID, the router flag on IPv4, reserved and well-known owner protocols (errors and warnings). The golden texts are
/// in `Fixtures/bad/` (`ipv4-mapped`, `zone-disagrees`, `router-ipv4`, `owner-protocol-*`).
@Suite("Loader: the validator's rules, positioned")
struct ValidationGapTests {
    static let links = [
        Link(name: "lo", index: 1, arphrdType: 772, hardwareAddressLength: 0),
        Link(name: "veth0", index: 3, arphrdType: 1, hardwareAddressLength: 6),
        Link(name: "veth1", index: 4, arphrdType: 1, hardwareAddressLength: 6),
    ]

    /// `text` loaded with `version: 1` added after it (every file needs it), so positions stay those written here.
    static func load(_ text: String) -> Result<DesiredState, DiagnosticList> {
        DesiredStateLoader.load(text: text + "\nversion: 1\n", fileName: "v.yaml")
    }

    static func errors(_ text: String) -> [String] {
        guard case .failure(let list) = load(text) else { Issue.record("must not load"); return [] }
        return list.diagnostics.map(\.description)
    }

    @Test("every IPv4-mapped spelling is refused, like the IPv4 address would be where that is invalid",
          arguments: ["::ffff:127.0.0.1", "::ffff:0.0.0.0", "::ffff:198.51.100.1", "0:0:0:0:0:ffff:c633:6401",
                      "::FFFF:c633:6401"])
    func ipv4MappedRefused(_ address: String) {
        let e = Self.errors("neighbors:\n  - { address: \"\(address)\", interface: veth0, physicalAddress: \"02:00:00:00:00:01\" }\n")
        #expect(e.count == 1)
        #expect(e.first?.hasPrefix("v.yaml:2:16: error: address ") == true)
        #expect(e.first?.contains("is an IPv4-mapped IPv6 address, which is never an IPv6 neighbor") == true)
    }

    @Test("a zone id alone selects the interface; with a selector it must agree")
    func zoneSelects() throws {
        let s = try Self.load("""
            neighbors:
              - { address: "fe80::78%3", physicalAddress: "02:00:00:00:00:01" }
              - { address: "fe80::79%4", interfaceIndex: 4, physicalAddress: "02:00:00:00:00:02" }
              - { address: "fe80::7a%3", interface: veth0, physicalAddress: "02:00:00:00:00:03" }

            """).get()
        #expect(s.neighbors.map(\.interface) == [InterfaceRef(index: 3), InterfaceRef(index: 4),
                                                 InterfaceRef(name: "veth0")])
        let rows = try s.resolve(links: Self.links).get().entries
        #expect(rows.map(\.row.interfaceIndex) == [3, 4, 3])  // veth0, veth1, veth0
        #expect(rows.map(\.row.interfaceIndex) == [3, 4, 3])
        #expect(rows.map(\.row.key) == [NeighborKey(interfaceIndex: 3, address: IpAddress("fe80::78")!),
                                        NeighborKey(interfaceIndex: 4, address: IpAddress("fe80::79")!),
                                        NeighborKey(interfaceIndex: 3, address: IpAddress("fe80::7a")!)])
    }

    @Test("a zone id naming no link is pending, like an interfaceIndex naming none (a re-created link gets a new index)")
    func zoneNamesNoLink() throws {
        let s = try Self.load("neighbors:\n  - { address: \"fe80::1%9\", physicalAddress: \"02:00:00:00:00:01\" }\n").get()
        let r = try s.resolve(links: Self.links).get()
        #expect(r.entries.isEmpty)
        #expect(r.pending.map(\.reason) == ["waiting for an interface with index 9 (the zone id of fe80::1%9)"])
        #expect(r.pending.map(\.source?.description) == ["v.yaml:2:5"])
    }

    @Test("a zone id and a named interface that disagree fail when the name is resolved")
    func zoneDisagreesWithName() throws {
        let s = try Self.load("neighbors:\n  - { address: \"fe80::1%4\", interface: veth0, physicalAddress: \"02:00:00:00:00:01\" }\n").get()
        guard case .failure(let list) = s.resolve(links: Self.links) else { Issue.record("must fail"); return }
        #expect(list.diagnostics.map(\.description) == [
            "v.yaml:2:16: error: address fe80::1%4 has zone id %4 (interface index 4), but the entry's interface has "
            + "index 3; drop the zone id or make it %3 (veth0 is index 3)"])
    }

    @Test("a zone id and the same link named otherwise are duplicates")
    func zoneDuplicates() {
        let e = Self.errors("""
            neighbors:
              - { address: "fe80::1%3", physicalAddress: "02:00:00:00:00:01" }
              - { address: "fe80::1", interfaceIndex: 3, physicalAddress: "02:00:00:00:00:02" }

            """)
        #expect(e == ["v.yaml:3:16: error: duplicate neighbor fe80::1 on interface index 3; each (interface, address) "
                      + "may appear once, so remove one"])
    }

    @Test("interfaceLuid: 0 means 'use the index' (or the name, or the defaults), as Windows reads a zero LUID")
    func zeroLuidIsAbsent() throws {
        let s = try Self.load("""
            defaults: { interface: veth1, interfaceLuid: 0 }
            neighbors:
              - { address: 192.0.2.1, interfaceIndex: 3, interfaceLuid: 0, physicalAddress: "02:00:00:00:00:01" }
              - { address: 192.0.2.2, interfaceLuid: 0, physicalAddress: "02:00:00:00:00:02" }
              - { address: 192.0.2.3, interfaceLuid: 0x0, interface: veth0, physicalAddress: "02:00:00:00:00:03" }

            """).get()
        #expect(s.neighbors.map(\.interface) == [InterfaceRef(index: 3), InterfaceRef(name: "veth1"),
                                                 InterfaceRef(name: "veth0")])
        let rows = try s.resolve(links: Self.links).get().entries
        #expect(rows.map(\.row.interfaceIndex) == [3, 4, 3])
        // Alone and without defaults it selects nothing: the usual "no interface" error.
        #expect(Self.errors("neighbors:\n  - { address: 192.0.2.1, interfaceLuid: 0, physicalAddress: \"02:00:00:00:00:01\" }\n")
                == ["v.yaml:2:5: error: no interface for 192.0.2.1: give interface, interfaceIndex or interfaceLuid "
                    + "in the entry or under defaults"])
    }

    @Test("isRouter on IPv4 is refused, false is fine, IPv6 keeps it")
    func routerFlag() throws {
        #expect(Self.errors("neighbors:\n  - { address: 192.0.2.1, interface: veth0, isRouter: true, physicalAddress: \"02:00:00:00:00:01\" }\n")
                == ["v.yaml:2:55: error: isRouter applies to IPv6 neighbors only (NTF_ROUTER, the ND router flag); "
                    + "192.0.2.1 is IPv4, so drop the flag"])
        let s = try Self.load("""
            neighbors:
              - { address: 192.0.2.1, interface: veth0, isRouter: false, physicalAddress: "02:00:00:00:00:01" }
              - { address: 2001:db8::1, interface: veth0, isRouter: true, physicalAddress: "02:00:00:00:00:02" }

            """).get()
        #expect(s.neighbors.map(\.isRouter) == [false, true])
    }

    @Test("owner.protocol 0–4 (unspec, redirect, kernel, boot, static) is refused", arguments: 0...4)
    func reservedProtocols(_ p: Int) {
        let e = Self.errors("owner: { protocol: \(p) }\nneighbors: []\n")
        let names = ["UNSPEC", "REDIRECT", "KERNEL", "BOOT", "STATIC"]
        #expect(e.count == 1)
        #expect(e.first?.hasPrefix("v.yaml:1:20: error: 'owner.protocol' \(p) is RTPROT_\(names[p]), which ") == true)
        #expect(OwnerProtocolRule.check(p)?.severity == .error)
    }

    @Test("owner.protocol of a routing daemon loads with a positioned warning",
          arguments: [(8, "gated"), (11, "zebra"), (12, "bird"), (16, "dhcp"), (18, "keepalived"), (42, "babel"),
                      (99, "openr"), (186, "bgp"), (188, "ospf"), (192, "eigrp")])
    func daemonProtocols(_ p: Int, _ name: String) throws {
        let s = try Self.load("owner: { protocol: \(p) }\nneighbors: []\n").get()
        #expect(s.ownerProtocol == UInt8(p))
        #expect(s.warnings.diagnostics.map(\.description) == [
            "v.yaml:1:20: warning: 'owner.protocol' \(p) is '\(name)' in iproute2's rt_protos: entries \(name) writes "
            + "would count as neighsync's own and be changed or pruned; use an unassigned number such as the default "
            + "245 unless that is intended"])
        #expect(s.warnings.rendered().contains("  owner: { protocol: \(p) }\n                     ^\n"))
    }

    @Test("other owner protocols load quietly; over 255 is refused", arguments: [5, 6, 7, 100, 200, 245, 254, 255])
    func otherProtocols(_ p: Int) throws {
        let s = try Self.load("owner: { protocol: \(p) }\nneighbors: []\n").get()
        #expect(s.ownerProtocol == UInt8(p))
        #expect(s.warnings.count == 0)
    }

    @Test("out of range owner protocols")
    func outOfRange() {
        #expect(Self.errors("owner: { protocol: 256 }\nneighbors: []\n") == [
            "v.yaml:1:20: error: 'owner.protocol' must be 5…255 (an NDA_PROTOCOL value), found 256"])
        #expect(Self.errors("owner: { protocol: -1 }\nneighbors: []\n") == [
            "v.yaml:1:20: error: 'owner.protocol' must be 5…255 (an NDA_PROTOCOL value), found -1"])
    }

    @Test("a failing file shows its warnings too, and counts them apart")
    func warningsBesideErrors() {
        guard case .failure(let list) = Self.load("owner: { protocol: 12 }\nmaxDeletes: -1\nneighbors: []\n") else {
            Issue.record("must fail"); return
        }
        #expect(list.diagnostics.map(\.severity) == [.warning, .error])
        #expect(list.countText == "1 error, 1 warning")
    }

    /// One rule, one reason, one wording: what the loader (offline), `DesiredState.resolve` (against the links) and
    /// the row validator of `entry`, saved plans and the kernel path (`NeighborRowValidator.validate`) say about the
    /// same row is the same text, positioned by the loader. Before, the three wrote their own: "interface LUID … names
    /// interface index …" beside "interfaceLuid … disagrees with interfaceIndex …", "physical address '…' has the
    /// wrong length for the interface" beside "physicalAddress … has 8 bytes, but veth0 uses 6-byte hardware
    /// addresses", "IPv4 is not available on …" beside "… has no IPv4 configuration".
    @Test("the loader, resolve and the row validator give one rule one wording")
    func oneWordingPerRule() throws {
        func validator(_ row: IpNetRow2) -> String? {
            let links = Dictionary(uniqueKeysWithValues: Self.links.map { ($0.index, $0) })
            do throws(IpNetError) {
                _ = try NeighborRowValidator.validate(row, for: .write, links: links)
                return nil
            } catch { return error.reason }
        }
        let a = IpAddress("192.0.2.1")!, mac = PhysicalAddress("02:00:00:00:00:01")!
        // LUID and index that disagree: the loader, offline.
        let luid = NetLuid(value: 0x0006_0000_0400_0000)
        let loaded = Self.errors("neighbors:\n  - { address: 192.0.2.1, interfaceIndex: 3, interfaceLuid: \(luid), "
                                 + "physicalAddress: \"02:00:00:00:00:01\" }\n")
        let rowLuid = validator(IpNetRow2(address: a, interfaceIndex: 3, interfaceLuid: luid, physicalAddress: mac))
        #expect(loaded.count == 1 && rowLuid != nil)
        #expect(loaded.first == "v.yaml:2:61: error: \(rowLuid ?? "")")
        // A MAC of the wrong length for the link: resolve, against the links.
        let long = PhysicalAddress("02:00:00:00:00:01:02:03")!
        guard case .failure(let list) = try Self.load("neighbors:\n  - { address: 192.0.2.1, interface: veth0, "
                                                      + "physicalAddress: \"\(long)\" }\n").get()
            .resolve(links: Self.links) else { Issue.record("must not resolve"); return }
        let rowMac = validator(IpNetRow2(address: a, interfaceIndex: 3, physicalAddress: long))
        #expect(list.diagnostics.map(\.message) == [rowMac ?? ""])
        #expect(list.diagnostics.first?.mark?.column == 62)
        // An IPv4 entry on loopback: resolve and the validator.
        guard case .failure(let lo) = try Self.load("neighbors:\n  - { address: 192.0.2.1, interface: lo, "
                                                    + "physicalAddress: \"02:00:00:00:00:01\" }\n").get()
            .resolve(links: Self.links) else { Issue.record("must not resolve"); return }
        #expect(lo.diagnostics.map(\.message) == [validator(IpNetRow2(address: a, interfaceIndex: 1)) ?? ""])
        // A link without IPv4: the pending reason is the validator's, after "blocked: ".
        let nov4 = Link(name: "nov4", index: 6, arphrdType: 1, hardwareAddressLength: 6, ipv4Enabled: false)
        let pending = try Self.load("neighbors:\n  - { address: 192.0.2.1, interface: nov4, "
                                    + "physicalAddress: \"02:00:00:00:00:01\" }\n").get()
            .resolve(links: [nov4]).get().pending
        do throws(IpNetError) {
            _ = try NeighborRowValidator.validate(IpNetRow2(address: a, interfaceIndex: 6, physicalAddress: mac),
                                                  for: .write, links: [6: nov4])
            Issue.record("an IPv4 row on a link without IPv4 must be refused")
        } catch {
            #expect(error == .notSupported("nov4 has no IPv4 configuration; use another interface"))
            #expect(pending.map(\.reason) == ["blocked: nov4 has no IPv4 configuration"])
        }
    }
}
