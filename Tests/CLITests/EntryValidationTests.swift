import Foundation
import NetnsTesting
import Testing

/// `entry create` runs the same row validator as the file: IPv4-mapped addresses and the router flag on IPv4 are
/// ERROR_INVALID_PARAMETER before any write; a zone id selects the interface (and must agree with one given); a zero
/// LUID means "use the index". Each case checks the kernel table with `ip -j neigh show`.
@Suite struct EntryValidationTests {
    /// `dst dev lladdr [router]` of every entry in the namespace.
    static func table(_ ns: Netns) -> Set<String> {
        Set(ns.neighbors().map { e in
            "\(e["dst"] ?? "") \(e["dev"] ?? "") \(e["lladdr"] ?? "-")\(e.keys.contains("router") ? " router" : "")"
        })
    }

    func create(_ ns: Netns, _ args: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try NeighsyncBinary.run(["entry", "create", "--netns", ns.name, "--lladdr", "02:00:00:00:00:42"] + args)
    }

    @Test("IPv4-mapped addresses are ERROR_INVALID_PARAMETER, nothing written")
    func ipv4Mapped() throws {
        guard let ns = try cliNetns() else { return }
        let before = Self.table(ns)
        for (a, text) in [
            ("::ffff:192.0.2.1", "::ffff:192.0.2.1 is an IPv4-mapped IPv6 address, which is never an IPv6 neighbor; "
                + "write the IPv4 address 192.0.2.1 on its own"),
            ("::ffff:127.0.0.1", "::ffff:127.0.0.1 is an IPv4-mapped IPv6 address, which is never an IPv6 neighbor "
                + "(and 127.0.0.1 is no neighbor's address either)"),
            ("::ffff:0.0.0.0", "::ffff:0.0.0.0 is an IPv4-mapped IPv6 address, which is never an IPv6 neighbor "
                + "(and 0.0.0.0 is no neighbor's address either)"),
        ] {
            let r = try create(ns, ["--interface", "veth0", "--address", a])
            #expect(r.status == 1)
            #expect(r.stdout == "")
            #expect(r.stderr == "error: ERROR_INVALID_PARAMETER: \(text)\n")
        }
        #expect(Self.table(ns) == before)
    }

