import Testing
@testable import IpNet
import NetnsTesting
@testable import IpNetCore

/// Pure tests (no root): text round-trips of addresses, MACs and LUIDs, and the validation rules one by one.
@Suite struct ValidationAndParsingTests {
    static let veth0 = Link(name: "veth0", index: 3, arphrdType: 1, hardwareAddressLength: 6)
    static let noV6 = Link(name: "veth1", index: 2, arphrdType: 1, hardwareAddressLength: 6, ipv6Enabled: false)
    static let noV4 = Link(name: "tun0", index: 4, arphrdType: 65534, hardwareAddressLength: 0, ipv4Enabled: false)
    static let links: [UInt32: Link] = [3: veth0, 2: noV6, 4: noV4]
    static let mac = PhysicalAddress("02:00:00:00:00:10")!

    func row(_ a: String, index: UInt32 = 3, luid: UInt64 = 0, mac: PhysicalAddress = mac,
             state: NeighborState = .permanent) -> IpNetRow2 {
        IpNetRow2(address: IpAddress(a)!, interfaceIndex: index, interfaceLuid: NetLuid(value: luid),
                  physicalAddress: mac, state: state)
    }

    func check(_ r: IpNetRow2, _ purpose: NeighborRowValidator.Purpose = .write) -> IpNetError? {
        do throws(IpNetError) {
            _ = try NeighborRowValidator.validate(r, for: purpose, links: Self.links)
            return nil
        } catch { return error }
    }

    @Test(arguments: ["192.0.2.1", "2001:db8::1", "fe80::1%3", "::ffff:192.0.2.1", "198.51.100.255"])
    func addressRoundTrips(_ text: String) {
        #expect(IpAddress(text)?.description == text)
    }

    @Test(arguments: ["010.0.0.1", "192.0.2.01", "192.0.2", "192.0.2.256", "2001:db8:::1", "2001:db8::1%", "x"])
    func badAddressesAreRejected(_ text: String) {
        #expect(IpAddress(text) == nil)
    }

    @Test func macSpellings() {
        let expected = "02:00:00:00:00:10"
        #expect(PhysicalAddress("02-00-00-00-00-10")?.description == expected)
        #expect(PhysicalAddress("0200.0000.0010")?.description == expected)
        #expect(PhysicalAddress("02:00:00:00:00:10")?.description == expected)
        #expect(PhysicalAddress.parse(Array(repeating: "02", count: 33).joined(separator: ":")) == .failure(.tooLong(33)))
        #expect(PhysicalAddress.parse("02:00-00:00:00:10") == .failure(.malformed))
        #expect(PhysicalAddress(bytes: Array(repeating: 2, count: 33)) == nil)
    }

    @Test func luidRoundTripsAndRejectsReservedBits() {
        let l = NetLuid(ifIndex: 3, arphrdType: 1)
        #expect(l.description == "0x0006000003000000")
        #expect(NetLuid("0x0006000003000000") == l)
        #expect(NetLuid("0x0006000003000001") == nil)
        #expect(l.netLuidIndex == 3 && l.ifType == 6)
    }

    /// The byte-level fast path of `NetLuid(_:)` (`0x` + 1…16 hex digits) gives exactly what the general path gives,
    /// and every other form still goes through the general path.
    @Test func luidFastPathAgreesWithTheGeneralRule() {
        #expect(NetLuid("0X0006000003000000") == NetLuid(value: 0x0006_0000_0300_0000))
        #expect(NetLuid("0x0006000003ABCDEF") == nil)        // reserved bits
        #expect(NetLuid("0x00060000Ab000000") == NetLuid(value: 0x0006_0000_AB00_0000))
        #expect(NetLuid("0x3000000") == NetLuid(value: 0x300_0000))
        #expect(NetLuid("0x00060000030000000") == nil)       // 17 digits
        #expect(NetLuid("0x") == nil)
        #expect(NetLuid("0x+3000000") == NetLuid(value: 0x300_0000))  // the general path's UInt64(_:radix:)
        #expect(NetLuid("0x3000000g") == nil)
        #expect(NetLuid("1688849910595584") == NetLuid(value: 0x0006_0000_0300_0000))  // decimal
        #expect(NetLuid("") == nil)
    }

