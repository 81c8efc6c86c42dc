import Foundation
import NetnsTesting
import Testing

/// A saved plan is untrusted input (a CI artifact): each hostile edit of a real plan file is refused with a message
/// naming the field, exit 1, nothing on stdout and nothing written to the kernel, where the namespace also holds a
/// foreign entry (no protocol) that a plan with `ownerProtocol: 0` used to delete.
@Suite struct PlanFileValidationTests {
    typealias Edit = (name: String, edit: (inout [String: Any]) -> Void, message: String)

    /// Sets the value at `path` (keys and array indexes) inside `doc`; nil removes it.
    static func set(_ doc: inout [String: Any], _ path: [Any], _ value: Any?) {
        func go(_ node: Any, _ rest: ArraySlice<Any>) -> Any? {
            guard let head = rest.first else { return value }
            if let k = head as? String, var d = node as? [String: Any] {
                d[k] = go(d[k] as Any, rest.dropFirst())
                return d
            }
            if let i = head as? Int, var a = node as? [Any] {
                if let v = go(a[i], rest.dropFirst()) { a[i] = v } else { a.remove(at: i) }
                return a
            }
            return node
        }
        doc = go(doc, path[...]) as! [String: Any]
    }

    static func edit(_ name: String, _ path: [Any], _ value: Any?, _ message: String) -> Edit {
        (name, { set(&$0, path, value) }, message)
    }

