import Foundation
import Testing
@testable import IpNet
@testable import IpNetCore
import NetnsTesting

/// Kernel tests of the ntable calls: each case gets a fresh namespace with veth0/veth1; `ip ntable show dev IF` and
/// `sysctl` inside the namespace are the oracles.
@Suite struct NeighborParameterKernelTests {
    /// `ip -n NS ntable show dev IF name TABLE` as one line of words.
    func ntable(_ ns: Netns, _ dev: String, _ family: AddressFamily) -> String {
        ns.run(["ntable", "show", "dev", dev, "name", NeighborParameterSet.tableName(family)]).stdout
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    @Test func perInterfaceParametersAreWrittenAndReadBack() throws {
        guard let ns = try freshNetns() else { return }
        let t = try NeighborTable(namespace: ns.name)
        let idx = ns.index(of: "veth0")
        try t.setParameters(NeighborParameterSet(family: .ipv4, interfaceIndex: idx, values: [
            .baseReachableTime: 15_000, .retransTime: 2000, .ucastSolicit: 5, .mcastSolicit: 2, .gcStaleTime: 40_000,
            .delayFirstProbeTime: 3000, .intervalProbeTime: 7000,
        ]))
        let shown = ntable(ns, "veth0", .ipv4)
        for word in ["base_reachable 15000", "retrans 2000", "ucast_probes 5", "mcast_probes 2", "gc_stale 40000",
                     "delay_probe 3000"] {
            #expect(shown.contains(word), "\(word) in \(shown)")
        }
        let read = try t.parameters()
        let veth0 = try #require(read.first { $0.family == .ipv4 && $0.interfaceIndex == idx })
        #expect(veth0.values[.baseReachableTime] == 15_000)
        #expect(veth0.values[.intervalProbeTime] == 7000)
        #expect(veth0.values[.proxyARP] == 0)
        // veth1 and the IPv6 table of veth0 are untouched.
        #expect(ntable(ns, "veth1", .ipv4).contains("base_reachable 30000"))
        #expect(ntable(ns, "veth0", .ipv6).contains("retrans 1000"))
        // The namespace's tables are there too, with their table-wide values (read-only here).
        #expect(read.contains { $0.interfaceIndex == 0 && $0.family == .ipv6 && $0.values[.gcThresh3] != nil })
    }

    @Test func proxySwitchesAreSysctlsOfTheNamespace() throws {
        guard let ns = try freshNetns() else { return }
        let t = try NeighborTable(namespace: ns.name)
        let idx = ns.index(of: "veth0")
        try t.setParameters(NeighborParameterSet(family: .ipv6, interfaceIndex: idx, values: [.proxyNDP: 1]))
        try t.setParameters(NeighborParameterSet(family: .ipv4, interfaceIndex: idx, values: [.proxyARP: 1]))
        #expect(ns.exec(["sysctl", "-n", "net.ipv6.conf.veth0.proxy_ndp"]).stdout == "1\n")
        #expect(ns.exec(["sysctl", "-n", "net.ipv4.conf.veth0.proxy_arp"]).stdout == "1\n")
        #expect(ns.exec(["sysctl", "-n", "net.ipv6.conf.veth1.proxy_ndp"]).stdout == "0\n")
        let read = try t.parameters()
        #expect(read.first { $0.family == .ipv6 && $0.interfaceIndex == idx }?.values[.proxyNDP] == 1)
        // The caller's namespace is not the one written: the test process never entered it.
        #expect(NamespaceIdentity.ofCurrentThread() != t.namespaceIdentity)
    }

    @Test func tableWideKeysAreRefusedOutsideTheInitialNamespaceBeforeAnythingIsSent() throws {
        guard let ns = try freshNetns() else { return }
        let t = try NeighborTable(namespace: ns.name)
        #expect(try t.isInitialNamespace() == false)
        // The tables' lines of `ip ntable show` (thresh1..3, gc_int): what a table-wide write would change.
        let thresholds = { ns.run(["ntable", "show"]).stdout.split(separator: "\n").filter { $0.contains("thresh1") } }
        let before = thresholds()
        #expect(before.count == 2)
        #expect(throws: IpNetError.self) {
            try t.setParameters(NeighborParameterSet(family: .ipv4, interfaceIndex: 0, values: [.gcThresh3: 8192]))
        }
        do {
            try t.setParameters(NeighborParameterSet(family: .ipv4, interfaceIndex: 0, values: [.gcThresh3: 8192]))
        } catch let e as IpNetError {
            #expect(e.windowsName == "ERROR_NOT_SUPPORTED")
            #expect(e.reason.contains("initial network namespace"))
        }
        #expect(thresholds() == before)
    }

    @Test func anAbsentInterfaceIsNotFound() throws {
        guard let ns = try freshNetns() else { return }
        let t = try NeighborTable(namespace: ns.name)
        #expect(throws: IpNetError.self) {
            try t.setParameters(NeighborParameterSet(family: .ipv4, interfaceIndex: 999, values: [.retransTime: 1000]))
        }
    }
}
