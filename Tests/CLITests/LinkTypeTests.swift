import Foundation
import NetnsTesting
import Testing

/// What a file may say on each link type, from the kernel's own rules (net/ipv4/arp.c `arp_constructor`,
/// net/ipv6/ndisc.c `ndisc_constructor`, net/core/neighbour.c `neigh_add` / `__neigh_update`), tried on real links
/// in a fresh namespace: veth, bridge, macvlan (on a veth parent), vxlan (local only, nolearning), tun and lo.
/// Everything accepted converges (the kernel then holds exactly the plan, and a second plan is empty); everything
/// else is refused by `validate`/`apply` with the positioned reason and nothing written; rows neighsync itself left
/// behind (0.0.0.0 on lo/tun, NONE leftovers carrying its protocol) are cleaned up as owned.
@Suite(.serialized) struct LinkTypeTests {
    /// A namespace with veth0/veth1 (192.0.2.1/24 on veth0), br0, mv0 (macvlan on veth0), vx0 (vxlan on veth0),
    /// tun0 and lo, all up. No traffic leaves it.
    static func links() throws -> Netns? {
        guard let ns = try cliNetns() else { return nil }
        try ns.check(["addr", "add", "192.0.2.1/24", "dev", "veth0"])
        try ns.check(["link", "set", "lo", "up"])
        try ns.check(["link", "add", "br0", "type", "bridge"])
        try ns.check(["link", "add", "mv0", "link", "veth0", "type", "macvlan"])
        try ns.check(["link", "add", "vx0", "type", "vxlan", "id", "42", "dstport", "4789", "local", "192.0.2.1",
                      "dev", "veth0", "nolearning"])
        try ns.check(["tuntap", "add", "mode", "tun", "tun0"])
        for l in ["br0", "mv0", "vx0", "tun0"] { try ns.check(["link", "set", l, "up"]) }
        return ns
    }

