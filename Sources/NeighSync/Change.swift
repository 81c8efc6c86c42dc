import IpNet

/// One planned change: the action, the entry's identity, the row before (nil for a create) and after (nil for a
/// delete), the changed fields of a set, a display-only reason, and where the desired entry is written. Terraform
/// equivalent: `plans.ResourceInstanceChange`; netlink: the one request that `apply` sends for it.
public struct Change: Hashable, Sendable {
    /// Create, set or delete.
    public var action: Action
    /// (interface, address) of the entry.
    public var key: NeighborKey
    /// The interface name, for display.
    public var interfaceName: String
    /// The kernel's row before the change (nil for create).
    public var before: IpNetRow2?
    /// The row that will be written (nil for delete); carries the owner protocol.
    public var after: IpNetRow2?
    /// For a set: the fields that differ.
    public var fields: [FieldChange]
    /// Why, for people: `lladdr 02:…:01 → 02:…:02`, `adopt: entry exists without owner tag`, …
    public var reason: String
    /// Where the desired entry is defined (nil for a delete).
    public var source: SourceMark?

    /// Builds a change.
    public init(action: Action, key: NeighborKey, interfaceName: String, before: IpNetRow2?, after: IpNetRow2?,
                fields: [FieldChange] = [], reason: String, source: SourceMark? = nil) {
        self.action = action
        self.key = key
        self.interfaceName = interfaceName
        self.before = before
        self.after = after
        self.fields = fields
        self.reason = reason
        self.source = source
    }

    /// The netlink write that carries the change out. Netlink: RTM_NEWNEIGH CREATE|EXCL / REPLACE / RTM_DELNEIGH.
    public var operation: NeighborOperation {
        switch action {
        case .create: return .create(after!)
        case .set: return .set(after!)
        case .delete: return .delete(before!)
        }
    }
}
