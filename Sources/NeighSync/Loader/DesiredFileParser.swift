import IpNet
import IpNetCore
import NeighSyncCore

/// Turns the libyaml event stream of one desired-state file into a `ParsedFile`, collecting every problem as a
/// positioned `Diagnostic`: the schema walk (which keys each mapping holds, dispatched by name, required and
/// duplicate keys). The events and the typing of scalars are `YAMLEventStream`'s, the values `DesiredValueParser`'s,
/// the defaults and the finishing of each entry `NeighborDefaults`'s. It walks the events directly (no generic
/// tree), compares keys as bytes and parses addresses from libyaml's buffers, so a 100,000-entry file loads in a
/// fraction of a second. A syntax or encoding error, too deep nesting or the error budget running out stops the
/// file. iproute2 equivalent: `ip -batch`'s line loop with `ipneigh_modify()` checking each line's words.
final class DesiredFileParser {
    typealias Event = YAMLEventStream.Event
    typealias Field = NeighborFields.Field

    let path: String
    private let collector: DiagnosticCollector
    private let stream: YAMLEventStream
    private let values: DesiredValueParser
    private let input: UnsafeBufferPointer<UInt8>
    private var result: ParsedFile
    private var entries: [NeighborFields] = []
    private var defaults = NeighborDefaults()
    /// True once `defaults` has been read: it cannot change any more (a second one is a duplicate key), so entries
    /// that follow are finished at once instead of kept until the end of the file.
    private var defaultsRead = false

    /// The errors found (at most the budget).
    var diagnostics: [Diagnostic] { collector.diagnostics }
    /// What the file may say but probably does not mean (not counted against the budget, never failing the file).
    var warnings: [Diagnostic] { collector.warnings }

    /// A parser over `input` (which must outlive it), shown as `path`, allowed `budget` more diagnostics.
    init(path: String, input: UnsafeBufferPointer<UInt8>, limits: LoaderLimits, budget: Int) {
        self.path = path
        self.input = input
        self.collector = DiagnosticCollector(path: path, budget: budget)
        self.stream = YAMLEventStream(input: input, limits: limits, diagnostics: collector)
        self.values = DesiredValueParser(stream: stream)
        self.result = ParsedFile(path: path)
    }

    /// Reads the whole file.
    func parse() -> ParsedFile {
        do {
            try parseStream()
        } catch {
            result.failed = true
        }
        // Entries are finished after the whole file is read, because `defaults` may follow `neighbors`.
        if !collector.isFull {
            result.neighbors.reserveCapacity(result.neighbors.count + entries.count)
            for e in entries {
                if collector.isFull { break }
                if let n = defaults.finish(e, into: collector) { result.neighbors.append(n) }
            }
        }
        entries = []
        if !collector.diagnostics.isEmpty { result.failed = true }
        return result
    }

    // MARK: - Structure

    /// The error for a file with nothing in it (0 bytes, comments, `---`, a null document): never "zero neighbors".
    static let emptyFileMessage = "the file is empty (no 'version' key); an empty file would delete every owned "
        + "entry. To want no entries, write 'version: 1' and 'neighbors: []'"

    private func parseStream() throws {
        _ = try stream.next()  // stream start
        var e = try stream.next()
        let start = SourceMark(file: path, line: 1, column: 1)
        if e.kind == .streamEnd {
            try collector.error(DesiredFileParser.emptyFileMessage, at: start)
            return
        }
        // e is the document start.
        e = try stream.next()
        if try stream.acceptable(e) {
            switch e.kind {
            case .mappingStart:
                try parseTop(start: stream.mark(e))
            case .scalar where stream.isNull(e):
                try collector.error(DesiredFileParser.emptyFileMessage, at: start)
            default:
                try stream.error("expected a mapping at the top level (version, neighbors, …), found "
                                 + stream.describe(e), at: e)
                try stream.skip(e)
            }
        }
        _ = try stream.next()  // document end
        e = try stream.next()
        if e.kind == .documentStart {
            try stream.error("a neighsync file holds one YAML document, found a second one; split it into two files "
                             + "in a directory", at: e)
        }
    }

