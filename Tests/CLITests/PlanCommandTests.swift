import Foundation
import Testing
import NeighSyncCore

/// `neighsync plan` offline (`--state`): golden text, JSON shape, exit codes 0/1/2. Needs no root.
@Suite struct PlanCommandTests {
    static let snapshot = """
        {"formatVersion": 1, "kind": "neighsync-snapshot",
         "links": [
           {"name": "lo", "index": 1, "arphrdType": 772, "hardwareAddressLength": 6, "ipv4Enabled": true, "ipv6Enabled": true, "isUp": true},
           {"name": "veth1", "index": 2, "arphrdType": 1, "hardwareAddressLength": 6, "ipv4Enabled": true, "ipv6Enabled": true, "isUp": true},
           {"name": "veth0", "index": 3, "arphrdType": 1, "hardwareAddressLength": 6, "ipv4Enabled": true, "ipv6Enabled": true, "isUp": true}],
         "neighbors": [
           {"address": "192.0.2.10", "interfaceIndex": 3, "physicalAddress": "02:00:00:00:00:10", "state": "permanent", "isRouter": false, "protocol": 245},
           {"address": "192.0.2.11", "interfaceIndex": 3, "physicalAddress": "02:00:00:00:00:01", "state": "permanent", "isRouter": false, "protocol": 245},
           {"address": "192.0.2.12", "interfaceIndex": 3, "physicalAddress": "02:00:00:00:00:12", "state": "permanent", "isRouter": false, "protocol": 245},
           {"address": "192.0.2.13", "interfaceIndex": 3, "physicalAddress": "02:00:00:00:00:13", "state": "permanent", "isRouter": false, "protocol": 0},
           {"address": "192.0.2.14", "interfaceIndex": 3, "physicalAddress": "02:00:00:00:00:14", "state": "permanent", "isRouter": false, "protocol": 0},
           {"address": "198.51.100.7", "interfaceIndex": 3, "physicalAddress": "02:00:00:00:00:07", "state": "stale", "isRouter": false, "protocol": 0}]}
        """

    static let desired = """
        version: 1
        defaults: { interface: veth0 }
        neighbors:
          - address: 192.0.2.10
            physicalAddress: "02:00:00:00:00:10"
          - address: 192.0.2.11
            physicalAddress: "02:00:00:00:00:11"
          - address: 192.0.2.14
            physicalAddress: "02:00:00:00:00:14"
          - address: 2001:db8::1
            interface: veth1
            physicalAddress: "02:00:00:00:00:21"
            isRouter: true

        """

    @Test func goldenTextAndExitCode2() throws {
        let dir = try TempDir()
        let state = try dir.write("state.json", Self.snapshot)
        let file = try dir.write("neighbors.yaml", Self.desired)
        let r = try NeighsyncBinary.run(["plan", "-f", file, "--state", state, "--detailed-exitcode"])
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr == "")
        #expect(r.stdout == """
              + 2001:db8::1 dev veth1 lladdr 02:00:00:00:00:21 permanent router  # absent (\(file):10:5)
              ~ 192.0.2.11 dev veth0 lladdr 02:00:00:00:00:11 permanent  # lladdr 02:00:00:00:00:01 → 02:00:00:00:00:11 (\(file):6:5)
              - 192.0.2.12 dev veth0 lladdr 02:00:00:00:00:12 permanent  # owned entry not in desired state
              ~ 192.0.2.14 dev veth0 lladdr 02:00:00:00:00:14 permanent  # adopt: entry exists without owner tag (\(file):8:5)

            Plan: 1 to create, 2 to set, 1 to delete, 1 unchanged.

            """)
        let plain = try NeighsyncBinary.run(["plan", "-f", file, "--state", state])
        #expect(plain.status == 0)
    }

    @Test func noChangesExitsZero() throws {
        let dir = try TempDir()
        let state = try dir.write("state.json", Self.snapshot)
        let file = try dir.write("neighbors.yaml", """
            version: 1
            prune: none
            neighbors:
              - { address: 192.0.2.10, interface: veth0, physicalAddress: "02:00:00:00:00:10" }

            """)
        let r = try NeighsyncBinary.run(["plan", "-f", file, "--state", state, "--detailed-exitcode"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "No changes. 1 entry matches the desired state.\n")
    }

    @Test func invalidFileExitsOneWithPositionedError() throws {
        let dir = try TempDir()
        let state = try dir.write("state.json", Self.snapshot)
        let file = try dir.write("neighbors.yaml", """
            version: 1
            neighbors:
              - address: 192.0.2.10
                interface: veth0
                physicalAdress: "02:00:00:00:00:10"