    @Test("the router flag on IPv4 is ERROR_INVALID_PARAMETER; on IPv6 it is written")
    func routerFlag() throws {
        guard let ns = try cliNetns() else { return }
        let r = try create(ns, ["--interface", "veth0", "--address", "192.0.2.40", "--router"])
        #expect(r.status == 1)
        #expect(r.stderr == "error: ERROR_INVALID_PARAMETER: isRouter applies to IPv6 neighbors only (NTF_ROUTER, "
                + "the ND router flag); 192.0.2.40 is IPv4, so drop the flag\n")
        #expect(Self.table(ns).isEmpty)
        let v6 = try create(ns, ["--interface", "veth0", "--address", "2001:db8::40", "--router"])
        #expect(v6.status == 0, "\(v6.stderr)")
        #expect(Self.table(ns) == ["2001:db8::40 veth0 02:00:00:00:00:42 router"])
    }

    @Test("a zone id selects the interface; one that disagrees with --interface is refused")
    func zoneSelects() throws {
        guard let ns = try cliNetns() else { return }
        let veth0 = ns.index(of: "veth0"), veth1 = ns.index(of: "veth1")
        let r = try create(ns, ["--address", "fe80::78%\(veth1)"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "fe80::78 dev veth1 lladdr 02:00:00:00:00:42 PERMANENT\n")
        #expect(Self.table(ns) == ["fe80::78 veth1 02:00:00:00:00:42"])
        let agree = try create(ns, ["--address", "fe80::79%\(veth0)", "--interface", "veth0"])
        #expect(agree.status == 0, "\(agree.stderr)")
        let clash = try create(ns, ["--address", "fe80::7a%\(veth1)", "--interface", "veth0"])
        #expect(clash.status == 1)
        #expect(clash.stderr == "error: ERROR_INVALID_PARAMETER: fe80::7a%\(veth1) has zone id %\(veth1) (interface "
                + "index \(veth1)), but the entry's interface has index \(veth0); drop the zone id or make it "
                + "%\(veth0)\n")
        let missing = try create(ns, ["--address", "fe80::7b%999"])
        #expect(missing.status == 1 && missing.stderr == "error: ERROR_NOT_FOUND: no interface with index 999\n")
        #expect(Self.table(ns) == ["fe80::78 veth1 02:00:00:00:00:42", "fe80::79 veth0 02:00:00:00:00:42"])
        // get and delete find it by the zone as well.
        let get = try NeighsyncBinary.run(["entry", "get", "--netns", ns.name, "--address", "fe80::78%\(veth1)"])
        #expect(get.status == 0 && get.stdout == "fe80::78 dev veth1 lladdr 02:00:00:00:00:42 PERMANENT\n")
        let del = try NeighsyncBinary.run(["entry", "delete", "--netns", ns.name, "--address", "fe80::78%\(veth1)"])
        #expect(del.status == 0, "\(del.stderr)")
        #expect(Self.table(ns) == ["fe80::79 veth0 02:00:00:00:00:42"])
    }

    @Test("--luid 0 means 'use the index', alone it selects nothing")
    func zeroLuid() throws {
        guard let ns = try cliNetns() else { return }
        let veth0 = ns.index(of: "veth0")
        let r = try create(ns, ["--index", "\(veth0)", "--luid", "0", "--address", "192.0.2.41"])
        #expect(r.status == 0, "\(r.stderr)")
        let named = try create(ns, ["--interface", "veth0", "--luid", "0x0", "--address", "192.0.2.42"])
        #expect(named.status == 0, "\(named.stderr)")
        let alone = try create(ns, ["--luid", "0", "--address", "192.0.2.43"])
        #expect(alone.status == 1)
        #expect(alone.stderr.contains("no interface given"), "\(alone.stderr)")
        #expect(Self.table(ns) == ["192.0.2.41 veth0 02:00:00:00:00:42", "192.0.2.42 veth0 02:00:00:00:00:42"])
    }

    @Test("validate applies the owner-protocol rule: 0–4 refused, a daemon's number warned")
    func ownerProtocol() throws {
        let dir = try TempDir()
        let stat = try dir.write("s.yaml", "version: 1\nowner: { protocol: 4 }\nneighbors: []\n")
        let r = try NeighsyncBinary.run(["validate", "-f", stat, "--offline"])
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("\(stat):2:20: error: 'owner.protocol' 4 is RTPROT_STATIC, which is what 'ip neigh "
                                   + "add … protocol static' writes, so every such entry would become prunable"))
        let zebra = try dir.write("z.yaml", "version: 1\nowner: { protocol: 11 }\nneighbors: []\n")
        let w = try NeighsyncBinary.run(["validate", "-f", zebra, "--offline"])
        #expect(w.status == 0)
        #expect(w.stderr.hasPrefix("\(zebra):2:20: warning: 'owner.protocol' 11 is 'zebra'"))
    }
    /// Every row on the namespace's lo and tun0 (`nud all`), as "dst dev STATE protocol".
    static func loTunRows(_ ns: Netns) -> Set<String> {
        let r = ns.run(["-j", "neigh", "show", "nud", "all"])
        guard let arr = try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]] else { return [] }
        return Set(arr.compactMap { e -> String? in
            guard let dev = e["dev"] as? String, dev == "lo" || dev == "tun0" else { return nil }
            return "\(e["dst"] ?? "") \(dev) \((e["state"] as? [String] ?? []).joined(separator: ",")) "
                + "\(e["protocol"] ?? "-")"
        })
    }

    /// A foreign 0.0.0.0 row on tun0 stays as it is.
    @Test("resolve, get and delete of IPv4 on lo or tun0 are ERROR_INVALID_PARAMETER before any syscall")
    func ipv4OnLoopbackOrPointToPoint() throws {
        guard let ns = try cliNetns() else { return }
        try ns.check(["link", "set", "lo", "up"])
        try ns.check(["tuntap", "add", "mode", "tun", "tun0"])
        try ns.check(["link", "set", "tun0", "up"])
        try ns.check(["neigh", "add", "192.0.2.7", "dev", "tun0", "nud", "permanent", "proto", "99"])
        let before = Self.loTunRows(ns)
        #expect(before == ["0.0.0.0 tun0 PERMANENT openr"])  // protocol 99 is "openr" in rt_protos
        for (dev, kind) in [("lo", "a loopback link"), ("tun0", "a point-to-point link")] {
            let why = "error: ERROR_INVALID_PARAMETER: \(dev) is \(kind): the kernel stores every IPv4 neighbor on it "
                + "under 0.0.0.0, so no entry can be kept there; remove 192.0.2.9 or put it on another interface\n"
            for verb in [["resolve", "--timeout", "1"], ["get"], ["delete"]] {
                let r = try NeighsyncBinary.run(["entry", verb[0], "--netns", ns.name, "--interface", dev,
                                                 "--address", "192.0.2.9"] + verb.dropFirst())
                #expect(r.status == 1, "\(verb[0]) on \(dev)")
                #expect(r.stdout == "")
                #expect(r.stderr == why, "\(verb[0]) on \(dev)")
                #expect(Self.loTunRows(ns) == before, "\(verb[0]) on \(dev)")
            }
        }
        // A resolve of 0.0.0.0 itself would write over the foreign row as well: refused as an address.
        let zero = try NeighsyncBinary.run(["entry", "resolve", "--netns", ns.name, "--interface", "tun0",
                                            "--address", "0.0.0.0", "--timeout", "1"])
        #expect(zero.status == 1)
        #expect(zero.stderr.hasPrefix("error: ERROR_INVALID_PARAMETER: 0.0.0.0"), "\(zero.stderr)")
        // The row left there stays readable under 0.0.0.0.
        let get = try NeighsyncBinary.run(["entry", "get", "--netns", ns.name, "--interface", "tun0",
                                           "--address", "0.0.0.0"])
        #expect(get.status == 0, "\(get.stderr)")
        #expect(Self.loTunRows(ns) == before)
    }

    @Test("get, delete and resolve refuse the options that describe a write instead of ignoring them")
    func lookupsRefuseWriteOptions() throws {
        guard let ns = try cliNetns() else { return }
        try ns.check(["neigh", "add", "192.0.2.50", "dev", "veth0", "lladdr", "02:00:00:00:00:50", "nud", "permanent"])
        let before = Self.table(ns)
        for verb in ["get", "delete", "resolve"] {
            for (extra, named) in [(["--lladdr", "02:00:00:00:00:51"], "--lladdr"), (["--state", "noarp"], "--state"),
                                   (["--router"], "--router"), (["--protocol", "0"], "--protocol"),
                                   (["--state", "stale", "--protocol", "9"], "--state, --protocol")] {
                let r = try NeighsyncBinary.run(["entry", verb, "--netns", ns.name, "--interface", "veth0",
                                                 "--address", "192.0.2.50"] + extra)
                #expect(r.status != 0)
                #expect(r.stdout == "")
                #expect(r.stderr.contains("'entry \(verb)' finds the entry by interface and address only; drop "
                                          + "\(named) (they apply to 'entry create' and 'entry set')"), "\(r.stderr)")
            }
        }
        #expect(Self.table(ns) == before)
        let get = try NeighsyncBinary.run(["entry", "get", "--netns", ns.name, "--interface", "veth0",
                                           "--address", "192.0.2.50"])
        #expect(get.status == 0 && get.stdout == "192.0.2.50 dev veth0 lladdr 02:00:00:00:00:50 PERMANENT\n")
    }

    @Test("entry table filters by --luid like the other entry calls; a LUID of another IfType finds nothing")
    func tableByLuid() throws {
        guard let ns = try cliNetns() else { return }
        try ns.check(["neigh", "add", "192.0.2.50", "dev", "veth0", "lladdr", "02:00:00:00:00:50", "nud", "permanent"])
        try ns.check(["neigh", "add", "192.0.2.51", "dev", "veth1", "lladdr", "02:00:00:00:00:51", "nud", "permanent"])
        let veth0 = ns.index(of: "veth0")
        let luid = "0x0006" + String(format: "%06x", veth0) + "000000"
        let byLuid = try NeighsyncBinary.run(["entry", "table", "--netns", ns.name, "--family", "ipv4", "--luid", luid])
        #expect(byLuid.status == 0, "\(byLuid.stderr)")
        #expect(byLuid.stdout == "192.0.2.50 dev veth0 lladdr 02:00:00:00:00:50 PERMANENT\n")
        let both = try NeighsyncBinary.run(["entry", "table", "--netns", ns.name, "--family", "ipv4", "--luid", luid,
                                            "--index", "\(veth0)"])
        #expect(both.stdout == byLuid.stdout)
        let loopbackType = "0x0018" + String(format: "%06x", veth0) + "000000"
        let wrong = try NeighsyncBinary.run(["entry", "table", "--netns", ns.name, "--luid", loopbackType])
        #expect(wrong.status == 1 && wrong.stderr == "error: ERROR_NOT_FOUND: no interface with LUID \(loopbackType)\n",
                "\(wrong.stderr)")
    }
}
