import IpNetCore

/// Which rows `neighsync show` prints in each output, in one place. Text: the static and managed entries, except
/// those the kernel makes itself; JSON (a snapshot for `plan --state`): every row, so an offline plan sees what a
/// live plan sees; YAML (a bootstrapped desired state): the static and managed entries neighsync owns or that carry
/// no owner (adopted on the first apply), without kernel-made ones, and without entries of other owners unless
/// asked, because applying the file would take those over. iproute2 equivalent: `ip neigh show` (which hides
/// NOARP entries) vs `nud all`.
public enum ShowSelection {
    /// What `bootstrap` chose.
    public struct Bootstrap: Sendable {
        /// The rows to write.
        public var rows: [IpNetRow2]
        /// Static entries of other owners left out, per protocol.
        public var foreignLeftOut: [UInt8: Int]
    }

    /// True for a NOARP entry the kernel made itself for a multicast group it joined or sent to (`ff02::16`,
    /// `ff02::1:ffXX:XXXX`, `224.0.0.22`, …: `arp_constructor()` / `ndisc_constructor()` make multicast neighbors
    /// NUD_NOARP with the mapped link-layer address): multicast address, NOARP, no protocol, and the link-layer
    /// address the kernel maps the group to (`ip_eth_mc_map()` 01:00:5e:…, `ipv6_eth_mc_map()` 33:33:…) or none. An
    /// entry with a protocol (neighsync's own, or another owner's) or another MAC is configuration, never hidden. A
    /// user's `ip neigh add ff05::fb dev X nud noarp` without a protocol looks exactly like the kernel's and is
    /// hidden too (it is foreign, so no plan deletes it).
    public static func isKernelMade(_ r: IpNetRow2) -> Bool {
        guard r.state == .noarp, r.protocol == 0, r.address.isMulticast else { return false }
        return r.physicalAddress.count == 0 || r.physicalAddress == multicastMac(r.address)
    }

    /// The Ethernet address the kernel maps a multicast group to: 01:00:5e + the low 23 bits (IPv4), 33:33 + the low
    /// 32 bits (IPv6). Kernel: `ip_eth_mc_map()`, `ipv6_eth_mc_map()`.
    public static func multicastMac(_ a: IpAddress) -> PhysicalAddress? {
        switch a {
        case .v4(let v):
            return PhysicalAddress(bytes: [0x01, 0x00, 0x5e, UInt8((v >> 16) & 0x7f), UInt8((v >> 8) & 0xff),
                                           UInt8(v & 0xff)])
        case .v6(_, let lo, _):
            return PhysicalAddress(bytes: [0x33, 0x33, UInt8((lo >> 24) & 0xff), UInt8((lo >> 16) & 0xff),
                                           UInt8((lo >> 8) & 0xff), UInt8(lo & 0xff)])
        }
    }

    /// The rows of the default text view: static, not kernel-made (`--all`: every row).
    /// Proxy entries are configuration and always shown.
    public static func text(_ rows: [IpNetRow2], all: Bool) -> [IpNetRow2] {
        all ? rows : rows.filter { isConfiguration($0) }
    }

    /// True for a row a desired state can hold: a proxy entry (`NTF_PROXY`, which the kernel reports in NUD_NONE),
    /// or a configured (static or managed) entry the kernel did not make.
    static func isConfiguration(_ r: IpNetRow2) -> Bool {
        r.isProxy || (ManagedEntry.isConfigured(r) && !isKernelMade(r))
    }

    /// The rows of a bootstrapped desired state: static, not kernel-made, carrying `ownerProtocol` or no protocol
    /// (adoption, shown as such in the first plan), plus other owners' entries only with `includeForeign` (a takeover).
    public static func bootstrap(_ rows: [IpNetRow2], ownerProtocol: UInt8, includeForeign: Bool) -> Bootstrap {
        var out = Bootstrap(rows: [], foreignLeftOut: [:])
        for r in rows where isConfiguration(r) {
            if r.protocol == ownerProtocol || r.protocol == 0 || includeForeign {
                out.rows.append(r)
            } else {
                out.foreignLeftOut[r.protocol, default: 0] += 1
            }
        }
        return out
    }
}
