import IpNetCore

/// An in-memory table with the kernel's write semantics (EEXIST on CREATE|EXCL, ENOENT on REPLACE/DEL of a missing
/// entry) and injectable failures per address, for testing `Applier` without root. Not a stand-in for the kernel
/// tests: those run against real namespaces.
public final class MemoryNeighborTable: NeighborTableProtocol {
    public var entries: [NeighborKey: IpNetRow2] = [:]
    public var linkList: [Link]
    /// Addresses whose writes fail with the given error.
    public var failures: [IpAddress: IpNetError] = [:]
    /// Every operation performed, in order.
    public var log: [NeighborOperation] = []
    /// Called before each operation, to race with it (e.g. delete the entry under apply's feet).
    public var beforeEach: ((NeighborOperation, MemoryNeighborTable) -> Void)?
    /// When set, reading the links (`links`) or the table (`table`) fails with it.
    public var readFailure: (links: IpNetError?, table: IpNetError?) = (nil, nil)

    public init(links: [Link], rows: [IpNetRow2] = []) {
        linkList = links
        for r in rows { entries[r.key] = r }
    }

    /// The neighbor-table parameters, by family and place, as the kernel keeps them (a write merges its keys).
    public var parameterSets: [NeighborParameterSet] = []
    /// Every parameter write, in order.
    public var parameterLog: [NeighborParameterSet] = []

    public func parameters() throws -> [NeighborParameterSet] { parameterSets }
    public func setParameters(_ set: NeighborParameterSet) throws {
        parameterLog.append(set)
        if let i = parameterSets.firstIndex(where: { $0.family == set.family && $0.interfaceIndex == set.interfaceIndex }) {
            parameterSets[i].values.merge(set.values) { _, new in new }
        } else {
            parameterSets.append(set)
        }
    }

    public func links() throws -> [Link] {
        if let e = readFailure.links { throw e }
        return linkList
    }
    public func table(family: AddressFamily) throws -> [IpNetRow2] {
        if let e = readFailure.table { throw e }
        return entries.values.filter { family == .unspecified || $0.address.family == family }
            .sorted { $0.key < $1.key }
    }
    public func get(_ row: IpNetRow2) throws -> IpNetRow2 {
        guard let r = entries[row.key] else { throw IpNetError.notFound("\(row.address) not found") }
        return r
    }
    public func create(_ row: IpNetRow2) throws { if let e = perform([.create(row)])[0] { throw e } }
    public func set(_ row: IpNetRow2) throws { if let e = perform([.set(row)])[0] { throw e } }
    public func delete(_ row: IpNetRow2) throws { if let e = perform([.delete(row)])[0] { throw e } }

    public func perform(_ operations: [NeighborOperation]) -> [IpNetError?] {
        operations.map { op in
            beforeEach?(op, self)
            log.append(op)
            let r = op.row
            if let f = failures[r.address] { return f }
            switch op {
            case .create:
                if entries[r.key] != nil { return .objectAlreadyExists("\(r.address) already exists") }
                entries[r.key] = r
            case .set:
                if entries[r.key] == nil { return .notFound("\(r.address) not found") }
                entries[r.key] = r
            case .delete:
                if entries.removeValue(forKey: r.key) == nil { return .notFound("\(r.address) not found") }
            case .upsert:
                entries[r.key] = r
            }
            return nil
        }
    }
}
