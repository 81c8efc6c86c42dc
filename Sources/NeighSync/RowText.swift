import IpNet

/// One row as `ip neigh show` prints it: `192.0.2.10 dev veth0 lladdr 02:00:00:00:00:10 router PERMANENT proto 245`.
/// Used by `show` and the `entry` commands so both read like iproute2. iproute2 equivalent: `print_neigh()` in
/// `ip/ipneigh.c`.
public enum RowText {
    /// The line, without a newline. `interfaceName` falls back to `if<N>`.
    public static func line(_ r: IpNetRow2, interfaceName: String?) -> String {
        var s = "\(r.address.withoutScope) dev \(interfaceName ?? "if\(r.effectiveInterfaceIndex)")"
        if r.physicalAddress.count > 0 { s += " lladdr \(r.physicalAddress)" }
        if r.isRouter { s += " router" }
        s += " \(r.state.iproute2Name)"
        if r.protocol != 0 { s += " proto \(r.protocol)" }
        return s
    }
}
