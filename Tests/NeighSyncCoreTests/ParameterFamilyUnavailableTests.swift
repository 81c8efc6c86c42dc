import IpNetCore
@testable import NeighSyncCore
import Testing

/// Issue 14, red-team finding 7: a link whose kernel holds no parameters of a family (IPv6 disabled, e.g. by an MTU
/// below 1280) makes the family's parameters pending with the cause `familyUnavailable`, as for entries, instead of
/// a change that plans `(unknown) → 2s` forever and fails with ERROR_NOT_FOUND.
@Suite struct ParameterFamilyUnavailableTests {
    @Test func aFamilyWithoutParametersOnTheLinkIsPending() {
        let links = [Link(name: "veth0", index: 3, arphrdType: 1, hardwareAddressLength: 6)]
        let desired = [
            DesiredParameter(place: .interface("veth0"), family: .ipv6, key: .retransTime, value: 2000),
            DesiredParameter(place: .interface("veth0"), family: .ipv6, key: .proxyNDP, value: 1),
            DesiredParameter(place: .interface("veth0"), family: .ipv4, key: .retransTime, value: 2000),
        ]
        let current = [NeighborParameterSet(family: .ipv4, interfaceIndex: 3, values: [.retransTime: 1000])]
        let r = ParameterPlanner.plan(desired: desired, current: current, links: links)
        #expect(r.changes.map(\.text) == ["parameter veth0 ipv4 retransTime 1s → 2s"])
        #expect(r.pending.map(\.pendingCause) == [.familyUnavailable, .familyUnavailable])
        var plan = Plan(changes: [], unchanged: 0, ownerProtocol: 245, prune: .owned, maxDeletes: 50)
        plan.include(r)
        #expect(PlanRenderer(color: false).render(plan).contains(
            "  ? parameter veth0 ipv6 retransTime 2s  # interface veth0 has no ipv6 parameters (the family is disabled "
            + "on it, e.g. by an MTU below 1280)\n"))
        #expect(PlanDocument(plan).pendingParameters?.map(\.cause) == ["familyUnavailable", "familyUnavailable"])
        var report = ApplyReport(changes: [], results: [], unchanged: 0)
        report.pendingParameters = r.pending
        #expect(report.pendingParameterProblems == [
            "2 parameters of ipv6 not written: interface veth0 has no ipv6 parameters (the family is disabled on it, "
            + "e.g. by an MTU below 1280); enable the family on it, or remove them from the file",
        ])
    }

    @Test func anAbsentInterfaceStillWaitsForIt() {
        let desired = [DesiredParameter(place: .interface("vlan9"), family: .ipv4, key: .retransTime, value: 2000)]
        let r = ParameterPlanner.plan(desired: desired, current: [], links: [])
        #expect(r.pending.map(\.pendingCause) == [.interfaceAbsent])
        #expect(r.pending.map(\.pendingReason) == ["waiting for interface vlan9"])
    }
}