    /// The mixed plan of `SavedPlanTests`: changes[0] sets 192.0.2.10, changes[1] deletes 192.0.2.11, changes[2]
    /// creates 192.0.2.12; desired[0] is 192.0.2.10.
    static var edits: [Edit] { [
        edit("owner protocol 0", ["ownerProtocol"], 0,
             "'ownerProtocol' 0 is RTPROT_UNSPEC, which means no owner; use an unassigned number such as the default "
             + "245"),
        edit("owner protocol 4 (static)", ["ownerProtocol"], 4,
             "'ownerProtocol' 4 is RTPROT_STATIC, which is what 'ip neigh add … protocol static' writes, so every "
             + "such entry would become prunable; use an unassigned number such as the default 245"),
        edit("owner protocol 256", ["ownerProtocol"], 256,
             "'ownerProtocol' must be 5…255 (an NDA_PROTOCOL value), found 256"),
        edit("owner protocol as text", ["ownerProtocol"], "245", "ownerProtocol: expected a whole number, found a string"),
        edit("plan owner protocol 0", ["plan", "ownerProtocol"], 0,
             "'plan.ownerProtocol' 0 is RTPROT_UNSPEC, which means no owner; use an unassigned number such as the "
             + "default 245"),
        edit("unknown prune", ["prune"], "all", "prune: 'all' is not a prune mode (owned or none)"),
        edit("negative maxDeletes", ["maxDeletes"], -1,
             "maxDeletes: must be 0 or more; use 0 to refuse every delete without --force, found -1"),
        edit("fractional maxDeletes", ["maxDeletes"], 1.5, "maxDeletes: expected a whole number within 64 bits"),
        edit("desired state stale", ["desired", 0, "state"], "stale",
             "desired[0].state: 'stale' is not a desired state (permanent, noarp or none (with flags managed))"),
        edit("desired state incomplete", ["desired", 0, "state"], "incomplete",
             "desired[0].state: 'incomplete' is not a desired state (permanent, noarp or none (with flags managed))"),
        edit("unknown state", ["desired", 0, "state"], "PERMANENT",
             "desired[0].state: 'PERMANENT' is not a neighbor state (unreachable, incomplete, probe, delay, stale, "
             + "reachable, permanent, noarp, none)"),
        edit("change after state stale", ["plan", "changes", 2, "after", "state"], "stale",
             "plan.changes[2].after.state: 'stale' is not a desired state (permanent, noarp or none (with flags managed))"),
        edit("loopback address", ["desired", 0, "address"], "127.0.0.1",
             "desired[0].address: 127.0.0.1 is a loopback address; loopback traffic never uses the neighbor table"),
        edit("unspecified address", ["desired", 0, "address"], "0.0.0.0",
             "desired[0].address: 0.0.0.0 is the unspecified address, which no neighbor has"),
        edit("bad address", ["desired", 0, "address"], "192.0.2.300",
             "desired[0].address: '192.0.2.300' is not an IP address"),
        edit("malformed MAC", ["desired", 0, "physicalAddress"], "02:zz",
             "desired[0].physicalAddress: '02:zz' is not a link-layer address (hex bytes like 02:00:00:00:00:10)"),
        edit("empty MAC on a permanent entry", ["desired", 0, "physicalAddress"], "",
             "desired[0].physicalAddress: empty; a permanent entry needs the neighbor's link-layer address (only "
             + "state noarp may go without one)"),
        edit("MAC too long", ["desired", 0, "physicalAddress"], Array(repeating: "02", count: 33).joined(separator: ":"),
             "desired[0].physicalAddress: '\(Array(repeating: "02", count: 33).joined(separator: ":").prefix(40))…' "
             + "has 33 bytes; a neighbor entry holds at most 32"),
        // Read-time row rules (the loader's `NeighborRowValidator.checkFlags`): named by field, not "stale".
        edit("router flag on an IPv4 desired row", ["desired", 0, "isRouter"], true,
             "desired[0].isRouter: isRouter applies to IPv6 neighbors only (NTF_ROUTER, the ND router flag); "
             + "192.0.2.10 is IPv4, so drop the flag"),
        edit("router flag on an IPv4 change row", ["plan", "changes", 2, "after", "isRouter"], true,
             "plan.changes[2].after.isRouter: isRouter applies to IPv6 neighbors only (NTF_ROUTER, the ND router "
             + "flag); 192.0.2.12 is IPv4, so drop the flag"),
        // The namespace is required: without it a plan would go to whatever namespace apply runs in.
        edit("namespace missing", ["namespace"], nil,
             "namespace: missing; a plan file names the namespace it was made for (null: the namespace of the "
             + "process that made it), so it is never applied elsewhere; make one with 'neighsync plan -f PATH "
             + "--out FILE'"),
        // Values are quoted cut to 40 characters and escaped: a 2 MB address gives one short line.
        edit("2 MB address", ["desired", 0, "address"], String(repeating: "A", count: 2_000_000),
             "desired[0].address: '\(String(repeating: "A", count: 40))…' is not an IP address"),
        edit("control characters in a value", ["prune"], "own\u{1b}[2Jed",
             "prune: 'own\\x1b[2Jed' is not a prune mode (owned or none)"),
        edit("foreign protocol on a desired row", ["desired", 0, "protocol"], 7,
             "desired[0].protocol: 7 is not the plan's ownerProtocol 245; every row neighsync writes carries it"),
        ("no interface", { doc in
            set(&doc, ["desired", 0, "interfaceIndex"], 0)
            set(&doc, ["desired", 0, "interfaceLuid"], nil)
        }, "desired[0]: no interface given; set an interface name, index or LUID"),
        edit("LUID and index disagree", ["desired", 0, "interfaceLuid"], "0x0006000009000000",
             "desired[0]: interfaceLuid 0x0006000009000000 (NetLuidIndex 9) disagrees with interfaceIndex 3; give one "
             + "of them, or make them name the same interface"),
        edit("reachability time on a desired row", ["desired", 0, "reachabilityTime"], 5,
             "desired[0]: a row to write has no 'isUnreachable: true' or 'reachabilityTime' (those describe a kernel "
             + "entry)"),
        edit("flags on a permanent desired row", ["desired", 0, "flags"], ["extern_learn"],
             "desired[0].flags: extern_learn: neighsync writes no flags on a permanent entry"),
        edit("a noarp desired row without extern_learn", ["desired", 0, "state"], "noarp",
             "desired[0].flags: none: neighsync writes a noarp entry with exactly extern_learn (which keeps it from "
             + "the kernel's garbage collection)"),
        ("a noarp desired row with another flag too", { doc in
            set(&doc, ["desired", 0, "state"], "noarp")
            set(&doc, ["desired", 0, "flags"], ["managed", "extern_learn"])
        }, "desired[0].flags: managed extern_learn: neighsync writes a noarp entry with exactly extern_learn (which "
           + "keeps it from the kernel's garbage collection)"),
        edit("a flag listed twice", ["plan", "changes", 1, "before", "flags"], ["managed", "managed"],
             "plan.changes[1].before.flags[1]: 'managed' is listed twice; list each flag once"),
        ("a managed desired row with the flag twice", { doc in
            set(&doc, ["desired", 0, "state"], "none")
            set(&doc, ["desired", 0, "physicalAddress"], "")
            set(&doc, ["desired", 0, "flags"], ["managed", "managed"])
        }, "desired[0].flags[1]: 'managed' is listed twice; list each flag once"),
        ("a managed desired row without extern_learn", { doc in
            set(&doc, ["desired", 0, "state"], "none")
            set(&doc, ["desired", 0, "physicalAddress"], "")
            set(&doc, ["desired", 0, "flags"], ["managed"])
        }, "desired[0].flags: managed: neighsync writes a managed entry (state none) with exactly managed extern_learn "
           + "(NTF_EXT_MANAGED, and NTF_EXT_LEARNED, which keeps it from the kernel's garbage collection while "
           + "unresolved)"),
        ("a managed desired row for a multicast address", { doc in
            set(&doc, ["desired", 0, "address"], "ff02::5")
            set(&doc, ["desired", 0, "state"], "none")
            set(&doc, ["desired", 0, "physicalAddress"], "")
            set(&doc, ["desired", 0, "flags"], ["managed", "extern_learn"])
        }, "desired[0].address: ff02::5 is a multicast address: the kernel maps it to its multicast link-layer "
           + "address itself, so it cannot be managed (a managed entry would solicit for it and blackhole its "
           + "traffic); use state: noarp without physicalAddress, or no entry"),
        edit("unknown flag word", ["plan", "changes", 1, "before", "flags"], ["sticky", "bogus"],
             "plan.changes[1].before.flags[1]: 'bogus' is not a neighbor flag (use, self, master, proxy, managed, "
             + "extern_learn, offload, extern_valid, sticky, locked)"),
        edit("unknown top-level key", ["extra"], 1,
             "extra: unknown key 'extra' (known: desired, fingerprint, formatVersion, kind, maxDeletes, namespace, "
             + "ownerProtocol, plan, prune, sources)"),
        edit("namespace escaping /run/netns", ["namespace"], "../../proc/1/ns/net",
             "namespace: '../../proc/1/ns/net' is not a namespace name (it would point outside /run/netns)"),
        edit("delete of a foreign entry", ["plan", "changes", 1, "before", "protocol"], 0,
             "plan.changes[1].before: a delete of an entry neighsync does not own (permanent, protocol 0); only "
             + "static or managed entries with the owner protocol 245 are deleted"),
        edit("unknown action", ["plan", "changes", 0, "action"], "replace",
             "plan.changes[0].action: 'replace' is not an action (create, set or delete)"),
        edit("a source missing", ["sources", 0], nil, "sources: 3 sources for 4 desired rows; there is one per row"),
        edit("bad fingerprint", ["fingerprint"], "xyz", "fingerprint: 'xyz' is not a fingerprint (16 hex digits)"),
        edit("other kind", ["kind"], "neighsync-snapshot",
             "not a neighsync plan file (kind 'neighsync-snapshot'); make one with 'neighsync plan -f PATH --out FILE'"),
        edit("other version", ["formatVersion"], 2,
             "formatVersion: unsupported plan file version 2; this neighsync reads version 1"),
        edit("summary disagrees", ["plan", "summary", "delete"], 0,
             "plan.summary.delete: 0, but the plan has 1 delete changes"),
        edit("missing fingerprint", ["fingerprint"], nil,
             "not a neighsync plan file (missing key 'fingerprint'); make one with 'neighsync plan -f PATH --out FILE'"),
        ("duplicate entry", { doc in
            var d = doc["desired"] as! [Any]
            d.append(d[0])
            doc["desired"] = d
            var s = doc["sources"] as! [Any]
            s.append(s[0])
            doc["sources"] = s
        }, "desired[4]: duplicate entry 192.0.2.10 on interface index 3; desired[0] is the same entry"),
    ] }

