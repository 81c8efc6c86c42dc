import FoundationEssentials
import IpNet
import IpNetCore
import NeighSyncCore

/// A saved plan (`plan --out FILE`, then `apply FILE`): the desired rows and settings it was made from, the
/// fingerprint of the table it was made against, and the plan itself for review. `apply FILE` re-reads the table,
/// refuses when the fingerprint differs (the plan is stale) and otherwise carries out exactly this plan. Terraform
/// equivalent: `terraform plan -out` / `terraform apply PLAN`.
public struct PlanFile: Codable, Hashable, Sendable {
    /// Always `neighsync-plan`.
    public var kind: String
    /// The format version (1).
    public var formatVersion: Int
    /// The namespace the plan was made for (nil, written as `null`: the namespace of the process that made it).
    /// Required in the file; `apply` goes there and refuses a `--netns` naming another namespace.
    public var namespace: String?
    /// The owner protocol.
    public var ownerProtocol: UInt8
    /// The prune mode.
    public var prune: String
    /// The delete ceiling.
    public var maxDeletes: Int
    /// The desired rows, interfaces resolved.
    public var desired: [RowRecord]
    /// Where each desired row is defined (`file:line:col`), parallel to `desired`.
    public var sources: [String]
    /// `TableFingerprint` of the table the plan was made against.
    public var fingerprint: String
    /// The plan, for review (apply recomputes it from `desired` and checks it is the same).
    public var plan: PlanDocument

    /// Builds a plan file.
    public init(namespace: String?, desired: [DesiredRow], links: [Link], current: [IpNetRow2], plan: Plan) {
        kind = "neighsync-plan"
        formatVersion = 1
        self.namespace = namespace
        ownerProtocol = plan.ownerProtocol
        prune = plan.prune.rawValue
        maxDeletes = plan.maxDeletes
        var names: [UInt32: String] = [:]
        for l in links { names[l.index] = l.name }
        self.desired = desired.map { RowRecord($0.row, interfaceName: names[$0.row.effectiveInterfaceIndex]) }
        sources = desired.map { $0.source?.description ?? "" }
        fingerprint = TableFingerprint.of(current: current, desiredKeys: Set(desired.map(\.row.key)),
                                          ownerProtocol: plan.ownerProtocol)
        self.plan = PlanDocument(plan)
    }

