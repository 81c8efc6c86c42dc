import IpNetCore

/// The JSON shape of a plan (`plan --output json`): format version, the summary counts and each change with its
/// before/after rows, and the pending entries apart. Stable for machines: keys are only ever added. Terraform equivalent: `terraform show -json
/// PLAN`'s `resource_changes`.
public struct PlanDocument: Codable, Hashable, Sendable {
    /// The counts of a plan.
    public struct Summary: Codable, Hashable, Sendable {
        /// Entries to create.
        public var create: Int
        /// Entries to set.
        public var set: Int
        /// Entries to delete.
        public var delete: Int
        /// Desired entries already equal.
        public var unchanged: Int
        /// Desired entries waiting for their interface (always written; absent in plan files of older versions).
        public var pending: Int?

        package init(create: Int, set: Int, delete: Int, unchanged: Int, pending: Int? = nil) {
            self.create = create
            self.set = set
            self.delete = delete
            self.unchanged = unchanged
            self.pending = pending
        }
    }

    /// One change.
    public struct ChangeRecord: Codable, Hashable, Sendable {
        /// `create`, `set` or `delete`.
        public var action: Action
        /// The entry's address.
        public var address: String
        /// The interface name.
        public var interface: String
        /// The interface index.
        public var interfaceIndex: UInt32
        /// `ipv4` or `ipv6`.
        public var family: String
        /// The display reason.
        public var reason: String
        /// The fields a set changes.
        public var fields: [FieldChange]
        /// The flags of the kernel's entry the write clears (iproute2 words, `["extern_learn"]`); absent when none.
        public var droppedFlags: [String]?
        /// The kernel's row before (absent for create).
        public var before: RowRecord?
        /// The row to write (absent for delete).
        public var after: RowRecord?
        /// `file:line:col` of the desired entry.
        public var source: String?
        /// The entry kind when it is not an ordinary neighbor: `proxy` (a proxy entry, NTF_PROXY); absent otherwise.
        public var kind: String?

        package init(action: Action, address: String, interface: String, interfaceIndex: UInt32, family: String,
                     reason: String, fields: [FieldChange], droppedFlags: [String]? = nil, before: RowRecord? = nil,
                     after: RowRecord? = nil, source: String? = nil, kind: String? = nil) {
            self.kind = kind
            self.action = action
            self.address = address
            self.interface = interface
            self.interfaceIndex = interfaceIndex
            self.family = family
            self.reason = reason
            self.fields = fields
            self.droppedFlags = droppedFlags
            self.before = before
            self.after = after
            self.source = source
        }
    }

    /// The document format version (1).
    public var formatVersion: Int
    /// The counts.
    public var summary: Summary
    /// The owner protocol used.
    public var ownerProtocol: UInt8
    /// The changes in plan order.
    public var changes: [ChangeRecord]
    /// The pending entries, in file order (always written; absent in plan files of older versions).
    public var pending: [PendingRecord]?
    /// The parameter changes, in plan order; absent when the file manages no parameters.
    public var parameters: [ParameterRecord]?
    /// The parameters waiting for their interface; absent when there are none.
    public var pendingParameters: [ParameterRecord]?

    /// A document from its parts, as `PlanFileReader` reads them.
    package init(formatVersion: Int, summary: Summary, ownerProtocol: UInt8, changes: [ChangeRecord]) {
        self.formatVersion = formatVersion
        self.summary = summary
        self.ownerProtocol = ownerProtocol
        self.changes = changes
    }

    /// The document of a plan.
    public init(_ plan: Plan) {
        formatVersion = 1
        summary = Summary(create: plan.count(.create), set: plan.count(.set), delete: plan.count(.delete),
                          unchanged: plan.unchanged, pending: plan.pending.count)
        ownerProtocol = plan.ownerProtocol
        changes = plan.changes.map { c in
            ChangeRecord(action: c.action, address: c.key.address.description, interface: c.interfaceName,
                         interfaceIndex: c.key.interfaceIndex,
                         family: c.key.address.family.rawValue, reason: c.reason, fields: c.fields,
                         droppedFlags: c.droppedFlags.isEmpty ? nil : c.droppedFlags.words,
                         before: c.before.map { RowRecord($0, interfaceName: c.interfaceName) },
                         after: c.after.map { RowRecord($0, interfaceName: c.interfaceName) },
                         source: c.source?.description, kind: c.key.isProxy ? "proxy" : nil)
        }
        pending = plan.pending.map(PendingRecord.init)
        if !plan.parameterChanges.isEmpty || plan.unchangedParameters > 0 || !plan.pendingParameters.isEmpty {
            parameters = plan.parameterChanges.map { ParameterRecord($0) }
        }
        if !plan.pendingParameters.isEmpty { pendingParameters = plan.pendingParameters.map { ParameterRecord($0) } }
    }
}
