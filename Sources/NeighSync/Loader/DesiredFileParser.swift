import IpNet
import IpNetCore
import NeighSyncCore

/// Turns the libyaml event stream of one desired-state file into a `ParsedFile`, collecting every problem as a
/// positioned `Diagnostic`. It walks the events directly (no generic tree), compares keys as bytes and parses
/// addresses from libyaml's buffers, so a 100,000-entry file loads in a fraction of a second. A syntax or encoding
/// error, too deep nesting or the error budget running out stops the file. iproute2 equivalent: `ip -batch`'s line
/// loop with `ipneigh_modify()` checking each line's words.
final class DesiredFileParser {
    /// Thrown to stop reading the file; the reason is already in `diagnostics`.
    struct Stop: Error {}

    typealias Event = YAMLEventReader.Event
    typealias Field = NeighborFields.Field

    static let topKeys: [StaticString] = ["version", "owner", "prune", "maxDeletes", "defaults", "neighbors",
                                          "parameters"]
    static let topKeyNames = topKeys.map { $0.description }
    static let ownerKeys: [StaticString] = ["protocol"]

    let path: String
    let limits: LoaderLimits
    /// How many more diagnostics may be added before stopping.
    let budget: Int
    private(set) var diagnostics: [Diagnostic] = []
    /// What the file may say but probably does not mean (not counted against the budget, never failing the file).
    private(set) var warnings: [Diagnostic] = []
    private let reader: YAMLEventReader
    private let input: UnsafeBufferPointer<UInt8>
    private var depth = 0
    private var result: ParsedFile
    private var entries: [NeighborFields] = []
    private var defaults = NeighborFields()
    private var lastName: String?
    /// True once `defaults` has been read: it cannot change any more (a second one is a duplicate key), so entries
    /// that follow are finished at once instead of kept until the end of the file.
    private var defaultsRead = false

    /// A parser over `input` (which must outlive it), shown as `path`, allowed `budget` more diagnostics.
    init(path: String, input: UnsafeBufferPointer<UInt8>, limits: LoaderLimits, budget: Int) {
        self.path = path
        self.limits = limits
        self.budget = budget
        self.input = input
        self.reader = YAMLEventReader(input: input)
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
        if diagnostics.count < budget {
            result.neighbors.reserveCapacity(result.neighbors.count + entries.count)
            for e in entries {
                if diagnostics.count >= budget { break }
                if let n = finish(e) { result.neighbors.append(n) }
            }
        }
        entries = []
        if !diagnostics.isEmpty { result.failed = true }
        return result
    }

    // MARK: - Diagnostics

    private func position(_ e: Event) -> NeighborFields.Position {
        NeighborFields.Position(line0: e.line, column0: e.column)
    }

    private func mark(_ e: Event) -> SourceMark { SourceMark(file: path, line: e.line + 1, column: e.column + 1) }

    private func error(_ message: String, at m: SourceMark?, notes: [Diagnostic.Note] = []) throws {
        diagnostics.append(Diagnostic(mark: m, message: message, notes: notes))
        if diagnostics.count >= budget { throw Stop() }
    }

    private func warning(_ message: String, at m: SourceMark?) {
        warnings.append(Diagnostic(mark: m, message: message, severity: .warning))
    }

    // MARK: - Events

    private func next() throws -> Event {
        let e: Event
        do {
            e = try reader.next()
        } catch {
            try syntaxError(error)
            throw Stop()
        }
        switch e.kind {
        case .alias:
            // Reported wherever it is, even inside a value being skipped: aliases are never expanded.
            try error("aliases are not supported in neighsync files; write the value out in full", at: mark(e))
        case .mappingStart, .sequenceStart:
            depth += 1
            if depth > limits.maxDepth {
                try error("nesting deeper than \(limits.maxDepth) levels; a neighsync file needs at most 5 "
                          + "(top level, parameters, interfaces, interface, family)", at: mark(e))
                throw Stop()
            }
        case .mappingEnd, .sequenceEnd:
            depth -= 1
        default:
            break
        }
        return e
    }

