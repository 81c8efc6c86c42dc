import IpNetCore

/// The JSON shape of one parameter in a plan or an apply report: where, which key, the kernel's value and the desired
/// one (in the key's unit: `ms`, `count` or `boolean` 0/1), its source, and in reports what happened. Terraform
/// equivalent: one attribute of a `resource_changes` entry.
public struct ParameterRecord: Codable, Hashable, Sendable {
    /// The interface name, absent for the table.
    public var interface: String?
    /// The interface index (0 for the table; absent for a pending parameter).
    public var interfaceIndex: UInt32?
    /// `ipv4` or `ipv6`.
    public var family: String
    /// The key (`baseReachableTime`).
    public var key: String
    /// `ms`, `count` or `boolean`.
    public var unit: String
    /// The kernel's value (absent when it reports none or the parameter is pending).
    public var before: UInt64?
    /// The desired value.
    public var after: UInt64
    /// `file:line:col` of the value.
    public var source: String?
    /// In apply reports: `applied` or `failed`.
    public var result: String?
    /// The Windows status name of a failure.
    public var status: String?
    /// The reason of a failure.
    public var message: String?
    /// Why a pending parameter waits: `interfaceAbsent` or `familyUnavailable` (as entries' `cause`).
    public var cause: String?

    /// The record of a change.
    public init(_ c: ParameterChange) {
        self.init(c.desired)
        interfaceIndex = c.interfaceIndex
        before = c.before
    }

    /// The record of a desired parameter (pending: no index, no before).
    public init(_ p: DesiredParameter) {
        interface = p.place.interfaceName
        family = p.family.rawValue
        key = p.key.rawValue
        switch p.key.unit {
        case .duration: unit = "ms"
        case .count: unit = "count"
        case .boolean: unit = "boolean"
        }
        after = p.value
        source = p.source?.description
        cause = p.pendingCause?.rawValue
    }

    /// The record of an applied (nil) or failed change.
    public init(_ c: ParameterChange, failure: IpNetError?) {
        self.init(c)
        result = failure == nil ? "applied" : "failed"
        status = failure?.windowsName
        message = failure?.reason
    }
}