    private func unknownKey(_ k: Event, known: [String], in place: String) throws {
        let name = ScalarBytes.shown(k.bytes)
        var msg = "unknown key '\(name)' \(place)"
        if let s = KeySuggester.suggestion(for: name, among: known) {
            msg += "; did you mean '\(s)'?"
        } else {
            msg += "; expected one of " + known.map { "'\($0)'" }.joined(separator: ", ")
        }
        try stream.error(msg, at: k)
        try stream.skip(try stream.next())
    }

    private func duplicateKey(_ k: Event, first: SourceMark) throws {
        let name = ScalarBytes.shown(k.bytes)
        try stream.error("duplicate key '\(name)' in this mapping; remove one of them", at: k,
                         notes: [Diagnostic.Note(mark: first, message: "first '\(name)' is here")])
        try stream.skip(try stream.next())
    }

    /// Reads the top-level mapping that starts at `start`. `version` and `neighbors` are required: a file cut short
    /// (or written without them) must not load as a smaller desired state that prunes what it lost.
    private func parseTop(start: SourceMark) throws {
        var seen: [TopLevelKey: SourceMark] = [:]
        while true {
            let e = try stream.next()
            if e.kind == .mappingEnd {
                if seen[.version] == nil {
                    try collector.error("missing key 'version' at the top level; without it the file may be "
                                        + "incomplete and would delete owned entries it does not list. Write "
                                        + "'version: 1' as its first line", at: start)
                } else if seen[.neighbors] == nil && seen[.proxies] != nil {
                    // `neighbors` stays required beside `proxies`: a file cut short before it must not prune.
                    try collector.error("missing key 'neighbors' at the top level; it is required beside 'proxies' "
                                        + "too, since a file without it would delete every owned neighbor entry. List "
                                        + "the entries, or write 'neighbors: []' to want none", at: start)
                } else if seen[.neighbors] == nil {
                    try collector.error("missing key 'neighbors' at the top level; a file without it would delete "
                                        + "every owned entry. List the entries, or write 'neighbors: []' to want none",
                                        at: start)
                }
                return
            }
            guard let k = try stream.key(e) else { continue }
            guard let key = TopLevelKey(bytes: k.bytes) else {
                try unknownKey(k, known: TopLevelKey.names, in: "at the top level")
                continue
            }
            if let first = seen[key] {
                try duplicateKey(k, first: first)
                continue
            }
            seen[key] = stream.mark(k)
            let v = try stream.next()
            guard try stream.acceptable(v) else { continue }
            switch key {
            case .version:
                try values.version(v)
            case .owner:
                try parseOwner(v)
            case .prune:
                if let p = try values.prune(v) { result.prune = .init(value: p, mark: stream.mark(v)) }
            case .maxDeletes:
                if let n = try values.maxDeletes(v) { result.maxDeletes = .init(value: n, mark: stream.mark(v)) }
            case .defaults:
                try parseDefaults(v)
            case .neighbors:
                try parseNeighbors(v)
            case .proxies:
                try parseNeighbors(v, proxies: true)
            case .parameters:
                // Read apart, by its own reader (ParameterSectionReader), from a small tree of the section.
                var nodes = ParameterSectionReader.maxNodes
                let section = ParameterSectionReader.read(try node(v, budget: &nodes),
                                                          maxDiagnostics: collector.budget - collector.count)
                for d in section.diagnostics { try collector.error(d.message, at: d.mark, notes: d.notes) }
                result.parameters = section.parameters
            }
        }
    }

