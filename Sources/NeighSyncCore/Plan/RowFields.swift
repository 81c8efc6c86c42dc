/// A set of the fields of a neighbor row that decide what a plan does with an entry, beside its key: the link-layer
/// address, the state, the router flag, the owner protocol and the other flags. The one field list of the row
/// comparison (`CanonicalRow.differences(from:)`, used by the planner, the applier and watch scope), of the saved-plan
/// fingerprint text (`CanonicalRow.line`) and of a set's display (`FieldChange`). netlink equivalent: `NDA_LLADDR`,
/// `ndm_state`, `NTF_ROUTER`, `NDA_PROTOCOL`, `ndm_flags` + `NDA_FLAGS_EXT`.
public struct RowFields: OptionSet, Hashable, Sendable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// `NDA_LLADDR`.
    public static let physicalAddress = RowFields(rawValue: 1 << 0)
    /// `ndm_state`.
    public static let state = RowFields(rawValue: 1 << 1)
    /// `NTF_ROUTER`.
    public static let isRouter = RowFields(rawValue: 1 << 2)
    /// `NDA_PROTOCOL`.
    public static let `protocol` = RowFields(rawValue: 1 << 3)
    /// `ndm_flags` (without NTF_ROUTER) and `NDA_FLAGS_EXT`.
    public static let flags = RowFields(rawValue: 1 << 4)

    /// Every field with its name (the row's property name, as plans and plan files write it), in display order.
    public static let named: [(field: RowFields, name: String)] = [
        (.physicalAddress, "physicalAddress"), (.state, "state"), (.isRouter, "isRouter"), (.protocol, "protocol"),
        (.flags, "flags"),
    ]

    /// The names of the fields in the set, in display order.
    public var names: [String] { Self.named.filter { contains($0.field) }.map(\.name) }
}
