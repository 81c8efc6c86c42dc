import Foundation
import Testing
@testable import IpNet
import NetnsTesting
@testable import IpNetCore

/// Kernel tests: each case gets a fresh network namespace with veth0/veth1 and talks real rtnetlink.
@Suite struct NeighborTableKernelTests {
    static let mac10 = PhysicalAddress("02:00:00:00:00:10")!
    static let mac11 = PhysicalAddress("02:00:00:00:00:11")!

    /// (address, namespace) pairs for both families.
    static let addresses = [IpAddress("192.0.2.10")!, IpAddress("2001:db8::10")!]

    func row(_ a: IpAddress, _ index: UInt32, mac: PhysicalAddress = mac10, proto: UInt8 = 0) -> IpNetRow2 {
        IpNetRow2(address: a, interfaceIndex: index, physicalAddress: mac, state: .permanent, protocol: proto)
    }

    func entry(_ ns: Netns, _ a: IpAddress) -> [String: Any]? {
        ns.neighbors().first { ($0["dst"] as? String) == a.description }
    }

    @Test(arguments: addresses)
    func createThenGet(_ a: IpAddress) throws {
        guard let ns = try freshNetns() else { return }
        let t = try NeighborTable(namespace: ns.name)
        let idx = ns.index(of: "veth0")
        try t.create(row(a, idx, proto: 245))
        let got = try t.get(IpNetRow2(address: a, interfaceIndex: idx))
        #expect(got.address == a)
        #expect(got.physicalAddress == Self.mac10)
        #expect(got.state == .permanent)
        #expect(got.protocol == 245)
        #expect(got.interfaceLuid == NetLuid(ifIndex: idx, arphrdType: 1))
        let e = try #require(entry(ns, a))
        #expect(e["lladdr"] as? String == "02:00:00:00:00:10")
        #expect(e["dev"] as? String == "veth0")
    }

    @Test(arguments: addresses)
    func createTwiceIsAlreadyExists(_ a: IpAddress) throws {
        guard let ns = try freshNetns() else { return }
        let t = try NeighborTable(namespace: ns.name)
        let r = row(a, ns.index(of: "veth0"))
        try t.create(r)
        let e = #expect(throws: IpNetError.self) { try t.create(r) }
        #expect(e == .objectAlreadyExists("\(a) already exists on veth0"))
    }

    @Test(arguments: addresses)
    func setChangesTheMac(_ a: IpAddress) throws {
        guard let ns = try freshNetns() else { return }
        let t = try NeighborTable(namespace: ns.name)
        let idx = ns.index(of: "veth0")
        try t.create(row(a, idx))
        try t.set(row(a, idx, mac: Self.mac11, proto: 246))
        let e = try #require(entry(ns, a))
        #expect(e["lladdr"] as? String == "02:00:00:00:00:11")
        #expect(try t.get(row(a, idx)).protocol == 246)
    }

    @Test(arguments: addresses)
    func setAndDeleteOfMissingAreNotFound(_ a: IpAddress) throws {
        guard let ns = try freshNetns() else { return }
        let t = try NeighborTable(namespace: ns.name)
        let r = row(a, ns.index(of: "veth0"))
        #expect(throws: IpNetError.notFound("\(a) does not exist on veth0")) { try t.set(r) }
        #expect(throws: IpNetError.notFound("\(a) does not exist on veth0")) { try t.delete(r) }
        #expect(throws: IpNetError.notFound("\(a) does not exist on veth0")) { try t.get(r) }
        #expect(entry(ns, a) == nil)
        try t.create(r)
        try t.delete(r)
        #expect(entry(ns, a) == nil)
    }

