import IpNetCore
import NeighSyncCore

/// The rows, links and plans the planner tests are written with, shared by the suites that build on them (the
/// applier, show output, snapshots, coexistence): two Ethernet links (`veth0` index 3, `veth1` index 4), permanent
/// rows with a locally administered MAC, owner protocol 245.
public enum RowFixtures {
    /// `veth0` (index 3) and `veth1` (index 4), Ethernet (ARPHRD_ETHER, 6-byte addresses).
    public static let links = [Link(name: "veth0", index: 3, arphrdType: 1, hardwareAddressLength: 6),
                               Link(name: "veth1", index: 4, arphrdType: 1, hardwareAddressLength: 6)]

    /// A row for `a` on interface `dev`; iproute2: `ip neigh replace A lladdr MAC dev veth0 nud permanent`.
    public static func row(_ a: String, _ mac: String = "02:00:00:00:00:10", dev: UInt32 = 3,
                           state: NeighborState = .permanent, router: Bool = false, proto: UInt8 = 0) -> IpNetRow2 {
        IpNetRow2(address: IpAddress(a)!, interfaceIndex: dev, physicalAddress: PhysicalAddress(mac)!,
                  state: state, isRouter: router, protocol: proto)
    }

    /// The plan from `current` to `desired` over `links`, owner protocol 245.
    public static func plan(_ desired: [IpNetRow2], _ current: [IpNetRow2], prune: PruneMode = .owned,
                            maxDeletes: Int = 50) -> Plan {
        Planner.plan(desired: desired.map { DesiredRow(row: $0) }, current: current, links: links,
                     ownerProtocol: 245, prune: prune, maxDeletes: maxDeletes)
    }
}