    /// `NeighborTable.inTableOrder` (a packed key per row, sorted once) orders rows exactly as comparing
    /// `(family == .ipv4 ? 0 : 1, key)` does: IPv4 first, then interface (by LUID when set, else index), then
    /// address, the scope id ignored; equal keys keep their dump order.
    @Test func tableOrderIsFamilyThenKey() {
        var rows: [IpNetRow2] = []
        let addresses = ["192.0.2.10", "192.0.2.9", "2001:db8::1", "fe80::1%5", "fe80::1", "198.51.100.1", "2001:db8::",
                         "255.255.255.254", "ffff::1", "0.0.0.1"]
        for (i, a) in addresses.enumerated() {
            for index: UInt32 in [7, 3, 0] {
                let luid = index == 0 ? NetLuid(ifIndex: 4, arphrdType: 1) : NetLuid(value: 0)
                rows.append(IpNetRow2(address: IpAddress(a)!, interfaceIndex: index, interfaceLuid: luid,
                                      protocol: UInt8(i)))
            }
        }
        rows.append(IpNetRow2(address: IpAddress("192.0.2.10")!, interfaceIndex: 3, protocol: 99))  // a duplicate key
        var g = SystemRandomNumberGenerator()
        rows.shuffle(using: &g)
        let expected = rows.enumerated().sorted { a, b in
            let ka = (a.element.address.family == .ipv4 ? 0 : 1, a.element.key)
            let kb = (b.element.address.family == .ipv4 ? 0 : 1, b.element.key)
            return ka < kb || (!(kb < ka) && a.offset < b.offset)
        }.map(\.element)
        #expect(NeighborTable.inTableOrder(rows) == expected)
    }

    @Test func validRowPasses() {
        #expect(check(row("192.0.2.10")) == nil)
        #expect(check(row("2001:db8::10", luid: 0x0006_0000_0300_0000, mac: .empty), .lookup) == nil)
    }

    @Test(arguments: ["0.0.0.0", "::"])
    func unspecifiedIsInvalid(_ a: String) {
        #expect(check(row(a)) == .invalidParameter(.unspecifiedAddress(a)))
    }

    @Test func limitedBroadcastIsInvalid() {
        #expect(check(row("255.255.255.255")) == .invalidParameter(.broadcastAddress("255.255.255.255")))
    }

