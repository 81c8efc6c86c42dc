import Foundation
import Testing
@testable import IpNet
import NetnsTesting
@testable import IpNetCore

/// The local-table route codec and `NeighborTable.localRoutes()`: route notifications of table local decode into
/// `.localRouteChanged` (other tables into nothing), and a fresh namespace has no local table until an IPv4
/// address is configured, after which the table stays, emptied, when the address is deleted (round 3 of issue 13).
@Suite(.serialized) struct RouteMessageCodecTests {
    /// An RTM_NEWROUTE/DELROUTE message: header, rtmsg (AF_INET, /32, table, type), RTA_DST and RTA_OIF.
    static func route(type: UInt16, table: UInt8, routeType: UInt8, dst: [UInt8], oif: UInt32) -> [UInt8] {
        var b = [UInt8](repeating: 0, count: 16 + 12)
        b[4] = UInt8(type & 0xff); b[5] = UInt8(type >> 8)
        b[16] = 2; b[17] = 32; b[20] = table; b[23] = routeType
        b += [8, 0, UInt8(NetlinkConstants.rtaDst), 0] + dst
        b += [8, 0, UInt8(NetlinkConstants.rtaOif), 0] + withUnsafeBytes(of: oif.littleEndian, Array.init)
        let n = UInt32(b.count)
        b[0] = UInt8(n & 0xff); b[1] = UInt8(n >> 8)
        return b
    }

    @Test func routeNotificationsOfTableLocalOnlyAreEvents() {
        let local = Self.route(type: NetlinkConstants.newRoute, table: 255, routeType: 3, dst: [192, 0, 2, 200], oif: 3)
        let gone = Self.route(type: NetlinkConstants.delRoute, table: 255, routeType: 3, dst: [192, 0, 2, 200], oif: 3)
        let main = Self.route(type: NetlinkConstants.newRoute, table: 254, routeType: 1, dst: [192, 0, 2, 0], oif: 3)
        #expect(NeighborEventSocket.decodeAll(local + gone + main) == [.localRouteChanged, .localRouteChanged])
        let m = local.withUnsafeBytes { raw -> LocalRouteTable.Route? in
            var out: LocalRouteTable.Route? = nil
            NetlinkMessage.forEach(in: raw) { out = RouteMessageCodec.decodeLocal($0); return false }
            return out
        }
        #expect(m == LocalRouteTable.Route(destination: IpAddress("192.0.2.200")!, prefixLength: 32, type: 3,
                                           interfaceIndex: 3))
        #expect(m?.text == "broadcast 192.0.2.200")
    }

    @Test func theLocalTableExistsFromTheFirstAddressOn() throws {
        guard let ns = try freshNetns() else { return }
        defer { ns.close() }
        let table = try NeighborTable(namespace: ns.name)
        try #require(ns.run(["route", "show", "table", "local"]).status != 0, "the test namespace has a table")
        #expect(try table.localRoutes() == .missing)
        try ns.check(["addr", "add", "198.51.100.1/24", "dev", "veth0"])
        let routes = try table.localRoutes()
        #expect(routes.lookup(IpAddress("198.51.100.255")!)?.isBroadcast == true, "\(routes)")
        #expect(routes.lookup(IpAddress("198.51.100.1")!)?.type == 2, "\(routes)")
        try ns.check(["addr", "del", "198.51.100.1/24", "dev", "veth0"])
        let after = try table.localRoutes()
        #expect(after.exists && after.lookup(IpAddress("198.51.100.255")!) == nil, "\(after)")
        // The other dumps still work on the same socket (strict checking is switched off again).
        #expect(try !table.links().isEmpty)
        _ = try table.table(family: .unspecified)
    }
}
