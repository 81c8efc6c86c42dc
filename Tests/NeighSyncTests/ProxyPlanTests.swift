import Foundation
import Testing
import IpNet
@testable import NeighSync
import IpNetCore
@testable import NeighSyncCore
import CoreTestSupport

/// Proxy entries (issue 13) without the kernel: the `proxies:` list and its hostile inputs, the identity
/// (`NeighborKey.isProxy`), the planner's rules for proxies (owned only pruned, foreign untouched, adopt, maxDeletes),
/// the text and JSON of a plan, the YAML bootstrap, snapshots (`RowRecord`) and the iproute2 import. The kernel side
/// is `CLITests/ProxyEntryKernelTests`.
@Suite struct ProxyPlanTests {
    static let links = [Link(name: "lo", index: 1, arphrdType: 772, hardwareAddressLength: 6),
                        Link(name: "veth0", index: 3, arphrdType: 1, hardwareAddressLength: 6),
                        Link(name: "veth1", index: 4, arphrdType: 1, hardwareAddressLength: 6),
                        Link(name: "tun0", index: 5, arphrdType: 65534, hardwareAddressLength: 0, isNoArp: true)]

    static func load(_ text: String) -> Result<DesiredState, DiagnosticList> {
        DesiredStateLoader.load(text: text, fileName: "p.yaml")
    }

    static func errors(_ text: String) -> [String] {
        guard case .failure(let list) = load(text) else { return [] }
        return list.diagnostics.filter(\.isError).map(\.description)
    }

    static func proxy(_ a: String, _ index: UInt32 = 3, protocol p: UInt8 = 245) -> IpNetRow2 {
        IpNetRow2(address: IpAddress(a)!, interfaceIndex: index, state: .none, protocol: p, flags: .proxy)
    }

    static func neighbor(_ a: String, _ index: UInt32 = 3, protocol p: UInt8 = 245) -> IpNetRow2 {
        IpNetRow2(address: IpAddress(a)!, interfaceIndex: index, physicalAddress: PhysicalAddress("02:00:00:00:00:10")!,
                  protocol: p)
    }

    static func plan(_ text: String, current: [IpNetRow2]) throws -> Plan {
        let state = try load(text).get()
        let desired = try state.resolve(links: links).get()
        return Planner.plan(desired: desired.entries, current: current, links: links,
                            ownerProtocol: state.ownerProtocol, prune: state.prune, maxDeletes: state.maxDeletes,
                            pending: desired.pending)
    }

    // MARK: File

    @Test func proxiesListWithDefaultsInterface() throws {
        let state = try Self.load("""
            version: 1
            defaults: { interface: veth0, state: noarp, isRouter: true }
            neighbors: []
            proxies:
              - address: 2001:db8:100::5
              - address: 192.0.2.77
                interface: veth1
            """).get()
        #expect(state.neighbors.map(\.isProxy) == [true, true])
        let rows = try state.resolve(links: Self.links).get().entries.map(\.row).map { r in
            var r = r
            r.interfaceLuid = NetLuid(value: 0)
            return r
        }
        // defaults.interface applies; defaults.state and isRouter do not (a proxy entry has neither).
        #expect(rows == [Self.proxy("2001:db8:100::5"), Self.proxy("192.0.2.77", 4)])
        #expect(rows.allSatisfy { $0.key.isProxy })
    }

    @Test func aProxyAndANeighborAtTheSameAddressAreTwoEntries() throws {
        let p = try Self.plan("""
            version: 1
            neighbors:
              - { address: 192.0.2.10, interface: veth0, physicalAddress: "02:00:00:00:00:10" }
            proxies:
              - { address: 192.0.2.10, interface: veth0 }
            """, current: [])
        #expect(p.changes.map(\.action) == [.create, .create])
        #expect(p.changes.map(\.key.isProxy) == [false, true])
        #expect(PlanRenderer(color: false).render(p).contains("  + proxy 192.0.2.10 dev veth0  # absent (p.yaml:5:5)"))
    }

