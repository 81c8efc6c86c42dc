import IpNetCore

/// One parameter the plan changes: where (interface name and index, or the family's table with index 0), which key,
/// the kernel's value (nil when the kernel does not report it) and the desired one. Shown as
/// `~ parameter veth0 ipv4 baseReachableTime 30s → 15s`. Terraform equivalent: an in-place update of one attribute;
/// iproute2: one `ip ntable change` word pair.
public struct ParameterChange: Hashable, Sendable {
    /// The desired parameter (place, family, key, value, source).
    public var desired: DesiredParameter
    /// The interface index (0 for the table).
    public var interfaceIndex: UInt32
    /// The kernel's value, nil when it reports none (a kernel without the key, a sysctl that is missing).
    public var before: UInt64?

    /// Builds a change.
    public init(desired: DesiredParameter, interfaceIndex: UInt32, before: UInt64?) {
        self.desired = desired
        self.interfaceIndex = interfaceIndex
        self.before = before
    }

    /// `veth0` for an interface, `table` for the table.
    public var placeName: String { desired.place.interfaceName ?? "table" }

    /// `parameter veth0 ipv4 baseReachableTime 30s → 15s` (the name escaped).
    public var text: String {
        let from = before.map { DesiredParameter.text($0, of: desired.key) } ?? "(unknown)"
        return "parameter \(DisplayText.escaped(placeName)) \(desired.family.rawValue) \(desired.key.rawValue) "
            + "\(from) → \(DesiredParameter.text(desired.value, of: desired.key))"
    }
}
