import FoundationEssentials
import IpNet

/// A saved plan (`plan --out FILE`, then `apply FILE`): the desired rows and settings it was made from, the
/// fingerprint of the table it was made against, and the plan itself for review. `apply FILE` re-reads the table,
/// refuses when the fingerprint differs (the plan is stale) and otherwise carries out exactly this plan. Terraform
/// equivalent: `terraform plan -out` / `terraform apply PLAN`; iproute2 has none.
public struct PlanFile: Codable, Hashable, Sendable {
    /// Always `neighsync-plan`.
    public var kind: String
    /// The format version (1).
    public var formatVersion: Int
    /// The namespace the plan was made for (nil = the current one).
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
        fingerprint = TableFingerprint.of(current: current, desiredKeys: Set(desired.map(\.row.key)))
        self.plan = PlanDocument(plan)
    }

    /// The desired rows back, with their sources.
    public func desiredRows() throws -> [DesiredRow] {
        try desired.enumerated().map { i, r in
            DesiredRow(row: try r.row(), source: i < sources.count ? SourceMark(parsing: sources[i]) : nil)
        }
    }

    /// The prune mode.
    public var pruneMode: PruneMode { PruneMode(rawValue: prune) ?? .owned }

    /// Reads and checks a plan file.
    public static func load(path: String) throws -> PlanFile {
        let data = Data(try SnapshotReader.readFile(path))
        let f: PlanFile
        do { f = try JSONDecoder().decode(PlanFile.self, from: data) } catch {
            throw RecordError("\(path): not a neighsync plan file (\(describe(error))); "
                              + "make one with 'neighsync plan -f PATH --out FILE'")
        }
        guard f.kind == "neighsync-plan", f.formatVersion == 1 else {
            throw RecordError("\(path): unsupported plan file kind '\(f.kind)' version \(f.formatVersion)")
        }
        return f
    }

    /// Writes the file as pretty JSON.
    public func write(to path: String) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try enc.encode(self)
        guard FileManager.default.createFile(atPath: path, contents: data + Data("\n".utf8)) else {
            throw RecordError("\(path): cannot write the plan file; check the directory exists and is writable")
        }
    }
}

extension PlanFile {
    /// A decoding error as one line: what is missing or wrong, and where in the document.
    static func describe(_ e: Error) -> String {
        switch e {
        case DecodingError.keyNotFound(let k, let c):
            return "missing key '\(k.stringValue)' at \(c.codingPath.map(\.stringValue).joined(separator: "."))"
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c),
             DecodingError.dataCorrupted(let c):
            return "\(c.debugDescription) at \(c.codingPath.map(\.stringValue).joined(separator: "."))"
        default: return "\(e)"
        }
    }
}

extension SourceMark {
    /// Parses `file:line:col` (the file may itself contain colons).
    init?(parsing text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 3, let c = Int(parts[parts.count - 1]), let l = Int(parts[parts.count - 2]) else {
            return nil
        }
        self.init(file: parts.dropLast(2).joined(separator: ":"), line: l, column: c)
    }
}
