import Foundation
import IpNetCore
@testable import NeighSync
@testable import NeighSyncCore
import Testing

/// Issue 14, red-team finding 8: snapshot parameter sets refuse keys in the wrong family or the wrong place and
/// unknown fields, naming the field; the apply JSON summary counts the parameters.
@Suite struct ParameterSnapshotFieldTests {
    static func read(_ set: String) throws {
        let text = "{\"formatVersion\": 1, \"kind\": \"neighsync-snapshot\", \"links\": [], \"neighbors\": [], "
            + "\"parameters\": [\(set)]}"
        var p = SnapshotReader.Parameters()
        _ = try SnapshotReader.parse(Array(text.utf8), path: "s.json", linksPath: nil, parameters: &p) { _ in [] }
    }

    @Test(arguments: [
        ("{\"family\": \"ipv4\", \"interfaceIndex\": 3, \"values\": {\"proxyNDP\": 1}}",
         "s.json: item 0: parameters: values.proxyNDP: 'proxyNDP' is an ipv6 switch, in a set of family ipv4"),
        ("{\"values\": {\"proxyARP\": 1}, \"family\": \"ipv6\", \"interfaceIndex\": 3}",
         "s.json: item 0: parameters: values.proxyARP: 'proxyARP' is an ipv4 switch, in a set of family ipv6"),
        ("{\"family\": \"ipv4\", \"interfaceIndex\": 3, \"values\": {\"gcThresh3\": 1024}}",
         "s.json: item 0: parameters: values.gcThresh3: 'gcThresh3' is table-wide, in the set of interface index 3"),
        ("{\"family\": \"ipv4\", \"interfaceIndex\": 0, \"values\": {\"retransTime\": 1000}}",
         "s.json: item 0: parameters: values.retransTime: 'retransTime' is per interface, in the table's set (interfaceIndex 0)"),
        ("{\"family\": \"ipv4\", \"interfaceIndex\": 3, \"values\": {}, \"valeus\": {}}",
         "s.json: item 0: parameters: unknown field 'valeus' (a set has 'family', 'interfaceIndex' and 'values')"),
    ])
    func wrongFamilyPlaceOrFieldIsRefused(_ set: String, _ message: String) {
        do {
            try Self.read(set)
            Issue.record("must be refused: \(set)")
        } catch {
            #expect("\(error)" == message)
        }
    }

    @Test func theApplySummaryCountsParameters() throws {
        let p = DesiredParameter(place: .interface("veth0"), family: .ipv4, key: .retransTime, value: 2000)
        var report = ApplyReport(changes: [], results: [], unchanged: 0)
        report.parameters = [
            ParameterOutcome(change: ParameterChange(desired: p, interfaceIndex: 3, before: 1000), failure: nil),
            ParameterOutcome(change: ParameterChange(desired: p, interfaceIndex: 3, before: 1000),
                             failure: .notFound("gone")),
        ]
        report.pendingParameters = [p]
        let doc = ApplyDocument(report, seconds: 0)
        #expect(doc.summary.parametersSet == 1 && doc.summary.parametersFailed == 1 && doc.summary.parametersPending == 1)
        let none = ApplyDocument(ApplyReport(changes: [], results: [], unchanged: 0), seconds: 0)
        #expect(none.summary.parametersSet == nil && none.summary.parametersPending == nil)
    }
}

extension ParameterSnapshotFieldTests {
    /// Issue 14, red-team finding 8: a link whose name is not UTF-8 is left out of `show --output yaml --parameters`
    /// with a stderr note, as its entries are.
    @Test func aNonUTF8LinkNameIsLeftOutWithANote() {
        let odd = Link(name: Link.name(fromBytes: [0x62, 0xff, 0x63] as [UInt8]), index: 5, arphrdType: 1,
                       hardwareAddressLength: 6)
        let links = [Link(name: "veth0", index: 3, arphrdType: 1, hardwareAddressLength: 6), odd]
        let sets = [NeighborParameterSet(family: .ipv4, interfaceIndex: 3, values: [.retransTime: 1000]),
                    NeighborParameterSet(family: .ipv4, interfaceIndex: 5, values: [.retransTime: 1000])]
        let yaml = ParameterWriter.yaml(sets, links: links, initialNamespace: false)
        #expect(yaml == "parameters:\n  interfaces:\n    veth0:\n      ipv4: { retransTime: 1s }\n")
        let notes = ParameterWriter.notes(sets, links: links)
        #expect(notes.count == 1 && notes[0].hasPrefix("interface b\\xffc (index 5) has a name that is not valid UTF-8"),
                "\(notes)")
        #expect(ParameterWriter.notes([sets[0]], links: links).isEmpty)
    }
}