    @Test("hostile proxies: a MAC, a state, the router flag on IPv4, a duplicate, not a list, no neighbors, null")
    func hostileProxyEntries() throws {
        let mac = Self.errors("""
            version: 1
            neighbors: []
            proxies:
              - address: 192.0.2.77
                interface: veth0
                physicalAddress: "02:00:00:00:00:77"
            """)
        #expect(mac == ["p.yaml:6:5: error: 'physicalAddress' does not apply to a proxy entry: the kernel answers for "
                        + "the address with the interface's own link-layer address, and a proxy entry has no state; "
                        + "keep 'address', the interface and 'isRouter', or move the entry to 'neighbors'"])
        #expect(Self.errors("version: 1\nneighbors: []\nproxies:\n  - { address: 2001:db8::5, interface: veth0, "
                            + "state: permanent }\n").first?.hasPrefix("p.yaml:4:47: error: 'state' does not apply") == true)
        // The router flag: IPv6 only (the kernel keeps NTF_ROUTER on a proxy entry), as on a neighbor; not from defaults.
        #expect(Self.errors("version: 1\nneighbors: []\nproxies:\n  - { address: 2001:db8::5, interface: veth0, "
                            + "isRouter: true }\n").isEmpty)
        #expect(Self.errors("version: 1\nneighbors: []\nproxies:\n  - { address: 192.0.2.5, interface: veth0, "
                            + "isRouter: true }\n")
                == ["p.yaml:4:55: error: isRouter applies to IPv6 neighbors only (NTF_ROUTER, the ND router flag); "
                    + "192.0.2.5 is IPv4, so drop the flag"])
        let routerProxy = try Self.load("version: 1\ndefaults: { isRouter: true }\nneighbors: []\nproxies:\n"
                                        + "  - { address: 2001:db8::5, interface: veth0 }\n"
                                        + "  - { address: 2001:db8::6, interface: veth0, isRouter: true }\n").get()
        #expect(try routerProxy.resolve(links: Self.links).get().entries.map(\.row.isRouter) == [false, true])
        // Saved plans check a proxy row by the same rule: the router flag on IPv6 only.
        var v6 = Self.proxy("2001:db8::6"), v4 = Self.proxy("192.0.2.6")
        v6.isRouter = true
        v4.isRouter = true
        #expect(DesiredRules.proxyRowProblem(v6) == nil)
        #expect(DesiredRules.proxyRowProblem(v4)?.0 == "isRouter")
        let dup = Self.errors("""
            version: 1
            neighbors: []
            proxies:
              - { address: 192.0.2.77, interface: veth0 }
              - { address: 192.0.2.77, interface: veth0 }
            """)
        #expect(dup.count == 1 && dup[0].hasPrefix("p.yaml:5:16: error: duplicate proxy 192.0.2.77 on veth0"), "\(dup)")
        #expect(Self.errors("version: 1\nneighbors: []\nproxies: {}\n")
                == ["p.yaml:3:10: error: expected a list for 'proxies', found a mapping"])
        #expect(Self.errors("version: 1\nproxies:\n  - { address: 192.0.2.77, interface: veth0 }\n")
                == ["p.yaml:1:1: error: missing key 'neighbors' at the top level; it is required beside 'proxies' too, "
                    + "since a file without it would delete every owned neighbor entry. List the entries, or write "
                    + "'neighbors: []' to want none"])
        #expect(Self.errors("version: 1\nneighbors: []\nproxies:\n").first?
            .hasPrefix("p.yaml:3:9: error: 'proxies' has no value") == true)
        #expect(Self.errors("version: 1\nneighbors: []\nproxies:\n  - { interface: veth0 }\n")
                == ["p.yaml:4:5: error: missing required key 'address' in this proxy entry"])
        #expect(Self.errors("version: 1\nneighbors: []\nproxies:\n  - { address: 127.0.0.5, interface: veth0 }\n")
            .first?.hasPrefix("p.yaml:4:16: error: address 127.0.0.5 is a loopback address") == true)
    }

    @Test("a proxy on lo or on a NOARP link is refused at its address", arguments: ["lo", "tun0"])
    func proxyOnLoopbackOrNoarp(_ dev: String) throws {
        let state = try Self.load("""
            version: 1
            neighbors: []
            proxies:
              - { address: 192.0.2.1, interface: veth0 }
              - { address: 2001:db8::77, interface: \(dev) }
            """).get()
        guard case .failure(let list) = state.resolve(links: Self.links) else {
            Issue.record("a proxy on \(dev) was accepted")
            return
        }
        #expect(list.diagnostics.map(\.description)
                == ["p.yaml:5:16: error: \(dev) does no ARP or neighbor discovery (loopback or NOARP), so a proxy entry "
                    + "for 2001:db8::77 there would answer nothing; put it on the link the requests arrive on"])
    }

    // MARK: Plan

    @Test("owned proxies are pruned, foreign and untagged ones untouched, an equal untagged one adopted")
    func ownershipRules() throws {
        let current = [Self.neighbor("192.0.2.77", protocol: 4),  // an ordinary entry of another owner, same address
                       Self.proxy("192.0.2.50"),                   // owned, not desired: deleted
                       Self.proxy("192.0.2.51", protocol: 5),      // foreign: untouched
                       Self.proxy("192.0.2.52", protocol: 0),      // untagged, not desired: untouched
                       Self.proxy("192.0.2.77", protocol: 0)]      // untagged, desired: adopted
        let p = try Self.plan("""
            version: 1
            neighbors: []
            proxies:
              - { address: 192.0.2.77, interface: veth0 }
              - { address: 2001:db8:100::5, interface: veth0 }
            """, current: current)
        #expect(p.changes.map { "\($0.action) \($0.key)" }
                == ["delete proxy 192.0.2.50@3", "set proxy 192.0.2.77@3", "create proxy 2001:db8:100::5@3"])
        let text = PlanRenderer(color: false).render(p)
        #expect(text.contains("  - proxy 192.0.2.50 dev veth0  # owned proxy entry not in desired state\n"), "\(text)")
        #expect(text.contains("  ~ proxy 192.0.2.77 dev veth0  # adopt: entry exists without owner tag (p.yaml:4:5)\n"),
                "\(text)")
        #expect(text.contains("  + proxy 2001:db8:100::5 dev veth0  # absent (p.yaml:5:5)\n"), "\(text)")
        // The JSON records carry the kind.
        let doc = PlanDocument(p)
        #expect(doc.changes.map(\.kind) == ["proxy", "proxy", "proxy"])
        #expect(doc.changes.compactMap(\.after).allSatisfy { $0.flags == ["proxy"] && $0.state == "none" })
        // prune: none keeps the owned one.
        let keep = try Self.plan("version: 1\nprune: none\nneighbors: []\n", current: current)
        #expect(keep.changes.isEmpty)
    }

    @Test func convergedProxyIsUnchangedAndMaxDeletesCountsProxies() throws {
        let current = [Self.proxy("192.0.2.77"), Self.neighbor("192.0.2.10"), Self.proxy("192.0.2.78")]
        let same = try Self.plan("""
            version: 1
            neighbors:
              - { address: 192.0.2.10, interface: veth0, physicalAddress: "02:00:00:00:00:10" }
            proxies:
              - { address: 192.0.2.77, interface: veth0 }
              - { address: 192.0.2.78, interface: veth0 }
            """, current: current)
        #expect(same.changes.isEmpty && same.unchanged == 3)
        let none = try Self.plan("version: 1\nmaxDeletes: 2\nneighbors: []\n", current: current)
        #expect(none.count(.delete) == 3 && none.exceedsMaxDeletes)
        // Ordinary entries first, then proxies (`NeighborKey`'s order).
        #expect(none.changes.map(\.key.isProxy) == [false, true, true])
    }

    @Test func keyOrderIsTotalWithProxiesLast() {
        let keys = [NeighborKey(interfaceIndex: 9, address: IpAddress("192.0.2.1")!),
                    NeighborKey(interfaceIndex: 1, address: IpAddress("192.0.2.1")!, isProxy: true),
                    NeighborKey(interfaceIndex: 9, address: IpAddress("2001:db8::1")!, isProxy: true),
                    NeighborKey(interfaceIndex: 1, address: IpAddress("192.0.2.2")!)]
        #expect(keys.sorted().map(\.description)
                == ["192.0.2.2@1", "192.0.2.1@9", "proxy 192.0.2.1@1", "proxy 2001:db8::1@9"])
        // The same (interface, address) in the two tables: two keys.
        #expect(NeighborKey(interfaceIndex: 1, address: IpAddress("192.0.2.1")!)
                != NeighborKey(interfaceIndex: 1, address: IpAddress("192.0.2.1")!, isProxy: true))
        #expect(Self.proxy("192.0.2.1").key != Self.neighbor("192.0.2.1").key)
    }

    @Test func watchScopeSeesAnOwnedProxyAppearingAndAProxyDeleted() {
        let scope = WatchScope(desired: [Self.proxy("192.0.2.77")], interfaceNames: ["veth0"], ownerProtocol: 245,
                               prunes: true)
        #expect(scope.touches(.neighborChanged(Self.proxy("192.0.2.50"))))
        #expect(!scope.touches(.neighborChanged(Self.proxy("192.0.2.51", protocol: 5))))
        #expect(!scope.touches(.neighborChanged(Self.proxy("192.0.2.77"))))
        #expect(scope.touches(.neighborDeleted(Self.proxy("192.0.2.77"))))
        #expect(!scope.touches(.neighborDeleted(Self.neighbor("192.0.2.77", protocol: 0))))
    }

    @Test func watchScopePollsTheProxyTableAndItsDigestSeesOnlyOwnedAndDesiredProxies() {
        let scope = WatchScope(desired: [Self.proxy("192.0.2.77")], interfaceNames: ["veth0"], ownerProtocol: 245,
                               prunes: false)
        #expect(scope.watchesProxyTable)
        #expect(WatchScope(desired: [Self.neighbor("192.0.2.77")], interfaceNames: ["veth0"], ownerProtocol: 245,
                           prunes: true).watchesProxyTable)
        #expect(!WatchScope(desired: [Self.neighbor("192.0.2.77")], interfaceNames: ["veth0"], ownerProtocol: 245,
                            prunes: false).watchesProxyTable)
        let base = scope.proxyFingerprint([Self.proxy("192.0.2.77"), Self.proxy("192.0.2.90", protocol: 5)])
        // A foreign proxy coming or going does not matter; the desired one going, or an owned one coming, does.
        #expect(scope.proxyFingerprint([Self.proxy("192.0.2.77")]) == base)
        #expect(scope.proxyFingerprint([Self.proxy("192.0.2.90", protocol: 5)]) != base)
        #expect(scope.proxyFingerprint([Self.proxy("192.0.2.77"), Self.proxy("192.0.2.61")]) != base)
    }

    @Test func proxyNdpWarningOncePerLinkUnlessTheFileTurnsItOn() throws {
        let state = try Self.load("""
            version: 1
            neighbors: []
            proxies:
              - { address: 2001:db8:100::5, interface: veth0 }
              - { address: 2001:db8:100::6, interface: veth0 }
              - { address: 2001:db8:100::7, interface: veth1 }
              - { address: 192.0.2.7, interface: veth1 }
            """).get()
        let rows = try state.resolve(links: Self.links).get().entries
        let sets = [NeighborParameterSet(family: .ipv6, interfaceIndex: 3, values: [.proxyNDP: 0]),
                    NeighborParameterSet(family: .ipv6, interfaceIndex: 4, values: [.proxyNDP: 1])]
        let w = ProxyNdpCheck.warnings(entries: rows, links: Self.links, current: sets, desired: [])
        #expect(w.map(\.description) == ["p.yaml:4:5: warning: net.ipv6.conf.veth0.proxy_ndp is 0, so the kernel "
                                         + "answers no neighbor solicitation for the proxy entries on veth0 "
                                         + "(2001:db8:100::5 …); set it with 'sysctl -w net.ipv6.conf.veth0.proxy_ndp=1' "
                                         + "or in the file (parameters: { interfaces: { veth0: { ipv6: { proxyNDP: "
                                         + "true } } } }); forwarding must be on too"])
        let on = DesiredParameter(place: .interface("veth0"), family: .ipv6, key: .proxyNDP, value: 1)
        #expect(ProxyNdpCheck.warnings(entries: rows, links: Self.links, current: sets, desired: [on]).isEmpty)
        let all = sets + [NeighborParameterSet(family: .ipv6, interfaceIndex: 0, values: [.proxyNDP: 1])]
        #expect(ProxyNdpCheck.warnings(entries: rows, links: Self.links, current: all, desired: []).isEmpty)
    }

    /// The kernel proxies when `all.proxy_ndp` OR `IF.proxy_ndp` is 1, and only on a forwarding interface
    /// (`ndisc_recv_ns`); the file's own `proxyNDP: false` counts like a 0 in the kernel.
    @Test func proxyNdpWarningFollowsAllForwardingAndTheFilesOwnFalse() throws {
        let state = try Self.load("""
            version: 1
            neighbors: []
            proxies:
              - { address: 2001:db8:100::5, interface: veth0 }
              - { address: 2001:db8:100::7, interface: veth1 }
            """).get()
        let rows = try state.resolve(links: Self.links).get().entries
        let sets = [NeighborParameterSet(family: .ipv6, interfaceIndex: 3, values: [.proxyNDP: 0]),
                    NeighborParameterSet(family: .ipv6, interfaceIndex: 4, values: [.proxyNDP: 1])]
        let forwarding = Ipv6ProxySwitches(allProxyNDP: true, forwarding: [3: true, 4: true])
        // all.proxy_ndp=1 answers on veth0 although its own proxy_ndp is 0.
        #expect(ProxyNdpCheck.warnings(entries: rows, links: Self.links, current: sets, desired: [],
                                       switches: forwarding).isEmpty)
        // Forwarding off on veth1: one warning there, whatever proxy_ndp says.
        var off = forwarding
        off.forwarding[4] = false
        let w = ProxyNdpCheck.warnings(entries: rows, links: Self.links, current: sets, desired: [], switches: off)
        #expect(w.map(\.description) == ["p.yaml:5:5: warning: net.ipv6.conf.veth1.forwarding is 0, so the kernel "
                                         + "answers no neighbor solicitation for the proxy entries on veth1 "
                                         + "(2001:db8:100::7 …) whatever proxyNDP says (it proxies only on a forwarding "
                                         + "interface); set it with 'sysctl -w net.ipv6.conf.veth1.forwarding=1'"])
        // The file turns proxy_ndp off on veth1, where the kernel has it on: warned, like a 0 in the kernel.
        let falseInFile = DesiredParameter(place: .interface("veth1"), family: .ipv6, key: .proxyNDP, value: 0)
        let noAll = Ipv6ProxySwitches(allProxyNDP: false, forwarding: [3: true, 4: true])
        let f = ProxyNdpCheck.warnings(entries: rows, links: Self.links, current: sets, desired: [falseInFile],
                                       switches: noAll)
        #expect(f.map(\.description) == [
            "p.yaml:4:5: warning: net.ipv6.conf.veth0.proxy_ndp is 0, so the kernel answers no neighbor solicitation "
                + "for the proxy entries on veth0 (2001:db8:100::5 …); set it with 'sysctl -w "
                + "net.ipv6.conf.veth0.proxy_ndp=1' or in the file (parameters: { interfaces: { veth0: { ipv6: { "
                + "proxyNDP: true } } } }); forwarding must be on too",
            "p.yaml:5:5: warning: the file sets proxyNDP: false on veth1 (net.ipv6.conf.veth1.proxy_ndp=0), so the "
                + "kernel answers no neighbor solicitation for the proxy entries on veth1 (2001:db8:100::7 …); set it "
                + "to true, or leave it out and set net.ipv6.conf.all.proxy_ndp=1"])
    }

    // MARK: State files

    @Test("snapshots write each row as RowRecord and read proxies back; a proxy with a MAC is refused")
    func snapshotRoundTrip() throws {
        var rows = [Self.neighbor("192.0.2.10"), Self.proxy("192.0.2.10"), Self.proxy("2001:db8:100::5", protocol: 0)]
        rows[0].interfaceLuid = Self.links[1].luid
        rows[0].reachabilityTime = 1200
        let text = SnapshotWriter.json(links: Self.links, rows: rows)
        // The writer's line is the RowRecord of the row, field for field.
        let decoded = try JSONDecoder().decode(Snapshot.self, from: Data(text.utf8))
        #expect(decoded.neighbors == rows.map { RowRecord($0, interfaceName: "veth0") })
        #expect(text.contains("{\"address\": \"192.0.2.10\", \"interface\": \"veth0\", \"interfaceIndex\": 3, "
                              + "\"physicalAddress\": \"\", \"state\": \"none\", \"isRouter\": false, "
                              + "\"isUnreachable\": false, \"protocol\": 245, \"flags\": [\"proxy\"]}"), "\(text)")
        let back = try SnapshotReader.parse(Array(text.utf8), path: "s.json", linksPath: nil) { _ in [] }
        #expect(back.rows == rows)
        let bad = text.replacingOccurrences(of: "\"physicalAddress\": \"\", \"state\": \"none\", \"isRouter\": false, "
                                            + "\"isUnreachable\": false, \"protocol\": 0",
                                            with: "\"physicalAddress\": \"02:00:00:00:00:01\", \"state\": \"none\", "
                                            + "\"isRouter\": false, \"isUnreachable\": false, \"protocol\": 0")
        #expect(throws: RecordError.self) {
            _ = try SnapshotReader.parse(Array(bad.utf8), path: "s.json", linksPath: nil) { _ in [] }
        }
        do {
            _ = try SnapshotReader.parse(Array(bad.utf8), path: "s.json", linksPath: nil) { _ in [] }
        } catch let e as RecordError {
            #expect(e.description == "s.json: item 2: a proxy entry has no link-layer address, found 02:00:00:00:00:01")
        }
    }

    @Test("iproute2 input: the objects of 'ip -j neigh show proxy' in the 'ip -j neigh show' array (jq -s add)")
    func iprouteImportOfTheProxyTable() throws {
        let neigh = #"{"dst":"192.0.2.10","dev":"veth0","lladdr":"02:00:00:00:00:10","state":["PERMANENT"],"protocol":"245"}"#
        let proxies = #"{"dst":"192.0.2.7","dev":"veth0","proxy":null,"protocol":"openr"},{"dst":"2001:db8::8","dev":"veth1","proxy":null}"#
        let links = #"[{"ifindex":3,"ifname":"veth0","link_type":"ether","address":"02:00:00:00:00:01","flags":["UP"]},{"ifindex":4,"ifname":"veth1","link_type":"ether","address":"02:00:00:00:00:02","flags":["UP"]}]"#
        func parse(_ text: String) throws -> [IpNetRow2] {
            try SnapshotReader.parse(Array(text.utf8), path: "n.json", linksPath: "l.json") { _ in Array(links.utf8) }.rows
        }
        let rows = try parse("[" + neigh + "," + proxies + "]")
        #expect(rows.map { "\($0.key) \($0.protocol)" } == ["192.0.2.10@3 245", "proxy 192.0.2.7@3 99",
                                                             "proxy 2001:db8::8@4 0"])
        #expect(rows.dropFirst().allSatisfy { $0.state == .none && $0.physicalAddress.count == 0 })
        // Two arrays back to back are still one value too many (strict JSON, as for every state file).
        #expect(throws: RecordError.self) { _ = try parse("[" + neigh + "] [" + proxies + "]") }
        // A proxy object with a link-layer address is no proxy table's.
        #expect(throws: RecordError.self) {
            _ = try parse(#"[{"dst":"192.0.2.7","dev":"veth0","proxy":null,"lladdr":"02:00:00:00:00:07"}]"#)
        }
    }

    /// A kernel table holds one entry per key: a snapshot or iproute2 input with a second row at a key (two identical
    /// proxy rows, two ordinary rows) is refused naming both items, rather than planned as if the kernel held one of
    /// them; a proxy row carrying `managed` (which the kernel refuses on a proxy) is refused.
    @Test func stateFilesRefuseASecondRowAtOneKeyAndAManagedProxy() throws {
        let rows = [Self.neighbor("192.0.2.10"), Self.proxy("2001:db8:100::5"), Self.proxy("192.0.2.10")]
        func parse(_ rows: [IpNetRow2]) -> String {
            let text = SnapshotWriter.json(links: Self.links, rows: rows)
            do {
                _ = try SnapshotReader.parse(Array(text.utf8), path: "s.json", linksPath: nil) { _ in [] }
                return "accepted"
            } catch { return "\(error)" }
        }
        #expect(parse(rows) == "accepted")
        #expect(parse(rows + [Self.proxy("2001:db8:100::5")]) == "s.json: item 3: proxy 2001:db8:100::5 at interface "
                + "index 3 is also item 1's key; a namespace holds one proxy entry per interface and address")
        var other = Self.neighbor("192.0.2.10")
        other.physicalAddress = try #require(PhysicalAddress("02:00:00:00:00:99"))
        #expect(parse([rows[0], other]) == "s.json: item 1: 192.0.2.10 at interface index 3 is also item 0's key; a "
                + "namespace holds one neighbor per interface and address")
        // The same address on another link, or in the other table, is another key.
        #expect(parse(rows + [Self.proxy("2001:db8:100::5", 4)]) == "accepted")
        var managed = Self.proxy("192.0.2.11")
        managed.flags.insert(.managed)
        #expect(parse([managed]) == "s.json: item 0: a proxy entry cannot be managed (the kernel refuses the combination)")
        // iproute2 input: the proxy table appended twice (`jq -s add` of the same file).
        let proxy = #"{"dst":"192.0.2.7","dev":"veth0","proxy":null}"#
        let links = #"[{"ifindex":3,"ifname":"veth0","link_type":"ether","address":"02:00:00:00:00:01","flags":["UP"]}]"#
        #expect(throws: RecordError.self) {
            _ = try SnapshotReader.parse(Array("[\(proxy),\(proxy)]".utf8), path: "n.json", linksPath: "l.json") { _ in
                Array(links.utf8)
            }
        }
        do {
            _ = try SnapshotReader.parse(Array("[\(proxy),\(proxy)]".utf8), path: "n.json", linksPath: "l.json") { _ in
                Array(links.utf8)
            }
        } catch {
            #expect("\(error)" == "n.json: item 1: proxy 192.0.2.7 at interface index 3 is also item 0's key; a "
                    + "namespace holds one proxy entry per interface and address")
        }
    }

    @Test func yamlBootstrapWritesAProxiesListThatLoadsBack() throws {
        let rows = [Self.neighbor("192.0.2.10"), Self.proxy("2001:db8:100::5"), Self.proxy("192.0.2.77", 4)]
        let chosen = ShowSelection.bootstrap(rows, ownerProtocol: 245, includeForeign: false).rows
        #expect(chosen.count == 3)
        let text = DesiredStateWriter.yaml(rows: chosen, links: Self.links)
        #expect(text == """
            version: 1
            neighbors:
              - address: "192.0.2.10"
                interface: veth0
                physicalAddress: "02:00:00:00:00:10"
            proxies:
              - address: "2001:db8:100::5"
                interface: veth0
              - address: "192.0.2.77"
                interface: veth1

            """)
        let back = try Self.load(text).get().resolve(links: Self.links).get().entries.map(\.row)
        #expect(Set(back.map(CanonicalRow.init)) == Set(rows.map(CanonicalRow.init)))
        // Only proxies: `neighbors: []` is still written (the key is required).
        #expect(DesiredStateWriter.yaml(rows: [Self.proxy("192.0.2.77")], links: Self.links)
                == "version: 1\nneighbors: []\nproxies:\n  - address: \"192.0.2.77\"\n    interface: veth0\n")
        #expect(RowText.line(Self.proxy("192.0.2.77"), interfaceName: "veth0") == "192.0.2.77 dev veth0 proxy proto 245")
    }

    /// Round 2, finding 1 without the kernel: NTF_ROUTER on an IPv4 row (ordinary or proxy) is not compared and
    /// not bootstrapped; a proxy on a loopback or NOARP link is left out with a `# skipped:` line and a note, and
    /// the file loads back and plans no change for the rows it holds.
    @Test func ipv4RouterFlagIsIgnoredAndUnexpressibleProxiesAreSkipped() throws {
        var v4 = Self.neighbor("198.51.100.88", 4), v4Proxy = Self.proxy("192.0.2.91"), v6 = Self.proxy("2001:db8:1::57")
        v4.isRouter = true
        v4Proxy.isRouter = true
        v6.isRouter = true
        for r in [v4, v4Proxy] {
            var plain = r
            plain.isRouter = false
            #expect(CanonicalRow.differences(r, plain).isEmpty && CanonicalRow.differences(plain, r).isEmpty)
        }
        var v6Plain = v6
        v6Plain.isRouter = false
        #expect(CanonicalRow.differences(v6, v6Plain) == .isRouter, "IPv6 keeps the router flag")
        // Managed → permanent compares the kernel's real router flag, on IPv6 only.
        let mac = PhysicalAddress("02:00:00:00:00:10")!
        let managedV4 = IpNetRow2(address: IpAddress("192.0.2.20")!, interfaceIndex: 3, physicalAddress: mac,
                                  state: .reachable, isRouter: true, protocol: 245, flags: [.managed, .externallyLearned])
        let pinned = IpNetRow2(address: IpAddress("192.0.2.20")!, interfaceIndex: 3, physicalAddress: mac,
                               state: .permanent, protocol: 245)
        #expect(!CanonicalRow.differences(managedV4, pinned).contains(.isRouter))
        let onLo = Self.proxy("192.0.2.92", 1, protocol: 0), onNoArp = Self.proxy("2001:db8:1::92", 5)
        let rows = [v4, v4Proxy, v6, onLo, onNoArp]
        let text = DesiredStateWriter.yaml(rows: rows, links: Self.links)
        #expect(text.hasPrefix("""
            version: 1
            neighbors:
              - address: "198.51.100.88"
                interface: veth1
                physicalAddress: "02:00:00:00:00:10"
            proxies:
              - address: "192.0.2.91"
                interface: veth0
              - address: "2001:db8:1::57"
                interface: veth0
                isRouter: true
            # skipped: proxy 192.0.2.92 dev lo (lo does no ARP or neighbor discovery (loopback or NOARP), so a proxy
            """), "\(text)")
        #expect(text.contains("\n# skipped: proxy 2001:db8:1::92 dev tun0 (tun0 does no ARP"), "\(text)")
        let notes = DesiredStateWriter.notes(rows: rows, links: Self.links)
        #expect(notes.count == 2 && notes[0].hasPrefix("left out proxy 192.0.2.92 dev lo, which a desired-state file "
                                                       + "cannot hold: lo does no ARP"), "\(notes)")
        let p = try Self.plan(text, current: rows)
        #expect(p.changes.map { "\($0.action) \($0.key)" } == ["delete \(onNoArp.key)"],
                "only the owned proxy on the NOARP link, which the file cannot hold, is pruned")
        // Only unexpressible proxies: no `proxies:` key without items, the comment lines follow `neighbors: []`.
        let only = DesiredStateWriter.yaml(rows: [onLo], links: Self.links)
        #expect(only.hasPrefix("version: 1\nneighbors: []\n# skipped: proxy 192.0.2.92 dev lo ("), "\(only)")
        #expect(try Self.load(only).get().neighbors.isEmpty)
    }

    @Test("a proxy on an absent interface is pending as a proxy, in text, JSON and a saved plan read back")
    func pendingProxyRoundTripsThroughASavedPlan() throws {
        let text = """
            version: 1
            neighbors: []
            proxies:
              - { address: 2001:db8:100::5, interface: vlan9, optional: true }
              - { address: 192.0.2.60, interface: veth0 }
            """
        let state = try Self.load(text).get()
        let resolved = try state.resolve(links: Self.links).get()
        #expect(resolved.pending.map(\.isProxy) == [true])
        let current = [Self.proxy("192.0.2.61")]
        let p = Planner.plan(desired: resolved.entries, current: current, links: Self.links, ownerProtocol: 245,
                             prune: .owned, pending: resolved.pending)
        let rendered = PlanRenderer(color: false).render(p)
        #expect(rendered.contains("  ? proxy 2001:db8:100::5 dev vlan9  # waiting for interface vlan9, optional (p.yaml:4:5)"),
                "\(rendered)")
        #expect(PlanDocument(p).pending?.map(\.kind) == ["proxy"])
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("proxy-plan-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.path + "/plan.json"
        try PlanFile(namespace: nil, desired: resolved.entries, links: Self.links, current: current, plan: p).write(to: path)
        let back = try PlanFile.load(path: path)
        #expect(back.plan.pending?.compactMap(\.pendingNeighbor).map(\.isProxy) == [true])
        #expect(try back.desiredRows().map(\.row.key) == resolved.entries.map(\.row.key))
        #expect(try back.plan.changes.map(CanonicalChange.init) == p.changes.map(CanonicalChange.init))
        // A pending proxy with a MAC, or an unknown kind, is refused.
        let saved = try String(contentsOfFile: path, encoding: .utf8)
        for (from, to) in [("\"physicalAddress\" : \"\",\n        \"reason\" : \"waiting",
                            "\"physicalAddress\" : \"02:00:00:00:00:01\",\n        \"reason\" : \"waiting"),
                           // (Without its kind it reads as a pending managed entry, whose state is none too.)
                           ("\"kind\" : \"proxy\",\n        \"optional\"", "\"kind\" : \"bridge\",\n        \"optional\"")] {
            let bad = saved.replacingOccurrences(of: from, with: to)
            #expect(bad != saved, "the edit \(to) found nothing to change")
            try bad.write(toFile: path, atomically: true, encoding: .utf8)
            #expect(throws: (any Error).self) { _ = try PlanFile.load(path: path) }
        }
    }

    @Test func applierAgainstAMemoryTableConvergesProxiesBesideNeighbors() throws {
        let table = MemoryNeighborTable(links: Self.links, rows: [Self.neighbor("192.0.2.77", protocol: 4)])
        let text = """
            version: 1
            neighbors: []
            proxies:
              - { address: 192.0.2.77, interface: veth0 }
            """
        let p = try Self.plan(text, current: try table.table(family: .unspecified))
        let report = try Applier.apply(p, to: table, force: false)
        #expect(report.succeeded)
        #expect(table.entries.count == 2)
        #expect(table.entries[Self.neighbor("192.0.2.77").key]?.protocol == 4)
        #expect(try Self.plan(text, current: try table.table(family: .unspecified)).changes.isEmpty)
    }
}
