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
    static func route(type: UInt16, table: UInt8, routeType: UInt8, dst: [UInt8], oif: UInt32, prefix: UInt8 = 32,
                      tos: UInt8 = 0, flags: UInt8 = 0, multipathFlags: [UInt8]? = nil) -> [UInt8] {
        var b = [UInt8](repeating: 0, count: 16 + 12)
        b[4] = UInt8(type & 0xff); b[5] = UInt8(type >> 8)
        b[16] = 2; b[17] = prefix; b[19] = tos; b[20] = table; b[23] = routeType; b[24] = flags
        b += [8, 0, UInt8(NetlinkConstants.rtaDst), 0] + dst
        b += [8, 0, UInt8(NetlinkConstants.rtaOif), 0] + withUnsafeBytes(of: oif.littleEndian, Array.init)
        if let multipathFlags {
            // RTA_MULTIPATH: one `struct rtnexthop` (8 bytes, no attributes) per nexthop.
            let index: [UInt8] = withUnsafeBytes(of: oif.littleEndian, Array.init)
            let hops: [UInt8] = multipathFlags.flatMap { flags -> [UInt8] in [8, 0, flags, 0] + index }
            b += [UInt8(4 + hops.count), 0, UInt8(NetlinkConstants.rtaMultipath), 0] + hops
        }
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

    static func decoded(_ bytes: [UInt8]) -> LocalRouteTable.Route? {
        bytes.withUnsafeBytes { raw -> LocalRouteTable.Route? in
            var out: LocalRouteTable.Route? = nil
            NetlinkMessage.forEach(in: raw) { out = RouteMessageCodec.decodeLocal($0); return false }
            return out
        }
    }

    /// Round 4 of issue 13: the kernel's lookup (`fib_table_lookup()` with a TOS-0 flow) never matches a route with
    /// a TOS, skips dead nexthops (`dead linkdown`), and a multicast route in table local types the address
    /// RTN_MULTICAST. Decoded from the wire, then looked up.
    @Test func theLookupSkipsTosAndDeadRoutesAndSeesMulticast() throws {
        let new = NetlinkConstants.newRoute
        let tosLocal = try #require(Self.decoded(Self.route(type: new, table: 255, routeType: 2, dst: [192, 0, 2, 233],
                                                             oif: 3, tos: 0x10)))
        let broadcast = try #require(Self.decoded(Self.route(type: new, table: 255, routeType: 3,
                                                             dst: [192, 0, 2, 233], oif: 3, prefix: 31)))
        #expect(tosLocal.tos == 0x10 && !tosLocal.isDead && !tosLocal.isLookupCandidate)
        // The TOS route is longer, but the kernel's lookup answers the broadcast one.
        #expect(LocalRouteTable(routes: [tosLocal, broadcast]).lookup(IpAddress("192.0.2.233")!) == broadcast)
        // A TOS broadcast route alone: no match (the kernel answers RTN_UNICAST and resolves).
        let tosBroadcast = try #require(Self.decoded(Self.route(type: new, table: 255, routeType: 3,
                                                                dst: [192, 0, 2, 234], oif: 3, tos: 0x10)))
        #expect(LocalRouteTable(routes: [tosBroadcast]).lookup(IpAddress("192.0.2.234")!) == nil)
        // `broadcast 192.0.2.255 dev veth0 … dead linkdown`: RTNH_F_DEAD | RTNH_F_LINKDOWN in rtm_flags.
        let dead = try #require(Self.decoded(Self.route(type: new, table: 255, routeType: 3, dst: [192, 0, 2, 255],
                                                         oif: 3, flags: 1 | 16)))
        #expect(dead.isDead && LocalRouteTable(routes: [dead]).lookup(IpAddress("192.0.2.255")!) == nil)
        // LINKDOWN alone (the link does not ignore such routes) stays in the lookup.
        let linkdown = try #require(Self.decoded(Self.route(type: new, table: 255, routeType: 3,
                                                             dst: [192, 0, 2, 255], oif: 3, flags: 16)))
        #expect(!linkdown.isDead && LocalRouteTable(routes: [linkdown]).lookup(IpAddress("192.0.2.255")!) == linkdown)
        // Multipath: dead only when every nexthop is.
        let allDead = try #require(Self.decoded(Self.route(type: new, table: 255, routeType: 3, dst: [192, 0, 2, 254],
                                                            oif: 3, multipathFlags: [1, 17])))
        let oneAlive = try #require(Self.decoded(Self.route(type: new, table: 255, routeType: 3,
                                                             dst: [192, 0, 2, 254], oif: 3, multipathFlags: [1, 0])))
        #expect(allDead.isDead && !oneAlive.isDead)
        // A multicast route.
        let multicast = try #require(Self.decoded(Self.route(type: new, table: 255, routeType: 5,
                                                              dst: [198, 51, 100, 77], oif: 3)))
        #expect(multicast.isMulticast && multicast.text == "multicast 198.51.100.77")
        #expect(LocalRouteTable(routes: [multicast]).lookup(IpAddress("198.51.100.77")!) == multicast)
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
