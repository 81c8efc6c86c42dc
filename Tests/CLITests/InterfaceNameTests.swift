import Foundation
import NetnsTesting
import Testing

/// Interface names that are not valid UTF-8 (the kernel takes any bytes but NUL, '/', ':' and whitespace) cannot be
/// written in a YAML file: `show --output yaml` selects their entries by `interfaceIndex`, a name in a file never
/// matches such a link by a lossy decoding, and text output prints the bytes escaped (`b\xffc`).
@Suite(.serialized) struct InterfaceNameTests {
    /// Runs a shell script (for names a Swift `String` argument cannot carry).
    static func sh(_ script: String) -> (status: Int32, stdout: String, stderr: String) {
        Netns.run("/bin/sh", ["-c", script])
    }

    @Test("a link named b\\xffc is bootstrapped by index; a second link b\\xfec does not take its entries over")
    func nonUTF8NameBootstrapsByIndex() throws {
        guard let ns = try cliNetns() else { return }
        let n = ns.name
        let made = Self.sh("""
            A=$(printf 'b\\377c'); ip -n \(n) link add p1 type veth peer name "$A" && ip -n \(n) link set "$A" up && \
            ip -n \(n) neigh add 192.0.2.200 lladdr 02:00:00:00:06:00 dev "$A" nud permanent proto 245 && \
            ip netns exec \(n) cat "/sys/class/net/$A/ifindex"
            """)
        try #require(made.status == 0, "\(made.stderr)")
        let index = made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let show = try NeighsyncBinary.run(["show", "--netns", n, "--output", "yaml"])
        #expect(show.status == 0)
        #expect(show.stdout.contains("""
              - address: "192.0.2.200"
                interfaceIndex: \(index)
                physicalAddress: "02:00:00:00:06:00"
            """), "\(show.stdout)")
        #expect(!show.stdout.contains("interface:"), "\(show.stdout)")
        #expect(show.stderr == "note: interface b\\xffc (index \(index)) has a name that is not valid UTF-8, which a "
                + "YAML file cannot hold: its entries are written with 'interfaceIndex: \(index)'; an index changes when "
                + "the link is re-created, so rename the link (ip link set … name NEW) to select it by name\n")
        let dir = try TempDir()
        let file = try dir.write("u8.yaml", show.stdout)
        let plan = try NeighsyncBinary.run(["plan", "-f", file, "--netns", n, "--detailed-exitcode"])
        #expect(plan.status == 0 && plan.stdout.hasPrefix("No changes."), "\(plan.stdout)\(plan.stderr)")
        let offline = try ShowCommandTests.offlinePlan(ns, file: file, dir: dir)
        #expect(offline.status == 0 && offline.stdout.hasPrefix("No changes."), "\(offline.stdout)\(offline.stderr)")

        // A second link whose name decodes alike with String(decoding:) (b\u{FFFD}c): the entry stays where it is.
        try #require(Self.sh("B=$(printf 'b\\376c'); ip -n \(n) link add p2 type veth peer name \"$B\" && "
                             + "ip -n \(n) link set \"$B\" up").status == 0)
        let again = try NeighsyncBinary.run(["plan", "-f", file, "--netns", n, "--detailed-exitcode"])
        #expect(again.status == 0 && again.stdout.hasPrefix("No changes."), "\(again.stdout)\(again.stderr)")

        // Text output prints the bytes escaped.
        let text = try NeighsyncBinary.run(["show", "--netns", n])
        #expect(text.stdout == "192.0.2.200 dev b\\xffc lladdr 02:00:00:00:06:00 PERMANENT proto 245\n")

        // The lossy form in a file (the old bootstrap wrote it) names no link: pending, never matched silently.
        let lossy = try dir.write("lossy.yaml", """
            version: 1
            neighbors:
              - { address: 192.0.2.200, interface: "b\\uFFFDc", physicalAddress: "02:00:00:00:06:00" }

            """)
        let p = try NeighsyncBinary.run(["plan", "-f", lossy, "--netns", n, "--output", "json"])
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(p.stdout.utf8)) as? [String: Any])
        let summary = try #require(doc["summary"] as? [String: Int])
        #expect(summary["pending"] == 1 && summary["create"] == 0 && summary["unchanged"] == 0, "\(p.stdout)")
        let get = try NeighsyncBinary.run(["entry", "get", "--netns", n, "--interface", "b\u{FFFD}c",
                                           "--address", "192.0.2.200"])
        #expect(get.status == 1 && get.stderr.hasPrefix("error: ERROR_NOT_FOUND: no interface named"), "\(get.stderr)")
    }
}