            """)
        let r = try NeighsyncBinary.run(["plan", "-f", file, "--state", state, "--detailed-exitcode"])
        #expect(r.status == 1)
        #expect(r.stdout == "")
        #expect(r.stderr == """
            \(file):5:5: error: unknown key 'physicalAdress' in a neighbor entry; did you mean 'physicalAddress'?
                  physicalAdress: "02:00:00:00:00:10"
                  ^
            1 error; no plan was made

            """)
        #expect(r.stderr.contains("no plan was made"))
    }

    @Test func usageErrorsExitOne() throws {
        let r = try NeighsyncBinary.run(["plan", "--state", "x.json", "--netns", "y", "-f", "z"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("--state and --netns exclude each other"))
        let missing = try NeighsyncBinary.run(["plan", "-f", "/nonexistent/neighbors.yaml", "--state", "/nonexistent"])
        #expect(missing.status == 1)
    }

    @Test func jsonShape() throws {
        let dir = try TempDir()
        let state = try dir.write("state.json", Self.snapshot)
        let file = try dir.write("neighbors.yaml", Self.desired)
        let r = try NeighsyncBinary.run(["plan", "-f", file, "--state", state, "--output", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(Set(doc.keys) == ["formatVersion", "summary", "ownerProtocol", "changes", "pending"])
        #expect(doc["summary"] as? [String: Int] == ["create": 1, "set": 2, "delete": 1, "unchanged": 1, "pending": 0])
        #expect((doc["pending"] as? [Any])?.isEmpty == true)
        let changes = try #require(doc["changes"] as? [[String: Any]])
        #expect(changes.map { $0["action"] as? String } == ["create", "set", "delete", "set"])
        let set = changes[1]
        #expect(Set(set.keys) == ["action", "address", "interface", "interfaceIndex", "family", "reason", "fields",
                                  "before", "after", "source"])
        #expect(set["fields"] as? [[String: String]] == [["field": "physicalAddress", "before": "02:00:00:00:00:01",
                                                           "after": "02:00:00:00:00:11"]])
        #expect((set["after"] as? [String: Any])?["protocol"] as? Int == 245)
        #expect(changes[0]["before"] == nil && changes[2]["after"] == nil)
    }

    @Test func iprouteSnapshotPair() throws {
        let dir = try TempDir()
        let neigh = try dir.write("neigh.json", """
            [{"dst":"192.0.2.10","dev":"veth0","lladdr":"02:00:00:00:00:10","state":["PERMANENT"],"protocol":"245"},
             {"dst":"192.0.2.12","dev":"veth0","lladdr":"02:00:00:00:00:12","state":["PERMANENT"],"protocol":"static"}]
            """)
        let links = try dir.write("links.json", """
            [{"ifindex":1,"ifname":"lo","flags":["LOOPBACK"],"link_type":"loopback","address":"00:00:00:00:00:00"},
             {"ifindex":3,"ifname":"veth0","flags":["BROADCAST","UP"],"link_type":"ether","address":"6e:7b:45:41:7b:c9"}]
            """)
        let file = try dir.write("n.yaml", """
            version: 1
            neighbors:
              - { address: 192.0.2.11, interface: veth0, physicalAddress: "02:00:00:00:00:11" }

            """)
        let r = try NeighsyncBinary.run(["plan", "-f", file, "--state", neigh, "--links", links])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("+ 192.0.2.11 dev veth0"))
        #expect(r.stdout.contains("- 192.0.2.10 dev veth0"))
        #expect(!r.stdout.contains("192.0.2.12"))  // protocol static: foreign
        let noLinks = try NeighsyncBinary.run(["plan", "-f", file, "--state", neigh])
        #expect(noLinks.status == 1)
        #expect(noLinks.stderr.contains("--links FILE"))
    }

    @Test func validateOfflineSummary() throws {
        let dir = try TempDir()
        let file = try dir.write("neighbors.yaml", Self.desired)
        let r = try NeighsyncBinary.run(["validate", "-f", file, "--offline"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "ok: 4 neighbors on 2 interfaces\n")
        let j = try NeighsyncBinary.run(["validate", "-f", file, "--offline", "--output", "json"])
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any])
        #expect(doc["ok"] as? Bool == true && doc["neighbors"] as? Int == 4)
    }
}
