import Foundation
import Testing
@testable import IpNet
import NetnsTesting
@testable import IpNetCore

/// `NeighborTable` and proxy entries against the kernel (fresh namespace each): the proxy table is read apart
/// (`proxyTable`, `ip neigh show proxy`) and never mixed into `table` (`GetIpNetTable2`); create/set/delete/get carry
/// NTF_PROXY; and, since the kernel's proxy add never answers EEXIST or ENOENT, `create` of an existing proxy entry
/// fails with `objectAlreadyExists` and `set` of a missing one with `notFound` without touching the kernel: another
/// owner's proxy entry is never silently re-tagged by a create.
@Suite struct ProxyTableKernelTests {
    static let addresses = [IpAddress("192.0.2.7")!, IpAddress("2001:db8:100::5")!]

    /// `ip -j neigh show proxy` as (dst, protocol) pairs; protocol "-" when none.
    static func proxies(_ ns: Netns) -> [String: String] {
        let r = ns.run(["-N", "-j", "neigh", "show", "proxy"])
        let arr = (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]) ?? []
        var out: [String: String] = [:]
        for e in arr { if let d = e["dst"] as? String { out[d] = "\(e["protocol"] ?? "-")" } }
        return out
    }

    @Test(arguments: addresses)
    func createGetDeleteWithCreateAndSetSemantics(_ a: IpAddress) throws {
        guard let ns = try freshNetns() else { return }
        let t = try NeighborTable(namespace: ns.name)
        let idx = ns.index(of: "veth0")
        let proxy = IpNetRow2(address: a, interfaceIndex: idx, state: .none, protocol: 245, flags: .proxy)
        // An ordinary entry at the same address on the same link: a different entry, left alone throughout.
        try ns.check(["neigh", "add", a.description, "dev", "veth0", "lladdr", "02:00:00:00:00:10", "protocol", "4"])
        try t.create(proxy)
        #expect(Self.proxies(ns) == [a.description: "245"])
        let got = try t.get(IpNetRow2(address: a, interfaceIndex: idx, flags: .proxy))
        #expect(got.isProxy && got.protocol == 245 && got.state == .none && got.physicalAddress.count == 0)
        #expect(got.interfaceLuid == NetLuid(ifIndex: idx, arphrdType: 1))
        #expect(try t.proxyTable(family: .unspecified).map(\.key) == [proxy.key])
        #expect(try t.proxyTable(family: a.family == .ipv4 ? .ipv6 : .ipv4).isEmpty)
        #expect(try t.table(family: .unspecified).allSatisfy { !$0.isProxy })
        let again = #expect(throws: IpNetError.self) { try t.create(proxy) }
        #expect(again == .objectAlreadyExists("proxy \(a) already exists on veth0"))
        var other = proxy
        other.address = a.family == .ipv4 ? IpAddress("192.0.2.8")! : IpAddress("2001:db8:100::6")!
        let missing = #expect(throws: IpNetError.self) { try t.set(other) }
        #expect(missing == .notFound("proxy \(other.address) does not exist on veth0"))
        #expect(Self.proxies(ns) == [a.description: "245"])
        try t.delete(proxy)
        #expect(Self.proxies(ns).isEmpty)
        #expect(throws: IpNetError.self) { try t.delete(proxy) }
        let ordinary = try #require(ns.neighbors().first { $0["dst"] as? String == a.description })
        #expect(ordinary["lladdr"] as? String == "02:00:00:00:00:10")
    }

    @Test func aForeignProxyIsNotRetaggedByACreateButBySet() throws {
        guard let ns = try freshNetns() else { return }
        let t = try NeighborTable(namespace: ns.name)
        try ns.check(["neigh", "add", "proxy", "192.0.2.7", "dev", "veth0", "protocol", "5"])
        let proxy = IpNetRow2(address: IpAddress("192.0.2.7")!, interfaceIndex: ns.index(of: "veth0"), state: .none,
                              protocol: 245, flags: .proxy)
        let results = t.perform([.create(proxy)])
        #expect(results == [.objectAlreadyExists("proxy 192.0.2.7 already exists on veth0")])
        #expect(Self.proxies(ns) == ["192.0.2.7": "5"])
        try t.set(proxy)
        #expect(Self.proxies(ns) == ["192.0.2.7": "245"])
    }

    @Test func aProxyOnLoopbackIsRefusedBeforeTheKernel() throws {
        guard let ns = try freshNetns() else { return }
        let t = try NeighborTable(namespace: ns.name)
        let proxy = IpNetRow2(address: IpAddress("192.0.2.7")!, interfaceIndex: ns.index(of: "lo"), state: .none,
                              flags: .proxy)
        let e = #expect(throws: IpNetError.self) { try t.create(proxy) }
        #expect(e?.windowsName == "ERROR_INVALID_PARAMETER")
        #expect(Self.proxies(ns).isEmpty)
    }
}