    @Test func unknownInterfaceIsNotFound() throws {
        guard let ns = try freshNetns() else { return }
        let t = try NeighborTable(namespace: ns.name)
        #expect(throws: IpNetError.notFound("no interface with index 77")) {
            try t.create(row(IpAddress("192.0.2.10")!, 77))
        }
    }

    @Test(arguments: [IpAddress("127.0.0.1")!, IpAddress("::1")!])
    func loopbackIsRejectedAndNothingWritten(_ a: IpAddress) throws {
        guard let ns = try freshNetns() else { return }
        let t = try NeighborTable(namespace: ns.name)
        #expect(throws: IpNetError.invalidParameter(.loopbackAddress(a.description))) {
            try t.create(row(a, ns.index(of: "veth0")))
        }
        #expect(ns.neighbors().isEmpty)
    }

    @Test func wrongMacLengthIsInvalidParameter() throws {
        guard let ns = try freshNetns() else { return }
        let t = try NeighborTable(namespace: ns.name)
        let r = row(IpAddress("192.0.2.10")!, ns.index(of: "veth0"), mac: PhysicalAddress("02:00:00:00")!)
        #expect(throws: IpNetError.invalidParameter(.physicalAddressLength(PhysicalAddress("02:00:00:00")!,
                                                                           link: "veth0", expected: 6))) {
            try t.create(r)
        }
        #expect(ns.neighbors().isEmpty)
    }

    @Test func tableListsBothFamilies() throws {
        guard let ns = try freshNetns() else { return }
        let t = try NeighborTable(namespace: ns.name)
        let idx = ns.index(of: "veth0")
        for a in Self.addresses { try t.create(row(a, idx, proto: 245)) }
        let all = try t.table(family: .unspecified).filter { $0.protocol == 245 }
        #expect(all.map(\.address) == Self.addresses)
        #expect(try t.table(family: .ipv4).filter { $0.protocol == 245 }.map(\.address) == [Self.addresses[0]])
        #expect(try t.table(family: .ipv6).filter { $0.protocol == 245 }.map(\.address) == [Self.addresses[1]])
    }

    @Test func flushOfOneInterfaceLeavesTheOther() throws {
        guard let ns = try freshNetns() else { return }
        let t = try NeighborTable(namespace: ns.name)
        let i0 = ns.index(of: "veth0"), i1 = ns.index(of: "veth1")
        for a in Self.addresses {
            try t.create(row(a, i0))
            try t.create(row(a, i1))
        }
        #expect(try t.flush(family: .unspecified, interfaceIndex: i0) == 2)
        let left = try t.table(family: .unspecified).filter { $0.state == .permanent }
        #expect(left.map(\.interfaceIndex) == [i1, i1])
        #expect(try t.flush(family: .ipv4, interfaceIndex: 0) == 1)
        #expect(try t.table(family: .unspecified).filter { $0.state == .permanent }.map(\.address)
                == [Self.addresses[1]])
    }

    @Test func ipv6DisabledIsNotSupported() throws {
        guard let ns = try freshNetns() else { return }
        #expect(ns.exec(["sysctl", "-qw", "net.ipv6.conf.veth0.disable_ipv6=1"]).status == 0)
        let t = try NeighborTable(namespace: ns.name)
        let link = try #require(try t.link(named: "veth0"))
        #expect(!link.ipv6Enabled && link.ipv4Enabled)
        #expect(throws: IpNetError.notSupported("IPv6 is disabled on veth0 (net.ipv6.conf.veth0.disable_ipv6 = 1); "
                                                + "enable it or use another interface")) {
            try t.create(row(IpAddress("2001:db8::10")!, link.index))
        }
        try t.create(row(IpAddress("192.0.2.10")!, link.index))
    }

    @Test func performReportsExactlyTheFailingRequest() throws {
        guard let ns = try freshNetns() else { return }
        let t = try NeighborTable(namespace: ns.name)
        let idx = ns.index(of: "veth0")
        try t.create(row(IpAddress("192.0.2.3")!, idx))
        let ops: [NeighborOperation] = (1...5).map { .create(row(IpAddress("192.0.2.\($0)")!, idx)) }
            + [.delete(row(IpAddress("192.0.2.99")!, idx)), .create(row(IpAddress("127.0.0.9")!, idx)),
               .set(row(IpAddress("2001:db8::5")!, idx))]
        let results = t.perform(ops)
        #expect(results.count == ops.count)
        #expect(results[0] == nil && results[1] == nil && results[3] == nil && results[4] == nil)
        #expect(results[2] == .objectAlreadyExists("192.0.2.3 already exists on veth0"))
        #expect(results[5] == .notFound("192.0.2.99 does not exist on veth0"))
        #expect(results[6] == .invalidParameter(.loopbackAddress("127.0.0.9")))
        #expect(results[7] == .notFound("2001:db8::5 does not exist on veth0"))
        #expect(try t.table(family: .ipv4).count == 5)
    }

    /// Bulk creates (IPv6, 2001:db8:1::/64, so only documentation addresses are used); prints the time taken.
    @Test(arguments: [10_000, 100_000])
    func performManyCreates(_ count: Int) throws {
        guard let ns = try freshNetns() else { return }
        let t = try NeighborTable(namespace: ns.name)
        let idx = ns.index(of: "veth0")
        let ops = (0..<count).map { i in
            NeighborOperation.create(row(.v6(high: 0x2001_0db8_0001_0000, low: UInt64(i + 1), scopeId: 0), idx,
                                         proto: 245))
        }
        let clock = ContinuousClock()
        let start = clock.now
        let results = t.perform(ops)
        let elapsed = clock.now - start
        print("perform(\(count) creates): \(elapsed)")
        #expect(results.allSatisfy { $0 == nil })
        #expect(try t.table(family: .ipv6).filter { $0.protocol == 245 }.count == count)
        let flushStart = clock.now
        #expect(try t.flush(family: .ipv6, interfaceIndex: idx) == count)
        print("flush(\(count) entries): \(clock.now - flushStart)")
    }

    @Test func resolveReturnsThePeersMac() throws {
        guard let (a, b) = try joinedNetns() else { return }
        let t = try NeighborTable(namespace: a.name)
        let peerMac = try #require(try NeighborTable(namespace: b.name).link(named: "veth0"))
        _ = peerMac
        let expected = Netns.ip(["-j", "-n", b.name, "link", "show", "dev", "veth0"]).stdout
        let idx = a.index(of: "veth0")
        let r4 = try t.resolve(IpNetRow2(address: IpAddress("198.51.100.2")!, interfaceIndex: idx), timeout: .seconds(5))
        #expect(r4.state == .reachable)
        #expect(expected.contains("\"address\":\"\(r4.physicalAddress)\""))
        let r6 = try t.resolve(IpNetRow2(address: IpAddress("2001:db8:51::2")!, interfaceIndex: idx),
                               timeout: .seconds(5))
        #expect(r6.physicalAddress == r4.physicalAddress)
    }

    @Test func resolveOfSilentAddressIsBadNetName() throws {
        guard let (a, b) = try joinedNetns() else { return }
        _ = b
        let t = try NeighborTable(namespace: a.name)
        let clock = ContinuousClock()
        let start = clock.now
        let e = #expect(throws: IpNetError.self) {
            try t.resolve(IpNetRow2(address: IpAddress("198.51.100.77")!, interfaceIndex: a.index(of: "veth0")),
                          timeout: .seconds(6))
        }
        #expect(e?.windowsName == "ERROR_BAD_NET_NAME")
        #expect(clock.now - start < .seconds(7))
    }

    @Test func namespaceThatDoesNotExistIsNotFound() throws {
        #expect(throws: IpNetError.self) { try NeighborTable(namespace: "neighsync-test-missing-\(UInt32.random(in: 0...UInt32.max))") }
    }
}