    private func syntaxError(_ s: YAMLEventReader.SyntaxError) throws {
        let m = SourceMark(file: path, line: s.line + 1, column: s.column + 1)
        if s.isReaderError {
            if s.value == 0 {
                try error("NUL byte in the file; a YAML file is text (is this a binary or UTF-16 file?)", at: m)
            } else if s.message.contains("UTF-8") {
                let byte = s.value >= 0 ? ", byte 0x" + DesiredFileParser.hex(s.value, digits: 2) : ""
                try error("invalid UTF-8 (\(s.message)\(byte)); save the file as UTF-8", at: m)
            } else {
                let cp = s.value >= 0 ? " (U+" + DesiredFileParser.hex(s.value, digits: 4) + ")" : ""
                try error("\(s.message)\(cp); remove the character", at: m)
            }
            return
        }
        // libyaml hands out the events before the one it cannot scan; what was read from the broken line onwards
        // (e.g. a plain scalar swallowing the next key) would only add misleading errors.
        diagnostics.removeAll { ($0.mark?.line ?? 0) >= m.line }
        var notes: [Diagnostic.Note] = []
        if let c = s.context {
            notes.append(Diagnostic.Note(mark: SourceMark(file: path, line: s.contextLine + 1,
                                                           column: s.contextColumn + 1), message: c))
        }
        try error("YAML syntax error: \(s.message)", at: m, notes: notes)
    }

