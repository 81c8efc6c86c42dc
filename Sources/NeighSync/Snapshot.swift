import Foundation
import IpNet

/// A saved kernel state: the links and the neighbor rows of one namespace, so `plan --state` can plan with no
/// privileges and no netlink. Written by `neighsync show --output json`; also read from the pair `ip -j neigh show` +
/// `ip -j link show` (see `IprouteImport`). netlink equivalent: an RTM_GETLINK dump plus an RTM_GETNEIGH dump.
public struct Snapshot: Codable, Hashable, Sendable {
    /// The snapshot format version (1).
    public var formatVersion: Int
    /// Always `neighsync-snapshot`, so a wrong file is recognised.
    public var kind: String
    /// The interfaces.
    public var links: [Link]
    /// The neighbor rows.
    public var neighbors: [RowRecord]

    /// Builds a snapshot of rows and links. netlink equivalent: the two dumps.
    public init(links: [Link], rows: [IpNetRow2]) {
        formatVersion = 1
        kind = "neighsync-snapshot"
        self.links = links
        var names: [UInt32: String] = [:]
        for l in links { names[l.index] = l.name }
        neighbors = rows.map { RowRecord($0, interfaceName: names[$0.effectiveInterfaceIndex]) }
    }

    /// The rows, parsed back.
    public func rows() throws -> [IpNetRow2] { try neighbors.map { try $0.row() } }

    /// Reads a state file for `plan --state`: our snapshot JSON, or `ip -j neigh show` output with `linksPath`
    /// naming `ip -j link show` output. Errors name the file and what to do. iproute2 equivalent: reading back
    /// `ip -j neigh show` / `ip -j link show`.
    public static func load(path: String, linksPath: String?) throws -> (links: [Link], rows: [IpNetRow2]) {
        let data = try read(path)
        let top: Any
        do { top = try JSONSerialization.jsonObject(with: data) } catch {
            throw RecordError("\(path): not valid JSON (\(error.localizedDescription)); give the output of "
                              + "'neighsync show --output json' or 'ip -j neigh show'")
        }
        if top is [String: Any] {
            let snap: Snapshot
            do { snap = try JSONDecoder().decode(Snapshot.self, from: data) } catch {
                throw RecordError("\(path): not a neighsync snapshot (\(describe(error))); "
                                  + "make one with 'neighsync show --output json'")
            }
            guard snap.kind == "neighsync-snapshot", snap.formatVersion == 1 else {
                throw RecordError("\(path): unsupported snapshot kind '\(snap.kind)' version \(snap.formatVersion)")
            }
            do { return (snap.links, try snap.rows()) } catch { throw RecordError("\(path): \(error)") }
        }
        guard let neigh = top as? [Any] else {
            throw RecordError("\(path): expected a JSON object (neighsync snapshot) or array (ip -j neigh show)")
        }
        guard let linksPath else {
            throw RecordError("\(path) is 'ip -j neigh show' output; also give the links with "
                              + "--links FILE (the output of 'ip -j link show')")
        }
        let linkData = try read(linksPath)
        guard let linkTop = try? JSONSerialization.jsonObject(with: linkData) as? [Any] else {
            throw RecordError("\(linksPath): expected the JSON array printed by 'ip -j link show'")
        }
        let links = try IprouteImport.links(linkTop, file: linksPath)
        return (links, try IprouteImport.neighbors(neigh, links: links, file: path))
    }

    static func read(_ path: String) throws -> Data {
        guard let d = FileManager.default.contents(atPath: path) else {
            throw RecordError("\(path): cannot read the file; check the path and its permissions")
        }
        return d
    }

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