    /// Reads the node that starts with `e` into a `YAMLNode`, for a section read by its own reader; aliases, tags and
    /// keys that are not names are reported here as everywhere and become `.invalid`. At most `budget` nodes (the
    /// tree costs memory the streaming walk does not): more stop the file.
    private func node(_ e: Event, budget: inout Int) throws -> YAMLNode {
        budget -= 1
        if budget < 0 {
            try stream.error("more than \(ParameterSectionReader.maxNodes) values in 'parameters'; a section that large "
                             + "is not a host's neighbor-table settings", at: e)
            throw DiagnosticCollector.Stop()
        }
        guard try stream.acceptable(e) else { return .invalid }
        switch e.kind {
        case .scalar:
            return .scalar(ScalarBytes.string(e.bytes), plain: e.plain, mark: stream.mark(e))
        case .mappingStart:
            var entries: [YAMLNode.Entry] = []
            while true {
                let k = try stream.next()
                if k.kind == .mappingEnd { break }
                guard let key = try stream.key(k) else { continue }
                let name = ScalarBytes.string(key.bytes)
                let at = stream.mark(key)
                entries.append(YAMLNode.Entry(key: name, mark: at, value: try node(try stream.next(), budget: &budget)))
            }
            return .mapping(entries, mark: stream.mark(e))
        case .sequenceStart:
            var items: [YAMLNode] = []
            while true {
                let i = try stream.next()
                if i.kind == .sequenceEnd { break }
                items.append(try node(i, budget: &budget))
            }
            return .sequence(items, mark: stream.mark(e))
        default:
            return .invalid
        }
    }

    private func parseOwner(_ v: Event) throws {
        guard v.kind == .mappingStart else {
            try stream.error("expected a mapping for 'owner' (owner: { protocol: 245 }), found \(stream.describe(v))",
                             at: v)
            try stream.skip(v)
            return
        }
        var seen: SourceMark?
        while true {
            let e = try stream.next()
            if e.kind == .mappingEnd { return }
            guard let k = try stream.key(e) else { continue }
            guard ScalarBytes.equals(k.bytes, "protocol") else {
                try unknownKey(k, known: ["protocol"], in: "in 'owner'")
                continue
            }
            if let first = seen {
                try duplicateKey(k, first: first)
                continue
            }
            seen = stream.mark(k)
            let pv = try stream.next()
            guard try stream.acceptable(pv), let p = try values.ownerProtocol(pv) else { continue }
            result.ownerProtocol = .init(value: p, mark: stream.mark(pv))
        }
    }

    private func parseDefaults(_ v: Event) throws {
        guard v.kind == .mappingStart else {
            if !stream.isNull(v) {
                try stream.error("expected a mapping for 'defaults', found \(stream.describe(v))", at: v)
                try stream.skip(v)
            }
            return
        }
        defaults.fields = NeighborFields()
        defaults.fields.mark = stream.position(v)
        try parseFields(into: &defaults.fields, isDefaults: true)
        try NeighborDefaults.checkLuidAgreement(defaults.fields, into: collector)
        defaultsRead = true
    }

    /// Reads `neighbors:` or (`proxies`) `proxies:`, whose items are proxy entries (`address` and the interface
    /// only). Both lists must be lists; an empty `proxies:` is refused as an empty `neighbors:` is (a file cut short).
    private func parseNeighbors(_ v: Event, proxies: Bool = false) throws {
        let list = proxies ? "proxies" : "neighbors"
        if stream.isNull(v) {
            try stream.error("'\(list)' has no value; a file cut short after '\(list):' would delete every owned "
                             + "entry. List the entries, or write '\(list): []' to want none", at: v)
            return
        }
        guard v.kind == .sequenceStart else {
            try stream.error("expected a list for '\(list)', found \(stream.describe(v))", at: v)
            try stream.skip(v)
            return
        }
        // Reserve once instead of growing a large list step by step (each step copies and touches fresh memory):
        // an entry takes at least one line, so the lines left bound the count. Untouched capacity costs no memory.
        var lines = 0
        for b in input[min(input.count, stream.offset)...] where b == 10 { lines += 1 }
        result.neighbors.reserveCapacity(result.neighbors.count + lines + 1)
        while true {
            let e = try stream.next()
            if e.kind == .sequenceEnd { return }
            guard try stream.acceptable(e) else { continue }
            guard e.kind == .mappingStart else {
                try stream.error(proxies ? "expected a mapping for each proxy entry (address, interface), found "
                                           + stream.describe(e)
                                         : "expected a mapping for each neighbor (address, physicalAddress, …), "
                                           + "found " + stream.describe(e), at: e)
                try stream.skip(e)
                continue
            }
            var f = NeighborFields()
            f.mark = stream.position(e)
            f.isProxy = proxies
            try parseFields(into: &f, isDefaults: false)
            if defaultsRead {
                if let n = defaults.finish(f, into: collector) { result.neighbors.append(n) }
                if collector.isFull { throw DiagnosticCollector.Stop() }
            } else {
                entries.append(f)
            }
        }
    }

