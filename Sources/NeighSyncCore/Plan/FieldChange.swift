/// One field that a `set` changes, with its old and new text (`physicalAddress: 02:00:00:00:00:01 → …:02`).
/// iproute2 equivalent: the difference between two `ip neigh show` lines.
public struct FieldChange: Hashable, Sendable, Codable {
    /// The row field: one of `names`.
    public var field: String
    /// The current value as text.
    public var before: String
    /// The desired value as text.
    public var after: String

    /// The fields `Planner.differences` compares, in its order: `flags` is a flag neighsync writes that the entry
    /// lacks (`extern_learn` on a noarp entry), its text the iproute2 words (`none` for none).
    public static let names = ["physicalAddress", "state", "isRouter", "protocol", "flags"]

    /// Builds a field change.
    public init(field: String, before: String, after: String) {
        self.field = field
        self.before = before
        self.after = after
    }
}
