import IpNetCore

/// One row as `ip neigh show` prints it: `192.0.2.10 dev veth0 lladdr 02:00:00:00:00:10 router extern_learn
/// PERMANENT proto zebra`. Used by `show` and the `entry` commands so both read like iproute2; the interface name is
/// escaped (`DisplayText`), the protocol named by iproute2's table (`NeighborProtocolName`). iproute2 equivalent:
/// `print_neigh()` in `ip/ipneigh.c`.
public enum RowText {
    /// The line, without a newline. `interfaceName` falls back to `if<N>`.
    public static func line(_ r: IpNetRow2, interfaceName: String?) -> String {
        var s = "\(r.address.withoutScope) dev \(DisplayText.escaped(interfaceName ?? "if\(r.effectiveInterfaceIndex)"))"
        if r.physicalAddress.count > 0 { s += " lladdr \(r.physicalAddress)" }
        if r.isRouter { s += " router" }
        for w in r.flags.words { s += " " + w }
        s += " \(r.state.iproute2Name)"
        if r.protocol != 0 { s += " proto \(NeighborProtocolName.word(r.protocol))" }
        return s
    }
}
