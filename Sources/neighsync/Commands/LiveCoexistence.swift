import IpNet
import NeighSync
import IpNetCore
import NeighSyncCore

/// The coexistence warnings of `validate` and `plan` against a live namespace (`CoexistenceCheck`): other owners'
/// entries at desired keys, desired addresses the host holds on that link (RTM_GETADDR dump) and, only in the initial
/// namespace where systemd-networkd runs (no `--netns`), links networkd manages without `KeepConfiguration=static`,
/// and IPv6 proxy entries the kernel would not answer: `proxy_ndp` 0 there and in `all`, or `forwarding` 0
/// (`ProxyNdpCheck`).
/// iproute2 equivalent: `ip neigh show` + `ip addr show` + `networkctl status` read side by side.
enum LiveCoexistence {
    static func warnings(entries: [DesiredRow], links: [Link], ownerProtocol: UInt8, current: [IpNetRow2],
                         table: NeighborTable, netns: String?,
                         desiredParameters: [DesiredParameter] = []) throws -> [Diagnostic] {
        let networkd = netns == nil
            ? NetworkdLinkState.read(indexes: entries.map(\.row.key.interfaceIndex)) : nil
        return CoexistenceCheck.warnings(entries: entries, links: links, ownerProtocol: ownerProtocol,
                                         current: current, addresses: try table.addresses(), networkd: networkd)
            + (ProxyNdpCheck.applies(to: entries)
               ? ProxyNdpCheck.warnings(entries: entries, links: links, current: try table.parameters(),
                                        desired: desiredParameters, switches: try table.ipv6ProxySwitches())
               : [])
    }
}
