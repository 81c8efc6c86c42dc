import IpNetCore

/// One field that a `set` changes, with its old and new text (`physicalAddress: 02:00:00:00:00:01 → …:02`): display
/// only, made from the row comparison's result (`CanonicalRow.differences(from:)`), never compared to decide.
/// iproute2 equivalent: the difference between two `ip neigh show` lines.
public struct FieldChange: Hashable, Sendable, Codable {
    /// The row field: one of `names`.
    public var field: String
    /// The current value as text.
    public var before: String
    /// The desired value as text.
    public var after: String

    /// The names of the fields the row comparison reports (`RowFields`), in its order: `flags` is a flag neighsync
    /// writes that the entry lacks (`extern_learn` on a noarp entry), its text the iproute2 words (`none` for none).
    public static let names = RowFields.named.map(\.name)

    /// Builds a field change.
    public init(field: String, before: String, after: String) {
        self.field = field
        self.before = before
        self.after = after
    }

    /// The display of `fields` (a result of the row comparison) for writing `want` over `have`, in field order:
    /// `none` for an empty MAC, no protocol or no flags; the flags after the write are those `have` keeps (a REPLACE
    /// clears `NeighborFlags.clearedByReplace`) plus those `want` carries.
    public static func list(_ fields: RowFields, have: IpNetRow2, want: IpNetRow2) -> [FieldChange] {
        RowFields.named.filter { fields.contains($0.field) }.map { field, name in
            switch field {
            case .physicalAddress:
                return FieldChange(field: name, before: text(have.physicalAddress), after: text(want.physicalAddress))
            case .state: return FieldChange(field: name, before: stateText(have), after: stateText(want))
            case .isRouter: return FieldChange(field: name, before: "\(have.isRouter)", after: "\(want.isRouter)")
            case .protocol:
                return FieldChange(field: name, before: have.protocol == 0 ? "none" : "\(have.protocol)",
                                   after: "\(want.protocol)")
            default:
                return FieldChange(field: name, before: text(have.flags),
                                   after: text(have.flags.subtracting(NeighborFlags.clearedByReplace)
                                                   .union(want.flags)))
            }
        }
    }

    /// A state as a field change shows it: `managed` for a managed row in a resolution state (whose state is the
    /// kernel's, `ManagedEntry.isResolvedByKernel`; a desired managed row is in state none), else the state's name:
    /// a kernel entry with the managed flag that is NOARP shows as `noarp`, which is what differs.
    static func stateText(_ r: IpNetRow2) -> String {
        ManagedEntry.isResolvedByKernel(r) ? "managed" : r.state.rawValue
    }

    /// A MAC as a field change shows it: `none` when empty.
    static func text(_ p: PhysicalAddress) -> String { p.count == 0 ? "none" : p.description }

    /// Flags as a field change shows them: the iproute2 words joined by spaces, `none` when empty.
    static func text(_ f: NeighborFlags) -> String { f.isEmpty ? "none" : f.words.joined(separator: " ") }
}