    /// The entries carrying protocol 245, as "dst dev lladdr STATE [router]" (`-` for no lladdr).
    static func owned(_ ns: Netns) -> Set<String> {
        let r = ns.run(["-j", "neigh", "show", "nud", "all"])
        guard let arr = try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]] else { return [] }
        return Set(arr.compactMap { e -> String? in
            guard "\(e["protocol"] ?? "")" == "245" else { return nil }
            let router = e.keys.contains("router") ? " router" : ""
            // tun0 has no hardware address: the kernel sends a zero-length NDA_LLADDR, which iproute2 prints as a
            // stray byte ("08"); neighsync reads it as none.
            let lladdr = e["dev"] as? String == "tun0" ? "-" : "\(e["lladdr"] ?? "-")"
            return "\(e["dst"] ?? "") \(e["dev"] ?? "") \(lladdr) \((e["state"] as? [String] ?? []).joined())" + router
        })
    }

    /// Every kind a file may write on the Ethernet-like links (IPv4 and IPv6 permanent, noarp with a MAC, noarp
    /// without one for a multicast address), IPv6 on lo (permanent, noarp without MAC) and tun0 (noarp without MAC).
    static var accepted: String {
        var s = """
            version: 1
            neighbors:
              - { address: 2001:db8::60, interface: lo, physicalAddress: "02:00:00:00:00:60" }
              - { address: 2001:db8::61, interface: lo, state: noarp }
              - { address: 2001:db8::62, interface: tun0, state: noarp }
              - { address: ff05::fb, interface: tun0, state: noarp }

            """
        for d in ["veth0", "br0", "mv0", "vx0"] {
            s += """
                  - { address: 192.0.2.60, interface: \(d), physicalAddress: "02:00:00:00:00:60" }
                  - { address: 2001:db8::60, interface: \(d), physicalAddress: "02:00:00:00:00:60", isRouter: true }
                  - { address: 192.0.2.61, interface: \(d), physicalAddress: "02:00:00:00:00:61", state: noarp }
                  - { address: 224.0.0.251, interface: \(d), state: noarp }
                  - { address: ff05::fb, interface: \(d), state: noarp }

                """
        }
        return s
    }

    /// What the kernel holds after applying `accepted`: the MAC of a noarp entry written without one is the one
    /// the kernel supplies (the multicast mapping, lo's own address, none on tun).
    static var acceptedTable: Set<String> {
        var s: Set<String> = ["2001:db8::60 lo 02:00:00:00:00:60 PERMANENT", "2001:db8::61 lo 00:00:00:00:00:00 NOARP",
                              "2001:db8::62 tun0 - NOARP", "ff05::fb tun0 - NOARP"]
        for d in ["veth0", "br0", "mv0", "vx0"] {
            s.formUnion(["192.0.2.60 \(d) 02:00:00:00:00:60 PERMANENT", "2001:db8::60 \(d) 02:00:00:00:00:60 PERMANENT router",
                         "192.0.2.61 \(d) 02:00:00:00:00:61 NOARP", "224.0.0.251 \(d) 01:00:5e:00:00:fb NOARP",
                         "ff05::fb \(d) 33:33:00:00:00:fb NOARP"])
        }
        return s
    }

    @Test func everyAcceptedKindConvergesOnEveryLinkType() throws {
        guard let ns = try Self.links() else { return }
        let dir = try TempDir()
        let f = try dir.write("n.yaml", Self.accepted)
        let validate = try NeighsyncBinary.run(["validate", "-f", f, "--netns", ns.name])
        #expect(validate.status == 0 && validate.stdout == "ok: 24 neighbors on 6 interfaces\n", "\(validate.stderr)")
        let apply = try NeighsyncBinary.run(["apply", "-f", f, "--netns", ns.name])
        #expect(apply.status == 0, "\(apply.stderr)")
        #expect(apply.stdout.hasSuffix("Apply: 24 created, 0 set, 0 deleted, 0 already converged, 0 unchanged, 0 failed.\n"))
        let table = Self.owned(ns)
        #expect(table == Self.acceptedTable, "missing \(Self.acceptedTable.subtracting(table)), extra \(table.subtracting(Self.acceptedTable))")
        let plan = try NeighsyncBinary.run(["plan", "-f", f, "--netns", ns.name, "--detailed-exitcode"])
        #expect(plan.status == 0 && plan.stdout == "No changes. 24 entries match the desired state.\n", "\(plan.stdout)")
        let again = try NeighsyncBinary.run(["apply", "-f", f, "--netns", ns.name])
        #expect(again.status == 0 && again.stdout == "" && again.stderr == "")
    }

    @Test func anArpOffLinkTakesNoarpWithoutAMacForAnyAddress() throws {
        guard let ns = try cliNetns() else { return }
        try ns.check(["link", "set", "veth1", "arp", "off"])
        let dir = try TempDir()
        let f = try dir.write("n.yaml", """
            version: 1
            neighbors:
              - { address: 198.51.100.77, interface: veth1, state: noarp }
              - { address: 2001:db8::77, interface: veth1, state: noarp }

            """)
        let apply = try NeighsyncBinary.run(["apply", "-f", f, "--netns", ns.name])
        #expect(apply.status == 0, "\(apply.stderr)")
        // The kernel fills in the link's own address.
        let own = try #require((try JSONSerialization.jsonObject(with: Data(ns.run(["-j", "link", "show", "dev", "veth1"])
            .stdout.utf8)) as? [[String: Any]])?.first?["address"] as? String)
        #expect(Self.owned(ns) == ["198.51.100.77 veth1 \(own) NOARP", "2001:db8::77 veth1 \(own) NOARP"])
        let plan = try NeighsyncBinary.run(["plan", "-f", f, "--netns", ns.name, "--detailed-exitcode"])
        #expect(plan.status == 0, "\(plan.stdout)")
    }

    @Test func kindsALinkCannotKeepAreRefusedWithThePositionedReason() throws {
        guard let ns = try Self.links() else { return }
        let dir = try TempDir()
        let f = try dir.write("bad.yaml", """
            version: 1
            neighbors:
              - { address: 192.0.2.70, interface: lo, physicalAddress: "02:00:00:00:00:70" }
              - { address: 192.0.2.71, interface: tun0, state: noarp }
              - { address: 192.0.2.72, interface: br0, state: noarp }
              - { address: 2001:db8::72, interface: vx0, state: noarp }
              - { address: 2001:db8::73, interface: tun0, physicalAddress: "02:00:00:00:00:73" }
              - { address: 192.0.2.74, interface: veth0, physicalAddress: "02:00:00:00:00:74" }

            """)
        // Nothing written: no entry of ours, none at any address of the file (the kernel adds its own multicast
        // entries as the links come up, so the whole table is not compared).
        let addresses: Set<String> = ["0.0.0.0", "192.0.2.70", "192.0.2.71", "192.0.2.72", "2001:db8::72", "2001:db8::73",
                                      "192.0.2.74", "192.0.2.10", "192.0.2.11"]
        func untouched() -> Bool {
            Self.owned(ns).isEmpty && !ns.run(["-j", "neigh", "show", "nud", "all"]).stdout.split(separator: "\"")
                .contains { addresses.contains(String($0)) }
        }
        let expected = """
            \(f):3:16: error: lo is a loopback link: the kernel stores every IPv4 neighbor on it under 0.0.0.0, so no entry can be kept there; remove 192.0.2.70 or put it on another interface
                - { address: 192.0.2.70, interface: lo, physicalAddress: "02:00:00:00:00:70" }
                             ^
            \(f):4:16: error: tun0 is a point-to-point link: the kernel stores every IPv4 neighbor on it under 0.0.0.0, so no entry can be kept there; remove 192.0.2.71 or put it on another interface
                - { address: 192.0.2.71, interface: tun0, state: noarp }
                             ^
            \(f):5:16: error: br0 resolves neighbors with ARP, so the kernel keeps a noarp entry for the unicast address 192.0.2.72 only with a link-layer address (without one it answers 'No link layer address given', or stores ff:ff:ff:ff:ff:ff); add physicalAddress
                - { address: 192.0.2.72, interface: br0, state: noarp }
                             ^
            \(f):6:16: error: vx0 resolves neighbors with neighbor discovery, so the kernel keeps a noarp entry for the unicast address 2001:db8::72 only with a link-layer address (without one it answers 'No link layer address given'); add physicalAddress
                - { address: 2001:db8::72, interface: vx0, state: noarp }
                             ^
            \(f):7:64: error: physicalAddress 02:00:00:00:00:73 has 6 bytes, but tun0 has no hardware addresses; use state: noarp without physicalAddress
                - { address: 2001:db8::73, interface: tun0, physicalAddress: "02:00:00:00:00:73" }
                                                                             ^
            5 errors; nothing was applied

            """
        let validate = try NeighsyncBinary.run(["validate", "-f", f, "--netns", ns.name])
        #expect(validate.status == 1 && validate.stderr == expected, "\(validate.stderr)")
        let apply = try NeighsyncBinary.run(["apply", "-f", f, "--netns", ns.name])
        #expect(apply.status == 1 && apply.stderr == expected, "\(apply.stderr)")
        #expect(untouched(), "nothing may be written")

        // The one row validator says the same for a single write, before any syscall.
        let entry = try NeighsyncBinary.run(["entry", "create", "--netns", ns.name, "--interface", "lo", "--address",
                                             "192.0.2.10", "--lladdr", "02:00:00:00:00:10"])
        #expect(entry.status == 1)
        #expect(entry.stderr == "error: ERROR_INVALID_PARAMETER: lo is a loopback link: the kernel stores every IPv4 "
                + "neighbor on it under 0.0.0.0, so no entry can be kept there; remove 192.0.2.10 or put it on another "
                + "interface\n", "\(entry.stderr)")
        let noarp = try NeighsyncBinary.run(["entry", "create", "--netns", ns.name, "--interface", "veth0", "--address",
                                             "192.0.2.11", "--state", "noarp"])
        #expect(noarp.status == 1 && noarp.stderr.contains("add physicalAddress"), "\(noarp.stderr)")
        #expect(untouched(), "nothing may be written")
    }

    @Test func rowsNeighsyncLeftBehindAreDeletedAsOwned() throws {
        guard let ns = try Self.links() else { return }
        // What earlier versions left: IPv4 entries on lo and tun0 (stored under 0.0.0.0) and the NONE entry a
        // refused noarp write leaves, each carrying protocol 245; and a foreign 0.0.0.0 row, which stays.
        try ns.check(["neigh", "add", "192.0.2.50", "dev", "lo", "lladdr", "02:00:00:00:00:50", "nud", "permanent",
                      "proto", "245"])
        try ns.check(["neigh", "add", "192.0.2.50", "dev", "tun0", "nud", "noarp", "proto", "245"])
        #expect(ns.run(["neigh", "add", "192.0.2.99", "dev", "veth0", "nud", "noarp", "proto", "245"]).status != 0)
        try ns.check(["neigh", "add", "192.0.2.98", "dev", "mv0", "lladdr", "02:00:00:00:00:98", "nud", "noarp"])
        #expect(Self.owned(ns) == ["0.0.0.0 lo 02:00:00:00:00:50 PERMANENT", "0.0.0.0 tun0 - NOARP", "192.0.2.99 veth0 - "])
        let dir = try TempDir()
        let f = try dir.write("n.yaml", Self.accepted)
        let plan = try NeighsyncBinary.run(["plan", "-f", f, "--netns", ns.name])
        #expect(plan.stdout.contains("  - 0.0.0.0 dev lo lladdr 02:00:00:00:00:50 permanent  # owned entry not in desired state\n"))
        #expect(plan.stdout.contains("  - 192.0.2.99 dev veth0 none  # owned NONE leftover not in desired state\n"))
        #expect(plan.stdout.contains("  - 0.0.0.0 dev tun0 noarp  # owned entry not in desired state\n"))
        let apply = try NeighsyncBinary.run(["apply", "-f", f, "--netns", ns.name])
        #expect(apply.status == 0, "\(apply.stderr)")
        #expect(apply.stdout.hasSuffix("Apply: 24 created, 0 set, 3 deleted, 0 already converged, 0 unchanged, 0 failed.\n"))
        #expect(Self.owned(ns) == Self.acceptedTable)
        #expect(ns.run(["neigh", "show", "nud", "all", "dev", "mv0"]).stdout.contains("192.0.2.98 lladdr 02:00:00:00:00:98 NOARP"),
                "a foreign entry is never touched")
        let again = try NeighsyncBinary.run(["plan", "-f", f, "--netns", ns.name, "--detailed-exitcode"])
        #expect(again.status == 0, "\(again.stdout)")
    }
}