    /// Edits of the text itself.
    static var textEdits: [(name: String, edit: (String) -> String, message: String)] { [
        ("trailing data", { $0 + "{}" }, "not a neighsync plan file (invalid JSON at byte ?: unexpected data after the "
         + "end of the JSON document); make one with 'neighsync plan -f PATH --out FILE'"),
        ("duplicate key", { "{\"prune\": \"none\"," + $0.dropFirst() }, "prune: duplicate key 'prune'"),
        ("unknown escape", { $0.replacingOccurrences(of: "\"neighsync-plan\"", with: "\"neighsync\\q-plan\"") },
         "not a neighsync plan file (invalid JSON at byte ?: unknown escape '\\q' (JSON has \\\" \\\\ \\/ \\b \\f "
         + "\\n \\r \\t \\uXXXX)); make one with 'neighsync plan -f PATH --out FILE'"),
    ] }

    /// Every static entry and its protocol, as `ip -j neigh show` gives them.
    static func snapshot(_ ns: Netns) -> Set<String> {
        Set(ns.neighbors().map { "\($0["dst"] ?? "") \($0["dev"] ?? "") \($0["lladdr"] ?? "-") \($0["state"] ?? "") "
                                 + "\($0["protocol"] ?? "-") \($0["router"] != nil)" })
    }