    /// `::ffff:0:0/96` is never an IPv6 neighbor: the mapped forms of loopback and unspecified (which used to pass
    /// while 127.0.0.1 and 0.0.0.0 did not) and every other mapped address, in any spelling.
    @Test(arguments: [("::ffff:127.0.0.1", "127.0.0.1", false), ("::ffff:0.0.0.0", "0.0.0.0", false),
                      ("::ffff:192.0.2.1", "192.0.2.1", true), ("0:0:0:0:0:ffff:c000:201", "192.0.2.1", true),
                      ("::ffff:255.255.255.255", "255.255.255.255", false)])
    func ipv4MappedIsInvalid(_ a: String, _ v4: String, _ usable: Bool) throws {
        let address = try #require(IpAddress(a))
        #expect(address.isIPv4Mapped)
        #expect(check(row(a)) == .invalidParameter(.ipv4MappedAddress(address.description, ipv4: v4,
                                                                      ipv4Usable: usable)))
        #expect(check(row(a), .lookup) == .invalidParameter(.ipv4MappedAddress(address.description, ipv4: v4,
                                                                               ipv4Usable: usable)))
    }

    @Test func ipv4MappedReasonSaysWhatToWrite() {
        #expect(InvalidParameterReason.ipv4MappedAddress("::ffff:192.0.2.1", ipv4: "192.0.2.1", ipv4Usable: true)
                .description == "::ffff:192.0.2.1 is an IPv4-mapped IPv6 address, which is never an IPv6 neighbor; "
                + "write the IPv4 address 192.0.2.1 on its own")
    }

    /// Neighbours of `::ffff:0:0/96` that are not mapped stay valid.
    @Test(arguments: ["::fffe:c000:201", "::1:ffff:c000:201", "::ffff:0:c000:201", "64:ff9b::c000:201",
                      "2001:db8::ffff:c000:201"])
    func nearlyMappedAddressesPass(_ a: String) {
        #expect(IpAddress(a)?.isIPv4Mapped == false)
        #expect(check(row(a)) == nil)
    }

    @Test func routerFlagOnlyOnIPv6() {
        var r = row("192.0.2.10")
        r.isRouter = true
        #expect(check(r) == .invalidParameter(.routerFlagOnIPv4("192.0.2.10")))
        #expect(check(r, .lookup) == nil)  // get/delete do not look at flags
        var v6 = row("2001:db8::10")
        v6.isRouter = true
        #expect(check(v6) == nil)
    }

    /// The Windows rule extended to zones: a zone id selects the interface when no LUID or index does, and must
    /// agree with them when given.
    @Test func zoneIdSelectsTheInterface() throws {
        let zoned = row("fe80::78%3", index: 0)
        #expect(zoned.effectiveInterfaceIndex == 3)
        #expect(zoned.key == NeighborKey(interfaceIndex: 3, address: IpAddress("fe80::78")!))
        #expect(check(zoned) == nil)
        #expect(check(row("fe80::78%3", index: 3)) == nil)
        #expect(check(row("fe80::78%3", index: 0, luid: 0x0006_0000_0300_0000)) == nil)
        #expect(check(row("fe80::78%7", index: 0)) == .notFound("no interface with index 7"))
        #expect(check(row("fe80::78%2", index: 3)) == .invalidParameter(.zoneMismatch(IpAddress("fe80::78%2")!,
                                                                                      index: 3)))
        #expect(check(row("fe80::78%2", index: 3))?.reason
                == "fe80::78%2 has zone id %2 (interface index 2), but the entry's interface has index 3; drop the zone "
                + "id or make it %3")
        #expect(check(row("fe80::78", index: 0)) == .invalidParameter(.interfaceUnspecified))
    }

    @Test(arguments: ["127.0.0.1", "127.1.2.3", "::1"])
    func loopbackIsRejected(_ a: String) {
        #expect(check(row(a)) == .invalidParameter(.loopbackAddress(a)))
    }

    @Test func wrongMacLength() {
        #expect(check(row("192.0.2.10", mac: PhysicalAddress("02:00:00:00")!))
                == .invalidParameter(.physicalAddressLength(PhysicalAddress("02:00:00:00")!, link: "veth0", expected: 6)))
        #expect(check(row("192.0.2.10", mac: PhysicalAddress("02:00:00:00")!))?.reason
                == "physicalAddress 02:00:00:00 has 4 bytes, but veth0 uses 6-byte hardware addresses")
        #expect(check(row("192.0.2.10", mac: .empty))
                == .invalidParameter(.physicalAddressMissing(.permanent, link: "veth0", expected: 6)))
        // noarp without a MAC only where the kernel supplies one (here a multicast address); a unicast address on
        // an ARP link is refused (the kernel would answer 'No link layer address given').
        #expect(check(row("224.0.0.251", mac: .empty, state: .noarp)) == nil)
        let noarp = check(row("192.0.2.10", mac: .empty, state: .noarp))
        #expect(noarp == .invalidParameter(.noarpNeedsPhysicalAddress(IpAddress("192.0.2.10")!, link: "veth0")))
        #expect(noarp?.reason.hasSuffix("add physicalAddress") == true)
        // Lookups (get/delete) do not look at the MAC.
        #expect(check(row("192.0.2.10", mac: PhysicalAddress("02:00")!), .lookup) == nil)
    }

    @Test func interfaceSelection() {
        #expect(check(row("192.0.2.10", index: 0)) == .invalidParameter(.interfaceUnspecified))
        #expect(check(row("192.0.2.10", index: 2, luid: 0x0006_0000_0300_0000))
                == .invalidParameter(.luidIndexMismatch(luid: NetLuid(value: 0x0006_0000_0300_0000), index: 2)))
        #expect(check(row("192.0.2.10", index: 0, luid: 0x0018_0000_0300_0000))
                == .invalidParameter(.luidTypeMismatch(luid: NetLuid(value: 0x0018_0000_0300_0000), link: "veth0",
                                                       linkLuid: NetLuid(value: 0x0006_0000_0300_0000))))
        #expect(check(row("192.0.2.10", index: 7)) == .notFound("no interface with index 7"))
    }

    @Test func familyAvailability() {
        #expect(check(row("2001:db8::1", index: 2))
                == .notSupported("IPv6 is disabled on veth1 (net.ipv6.conf.veth1.disable_ipv6 = 1); "
                                 + "enable it or use another interface"))
        #expect(check(row("192.0.2.1", index: 4, mac: .empty))
                == .notSupported("tun0 has no IPv4 configuration; use another interface"))
    }

    @Test func kernelErrorsAreTranslated() {
        let a = IpAddress("192.0.2.10")!
        func t(_ e: Int32, _ m: String? = nil) -> IpNetError {
            KernelErrorTranslator.error(NetlinkFailure(errno: e, message: m), address: a,
                                        interfaceName: "veth0", interfaceIndex: 3)
        }
        #expect(t(17).description == "ERROR_OBJECT_ALREADY_EXISTS: 192.0.2.10 already exists on veth0")
        #expect(t(2) == .notFound("192.0.2.10 does not exist on veth0"))
        #expect(t(19) == .notFound("no interface with index 3"))
        #expect(t(1).windowsName == "ERROR_ACCESS_DENIED")
        #expect(t(22, "Invalid link address") == .system(errno: 22, message: "192.0.2.10 on veth0: Invalid link address"))
    }

    @Test func kernelTestDecision() {
        #expect(KernelTests.decide(unavailableReason: nil, environment: ["CI": "true"]) == .run)
        #expect(KernelTests.decide(unavailableReason: "no root", environment: [:]) == .skip("no root"))
        guard case .fail = KernelTests.decide(unavailableReason: "no root", environment: ["CI": "true"]) else {
            Issue.record("CI=true must turn an unavailable kernel into a failure"); return
        }
    }
}