    /// Encodes every field, `namespace` too when it is nil (`"namespace": null`, the namespace of the process that
    /// made the plan): the reader requires the key, so a plan never loses the namespace it was made for.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(formatVersion, forKey: .formatVersion)
        try c.encode(namespace, forKey: .namespace)
        try c.encode(ownerProtocol, forKey: .ownerProtocol)
        try c.encode(prune, forKey: .prune)
        try c.encode(maxDeletes, forKey: .maxDeletes)
        try c.encode(desired, forKey: .desired)
        try c.encode(sources, forKey: .sources)
        try c.encode(fingerprint, forKey: .fingerprint)
        try c.encode(plan, forKey: .plan)
    }

    /// Why this plan cannot be carried out on `links` (the live links of the namespace it is applied in), or nil:
    /// each desired row gets the checks `CreateIpNetEntry2` makes before a write (`NeighborRowValidator.validate`
    /// for `.write`: the interface exists, the link type keeps such an entry, the MAC has the link's length, the
    /// family is usable; with `localRoutes`, the namespace's IPv4 local routing table, the host checks of a managed
    /// IPv4 row: not a broadcast route, the table exists), and a row's recorded interface name must be the name of the
    /// link at its index. Run before any write, so a plan with one bad row writes nothing (`apply -f` refuses such a
    /// file the same way).
    public func hostProblem(links: [Link], localRoutes: LocalRouteTable? = nil) -> String? {
        var byIndex: [UInt32: Link] = [:]
        for l in links { byIndex[l.index] = l }
        for (i, record) in desired.enumerated() {
            guard let row = try? record.row() else { return "desired[\(i)]: not a row" }
            let link: Link
            do throws(IpNetError) { link = try NeighborRowValidator.validate(row, for: .write, links: byIndex,
                                                                                     localRoutes: localRoutes) } catch {
                return "desired[\(i)]: \(error.windowsName): \(error.reason)"
            }
            if let name = record.interface, name != link.name {
                return "desired[\(i)].interface: \(ScalarBytes.quoted(name)) is not the interface with index "
                    + "\(link.index) (that is \(DisplayText.escaped(link.name)))"
            }
        }
        return nil
    }

    /// The desired rows back, with their sources.
    public func desiredRows() throws -> [DesiredRow] {
        try desired.enumerated().map { i, r in
            DesiredRow(row: try r.row(), source: i < sources.count ? SourceMark(parsing: sources[i]) : nil)
        }
    }

    /// Why the links no longer resolve the saved plan's pending entries as they did when it was made, nil when they
    /// still do: an interface its pending entries waited for exists now (they would stay unwritten, reported as
    /// waiting for an interface that exists); a link whose family was unusable is gone, renamed, or can hold it now.
    /// (The links of its desired rows are checked by `hostProblem`.) Compared by index and name, as
    /// `DesiredState.resolve(links:)` resolves them; whether a blocked entry can be written now is the rule that
    /// blocked it (`NeighborRowValidator.hostBlock`), with `localRoutes`, the namespace's IPv4 local routing table,
    /// for a managed IPv4 entry (nil: not read, and no saved pending entry is managed IPv4).
    public func linkChange(links: [Link], localRoutes: LocalRouteTable? = nil) -> String? {
        var byIndex: [UInt32: Link] = [:]
        var names = Set<String>()
        for l in links {
            byIndex[l.index] = l
            names.insert(l.name)
        }
        for p in (plan.pending ?? []).compactMap(\.pendingNeighbor) {
            let name = DisplayText.escaped(p.interfaceName)
            guard let index = p.interfaceIndex else {
                let byNumber = p.interfaceName.hasPrefix("if")
                    && UInt32(p.interfaceName.dropFirst(2)).map { byIndex[$0] != nil } == true
                if names.contains(p.interfaceName) || byNumber {
                    return "interface \(name), which pending entries waited for, exists now"
                }
                continue
            }
            guard let l = byIndex[index], l.name == p.interfaceName else {
                return "interface \(name) (index \(index)), which pending entries are blocked on, no longer exists"
                    + " or has another name"
            }
            let managed = p.state == DesiredRules.managedState && !p.isProxy
            if p.cause == .familyUnavailable
                && NeighborRowValidator.hostBlock(address: p.address, managed: managed, on: l,
                                                  localRoutes: managed ? localRoutes : nil) == nil {
                return "\(p.address.family == .ipv6 ? "IPv6" : "IPv4") is usable on \(name) now, so its pending "
                    + "entries can be written"
            }
        }
        return nil
    }

    /// The prune mode, nil when `prune` names none.
    public var pruneMode: PruneMode? { PruneMode(rawValue: prune) }

    /// A plan file from its parts, as `PlanFileReader` reads them.
    init(namespace: String?, ownerProtocol: UInt8, prune: PruneMode, maxDeletes: Int, desired: [RowRecord],
         sources: [String], fingerprint: String, plan: PlanDocument) {
        kind = "neighsync-plan"
        formatVersion = 1
        self.namespace = namespace
        self.ownerProtocol = ownerProtocol
        self.prune = prune.rawValue
        self.maxDeletes = maxDeletes
        self.desired = desired
        self.sources = sources
        self.fingerprint = fingerprint
        self.plan = plan
    }

    /// Reads and checks a plan file: a regular file within the size limit (`BoundedFileReader`), every field
    /// checked as strictly as the YAML loader would (`PlanFileReader`). Errors name the file and the field.
    public static func load(path: String) throws -> PlanFile {
        try PlanFileReader.read(try SnapshotReader.readFile(path), file: path)
    }

    /// Writes the file as pretty JSON, readable and writable by its owner only (mode 0600: it shows the table):
    /// to a new temporary file in the same directory, then renamed over `path`, so no one else ever opens it and
    /// a reader never sees half a plan. open(2) O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600; rename(2).
    public func write(to path: String) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try enc.encode(self) + Data("\n".utf8)
        try PrivateFile.write(Array(data), to: path, what: "the plan file")
    }
}
