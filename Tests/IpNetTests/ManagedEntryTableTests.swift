import Foundation
import Testing
@testable import IpNet
import NetnsTesting
@testable import IpNetCore

/// Managed entries (NTF_EXT_MANAGED) through `NeighborTable` against the kernel, each case in a fresh namespace:
/// the write carries NDA_FLAGS_EXT = managed, no NDA_LLADDR, NUD_NONE and the protocol (checked with `ip -j -d
/// neigh show`); rows the kernel would mangle are refused before any request; and the support probe, on this
/// kernel and on an older one simulated through the `NetlinkIO` seam, writes nothing.
@Suite struct ManagedEntryTableTests {
    static let addresses = [IpAddress("192.0.2.20")!, IpAddress("2001:db8::20")!]

    static func managed(_ a: IpAddress, _ index: UInt32) -> IpNetRow2 {
        IpNetRow2(address: a, interfaceIndex: index, state: .none, protocol: 245, flags: .managed)
    }

    /// `ip -j -d neigh show nud all` of the namespace (every entry, NOARP and NONE ones included).
    static func entries(_ ns: Netns) -> [[String: Any]] {
        let r = ns.run(["-j", "-d", "neigh", "show", "nud", "all"])
        return (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]) ?? []
    }

    /// The entries of the namespace that are not the kernel's own multicast NOARP ones.
    static func configured(_ ns: Netns) -> [[String: Any]] {
        entries(ns).filter { !(($0["dst"] as? String) ?? "").hasPrefix("ff02:") }
    }

    /// The request bytes: what iproute2's `ipneigh_modify()` sends for `ip neigh add 192.0.2.20 dev IF managed
    /// protocol 245` (ndm_state NUD_NONE, NDA_DST, NDA_FLAGS_EXT = NTF_EXT_MANAGED, NDA_PROTOCOL; no NDA_LLADDR), in
    /// our attribute order; and the probe: no NLM_F_CREATE, an ifindex no link has, a reserved bit in NDA_FLAGS_EXT.
    @Test func managedCreateAndProbeBytes() {
        let row = Self.managed(IpAddress("192.0.2.20")!, 3)
        #expect(NeighborMessageCodec.encoded(.create, row: row, interfaceIndex: 3, sequence: 7) == CodecFixtureTests.hex([
            "340000001c00050607000000", "00000000",              // nlmsghdr: REQUEST|ACK|EXCL|CREATE, seq 7
            "02000000", "03000000", "0000", "00", "00",          // ndmsg: AF_INET, ifindex 3, NUD_NONE, no ndm_flags
            "08000100c0000214",                                  // NDA_DST 192.0.2.20
            "05000c00f5000000",                                  // NDA_PROTOCOL 245
            "08000f0001000000",                                  // NDA_FLAGS_EXT NTF_EXT_MANAGED
        ]))
        let p = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 16)
        defer { p.deallocate() }
        let probe = Array(UnsafeRawBufferPointer(start: p, count: NeighborTable.encodeManagedProbe(sequence: 7, into: p)))
        #expect(probe == CodecFixtureTests.hex([
            "2c0000001c00050007000000", "00000000",              // RTM_NEWNEIGH, REQUEST|ACK only
            "02000000", "ffffff7f", "0000", "00", "00",          // ifindex 2^31-1
            "08000100c0000200",                                  // NDA_DST 192.0.2.0
            "08000f0001000080",                                  // NDA_FLAGS_EXT managed | 1 << 31
        ]))
    }

    @Test(arguments: addresses)
    func createWritesAManagedEntryWithTheProtocol(_ a: IpAddress) throws {
        guard let ns = try freshNetns() else { return }
        // ARP resolves only an address of a connected subnet: without one the kernel makes the IPv4 entry NOARP with
        // the broadcast address (`arp_constructor()`), managed or not.
        try ns.check(["addr", "add", "192.0.2.1/24", "dev", "veth0"])
        let t = try NeighborTable(namespace: ns.name)
        let idx = ns.index(of: "veth0")
        try t.create(Self.managed(a, idx))
        let e = try #require(Self.configured(ns).first { $0["dst"] as? String == a.description })
        #expect(e.keys.contains("managed"), "\(e)")
        #expect(e["protocol"] as? String == "245")
        #expect(e["lladdr"] == nil)
        let got = try t.get(IpNetRow2(address: a, interfaceIndex: idx))
        #expect(got.flags.contains(.managed))
        #expect(got.protocol == 245)
        // The kernel starts resolving at once (nobody answers on veth0's peer): INCOMPLETE, FAILED later.
        #expect([.none, .incomplete, .unreachable].contains(got.state), "\(got.state)")
        // Create again: EEXIST as for any entry.
        #expect(throws: IpNetError.objectAlreadyExists("\(a) already exists on veth0")) {
            try t.create(Self.managed(a, idx))
        }
    }

    @Test(arguments: addresses)
    func permanentAndManagedReplaceEachOther(_ a: IpAddress) throws {
        guard let ns = try freshNetns() else { return }
        // A managed IPv4 write needs an IPv4 address on an up link of the namespace (else `notSupported`).
        try ns.check(["addr", "add", "192.0.2.1/24", "dev", "veth0"])
        let t = try NeighborTable(namespace: ns.name)
        let idx = ns.index(of: "veth0")
        let permanent = IpNetRow2(address: a, interfaceIndex: idx, physicalAddress: PhysicalAddress("02:00:00:00:00:20")!,
                                  state: .permanent, protocol: 245)
        try t.create(permanent)
        try t.set(Self.managed(a, idx))
        var got = try t.get(permanent)
        #expect(got.flags.contains(.managed) && got.state != .permanent, "\(got)")
        try t.set(permanent)
        got = try t.get(permanent)
        #expect(!got.flags.contains(.managed) && got.state == .permanent, "\(got)")
        #expect(got.physicalAddress == permanent.physicalAddress)
    }

    /// A managed write alone leaves a NOARP entry NOARP (found by the randomized oracle: the kernel sets the state
    /// of a managed update to `old & ~NUD_PERMANENT`); the table clears it first, so set and upsert both end managed
    /// and resolving, over NOARP, PERMANENT, STALE entries and over nothing (upsert).
    @Test(arguments: addresses)
    func managedSetAndUpsertConvertEveryKindOfEntry(_ a: IpAddress) throws {
        guard let ns = try freshNetns() else { return }
        try ns.check(["link", "set", "lo", "up"])
        try ns.check(["addr", "add", "192.0.2.1/24", "dev", "veth0"])
        let t = try NeighborTable(namespace: ns.name)
        let idx = ns.index(of: "veth0")
        for (tail, op) in [("nud noarp", "set"), ("nud permanent", "set"), ("nud stale", "set"),
                           ("nud noarp", "upsert"), ("", "upsert")] {
            if !tail.isEmpty {
                try ns.check(["neigh", "replace", a.description, "lladdr", "02:00:00:00:00:07", "dev", "veth0"]
                             + tail.split(separator: " ").map(String.init))
            } else {
                ns.run(["neigh", "del", a.description, "dev", "veth0"])
            }
            let row = Self.managed(a, idx)
            if op == "set" { try t.set(row) } else { try #require(t.perform([.upsert(row)]) == [nil]) }
            let e = try #require(Self.configured(ns).first { $0["dst"] as? String == a.description })
            let states = e["state"] as? [String] ?? []
            #expect(e.keys.contains("managed") && !states.contains("NOARP") && !states.contains("PERMANENT"),
                    "\(tail) \(op): \(e)")
            #expect(e["lladdr"] == nil || states.contains("STALE") || states.contains("REACHABLE"), "\(tail) \(op): \(e)")
            #expect(e["protocol"] as? String == "245")
        }
    }

    /// Rows the kernel would refuse or mangle: refused as `ERROR_INVALID_PARAMETER` before any request, the
    /// table unchanged. (The kernel itself: managed + permanent is EINVAL "Invalid NTF_* flag for permanent
    /// entry"; a MAC with NUD_NONE is dropped; on lo the entry turns NOARP with 00:00:00:00:00:00.)
    @Test func rowsTheKernelWouldMangleAreRefusedBeforeAnyRequest() throws {
        guard let ns = try freshNetns() else { return }
        try ns.check(["link", "set", "lo", "up"])
        let t = try NeighborTable(namespace: ns.name)
        let idx = ns.index(of: "veth0")
        let a = IpAddress("2001:db8::20")!
        let before = Self.configured(ns).count
        var withMac = Self.managed(a, idx)
        withMac.physicalAddress = PhysicalAddress("02:00:00:00:00:20")!
        #expect(throws: IpNetError.invalidParameter(.managedWithPhysicalAddress(a))) { try t.create(withMac) }
        var permanent = Self.managed(a, idx)
        permanent.state = .permanent
        #expect(throws: IpNetError.invalidParameter(.managedWithStaticState(a, .permanent))) { try t.create(permanent) }
        var router = Self.managed(a, idx)
        router.isRouter = true
        #expect(throws: IpNetError.invalidParameter(.managedWithRouterFlag(a))) { try t.create(router) }
        #expect(throws: IpNetError.invalidParameter(.managedOnNonResolvingLink(a, link: "lo"))) {
            try t.create(Self.managed(a, ns.index(of: "lo")))
        }
        #expect(Self.configured(ns).count == before)
    }

    @Test func probeSaysThisKernelKeepsManagedEntriesAndWritesNothing() throws {
        guard let ns = try freshNetns() else { return }
        let t = try NeighborTable(namespace: ns.name)
        let before = Self.configured(ns).count
        var sent = 0
        let real = t.socket.io
        t.socket.io.send = { bytes, length in
            sent += 1
            return real.send(bytes, length)
        }
        #expect(t.managedEntriesSupported() == true)
        #expect(t.managedEntriesSupported() == true)
        #expect(sent == 1)  // asked once per table
        #expect(Self.configured(ns).count == before)
    }

    /// A kernel before 5.16 does not know NDA_FLAGS_EXT and skips it while parsing: simulated by removing the
    /// attribute from the probe on its way out, so the real kernel answers what such a kernel answers (ENODEV for
    /// the interface index). Nothing is written either way.
    @Test func probeOnAKernelWithoutFlagsExtSaysNo() throws {
        guard let ns = try freshNetns() else { return }
        let t = try NeighborTable(namespace: ns.name)
        let before = Self.configured(ns).count
        let real = t.socket.io
        t.socket.io.send = { bytes, length in
            // The probe (the only request on its interface index) ends with NDA_FLAGS_EXT (8 bytes): drop it, fix
            // nlmsg_len.
            guard bytes.loadUnaligned(fromByteOffset: 4, as: UInt16.self) == NetlinkConstants.newNeigh,
                  bytes.loadUnaligned(fromByteOffset: 20, as: Int32.self) == NeighborTable.managedProbeInterfaceIndex else {
                return real.send(bytes, length)
            }
            var copy = [UInt8](UnsafeRawBufferPointer(start: bytes, count: length - 8))
            let len = UInt32(copy.count)
            withUnsafeBytes(of: len) { for i in 0..<4 { copy[i] = $0[i] } }
            let n = copy.withUnsafeBytes { real.send($0.baseAddress!, $0.count) }
            return n < 0 ? n : length
        }
        #expect(t.managedEntriesSupported() == false)
        #expect(Self.configured(ns).count == before)
        // Every managed write is then refused before it is sent (such a kernel would store an unmanaged NONE entry);
        // other writes go on.
        let idx = ns.index(of: "veth0")
        let a = IpAddress("2001:db8::20")!
        #expect(throws: IpNetError.notSupported(NeighborTable.managedUnsupported)) { try t.create(Self.managed(a, idx)) }
        let results = t.perform([.upsert(Self.managed(a, idx)),
                                 .create(IpNetRow2(address: IpAddress("2001:db8::21")!, interfaceIndex: idx,
                                                   physicalAddress: PhysicalAddress("02:00:00:00:00:21")!))])
        #expect(results == [.notSupported(NeighborTable.managedUnsupported), nil])
        #expect(Self.configured(ns).map { $0["dst"] as? String } == ["2001:db8::21"])
    }
}
