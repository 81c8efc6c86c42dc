import Foundation
import Testing
@testable import IpNet
import NetnsTesting
@testable import IpNetCore

/// What verify reads from the kernel beyond the neighbor table (red-team findings 4, 7 and 8 of issue 15), with
/// iproute2 as the oracle: carrier (`IFF_LOWER_UP`), tentative addresses (`IFA_F_TENTATIVE`), and a probe run cut
/// short by `stop` marked `interrupted`.
@Suite(.serialized) struct VerifyKernelStateTests {
    /// veth0 is up, but its peer veth1 is down: no carrier (`ip link`: NO-CARRIER, no LOWER_UP); with the peer up
    /// again it has carrier.
    @Test func carrierIsDecodedFromLowerUp() throws {
        guard let ns = try freshNetns() else { return }
        defer { ns.close() }
        try ns.check(["link", "set", "veth1", "down"])
        let t = try NeighborTable(namespace: ns.name)
        let down = try #require(try t.links().first { $0.name == "veth0" })
        #expect(down.isUp && !down.hasCarrier)
        #expect(!ns.run(["link", "show", "dev", "veth0"]).stdout.contains("LOWER_UP"))
        try ns.check(["link", "set", "veth1", "up"])
        var up = false
        for _ in 0..<50 where !up {
            up = try t.links().first { $0.name == "veth0" }?.hasCarrier == true
            if !up { usleep(100_000) }
        }
        #expect(up)
        #expect(ns.run(["link", "show", "dev", "veth0"]).stdout.contains("LOWER_UP"))
    }

    /// An IPv6 address added with DAD on a link with carrier is tentative for about a second: decoded as such
    /// (and not usable), the same address added `nodad` is not.
    @Test func tentativeAddressesAreDecoded() throws {
        guard let ns = try freshNetns() else { return }
        defer { ns.close() }
        try ns.check(["addr", "add", "2001:db8::5/64", "dev", "veth0"])
        try ns.check(["addr", "add", "2001:db8::6/64", "dev", "veth0", "nodad"])
        let t = try NeighborTable(namespace: ns.name)
        let got = try t.addresses()
        let oracle = ns.run(["-6", "addr", "show", "dev", "veth0", "tentative"]).stdout
        let five = try #require(got.first { $0.address == IpAddress("2001:db8::5")! })
        let six = try #require(got.first { $0.address == IpAddress("2001:db8::6")! })
        #expect(five.isTentative == oracle.contains("2001:db8::5/64"))
        #expect(five.isTentative, "read within the DAD second: \(oracle)")
        #expect(!five.isUsable)
        #expect(!six.isTentative && !six.isDadFailed && six.isUsable)
    }

    /// `stop` saying true before the first send: nothing is sent, the capture is `interrupted`; saying true only
    /// while listening: everything was sent, still `interrupted`; never: not interrupted.
    @Test func aStoppedProbeRunIsInterrupted() throws {
        guard let ns = try freshNetns() else { return }
        defer { ns.close() }
        try ns.check(["addr", "add", "192.0.2.1/24", "dev", "veth0"])
        let requests = [ProbeRequest(interfaceIndex: ns.index(of: "veth0"), target: IpAddress("192.0.2.9")!,
                                     source: IpAddress("192.0.2.1")!)]
        let early = try Prober.probe(requests, namespace: ns.name, rate: 1000, window: .milliseconds(200),
                                     maxAnswers: 16, stop: { true })
        #expect(early.interrupted && early.sent == 0 && early.unsent.count == 1)
        var calls = 0
        let late = try Prober.probe(requests, namespace: ns.name, rate: 1000, window: .seconds(5), maxAnswers: 16,
                                    stop: { calls += 1; return calls > 1 })
        #expect(late.interrupted && late.sent == 1 && late.unsent.isEmpty)
        let whole = try Prober.probe(requests, namespace: ns.name, rate: 1000, window: .milliseconds(200),
                                     maxAnswers: 16)
        #expect(!whole.interrupted && whole.sent == 1)
    }
}
