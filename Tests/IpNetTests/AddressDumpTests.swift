import Foundation
import Testing
@testable import IpNet
import NetnsTesting
@testable import IpNetCore

/// `NeighborTable.addresses()` (RTM_GETADDR dump) against a fresh namespace, with `ip -j addr show` as the oracle,
/// and the request's bytes.
@Suite struct AddressDumpTests {
    @Test func dumpRequestBytes() {
        let b = AddressMessageCodec.encodedDumpRequest(sequence: 7)
        // nlmsghdr: len 24, type RTM_GETADDR (22), flags NLM_F_REQUEST|NLM_F_DUMP (0x301), seq 7, pid 0;
        // ifaddrmsg: family AF_UNSPEC, the rest 0.
        #expect(b == [24, 0, 0, 0, 22, 0, 0x01, 0x03, 7, 0, 0, 0, 0, 0, 0, 0] + [UInt8](repeating: 0, count: 8))
    }

    /// IPv4 and IPv6 addresses on veth0, and a point-to-point IPv4 address on veth1 whose `IFA_ADDRESS` is the peer:
    /// the local side (`IFA_LOCAL`) is the host's own address, the peer is not.
    @Test func addressesAreTheHostsOwnPerInterface() throws {
        guard let ns = try freshNetns() else { return }
        try ns.check(["addr", "add", "192.0.2.1/24", "dev", "veth0"])
        try ns.check(["addr", "add", "2001:db8::1/64", "dev", "veth0", "nodad"])
        try ns.check(["addr", "add", "198.51.100.1", "peer", "198.51.100.2", "dev", "veth1"])
        let t = try NeighborTable(namespace: ns.name)
        let v0 = ns.index(of: "veth0"), v1 = ns.index(of: "veth1")
        let got = Set(try t.addresses())
        #expect(got.contains(InterfaceAddress(interfaceIndex: v0, address: IpAddress("192.0.2.1")!, prefixLength: 24)))
        #expect(got.contains(InterfaceAddress(interfaceIndex: v0, address: IpAddress("2001:db8::1")!, prefixLength: 64)))
        #expect(got.contains(InterfaceAddress(interfaceIndex: v1, address: IpAddress("198.51.100.1")!, prefixLength: 32)))
        #expect(!got.contains { $0.address == IpAddress("198.51.100.2")! }, "the peer is not an own address")
        // The oracle: every (ifindex, local) pair iproute2 lists, and nothing else.
        let r = ns.run(["-j", "addr", "show"])
        let links = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]] ?? []
        var oracle = Set<String>()
        for l in links {
            for a in l["addr_info"] as? [[String: Any]] ?? [] {
                oracle.insert("\(l["ifindex"] as? Int ?? 0) \(a["local"] as? String ?? "")/\(a["prefixlen"] as? Int ?? 0)")
            }
        }
        #expect(Set(got.map { "\($0.interfaceIndex) \($0.address)/\($0.prefixLength)" }) == oracle)
    }
}
