import IpNet
import IpNetCore
import NeighSyncCore

/// Warnings about the other writers of the neighbor table a desired state has to live with, each with the reason and
/// the fix, positioned at the entry (`file:line:col: warning: …`). Pure: the caller gathers what it can (the current
/// rows, the host's own addresses, systemd-networkd's link state) and passes nil for what it cannot (a snapshot has
/// no addresses; networkd only runs in the initial namespace), and that check is skipped.
/// - another owner: a desired key the kernel holds with another protocol (`zebra`, `bgp`, …): apply takes it over;
/// - own address: a desired address the host holds on that same link: the kernel answers for it locally, the entry
///   is never used;
/// - systemd-networkd: a link networkd manages without `KeepConfiguration=static`: it drops entries it did not make
///   whenever it reconfigures the link (one warning per link, at its first entry).
/// systemd equivalent: the `link_drop_foreign_neighbors()` it warns about.
public enum CoexistenceCheck {
    /// The warnings for `entries` (in their order, networkd's first for each link).
    public static func warnings(entries: [DesiredRow], links: [Link], ownerProtocol: UInt8,
                                current: [IpNetRow2]? = nil, addresses: [InterfaceAddress]? = nil,
                                networkd: [UInt32: NetworkdLinkState]? = nil) -> [Diagnostic] {
        var names: [UInt32: String] = [:]
        for l in links { names[l.index] = l.name }
        func name(_ i: UInt32) -> String { DisplayText.escaped(names[i] ?? "if\(i)") }
        // Only the rows of other owners and the own addresses are indexed: usually a handful, never the whole table.
        var foreign: [NeighborKey: UInt8] = [:]
        for r in current ?? [] where r.protocol != 0 && r.protocol != ownerProtocol { foreign[r.key] = r.protocol }
        var own = Set<NeighborKey>()
        for a in addresses ?? [] {
            own.insert(NeighborKey(interfaceIndex: a.interfaceIndex, address: a.address.withoutScope))
        }
        var warned = Set<UInt32>()
        var out: [Diagnostic] = []
        for d in entries {
            // The link's name is escaped only for a warning: most entries get none.
            let key = d.row.key
            var link: String { name(key.interfaceIndex) }
            if let state = networkd?[key.interfaceIndex], state.isManaged, !state.keepsForeignEntries,
               warned.insert(key.interfaceIndex).inserted {
                let file = state.networkFile.map { DisplayText.escaped($0) }
                if !state.unreadableFiles.isEmpty {
                    let files = state.unreadableFiles.map { DisplayText.escaped($0) }.joined(separator: ", ")
                    out.append(Diagnostic(
                        mark: d.source,
                        message: "\(link) is managed by systemd-networkd, but neighsync could not read \(files) (not "
                            + "a regular file, too large or missing) to see whether it keeps foreign neighbor entries; "
                            + "check that the link's .network file has KeepConfiguration=static in [Network]",
                        severity: .warning))
                } else {
                    out.append(Diagnostic(
                        mark: d.source,
                        message: "\(link) is managed by systemd-networkd" + (file.map { " (\($0))" } ?? "")
                            + " without KeepConfiguration=static: networkd removes the neighbor entries it did not make "
                            + "whenever it reconfigures the link (networkctl reload or reconfigure, a carrier change), "
                            + "until neighsync writes them again; add KeepConfiguration=static to the [Network] section of "
                            + (file ?? "the link's .network file") + ", or write these entries there as [Neighbor] "
                            + "sections instead",
                        severity: .warning))
                }
            }
            if own.contains(key) {
                out.append(Diagnostic(
                    mark: d.source,
                    message: "\(key.address) is \(link)'s own address; a neighbor entry for it is never used (the "
                        + "kernel answers for its own addresses itself); remove the entry or fix the address",
                    severity: .warning))
            }
            if let p = foreign[key] {
                let owner = NeighborProtocolName.described(p)
                out.append(Diagnostic(
                    mark: d.source,
                    message: "\(key.address) on \(link) is held by protocol \(owner); apply would take it over "
                        + "(protocol \(ownerProtocol)) and that daemon may write it back, so the two would overwrite "
                        + "each other; remove the entry from the file, or stop \(NeighborProtocolName.word(p)) "
                        + "managing it",
                    severity: .warning))
            }
        }
        return out
    }
}