    /// Upper-case hex, zero-padded to `digits`.
    static func hex(_ v: Int, digits: Int) -> String {
        let h = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - h.count)) + h
    }

    /// Skips the rest of a node whose first event is `e`.
    private func skip(_ e: Event) throws {
        guard e.kind == .mappingStart || e.kind == .sequenceStart else { return }
        let target = depth - 1
        while depth > target { _ = try next() }
    }

    /// `a mapping`, `a list`, `a string`, … for "found …".
    private func describe(_ e: Event) -> String {
        switch e.kind {
        case .mappingStart: return "a mapping"
        case .sequenceStart: return "a list"
        case .alias: return "an alias"
        case .scalar: return e.plain ? ScalarBytes.shape(e.bytes).phrase : "a quoted string"
        default: return "nothing"
        }
    }

    /// Reports tags and aliases on a node; true when the node is usable.
    private func acceptable(_ e: Event) throws -> Bool {
        if e.kind == .alias { return false }  // already reported by next()
        if let t = e.tag {
            var tag = String(cString: t)
            if tag.hasPrefix("tag:yaml.org,2002:") { tag = "!!" + tag.dropFirst(18) }
            try error("tags are not supported in neighsync files; remove '\(tag)'", at: mark(e))
            try skip(e)
            return false
        }
        return true
    }

    // MARK: - Structure

    /// The error for a file with nothing in it (0 bytes, comments, `---`, a null document): never "zero neighbors".
    static let emptyFileMessage = "the file is empty (no 'version' key); an empty file would delete every owned "
        + "entry. To want no entries, write 'version: 1' and 'neighbors: []'"

    private func parseStream() throws {
        _ = try next()  // stream start
        var e = try next()
        let start = SourceMark(file: path, line: 1, column: 1)
        if e.kind == .streamEnd {
            try error(DesiredFileParser.emptyFileMessage, at: start)
            return
        }
        // e is the document start.
        e = try next()
        if try acceptable(e) {
            switch e.kind {
            case .mappingStart:
                try parseTop(start: mark(e))
            case .scalar where e.plain && ScalarBytes.isNull(e.bytes):
                try error(DesiredFileParser.emptyFileMessage, at: start)
            default:
                try error("expected a mapping at the top level (version, neighbors, …), found \(describe(e))",
                          at: mark(e))
                try skip(e)
            }
        }
        _ = try next()  // document end
        e = try next()
        if e.kind == .documentStart {
            try error("a neighsync file holds one YAML document, found a second one; split it into two files "
                      + "in a directory", at: mark(e))
        }
    }

    /// Reads a key event; nil (after reporting and skipping key and value) when it is not a plain name.
    private func key(_ k: Event) throws -> Event? {
        if k.kind == .scalar, k.tag == nil { return k }
        if k.kind != .alias {  // an alias is already reported by next()
            try error("expected a key name, found \(describe(k))", at: mark(k))
            try skip(k)
        }
        try skip(try next())
        return nil
    }

    private func unknownKey(_ k: Event, known: [String], in place: String) throws {
        let name = ScalarBytes.shown(k.bytes)
        var msg = "unknown key '\(name)' \(place)"
        if let s = KeySuggester.suggestion(for: name, among: known) {
            msg += "; did you mean '\(s)'?"
        } else {
            msg += "; expected one of " + known.map { "'\($0)'" }.joined(separator: ", ")
        }
        try error(msg, at: mark(k))
        try skip(try next())
    }

    private func duplicateKey(_ k: Event, first: SourceMark) throws {
        let name = ScalarBytes.shown(k.bytes)
        try error("duplicate key '\(name)' in this mapping; remove one of them", at: mark(k),
                  notes: [Diagnostic.Note(mark: first, message: "first '\(name)' is here")])
        try skip(try next())
    }

    /// Reads the top-level mapping that starts at `start`. `version` and `neighbors` are required: a file cut short
    /// (or written without them) must not load as a smaller desired state that prunes what it lost.
    private func parseTop(start: SourceMark) throws {
        var seen = [SourceMark?](repeating: nil, count: DesiredFileParser.topKeys.count)
        while true {
            let e = try next()
            if e.kind == .mappingEnd {
                if seen[0] == nil {
                    try error("missing key 'version' at the top level; without it the file may be incomplete and "
                              + "would delete owned entries it does not list. Write 'version: 1' as its first line",
                              at: start)
                } else if seen[5] == nil {
                    try error("missing key 'neighbors' at the top level; a file without it would delete every owned "
                              + "entry. List the entries, or write 'neighbors: []' to want none", at: start)
                }
                return
            }
            guard let k = try key(e) else { continue }
            guard let i = ScalarBytes.index(of: k.bytes, in: DesiredFileParser.topKeys) else {
                try unknownKey(k, known: DesiredFileParser.topKeyNames, in: "at the top level")
                continue
            }
            if let first = seen[i] {
                try duplicateKey(k, first: first)
                continue
            }
            seen[i] = mark(k)
            let v = try next()
            guard try acceptable(v) else { continue }
            switch i {
            case 0: try parseVersion(v)
            case 1: try parseOwner(v)
            case 2: try parsePrune(v)
            case 3:
                if let n = try integer(v, key: "maxDeletes") {
                    switch n {
                    case .value(let x) where x <= UInt64(Int.max):
                        result.maxDeletes = .init(value: Int(x), mark: mark(v))
                    case .negative:
                        try error("'maxDeletes' must be 0 or more, found \(ScalarBytes.shown(v.bytes)); use 0 "
                                  + "to refuse every delete without --force", at: mark(v))
                    default:
                        try error("'maxDeletes' is too large: \(ScalarBytes.shown(v.bytes))", at: mark(v))
                    }
                }
            case 4:
                guard v.kind == .mappingStart else {
                    if !(v.kind == .scalar && v.plain && ScalarBytes.isNull(v.bytes)) {
                        try error("expected a mapping for 'defaults', found \(describe(v))", at: mark(v))
                        try skip(v)
                    }
                    continue
                }
                defaults = NeighborFields()
                defaults.mark = position(v)
                try parseFields(into: &defaults, isDefaults: true)
                try checkLuidAgreement(defaults)
                defaultsRead = true
            case 6:
                // Read apart, by its own reader (ParameterSectionReader), from a small tree of the section.
                var nodes = ParameterSectionReader.maxNodes
                let section = ParameterSectionReader.read(try node(v, budget: &nodes),
                                                          maxDiagnostics: budget - diagnostics.count)
                for d in section.diagnostics { try error(d.message, at: d.mark, notes: d.notes) }
                result.parameters = section.parameters
            default:
                try parseNeighbors(v)
            }
        }
    }

    /// Reads the node that starts with `e` into a `YAMLNode`, for a section read by its own reader; aliases, tags and
    /// keys that are not names are reported here as everywhere and become `.invalid`. At most `budget` nodes (the
    /// tree costs memory the streaming walk does not): more stop the file.
    private func node(_ e: Event, budget: inout Int) throws -> YAMLNode {
        budget -= 1
        if budget < 0 {
            try error("more than \(ParameterSectionReader.maxNodes) values in 'parameters'; a section that large is "
                      + "not a host's neighbor-table settings", at: mark(e))
            throw Stop()
        }
        guard try acceptable(e) else { return .invalid }
        switch e.kind {
        case .scalar:
            return .scalar(ScalarBytes.string(e.bytes), plain: e.plain, mark: mark(e))
        case .mappingStart:
            var entries: [YAMLNode.Entry] = []
            while true {
                let k = try next()
                if k.kind == .mappingEnd { break }
                guard let key = try self.key(k) else { continue }
                let name = ScalarBytes.string(key.bytes)
                let at = mark(key)
                entries.append(YAMLNode.Entry(key: name, mark: at, value: try node(try next(), budget: &budget)))
            }
            return .mapping(entries, mark: mark(e))
        case .sequenceStart:
            var items: [YAMLNode] = []
            while true {
                let i = try next()
                if i.kind == .sequenceEnd { break }
                items.append(try node(i, budget: &budget))
            }
            return .sequence(items, mark: mark(e))
        default:
            return .invalid
        }
    }

    private func parseVersion(_ v: Event) throws {
        guard let n = try integer(v, key: "version") else { return }
        if n != .value(1) {
            try error("unsupported version \(ScalarBytes.shown(v.bytes)); this neighsync reads version 1",
                      at: mark(v))
        }
    }

    private func parseOwner(_ v: Event) throws {
        guard v.kind == .mappingStart else {
            try error("expected a mapping for 'owner' (owner: { protocol: 245 }), found \(describe(v))",
                      at: mark(v))
            try skip(v)
            return
        }
        var seen: SourceMark?
        while true {
            let e = try next()
            if e.kind == .mappingEnd { return }
            guard let k = try key(e) else { continue }
            guard ScalarBytes.index(of: k.bytes, in: DesiredFileParser.ownerKeys) != nil else {
                try unknownKey(k, known: ["protocol"], in: "in 'owner'")
                continue
            }
            if let first = seen {
                try duplicateKey(k, first: first)
                continue
            }
            seen = mark(k)
            let pv = try next()
            guard try acceptable(pv), let n = try integer(pv, key: "owner.protocol") else { continue }
            guard case .value(let x) = n else {
                try error("'owner.protocol' must be 5…255 (an NDA_PROTOCOL value), found "
                          + ScalarBytes.shown(pv.bytes), at: mark(pv))
                continue
            }
            // The one rule for owner protocols (shared with saved plans): 0–4 refused, daemons' numbers warned.
            if let finding = OwnerProtocolRule.check(x) {
                guard finding.severity == .warning else {
                    try error(finding.message, at: mark(pv))
                    continue
                }
                warning(finding.message, at: mark(pv))
            }
            result.ownerProtocol = .init(value: UInt8(x), mark: mark(pv))
        }
    }

    private func parsePrune(_ v: Event) throws {
        guard let s = try text(v, key: "prune", expected: "owned or none") else { return }
        if ScalarBytes.equals(s.bytes, "owned") {
            result.prune = .init(value: .owned, mark: mark(v))
        } else if ScalarBytes.equals(s.bytes, "none") {
            result.prune = .init(value: PruneMode.none, mark: mark(v))
        } else {
            let t = ScalarBytes.shown(s.bytes)
            let hint = KeySuggester.suggestion(for: t, among: ["owned", "none"]).map { "; did you mean '\($0)'?" }
            try error("'prune' must be owned or none, found '\(t)'\(hint ?? "")", at: mark(v))
        }
    }

    private func parseNeighbors(_ v: Event) throws {
        if v.kind == .scalar && v.plain && ScalarBytes.isNull(v.bytes) {
            try error("'neighbors' has no value; a file cut short after 'neighbors:' would delete every owned entry. "
                      + "List the entries, or write 'neighbors: []' to want none", at: mark(v))
            return
        }
        guard v.kind == .sequenceStart else {
            try error("expected a list for 'neighbors', found \(describe(v))", at: mark(v))
            try skip(v)
            return
        }
        // Reserve once instead of growing a large list step by step (each step copies and touches fresh memory):
        // an entry takes at least one line, so the lines left bound the count. Untouched capacity costs no memory.
        var lines = 0
        for b in input[min(input.count, reader.offset)...] where b == 10 { lines += 1 }
        result.neighbors.reserveCapacity(result.neighbors.count + lines + 1)
        while true {
            let e = try next()
            if e.kind == .sequenceEnd { return }
            guard try acceptable(e) else { continue }
            guard e.kind == .mappingStart else {
                try error("expected a mapping for each neighbor (address, physicalAddress, …), found \(describe(e))",
                          at: mark(e))
                try skip(e)
                continue
            }
            var f = NeighborFields()
            f.mark = position(e)
            try parseFields(into: &f, isDefaults: false)
            if defaultsRead {
                if let n = finish(f) { result.neighbors.append(n) }
                if diagnostics.count >= budget { throw Stop() }
            } else {
                entries.append(f)
            }
        }
    }

    // MARK: - Entry keys

    private func parseFields(into f: inout NeighborFields, isDefaults: Bool) throws {
        var keyPositions = NeighborFields.Positions()
        let place = isDefaults ? "in 'defaults'" : "in a neighbor entry"
        while true {
            let e = try next()
            if e.kind == .mappingEnd { return }
            guard let k = try key(e) else { f.hadError = true; continue }
            guard let field = Field(bytes: k.bytes) else {
                f.hadError = true
                let topLevel = ScalarBytes.index(of: k.bytes, in: DesiredFileParser.topKeys) != nil
                if topLevel {
                    let name = ScalarBytes.shown(k.bytes)
                    try error("'\(name)' is a top-level setting, not a key \(place); move it to the top level",
                              at: mark(k))
                    try skip(try next())
                } else {
                    try unknownKey(k, known: isDefaults ? DesiredFileParser.defaultsKeyNames : Field.allNames,
                                   in: place)
                }
                continue
            }
            if isDefaults && (field == .address || field == .physicalAddress) {
                f.hadError = true
                try error("'\(field.name)' cannot have a default; give it in each neighbor entry", at: mark(k))
                try skip(try next())
                continue
            }
            if let first = keyPositions[field].mark(file: path) {
                f.hadError = true
                try duplicateKey(k, first: first)
                continue
            }
            keyPositions[field] = position(k)
            let v = try next()
            f.positions[field] = position(v)
            guard try acceptable(v) else { f.hadError = true; continue }
            let before = diagnostics.count
            switch field {
            case .address: f.address = try address(v)
            case .interface: f.name = try interfaceName(v)
            case .interfaceIndex: f.index = try interfaceIndex(v)
            case .interfaceLuid:
                f.luid = try interfaceLuid(v)
                // LUID 0 means "use the index" (the Windows rule): the key counts as absent, not as a selector.
                if f.luid == nil && diagnostics.count == before { f.positions[.interfaceLuid] = .none }
            case .physicalAddress: f.physicalAddress = try physicalAddress(v)
            case .isRouter: f.isRouter = try boolean(v, key: "isRouter")
            case .state: f.state = try state(v)
            case .optional: f.optional = try boolean(v, key: "optional")
            }
            if diagnostics.count != before { f.hadError = true }
        }
    }

    static let defaultsKeyNames = ["interface", "interfaceIndex", "interfaceLuid", "isRouter", "state", "optional"]

    // MARK: - Values

    /// A scalar for a text key; reports non-scalars and plain scalars that type as null, boolean or number.
    private func text(_ v: Event, key: String, expected: String) throws -> Event? {
        guard v.kind == .scalar else {
            try error("expected \(expected) for '\(key)', found \(describe(v))", at: mark(v))
            try skip(v)
            return nil
        }
        if v.plain {
            let shape = ScalarBytes.shape(v.bytes)
            if shape != .string {
                try error("expected \(expected) for '\(key)', found \(shape.phrase)", at: mark(v))
                return nil
            }
        }
        return v
    }

    /// An integer scalar (plain only); nil after reporting anything else.
    private func integer(_ v: Event, key: String) throws -> ScalarBytes.IntegerValue? {
        guard v.kind == .scalar else {
            try error("expected an integer for '\(key)', found \(describe(v))", at: mark(v))
            try skip(v)
            return nil
        }
        guard v.plain else {
            try error("expected an integer for '\(key)', found a quoted string; write the number without quotes",
                      at: mark(v))
            return nil
        }
        let n = ScalarBytes.integer(v.bytes)
        switch n {
        case .notInteger:
            try error("expected an integer for '\(key)', found \(ScalarBytes.shape(v.bytes).phrase)", at: mark(v))
            return nil
        case .leadingZero:
            let t = ScalarBytes.string(v.bytes)
            let stripped = t.drop { $0 == "0" || $0 == "-" }
            try error("'\(key)' has a leading zero ('\(t)'), which YAML 1.1 reads as octal; write "
                      + "\(t.hasPrefix("-") ? "-" : "")\(stripped.isEmpty ? "0" : String(stripped))", at: mark(v))
            return nil
        default:
            return n
        }
    }

    private func boolean(_ v: Event, key: String) throws -> Bool? {
        guard v.kind == .scalar else {
            try error("expected true or false for '\(key)', found \(describe(v))", at: mark(v))
            try skip(v)
            return nil
        }
        guard v.plain else {
            try error("expected true or false for '\(key)', found a quoted string; write true or false without "
                      + "quotes", at: mark(v))
            return nil
        }
        if let b = ScalarBytes.boolean(v.bytes) { return b }
        if ScalarBytes.isYAML11Boolean(v.bytes) {
            try error("expected true or false for '\(key)', found '\(ScalarBytes.shown(v.bytes))'; YAML 1.1 "
                      + "tools read yes/no/on/off as booleans and others as strings, so write true or false",
                      at: mark(v))
        } else {
            try error("expected true or false for '\(key)', found \(ScalarBytes.shape(v.bytes).phrase)", at: mark(v))
        }
        return nil
    }

    /// What is wrong with the zone id of `text` (`ADDRESS%ZONE`) when the address itself is fine: a zone on IPv4,
    /// an empty zone, an interface name (the file names interfaces with `interface:`), or a number that is no
    /// ifindex. Nil when `text` has no `%` or the part before it is no address. (`ip neigh` takes no zone;
    /// `getaddrinfo` resolves `%eth0` against the running host, which a file checked offline cannot.)
    static func zoneProblem(_ text: String) -> String? {
        guard let percent = text.firstIndex(of: "%") else { return nil }
        let bare = String(text[..<percent])
        let zone = String(text[text.index(after: percent)...])
        guard let a = IpAddress(bare) else { return nil }
        if a.family == .ipv4 {
            return "an IPv4 address has no zone id; write \(bare) and select the link with 'interface'"
        }
        if zone.isEmpty {
            return "empty zone id after '%'; write \(bare) or \(bare)%INDEX"
        }
        if zone.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            return "the zone id \(zone) is not an interface index (1…4294967295); write \(bare) and select the "
                + "link with 'interface' or 'interfaceIndex'"
        }
        return "the zone id '\(zone)' is an interface name, which the file does not resolve inside addresses; write "
            + "\(bare) with 'interface: \(zone)'"
    }

    private func address(_ v: Event) throws -> IpAddress? {
        guard let s = try text(v, key: "address", expected: "an IP address") else { return nil }
        guard let a = IpAddress(utf8: s.bytes) else {
            let t = ScalarBytes.string(s.bytes)
            if let fixed = DesiredFileParser.withoutLeadingZeros(t) {
                try error("invalid address '\(ScalarBytes.shown(t))': an IPv4 octet has a leading zero, which some "
                          + "tools read as octal; write \(fixed)", at: mark(v))
            } else if let problem = DesiredFileParser.zoneProblem(t) {
                try error("invalid address '\(ScalarBytes.shown(t))': \(problem)", at: mark(v))
            } else {
                try error("invalid address '\(ScalarBytes.shown(t))'; write an IPv4 address like 192.0.2.10 or an "
                          + "IPv6 address like 2001:db8::10", at: mark(v))
            }
            return nil
        }
        // The one address rule (`NeighborRowValidator`), positioned at the value.
        if let problem = NeighborRowValidator.addressProblem(a) {
            try error("address \(problem)", at: mark(v))
            return nil
        }
        return a
    }

    /// `010.0.0.1` → `10.0.0.1` when the text is a dotted quad whose only fault is leading zeros.
    static func withoutLeadingZeros(_ t: String) -> String? {
        let parts = t.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              parts.contains(where: { $0.count > 1 && $0.hasPrefix("0") }) else { return nil }
        var out: [String] = []
        for p in parts {
            let s = p.drop { $0 == "0" }
            guard let n = Int(s.isEmpty ? "0" : s), n <= 255 else { return nil }
            out.append(String(n))
        }
        return out.joined(separator: ".")
    }

    private func physicalAddress(_ v: Event) throws -> PhysicalAddress? {
        guard let s = try text(v, key: "physicalAddress", expected: "a link-layer address") else { return nil }
        switch PhysicalAddress.parse(utf8: s.bytes) {
        case .success(let p):
            return p
        case .failure(.tooLong(let n)):
            try error("physicalAddress has \(n) bytes; a neighbor entry holds at most \(PhysicalAddress.maxLength)",
                      at: mark(v))
        case .failure(.malformed):
            try error("malformed physicalAddress '\(ScalarBytes.shown(s.bytes))'; write hex bytes like "
                      + "02:00:00:00:00:10, 02-00-00-00-00-10 or 0200.0000.0010", at: mark(v))
        }
        return nil
    }

    private func interfaceName(_ v: Event) throws -> String? {
        if v.kind == .scalar, v.plain, case .value = ScalarBytes.integer(v.bytes) {
            try error("expected an interface name for 'interface', found an integer; to select by index write "
                      + "interfaceIndex: \(ScalarBytes.shown(v.bytes))", at: mark(v))
            return nil
        }
        guard let s = try text(v, key: "interface", expected: "an interface name") else { return nil }
        let b = s.bytes
        // The kernel's rule (`dev_valid_name()` in net/core/dev.c): 1–15 bytes, not `.` or `..`, no NUL, '/', ':' or
        // byte its isspace() accepts (9–13, 32, 160). Other control bytes are valid names (`show` writes them as
        // escapes), so they are accepted here too.
        let valid = b.count >= 1 && b.count <= 15 && !ScalarBytes.equals(b, ".") && !ScalarBytes.equals(b, "..")
            && !b.contains(where: { $0 == 0 || $0 == 47 || $0 == 58 || ($0 >= 9 && $0 <= 13) || $0 == 32 || $0 == 160 })
        guard valid else {
            // Control characters in the name are escaped when the diagnostic is printed (`Diagnostic.printable`).
            try error("invalid interface name '\(ScalarBytes.shown(b))': Linux names are 1–15 bytes without '/', "
                      + "':' or spaces", at: mark(v))
            return nil
        }
        // Consecutive entries usually name the same interface: share one String.
        if let last = lastName, ScalarBytes.equals(b, last) { return last }
        let n = ScalarBytes.string(b)
        lastName = n
        return n
    }

    private func interfaceIndex(_ v: Event) throws -> UInt32? {
        guard let n = try integer(v, key: "interfaceIndex") else { return nil }
        if case .value(let x) = n, x >= 1, x <= UInt64(UInt32.max) { return UInt32(x) }
        try error("'interfaceIndex' must be 1…4294967295 (an ifindex), found \(ScalarBytes.shown(v.bytes))",
                  at: mark(v))
        return nil
    }

    private func interfaceLuid(_ v: Event) throws -> NetLuid? {
        guard let n = try integer(v, key: "interfaceLuid") else { return nil }
        let t = ScalarBytes.shown(v.bytes)
        guard case .value(let x) = n else {
            try error("'interfaceLuid' must fit in 64 bits, found \(t)", at: mark(v))
            return nil
        }
        if x == 0 { return nil }  // the zero LUID: select by the index (or name) instead, as Windows does
        let l = NetLuid(value: x)
        if x & 0xff_ffff != 0 {
            try error("interfaceLuid \(t) has reserved bits 0–23 set; a LUID is IfType << 48 | NetLuidIndex << 24, "
                      + "e.g. 0x0006000003000000 for Ethernet ifindex 3", at: mark(v))
            return nil
        }
        if l.netLuidIndex == 0 {
            try error("interfaceLuid \(t) has NetLuidIndex 0, which selects no interface; omit interfaceLuid to "
                      + "select by interface or interfaceIndex", at: mark(v))
            return nil
        }
        return l
    }

    private func state(_ v: Event) throws -> NeighborState? {
        guard let s = try text(v, key: "state", expected: "permanent or noarp") else { return nil }
        if ScalarBytes.equals(s.bytes, "permanent") { return .permanent }
        if ScalarBytes.equals(s.bytes, "noarp") { return .noarp }
        let t = ScalarBytes.shown(s.bytes)
        var msg = "state must be permanent or noarp for a static entry, found '\(t)'"
        if let hint = KeySuggester.suggestion(for: t, among: ["permanent", "noarp"]) {
            msg += "; did you mean '\(hint)'?"
        }
        try error(msg, at: mark(v))
        return nil
    }

    // MARK: - Finishing entries

    /// The error a check of `NeighborRowValidator` throws, or nil: the loader reports the validator's reasons
    /// (positioned) instead of writing its rules a second time.
    static func problem(_ check: () throws(IpNetError) -> Void) -> IpNetError? {
        do { try check() } catch { return error }
        return nil
    }

    private func checkLuidAgreement(_ f: NeighborFields) throws {
        guard let i = f.index, let l = f.luid, l.netLuidIndex != i, let lm = f.mark(.interfaceLuid, file: path),
              let im = f.mark(.interfaceIndex, file: path) else { return }
        try error("interfaceLuid \(l) (NetLuidIndex \(l.netLuidIndex)) disagrees with interfaceIndex \(i); give "
                  + "one of them, or make them name the same interface", at: lm,
                  notes: [Diagnostic.Note(mark: im, message: "interfaceIndex \(i) is here")])
    }

    /// Applies defaults and checks required keys; nil after reporting.
    private func finish(_ e: NeighborFields) -> DesiredNeighbor? {
        guard !e.hadError else { return nil }
        do {
            guard let item = e.mark.mark(file: path) else { return nil }
            guard let address = e.address else {
                try error("missing required key 'address' in this neighbor entry", at: item)
                return nil
            }
            let own = e.hasSelector
            if !own && defaults.hadError { return nil }
            var interface = own ? InterfaceRef(name: e.name, index: e.index, luid: e.luid)
                                : InterfaceRef(name: defaults.name, index: defaults.index, luid: defaults.luid)
            // A zone id selects the interface when nothing else does (`IpNetRow2.effectiveInterfaceIndex`: the scope
            // id of a link-local address is the interface index); given with a selector it must agree with it.
            let zoneSelects = interface.isEmpty && address.scopeId != 0
            if zoneSelects { interface = InterfaceRef(index: address.scopeId) }
            guard !interface.isEmpty else {
                try error("no interface for \(address): give interface, interfaceIndex or interfaceLuid in the "
                          + "entry or under defaults", at: item)
                return nil
            }
            if own, e.index != nil, e.luid != nil {
                let before = diagnostics.count
                try checkLuidAgreement(e)
                if diagnostics.count != before { return nil }
            }
            if !zoneSelects && address.scopeId != 0 && (interface.index != nil || interface.luid != nil) {
                let row = IpNetRow2(address: address, interfaceIndex: interface.index ?? 0,
                                    interfaceLuid: interface.luid ?? NetLuid(value: 0))
                if let problem = DesiredFileParser.problem({ () throws(IpNetError) in
                    _ = try NeighborRowValidator.checkInterfaceSelection(row)
                }) {
                    let from = own ? e : defaults
                    let selector: Field = interface.luid != nil && interface.index == nil ? .interfaceLuid
                                                                                          : .interfaceIndex
                    try error("address \(problem.reason)", at: e.mark(.address, file: path) ?? item,
                              notes: from.mark(selector, file: path).map {
                                  [Diagnostic.Note(mark: $0, message: "\(selector.name) is here")] } ?? [])
                    return nil
                }
            }
            let isRouter = e.isRouter ?? defaults.isRouter ?? false
            if isRouter, let problem = DesiredFileParser.problem({ () throws(IpNetError) in
                try NeighborRowValidator.checkFlags(address: address, isRouter: isRouter)
            }) {
                if e.isRouter != nil {
                    try error(problem.reason, at: e.mark(.isRouter, file: path) ?? item)
                } else {
                    try error(problem.reason, at: e.mark(.address, file: path) ?? item,
                              notes: defaults.mark(.isRouter, file: path).map {
                                  [Diagnostic.Note(mark: $0, message: "isRouter: true comes from defaults here")]
                              } ?? [])
                }
                return nil
            }
            let state = e.state ?? defaults.state ?? .permanent
            let physical: PhysicalAddress
            if let p = e.physicalAddress {
                if p.count == 0 && state != .noarp {
                    try error("physicalAddress is empty; a permanent entry needs the neighbor's link-layer address "
                              + "(only state: noarp may go without one)", at: e.mark(.physicalAddress, file: path))
                    return nil
                }
                physical = p
            } else if state == .noarp {
                physical = .empty
            } else {
                try error("missing required key 'physicalAddress' for \(address); a permanent entry needs the "
                          + "neighbor's link-layer address (only state: noarp may omit it)", at: item)
                return nil
            }
            var positions = NeighborFields.Positions()
            for f in Field.allCases {
                let isSelector = f == .interface || f == .interfaceIndex || f == .interfaceLuid
                positions[f] = isSelector ? (own ? e.positions[f] : defaults.positions[f])
                                          : (e.has(f) ? e.positions[f] : defaults.positions[f])
            }
            // Errors about the interface a zone id selects point at the address that holds it.
            if zoneSelects { positions[.interfaceIndex] = e.positions[.address] }
            return DesiredNeighbor(address: address, interface: interface, physicalAddress: physical, state: state,
                                   isRouter: isRouter,
                                   isOptional: e.optional ?? defaults.optional ?? false, mark: item,
                                   valueMarks: ValueMarks(file: path, positions: positions))
        } catch {
            return nil
        }
    }
}