    // MARK: - Entry keys

    /// Reads the keys of one neighbor entry (or of `defaults`) into `f`, dispatched by name (`Field(bytes:)`).
    private func parseFields(into f: inout NeighborFields, isDefaults: Bool) throws {
        var keyPositions = NeighborFields.Positions()
        let place = isDefaults ? "in 'defaults'" : f.isProxy ? "in a proxy entry" : "in a neighbor entry"
        while true {
            let e = try stream.next()
            if e.kind == .mappingEnd { return }
            guard let k = try stream.key(e) else { f.hadError = true; continue }
            guard let field = Field(bytes: k.bytes) else {
                f.hadError = true
                if TopLevelKey(bytes: k.bytes) != nil {
                    let name = ScalarBytes.shown(k.bytes)
                    try stream.error("'\(name)' is a top-level setting, not a key \(place); move it to the top level",
                                     at: k)
                    try stream.skip(try stream.next())
                } else {
                    try unknownKey(k, known: isDefaults ? NeighborDefaults.keyNames : Field.allNames, in: place)
                }
                continue
            }
            if f.isProxy && (field == .physicalAddress || field == .state) {
                f.hadError = true
                try stream.error("'\(field.name)' does not apply to a proxy entry: the kernel answers for the address "
                                 + "with the interface's own link-layer address, and a proxy entry has no state; keep "
                                 + "'address', the interface and 'isRouter', or move the entry to 'neighbors'",
                                 at: k)
                try stream.skip(try stream.next())
                continue
            }
            if isDefaults && (field == .address || field == .physicalAddress) {
                f.hadError = true
                try stream.error("'\(field.name)' cannot have a default; give it in each neighbor entry", at: k)
                try stream.skip(try stream.next())
                continue
            }
            if let first = keyPositions[field].mark(file: path) {
                f.hadError = true
                try duplicateKey(k, first: first)
                continue
            }
            keyPositions[field] = stream.position(k)
            let v = try stream.next()
            f.positions[field] = stream.position(v)
            guard try stream.acceptable(v) else { f.hadError = true; continue }
            // Every value parser returns nil only after reporting (the zero LUID aside): no count to compare per value.
            let ok: Bool
            switch field {
            case .address:
                f.address = try values.address(v)
                ok = f.address != nil
            case .interface:
                f.name = try values.interfaceName(v)
                ok = f.name != nil
            case .interfaceIndex:
                f.index = try values.interfaceIndex(v)
                ok = f.index != nil
            case .interfaceLuid:
                let before = collector.count
                f.luid = try values.interfaceLuid(v)
                ok = collector.count == before
                // LUID 0 means "use the index" (the Windows rule): the key counts as absent, not as a selector.
                if f.luid == nil && ok { f.positions[.interfaceLuid] = .none }
            case .physicalAddress:
                f.physicalAddress = try values.physicalAddress(v)
                ok = f.physicalAddress != nil
            case .isRouter:
                f.isRouter = try stream.boolean(v, key: "isRouter")
                ok = f.isRouter != nil
            case .state:
                f.state = try values.state(v)
                ok = f.state != nil
            case .optional:
                f.optional = try stream.boolean(v, key: "optional")
                ok = f.optional != nil
            }
            if !ok { f.hadError = true }
        }
    }
}
