import Foundation
import Testing
import NetnsTesting

/// Runs the built `neighsync` binary: `entry create` then `get`, the already-exists error and exit status 1.
@Suite struct EntryCommandTests {
    /// The built binary (see `NeighsyncBinary`).
    static let binary: String? = NeighsyncBinary.path

    func neighsync(_ args: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let path = try #require(Self.binary, "the neighsync binary was not found next to the test bundle")
        return Netns.run(path, args)
    }

    func netns() throws -> Netns? {
        switch KernelTests.decision() {
        case .run: return try Netns()
        case .skip(let reason): print("skipping CLI kernel test: \(reason)"); return nil
        case .fail(let reason): Issue.record(Comment(rawValue: reason)); return nil
        }
    }

    @Test func createThenGet() throws {
        guard let ns = try netns() else { return }
        let create = try neighsync(["entry", "create", "--netns", ns.name, "--interface", "veth0",
                                    "--address", "192.0.2.10", "--lladdr", "02-00-00-00-00-10", "--protocol", "245"])
        #expect(create.status == 0, "\(create.stderr)")
        #expect(create.stdout == "192.0.2.10 dev veth0 lladdr 02:00:00:00:00:10 PERMANENT proto 245\n")
        let get = try neighsync(["entry", "get", "--netns", ns.name, "--interface", "veth0",
                                 "--address", "192.0.2.10", "--output", "json"])
        #expect(get.status == 0, "\(get.stderr)")
        let arr = try #require(try JSONSerialization.jsonObject(with: Data(get.stdout.utf8)) as? [[String: Any]])
        #expect(arr.count == 1)
        #expect(arr.first?["physicalAddress"] as? String == "02:00:00:00:00:10")
        #expect(arr.first?["interface"] as? String == "veth0")
        #expect(arr.first?["state"] as? String == "permanent")
        #expect(arr.first?["protocol"] as? Int == 245)
        #expect(Set(arr.first?.keys ?? [:].keys) == ["address", "interface", "interfaceIndex", "interfaceLuid",
                                                     "physicalAddress", "state", "isRouter", "isUnreachable",
                                                     "reachabilityTime", "protocol", "flags"])
        #expect(arr.first?["flags"] as? [String] == [])
        let table = try neighsync(["entry", "table", "--netns", ns.name, "--family", "ipv4"])
        #expect(table.stdout.contains("192.0.2.10 dev veth0 lladdr 02:00:00:00:00:10 PERMANENT proto 245"))
    }

    @Test func createTwiceFailsWithAlreadyExists() throws {
        guard let ns = try netns() else { return }
        let args = ["entry", "create", "--netns", ns.name, "--interface", "veth0", "--address", "192.0.2.10",
                    "--lladdr", "02:00:00:00:00:10"]
        #expect(try neighsync(args).status == 0)
        let again = try neighsync(args)
        #expect(again.status == 1)
        #expect(again.stdout.isEmpty)
        #expect(again.stderr == "error: ERROR_OBJECT_ALREADY_EXISTS: 192.0.2.10 already exists on veth0\n")
    }

    @Test func deleteOfMissingAndBadArguments() throws {
        guard let ns = try netns() else { return }
        let del = try neighsync(["entry", "delete", "--netns", ns.name, "--interface", "veth0", "--address", "192.0.2.10"])
        #expect(del.status == 1)
        #expect(del.stderr == "error: ERROR_NOT_FOUND: 192.0.2.10 does not exist on veth0\n")
        let bad = try neighsync(["entry", "create", "--netns", ns.name, "--interface", "veth0", "--address", "010.0.0.1"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("is not an IPv4 or IPv6 address"))
    }
}
