import Foundation
import IpNet
import IpNetCore
@testable import NeighSync
@testable import NeighSyncCore
import Testing

/// The `parameters` section: values in their units, every problem positioned, and the pure parameter planner.
@Suite struct ParameterSectionTests {
    func load(_ body: String) -> Result<DesiredState, DiagnosticList> {
        DesiredStateLoader.load(text: "version: 1\nneighbors: []\nparameters:\n" + body, fileName: "p.yaml")
    }

    @Test func valuesAreReadInTheirUnits() throws {
        let state = try load("""
              interfaces:
                veth0:
                  ipv4: { baseReachableTime: 1m30s, retransTime: 500ms, ucastSolicit: 3, proxyARP: true }
                  ipv6: { proxyNDP: false, intervalProbeTime: 1ms }
              tables:
                ipv4: { gcThresh1: 128, gcThresh2: 512, gcThresh3: 1024, gcInterval: 30s }

            """).get()
        #expect(state.parameters.map { "\($0.place.interfaceName ?? "-") \($0.family) \($0.key) \($0.value)" } == [
            "veth0 ipv4 baseReachableTime 90000", "veth0 ipv4 retransTime 500", "veth0 ipv4 ucastSolicit 3",
            "veth0 ipv4 proxyARP 1", "veth0 ipv6 proxyNDP 0", "veth0 ipv6 intervalProbeTime 1",
            "- ipv4 gcThresh1 128", "- ipv4 gcThresh2 512", "- ipv4 gcThresh3 1024", "- ipv4 gcInterval 30000",
        ])
        #expect(state.parameters[0].source == SourceMark(file: "p.yaml", line: 6, column: 34))
    }

    @Test func everyProblemIsPositionedAndNothingIsKept() {
        guard case .failure(let list) = load("""
              interfaces:
                veth0:
                  ipv6: { proxyARP: true, baseReachableTme: 1s, ucastSolicit: 3s, retransTime: 2147483648ms }
                  ipv4: { intervalProbeTime: 0s, gcThresh3: 5, mcastSolicit: "3", proxyARP: yes }
                "a/b": { ipv4: { retransTime: 1s } }
              tables:
                ipv6: { gcThresh1: 4096, gcThresh3: 1024, retransTime: 1s }
                ipx: {}

            """) else {
            Issue.record("the file must not load")
            return
        }
        let text = list.diagnostics.map(\.description)
        let expected = [
            "p.yaml:6:15: error: 'proxyARP' is an IPv4 switch (net.ipv4.conf.IF.proxy_arp); under 'ipv6' write 'proxyNDP'",
            "p.yaml:6:31: error: unknown key 'baseReachableTme' in 'parameters.interfaces.veth0.ipv6'; did you mean 'baseReachableTime'?",
            "p.yaml:6:67: error: 'parameters.interfaces.veth0.ipv6.ucastSolicit' must be a whole number (0…2147483647), found '3s'",
            "p.yaml:6:84: error: 'parameters.interfaces.veth0.ipv6.retransTime' must be 0s…2147483647ms (the kernel keeps it in an int of milliseconds), found '2147483648ms'",
            "p.yaml:7:34: error: 'parameters.interfaces.veth0.ipv4.intervalProbeTime' must be 1ms…2147483647ms (the kernel keeps it in an int of milliseconds), found '0s'",
            "p.yaml:7:38: error: 'gcThresh3' is table-wide (gc_thresh3), not per interface; move it under 'parameters.tables.ipv4'",
            "p.yaml:7:66: error: 'parameters.interfaces.veth0.ipv4.mcastSolicit' must be a whole number (0…2147483647), found a quoted string",
            "p.yaml:7:81: error: 'parameters.interfaces.veth0.ipv4.proxyARP' must be true or false, found 'yes'",
            "p.yaml:8:5: error: 'a/b' is not an interface name: it holds '/', ':' or whitespace",
            "p.yaml:10:41: error: 'gcThresh3' (1024) is below 'gcThresh1' (4096); the garbage collector needs gcThresh1 ≤ gcThresh2 ≤ gcThresh3",
            "p.yaml:10:47: error: 'retransTime' is set per interface, not on the table; move it under 'parameters.interfaces.IF.ipv6'",
            "p.yaml:11:5: error: unknown key 'ipx' in 'parameters.tables'; did you mean 'ipv4'?",
        ]
        #expect(text == expected, "\(text.joined(separator: "\n"))")
    }

    @Test func aParameterSetInTwoFilesIsAnError() throws {
        let dir = "/tmp/nsx-params-split-\(UInt64.random(in: 0...UInt64.max))"
        try FileSystemHelper.write(dir + "/a.yaml", "version: 1\nneighbors: []\nparameters: { tables: { ipv4: { gcThresh3: 1 } } }\n")
        try FileSystemHelper.write(dir + "/b.yaml", "version: 1\nneighbors: []\nparameters: { tables: { ipv4: { gcThresh3: 1 } } }\n")
        defer { FileSystemHelper.remove(dir) }
        guard case .failure(let list) = DesiredStateLoader.load(path: dir) else {
            Issue.record("must not load")
            return
        }
        #expect(list.diagnostics.first?.message == "'parameters.tables.ipv4.gcThresh3' is set in two files; set each parameter once")
    }

    @Test func theTableWideRuleNamesTheKernelsRule() throws {
        let state = try load("  tables: { ipv6: { gcThresh3: 8192 } }\n").get()
        #expect(DesiredParameter.namespaceProblems(state.parameters, initialNamespace: true).isEmpty)
        let problems = DesiredParameter.namespaceProblems(state.parameters, initialNamespace: false)
        #expect(problems.map(\.description) == [
            "p.yaml:4:32: error: table-wide parameter 'gcThresh3' (gc_thresh3) can only be set in the initial network "
            + "namespace, and this is another one: the kernel's neightbl_set() refuses gc_thresh1-3 and gc_interval "
            + "elsewhere. Remove 'parameters.tables' from the file for this namespace (the host's tables are shared "
            + "by every namespace)",
        ])
    }

    @Test func thePlannerComparesOnlyListedKeysWithinOneTick() {
        let links = [Link(name: "veth0", index: 3, arphrdType: 1, hardwareAddressLength: 6)]
        let desired = [
            DesiredParameter(place: .interface("veth0"), family: .ipv4, key: .baseReachableTime, value: 1001),
            DesiredParameter(place: .interface("veth0"), family: .ipv4, key: .retransTime, value: 2000),
            DesiredParameter(place: .interface("vlan9"), family: .ipv4, key: .retransTime, value: 2000),
            DesiredParameter(place: .table, family: .ipv6, key: .gcThresh3, value: 8192),
        ]
        let current = [
            NeighborParameterSet(family: .ipv4, interfaceIndex: 3, values: [.baseReachableTime: 1004,
                                                                            .retransTime: 1000, .gcStaleTime: 1]),
            NeighborParameterSet(family: .ipv6, interfaceIndex: 0, values: [.gcThresh3: 1024]),
        ]
        let r = ParameterPlanner.plan(desired: desired, current: current, links: links)
        #expect(r.unchanged == 1)
        #expect(r.pending.map(\.place) == [.interface("vlan9")])
        #expect(r.changes.map(\.text) == ["parameter veth0 ipv4 retransTime 1s → 2s",
                                          "parameter table ipv6 gcThresh3 1024 → 8192"])
        var plan = Plan(changes: [], unchanged: 0, ownerProtocol: 245, prune: .owned, maxDeletes: 50)
        plan.include(r)
        #expect(!plan.isEmpty)
        #expect(PlanRenderer(color: false).render(plan) == """
              ~ parameter veth0 ipv4 retransTime 1s → 2s
              ~ parameter table ipv6 gcThresh3 1024 → 8192
              ? parameter vlan9 ipv4 retransTime 2s  # waiting for interface vlan9

            Plan: 0 to create, 0 to set, 0 to delete, 0 unchanged; 2 parameters to change, 1 pending.

            """)
    }
}

extension ParameterSectionTests {
    /// `show --output yaml --parameters`: what the writer writes, the loader reads back to a plan without changes;
    /// tables only where they can be set.
    @Test func theWrittenSectionReadsBackWithoutChanges() throws {
        let links = [Link(name: "veth0", index: 3, arphrdType: 1, hardwareAddressLength: 6),
                     Link(name: "yes", index: 4, arphrdType: 1, hardwareAddressLength: 6)]
        let sets = [
            NeighborParameterSet(family: .ipv4, interfaceIndex: 3, values: [.baseReachableTime: 30_000,
                                 .retransTime: 1000, .ucastSolicit: 3, .proxyARP: 0, .intervalProbeTime: 5000]),
            NeighborParameterSet(family: .ipv6, interfaceIndex: 4, values: [.retransTime: 1004, .proxyNDP: 1]),
            NeighborParameterSet(family: .ipv4, interfaceIndex: 0, values: [.gcThresh3: 1024, .gcInterval: 30_000]),
        ]
        let inNamespace = ParameterWriter.yaml(sets, links: links, initialNamespace: false)
        #expect(!inNamespace.contains("tables"))
        let text = "version: 1\nneighbors: []\n" + ParameterWriter.yaml(sets, links: links, initialNamespace: true)
        #expect(text.contains("    \"yes\":\n      ipv6: { retransTime: 1004ms, proxyNDP: true }\n"), "\(text)")
        let state = try DesiredStateLoader.load(text: text, fileName: "w.yaml").get()
        #expect(state.parameters.count == 9)
        let r = ParameterPlanner.plan(desired: state.parameters, current: sets, links: links)
        #expect(r.changes.isEmpty && r.pending.isEmpty && r.unchanged == 9)
    }
}

extension ParameterSectionTests {
    /// Snapshots carry parameters exactly, and the reader refuses what the kernel could not hold.
    @Test func snapshotParametersRoundTripAndHostileOnesAreRefused() throws {
        let links = [Link(name: "veth0", index: 3, arphrdType: 1, hardwareAddressLength: 6)]
        let sets = [NeighborParameterSet(family: .ipv4, interfaceIndex: 3, values: [.retransTime: 1000, .proxyARP: 1]),
                    NeighborParameterSet(family: .ipv6, interfaceIndex: 0, values: [.gcThresh3: 1024])]
        let text = SnapshotWriter.json(links: links, rows: [], parameters: sets, initialNamespace: false)
        func read(_ t: String) throws -> SnapshotReader.Parameters {
            var p = SnapshotReader.Parameters()
            _ = try SnapshotReader.parse(Array(t.utf8), path: "s.json", linksPath: nil, parameters: &p) { _ in [] }
            return p
        }
        let back = try read(text)
        #expect(back.sets == sets && back.initialNamespace == false)
        let hostile = [
            (text.replacingOccurrences(of: "\"gcThresh3\": 1024", with: "\"gcThresh3\": 4294967296"),
             "'gcThresh3' must be 0…4294967295"),
            (text.replacingOccurrences(of: "\"proxyARP\": 1", with: "\"proxyARP\": 2"), "'proxyARP' must be 0…1"),
            (text.replacingOccurrences(of: "\"retransTime\"", with: "\"retransTim\""), "unknown key 'retransTim'"),
            // The same set twice (moving the table's set onto veth0's place is now refused earlier: gcThresh3 on
            // an interface).
            (text.replacingOccurrences(of: "{\"family\": \"ipv6\", \"interfaceIndex\": 0, \"values\": {\"gcThresh3\": 1024}}",
                                       with: "{\"family\": \"ipv6\", \"interfaceIndex\": 0, \"values\": {\"gcThresh3\": 1024}}, "
                                       + "{\"family\": \"ipv6\", \"interfaceIndex\": 0, \"values\": {}}"), "a second set for ipv6"),
        ]
        for (t, message) in hostile {
            #expect(throws: (any Error).self) { try read(t) }
            do { _ = try read(t) } catch { #expect("\(error)".contains(message), "\(error)") }
        }
    }
}

extension ParameterSectionTests {
    /// A hostile section (a 1 MB flow mapping of one key repeated) gives a bounded list of errors and stops at the
    /// node limit instead of building a tree of every value.
    @Test func aHugeSectionIsBounded() {
        let keys = String(repeating: "retransTime: 1s, ", count: 60_000)
        let text = "version: 1\nneighbors: []\nparameters: { interfaces: { veth0: { ipv4: { \(keys) } } } }\n"
        guard case .failure(let list) = DesiredStateLoader.load(text: text, fileName: "h.yaml") else {
            Issue.record("must not load")
            return
        }
        #expect(list.diagnostics.count <= 101)
        #expect(list.diagnostics.first?.message.hasPrefix("duplicate key 'retransTime'") == true)
        let wide = (0..<110_000).map { "i\($0): {}" }.joined(separator: ", ")
        guard case .failure(let l2) = DesiredStateLoader.load(
            text: "version: 1\nneighbors: []\nparameters: { interfaces: { \(wide) } }\n", fileName: "w.yaml") else {
            Issue.record("must not load")
            return
        }
        #expect(l2.diagnostics.contains { $0.message.hasPrefix("more than 100000 values in 'parameters'") })
    }
}

/// Small file helpers for the directory case.
enum FileSystemHelper {
    static func write(_ path: String, _ text: String) throws {
        let dir = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    static func remove(_ dir: String) { try? FileManager.default.removeItem(atPath: dir) }
}
