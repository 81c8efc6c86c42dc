import IpNetCore
@testable import NeighSync
@testable import NeighSyncCore
import Testing

/// Issue 14, red-team findings 6 and 8 (text): sub-millisecond durations are refused with their position instead of
/// being rounded, and the apply summary counts one parameter in the singular.
@Suite struct ParameterDurationTests {
    @Test func fractionsOfAMillisecondAreRefusedWithTheirPosition() {
        for (value, column) in [("0.0001ms", 28), ("0.5ms", 28), ("1.0005s", 28), ("1.5ms", 28), ("0.00001m", 28)] {
            let text = "version: 1\nneighbors: []\nparameters:\n  interfaces:\n    veth0:\n      ipv4: { retransTime: \(value) }\n"
            guard case .failure(let list) = DesiredStateLoader.load(text: text, fileName: "d.yaml") else {
                Issue.record("\(value) must be refused")
                continue
            }
            #expect(list.diagnostics.map(\.description) == [
                "d.yaml:6:\(column): error: 'parameters.interfaces.veth0.ipv4.retransTime' must be whole milliseconds "
                + "(no fraction of a millisecond: the kernel takes whole milliseconds), found '\(value)'",
            ])
        }
    }

    @Test func wholeMillisecondsWrittenWithFractionsAreKept() throws {
        for (value, ms) in [("1.5s", UInt64(1500)), ("0.25m", 15_000), ("1.0010s", 1001), ("0.00001h", 36), ("7ms", 7)] {
            let text = "version: 1\nneighbors: []\nparameters:\n  interfaces:\n    veth0:\n      ipv4: { retransTime: \(value) }\n"
            let state = try DesiredStateLoader.load(text: text, fileName: "d.yaml").get()
            #expect(state.parameters.map(\.value) == [ms], "\(value)")
        }
    }

    @Test func oneParameterSetIsSingular() {
        let p = DesiredParameter(place: .interface("veth0"), family: .ipv4, key: .retransTime, value: 2000)
        var report = ApplyReport(changes: [], results: [], unchanged: 0)
        report.parameters = [ParameterOutcome(change: ParameterChange(desired: p, interfaceIndex: 3, before: 1000),
                                              failure: nil)]
        #expect(report.summary.hasSuffix("; 1 parameter set, 0 failed."), "\(report.summary)")
        report.parameters.append(report.parameters[0])
        #expect(report.summary.hasSuffix("; 2 parameters set, 0 failed."), "\(report.summary)")
    }
}