    @Test func everyHostileEditIsRefusedByFieldAndNothingIsWritten() throws {
        let dir = try TempDir()
        guard let ns = try SavedPlanTests.prepared(dir) else { return }
        try ns.check(["neigh", "add", "192.0.2.70", "lladdr", "02:00:00:00:00:70", "dev", "veth0", "nud", "permanent"])
        let file = try dir.write("n.yaml", SavedPlanTests.cases[2].file)
        let good = "\(dir.path)/good.json"
        #expect(try NeighsyncBinary.run(["plan", "-f", file, "--netns", ns.name, "--out", good]).status == 0)
        let text = try String(contentsOfFile: good, encoding: .utf8)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let before = Self.snapshot(ns)
        var cases: [(String, String, String)] = []
        for e in Self.edits {
            var d = doc
            e.edit(&d)
            let data = try JSONSerialization.data(withJSONObject: d, options: [.prettyPrinted, .sortedKeys])
            cases.append((e.name, String(decoding: data, as: UTF8.self), e.message))
        }
        for e in Self.textEdits { cases.append((e.name, e.edit(text), e.message)) }
        for (name, content, message) in cases {
            let path = try dir.write("plan.json", content)
            let r = try NeighsyncBinary.run(["apply", path])
            let got = r.stderr.replacingOccurrences(of: dir.path + "/", with: "")
            #expect(r.status == 1, "\(name)")
            #expect(r.stdout == "", "\(name)")
            #expect(r.stderr.utf8.count < 4096, "\(name): bounded message")
            if message.contains("byte ?") {
                let parts = message.components(separatedBy: "?")
                #expect(got.hasPrefix("error: plan.json: " + parts[0]) && got.hasSuffix(parts[1] + "\n"),
                        "\(name): \(got)")
            } else {
                #expect(got == "error: plan.json: \(message)\n", "\(name)")
            }
            #expect(Self.snapshot(ns) == before, "\(name): nothing written")
        }
        // The file as written applies.
        let ok = try NeighsyncBinary.run(["apply", good])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ApplyCommandTests.table(ns) == SavedPlanTests.cases[2].table.union(["192.0.2.70 veth0 02:00:00:00:00:70 -"]))
    }

    /// The mixed plan saved for `ns`, as text and as a JSON object.
    static func savedMixedPlan(_ dir: TempDir, _ ns: Netns) throws -> (path: String, doc: [String: Any]) {
        let file = try dir.write("n.yaml", SavedPlanTests.cases[2].file)
        let good = "\(dir.path)/good.json"
        let r = try NeighsyncBinary.run(["plan", "-f", file, "--netns", ns.name, "--out", good])
        #expect(r.status == 0, "\(r.stderr)")
        let text = try String(contentsOfFile: good, encoding: .utf8)
        return (good, try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]))
    }

    /// Rows that pass every rule of the file but not this host's, which `apply -f` refuses in a YAML file before any
    /// write (`NeighborRowValidator.validate`): a MAC of the wrong length for veth0, an interface name that is not
    /// the link at the row's index, an index no link has. The whole plan is refused before any write: the set and
    /// the delete of the mixed plan are not made either (the old code wrote them, then failed the bad row).
    @Test func rowsThisHostRefusesRefuseTheWholePlanBeforeAnyWrite() throws {
        let dir = try TempDir()
        guard let ns = try SavedPlanTests.prepared(dir) else { return }
        let (good, doc) = try Self.savedMixedPlan(dir, ns)
        let desired = try #require(doc["desired"] as? [[String: Any]])
        let k = try #require(desired.firstIndex { $0["address"] as? String == "192.0.2.12" })
        let index = try #require(desired[k]["interfaceIndex"] as? Int)
        let changes = try #require((doc["plan"] as? [String: Any])?["changes"] as? [[String: Any]])
        let c = try #require(changes.firstIndex { $0["address"] as? String == "192.0.2.12" })
        let rows: [[Any]] = [["desired", k], ["plan", "changes", c, "after"]]
        let tail = "; nothing was applied. Run 'neighsync plan' again against this host"
        let cases: [(name: String, edit: (inout [String: Any]) -> Void, message: String)] = [
            ("8-byte MAC on veth0", { d in
                for r in rows { Self.set(&d, r + ["physicalAddress"], "02:00:00:00:00:00:00:41") }
            }, "desired[\(k)]: ERROR_INVALID_PARAMETER: physicalAddress 02:00:00:00:00:00:00:41 has 8 bytes, but veth0 "
               + "uses 6-byte hardware addresses" + tail),
            ("interface name of another link", { Self.set(&$0, ["desired", k, "interface"], "veth1") },
             "desired[\(k)].interface: 'veth1' is not the interface with index \(index) (that is veth0)" + tail),
            ("interface index no link has", { d in
                for r in rows {
                    Self.set(&d, r + ["interfaceIndex"], 999)
                    Self.set(&d, r + ["interfaceLuid"], nil)
                }
                Self.set(&d, ["plan", "changes", c, "interfaceIndex"], 999)
            }, "desired[\(k)]: ERROR_NOT_FOUND: no interface with index 999" + tail),
        ]
        let before = Self.snapshot(ns)
        for e in cases {
            var d = doc
            e.edit(&d)
            let data = try JSONSerialization.data(withJSONObject: d, options: [.prettyPrinted, .sortedKeys])
            let path = try dir.write("plan.json", String(decoding: data, as: UTF8.self))
            let r = try NeighsyncBinary.run(["apply", path])
            #expect(r.status == 1 && r.stdout == "", "\(e.name)")
            #expect(r.stderr.replacingOccurrences(of: dir.path + "/", with: "") == "error: plan.json: \(e.message)\n",
                    "\(e.name)")
            #expect(Self.snapshot(ns) == before, "\(e.name): nothing written")
        }
        let ok = try NeighsyncBinary.run(["apply", good])
        #expect(ok.status == 0, "\(ok.stderr)")
    }

    /// A plan goes only to the namespace it was made for: `namespace` is required (null = the namespace of the
    /// process that made it), and a --netns naming another namespace is refused naming both, nothing written.
    @Test func aPlanGoesOnlyToTheNamespaceItWasMadeFor() throws {
        let dir = try TempDir()
        guard let ns = try SavedPlanTests.prepared(dir), let other = try cliNetns(pairs: 1) else { return }
        let (good, doc) = try Self.savedMixedPlan(dir, ns)
        let before = (Self.snapshot(ns), Self.snapshot(other))
        let elsewhere = try NeighsyncBinary.run(["apply", good, "--netns", other.name])
        #expect(elsewhere.status == 1 && elsewhere.stdout == "")
        #expect(elsewhere.stderr == "error: \(good) was made for network namespace '\(ns.name)', not network "
                + "namespace '\(other.name)'; apply it without --netns, or make the plan with --netns \(other.name)\n")
        var d = doc
        Self.set(&d, ["namespace"], NSNull())
        var data = try JSONSerialization.data(withJSONObject: d, options: [.prettyPrinted, .sortedKeys])
        let null = try dir.write("null.json", String(decoding: data, as: UTF8.self))
        for target in [ns, other] {
            let r = try NeighsyncBinary.run(["apply", null, "--netns", target.name])
            #expect(r.status == 1 && r.stdout == "")
            #expect(r.stderr == "error: \(null) was made for the network namespace of the process that made it "
                    + "(namespace: null), not network namespace '\(target.name)'; apply it without --netns in that "
                    + "namespace, or make the plan with --netns \(target.name)\n")
        }
        Self.set(&d, ["namespace"], nil)
        data = try JSONSerialization.data(withJSONObject: d, options: [.prettyPrinted, .sortedKeys])
        let none = try dir.write("none.json", String(decoding: data, as: UTF8.self))
        let r = try NeighsyncBinary.run(["apply", none, "--netns", other.name])
        #expect(r.status == 1 && r.stdout == "")
        #expect(r.stderr.hasPrefix("error: \(none): namespace: missing; a plan file names the namespace it was made for"))
        #expect(Self.snapshot(ns) == before.0 && Self.snapshot(other) == before.1, "nothing written")
    }
}
