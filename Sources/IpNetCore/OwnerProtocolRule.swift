/// Which NDA_PROTOCOL values may mark entries as neighsync's own (`owner.protocol` in a desired-state file, the
/// owner protocol of a saved plan). An owner protocol decides what `prune: owned` deletes, so a value another owner
/// also writes would make that owner's entries prunable:
/// - 0–4 are refused: the kernel's and iproute2's reserved `RTPROT_UNSPEC` (0, "no owner"), `RTPROT_REDIRECT` (1),
///   `RTPROT_KERNEL` (2), `RTPROT_BOOT` (3) and `RTPROT_STATIC` (4: what `ip neigh add … protocol static` writes,
///   so every such entry would become prunable); more than 255 does not fit the one-byte attribute.
/// - the other numbers iproute2's `rt_protos` names (the routing daemons, gated 8 … eigrp 192) are allowed with a
///   warning: a host that runs that daemon would see its entries taken over and pruned.
/// Everything else (the default 245 among them) passes. Netlink equivalent: the `NDA_PROTOCOL` byte (`RTPROT_*` of
/// `<linux/rtnetlink.h>`); iproute2: `/etc/iproute2/rt_protos`, `ip neigh add … protocol N`.
public enum OwnerProtocolRule {
    /// How bad a finding is: an error refuses the value, a warning lets it through with a message.
    public enum Severity: String, Hashable, Sendable {
        case error
        case warning
    }

    /// What is wrong with a value: its severity and a one-line message that says what to do.
    public struct Finding: Hashable, Sendable, CustomStringConvertible {
        /// Error (refused) or warning (allowed).
        public var severity: Severity
        /// The message, e.g. `owner.protocol 4 is RTPROT_STATIC …`.
        public var message: String
        /// The message.
        public var description: String { message }
    }

    /// The numbers 0–4 the kernel reserves for itself and `ip` (unspec, redirect, kernel, boot, static).
    static let reserved: ClosedRange<UInt8> = 0...4

    /// The finding for `value` as an owner protocol, or nil when it is fine. `key` names the setting in messages.
    /// (`ip neigh add … protocol N` takes any byte.)
    public static func check<T: BinaryInteger>(_ value: T, key: String = "owner.protocol") -> Finding? {
        guard value >= 0, value <= 255 else {
            return Finding(severity: .error, message: "'\(key)' must be 5…255 (an NDA_PROTOCOL value), found \(value)")
        }
        let p = UInt8(value)
        // The names are iproute2's (`NeighborProtocolName`, the one table of protocol names).
        if reserved.contains(p) {
            let name = NeighborProtocolName.name(of: p) ?? String(p)
            let what = p == 0 ? "means no owner" : p == 4
                ? "is what 'ip neigh add … protocol static' writes, so every such entry would become prunable"
                : "is reserved by the kernel"
            return Finding(severity: .error, message: "'\(key)' \(p) is RTPROT_\(name.uppercased()), which \(what); "
                           + "use an unassigned number such as the default \(defaultOwnerProtocol)")
        }
        if let name = NeighborProtocolName.name(of: p) {
            return Finding(severity: .warning, message: "'\(key)' \(p) is '\(name)' in iproute2's rt_protos: "
                           + "entries \(name) writes would count as neighsync's own and be changed or pruned; use an "
                           + "unassigned number such as the default \(defaultOwnerProtocol) unless that is intended")
        }
        return nil
    }

    /// The default owner protocol, 245: unassigned in `rt_protos` and `<linux/rtnetlink.h>`.
    public static let defaultOwnerProtocol: UInt8 = 245
}
