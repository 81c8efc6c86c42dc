import Foundation
import Testing
@testable import IpNet
import NetnsTesting
@testable import IpNetCore

/// The event listener: decoding of notifications from encoded bytes (pure), and real notifications in a fresh
/// namespace for neighbor add/replace/delete, link down and address removal, plus `wake()`.
@Suite struct NeighborEventSocketTests {
    static let mac10 = PhysicalAddress("02:00:00:00:00:10")!

    /// A message encoded by the neighbor codec, with its type rewritten (RTM_NEWNEIGH → RTM_DELNEIGH, say).
    func message(type: UInt16, row: IpNetRow2, index: UInt32) -> [UInt8] {
        var bytes = NeighborMessageCodec.encoded(.create, row: row, interfaceIndex: index, sequence: 1)
        bytes[4] = UInt8(type & 0xff)
        bytes[5] = UInt8(type >> 8)
        return bytes
    }

    @Test func decodesNeighborLinkAndAddressNotifications() {
        let row = IpNetRow2(address: IpAddress("192.0.2.10")!, interfaceIndex: 3, physicalAddress: Self.mac10,
                            state: .permanent, protocol: 245)
        var bytes = message(type: NetlinkConstants.newNeigh, row: row, index: 3)
        bytes += message(type: NetlinkConstants.delNeigh, row: row, index: 3)
        // RTM_DELLINK for index 7: header + ifinfomsg.
        var dellink = [UInt8](repeating: 0, count: 32)
        dellink[0] = 32
        dellink[4] = UInt8(NetlinkConstants.delLink)
        dellink[20] = 7
        // RTM_DELADDR for index 9: header + ifaddrmsg (8 bytes).
        var deladdr = [UInt8](repeating: 0, count: 24)
        deladdr[0] = 24
        deladdr[4] = UInt8(NetlinkConstants.delAddr)
        deladdr[16] = 2
        deladdr[20] = 9
        // An unrelated message type (RTM_NEWROUTE = 24) is skipped.
        var route = [UInt8](repeating: 0, count: 28)
        route[0] = 28
        route[4] = 24
        let events = NeighborEventSocket.decodeAll(bytes + dellink + deladdr + route)
        #expect(events.count == 4)
        guard events.count == 4 else { return }
        guard case .neighborChanged(let added) = events[0], case .neighborDeleted(let gone) = events[1] else {
            Issue.record("unexpected events \(events)")
            return
        }
        #expect(added.key == row.key)
        #expect(added.physicalAddress == Self.mac10)
        #expect(added.protocol == 245)
        #expect(gone.key == row.key)
        #expect(events[2] == .linkDeleted(interfaceIndex: 7))
        #expect(events[3] == .addressChanged(interfaceIndex: 9))
    }

    /// Reads events until `match` finds one or `seconds` pass.
    func waitFor(_ s: NeighborEventSocket, seconds: Double = 3, _ match: (NeighborEvent) -> Bool) throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try s.next(timeout: .milliseconds(200)).contains(where: match) { return true }
        }
        return false
    }

    @Test func receivesKernelNotifications() throws {
        guard let ns = try freshNetns() else { return }
        let s = try NeighborEventSocket(namespace: ns.name)
        let idx = ns.index(of: "veth0")
        try ns.check(["addr", "add", "198.51.100.1/24", "dev", "veth0"])
        try ns.check(["neigh", "add", "192.0.2.10", "lladdr", "02:00:00:00:00:10", "dev", "veth0", "nud",
                      "permanent", "protocol", "245"])
        let key = NeighborKey(interfaceIndex: idx, address: IpAddress("192.0.2.10")!)
        #expect(try waitFor(s) { if case .neighborChanged(let r) = $0 { return r.key == key && r.protocol == 245 }
                               return false })
        try ns.check(["neigh", "del", "192.0.2.10", "dev", "veth0"])
        #expect(try waitFor(s) { if case .neighborDeleted(let r) = $0 { return r.key == key } else { return false } })
        try ns.check(["link", "set", "veth0", "down"])
        #expect(try waitFor(s) { if case .linkChanged(let l) = $0 { return l.index == idx && !l.isUp } else { return false } })
        try ns.check(["addr", "del", "198.51.100.1/24", "dev", "veth0"])
        #expect(try waitFor(s) { $0 == .addressChanged(interfaceIndex: idx) })
    }

    @Test func timeoutAndWakeReturnEmpty() throws {
        guard let ns = try freshNetns() else { return }
        let s = try NeighborEventSocket(namespace: ns.name)
        // The namespace setup keeps sending notifications for a while (IPv6 link-local addresses, DAD, the kernel's
        // own NOARP multicast entries, seconds after link-up). A call that returns events is no timeout: try again
        // (bounded) until one returns empty, and check that it waited out its timeout.
        let clock = ContinuousClock()
        var quiet: Duration? = nil
        for _ in 0..<100 where quiet == nil {
            let t0 = clock.now
            if try s.next(timeout: .milliseconds(100)).isEmpty { quiet = clock.now - t0 }
        }
        let waited = try #require(quiet, "the namespace never went quiet for 100 ms")
        #expect(waited >= .milliseconds(90))
        let waker = Thread { usleep(100_000); s.wake() }
        waker.start()
        let t1 = clock.now
        #expect(try s.next(timeout: .seconds(10)).isEmpty)
        #expect(clock.now - t1 < .seconds(5))
    }

    @Test func missingNamespaceIsNotFound() {
        #expect(throws: IpNetError.self) { try NeighborEventSocket(namespace: "neighsync-test-does-not-exist") }
    }
}
