import IpNetCore

/// One row as `ip neigh show` prints it: `192.0.2.10 dev veth0 lladdr 02:00:00:00:00:10 router extern_learn
/// PERMANENT proto zebra`. Used by `show` and the `entry` commands so both read like iproute2; the interface name is
/// escaped (`DisplayText`), the protocol named by iproute2's table (`NeighborProtocolName`). iproute2 equivalent:
/// `print_neigh()` in `ip/ipneigh.c`.
public enum RowText {
    /// The line, without a newline. `interfaceName` falls back to `if<N>`.
    public static func line(_ r: IpNetRow2, interfaceName: String?) -> String {
        var s = head(r.address, interfaceName: interfaceName ?? "if\(r.effectiveInterfaceIndex)",
                     physicalAddress: r.physicalAddress)
        if r.isRouter { s += " router" }
        for w in r.flags.words { s += " " + w }
        // A proxy entry has no NUD state to print (`ip neigh show proxy`: `192.0.2.7 dev veth0 proxy proto 245`).
        if !r.isProxy { s += " \(r.state.iproute2Name)" }
        if r.protocol != 0 { s += " proto \(NeighborProtocolName.word(r.protocol))" }
        return s
    }

    /// `ADDRESS dev NAME [lladdr MAC]`, the start of every text rendering of a row (this `line`, a plan's change
    /// and pending lines, apply's `created …` lines): the address without its scope id, the interface name escaped
    /// (`DisplayText`), the MAC when the row has one. iproute2 equivalent: the start of `print_neigh()`.
    /// A proxy entry's head starts with `proxy ` (`+ proxy 2001:db8:100::5 dev veth0`, as `ip neigh add proxy`).
    public static func head(_ address: IpAddress, interfaceName: String, physicalAddress: PhysicalAddress,
                            isProxy: Bool = false) -> String {
        var s = isProxy ? "proxy " + address.withoutScope.description : address.withoutScope.description
        s += " dev "
        s += DisplayText.escaped(interfaceName)
        if physicalAddress.count > 0 {
            s += " lladdr "
            s += physicalAddress.description
        }
        return s
    }
}
