import NeighSyncCore

/// The events of one desired-state file with the YAML rules neighsync adds on top of libyaml, and the typing of
/// scalars: nesting depth (capped), aliases and tags refused, syntax and encoding errors turned into positioned
/// diagnostics, nodes skipped, and plain scalars read as text, integers or booleans the way YAML 1.2 types them
/// (with YAML 1.1's readings named where they differ). Every problem goes to `diagnostics`. libyaml equivalent:
/// the `yaml_parser_parse` loop of a reader that builds no tree.
final class YAMLEventStream {
    typealias Event = YAMLEventReader.Event

    let diagnostics: DiagnosticCollector
    let limits: LoaderLimits
    private let reader: YAMLEventReader
    private var depth = 0

    /// A stream over `input` (which must outlive it), reporting to `diagnostics`.
    init(input: UnsafeBufferPointer<UInt8>, limits: LoaderLimits, diagnostics: DiagnosticCollector) {
        self.reader = YAMLEventReader(input: input)
        self.limits = limits
        self.diagnostics = diagnostics
    }

    /// The byte offset libyaml has read up to.
    var offset: Int { reader.offset }

    // MARK: - Positions

    /// The packed position of an event (for `NeighborFields`).
    @inline(__always)
    func position(_ e: Event) -> NeighborFields.Position {
        NeighborFields.Position(line0: e.line, column0: e.column)
    }

    /// The 1-based mark of an event.
    func mark(_ e: Event) -> SourceMark { SourceMark(file: diagnostics.path, line: e.line + 1, column: e.column + 1) }

    /// Reports `message` at the event `e`.
    func error(_ message: String, at e: Event, notes: [Diagnostic.Note] = []) throws {
        try diagnostics.error(message, at: mark(e), notes: notes)
    }

    // MARK: - Events

    /// The next event: aliases reported, depth counted and capped, a syntax error reported and the file stopped.
    func next() throws -> Event {
        let e: Event
        do {
            e = try reader.next()
        } catch {
            try syntaxError(error)
            throw DiagnosticCollector.Stop()
        }
        switch e.kind {
        case .alias:
            // Reported wherever it is, even inside a value being skipped: aliases are never expanded.
            try self.error("aliases are not supported in neighsync files; write the value out in full", at: e)
        case .mappingStart, .sequenceStart:
            depth += 1
            if depth > limits.maxDepth {
                try self.error("nesting deeper than \(limits.maxDepth) levels; a neighsync file needs at most 5 "
                               + "(top level, parameters, interfaces, interface, family)", at: e)
                throw DiagnosticCollector.Stop()
            }
        case .mappingEnd, .sequenceEnd:
            depth -= 1
        default:
            break
        }
        return e
    }

    private func syntaxError(_ s: YAMLEventReader.SyntaxError) throws {
        let path = diagnostics.path
        let m = SourceMark(file: path, line: s.line + 1, column: s.column + 1)
        if s.isReaderError {
            if s.value == 0 {
                try diagnostics.error("NUL byte in the file; a YAML file is text (is this a binary or UTF-16 file?)",
                                      at: m)
            } else if s.message.contains("UTF-8") {
                let byte = s.value >= 0 ? ", byte 0x" + YAMLEventStream.hex(s.value, digits: 2) : ""
                try diagnostics.error("invalid UTF-8 (\(s.message)\(byte)); save the file as UTF-8", at: m)
            } else {
                let cp = s.value >= 0 ? " (U+" + YAMLEventStream.hex(s.value, digits: 4) + ")" : ""
                try diagnostics.error("\(s.message)\(cp); remove the character", at: m)
            }
            return
        }
        // libyaml hands out the events before the one it cannot scan; what was read from the broken line onwards
        // (e.g. a plain scalar swallowing the next key) would only add misleading errors.
        diagnostics.dropErrors(fromLine: m.line)
        var notes: [Diagnostic.Note] = []
        if let c = s.context {
            notes.append(Diagnostic.Note(mark: SourceMark(file: path, line: s.contextLine + 1,
                                                           column: s.contextColumn + 1), message: c))
        }
        try diagnostics.error("YAML syntax error: \(s.message)", at: m, notes: notes)
    }

    /// Upper-case hex, zero-padded to `digits`.
    static func hex(_ v: Int, digits: Int) -> String {
        let h = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - h.count)) + h
    }

    /// Skips the rest of a node whose first event is `e`.
    func skip(_ e: Event) throws {
        guard e.kind == .mappingStart || e.kind == .sequenceStart else { return }
        let target = depth - 1
        while depth > target { _ = try next() }
    }

    /// `a mapping`, `a list`, `a string`, … for "found …".
    func describe(_ e: Event) -> String {
        switch e.kind {
        case .mappingStart: return "a mapping"
        case .sequenceStart: return "a list"
        case .alias: return "an alias"
        case .scalar: return e.plain ? ScalarBytes.shape(e.bytes).phrase : "a quoted string"
        default: return "nothing"
        }
    }

    /// Reports tags and aliases on a node; true when the node is usable.
    func acceptable(_ e: Event) throws -> Bool {
        if e.kind == .alias { return false }  // already reported by next()
        if let t = e.tag {
            var tag = String(cString: t)
            if tag.hasPrefix("tag:yaml.org,2002:") { tag = "!!" + tag.dropFirst(18) }
            try error("tags are not supported in neighsync files; remove '\(tag)'", at: e)
            try skip(e)
            return false
        }
        return true
    }

    /// Reads a key event; nil (after reporting and skipping key and value) when it is not a plain name.
    func key(_ k: Event) throws -> Event? {
        if k.kind == .scalar, k.tag == nil { return k }
        if k.kind != .alias {  // an alias is already reported by next()
            try error("expected a key name, found \(describe(k))", at: k)
            try skip(k)
        }
        try skip(try next())
        return nil
    }

    // MARK: - Scalar typing

    /// True for a plain scalar that types as null (`~`, `null`, nothing).
    func isNull(_ v: Event) -> Bool { v.kind == .scalar && v.plain && ScalarBytes.isNull(v.bytes) }

    /// A scalar for a text key; reports non-scalars and plain scalars that type as null, boolean or number.
    func text(_ v: Event, key: String, expected: String) throws -> Event? {
        guard v.kind == .scalar else {
            try error("expected \(expected) for '\(key)', found \(describe(v))", at: v)
            try skip(v)
            return nil
        }
        if v.plain {
            let shape = ScalarBytes.shape(v.bytes)
            if shape != .string {
                try error("expected \(expected) for '\(key)', found \(shape.phrase)", at: v)
                return nil
            }
        }
        return v
    }

    /// An integer scalar (plain only); nil after reporting anything else.
    func integer(_ v: Event, key: String) throws -> ScalarBytes.IntegerValue? {
        guard v.kind == .scalar else {
            try error("expected an integer for '\(key)', found \(describe(v))", at: v)
            try skip(v)
            return nil
        }
        guard v.plain else {
            try error("expected an integer for '\(key)', found a quoted string; write the number without quotes",
                      at: v)
            return nil
        }
        let n = ScalarBytes.integer(v.bytes)
        switch n {
        case .notInteger:
            try error("expected an integer for '\(key)', found \(ScalarBytes.shape(v.bytes).phrase)", at: v)
            return nil
        case .leadingZero:
            let t = ScalarBytes.string(v.bytes)
            let stripped = t.drop { $0 == "0" || $0 == "-" }
            try error("'\(key)' has a leading zero ('\(t)'), which YAML 1.1 reads as octal; write "
                      + "\(t.hasPrefix("-") ? "-" : "")\(stripped.isEmpty ? "0" : String(stripped))", at: v)
            return nil
        default:
            return n
        }
    }

    /// A boolean scalar (plain `true`/`false` only); nil after reporting anything else.
    func boolean(_ v: Event, key: String) throws -> Bool? {
        guard v.kind == .scalar else {
            try error("expected true or false for '\(key)', found \(describe(v))", at: v)
            try skip(v)
            return nil
        }
        guard v.plain else {
            try error("expected true or false for '\(key)', found a quoted string; write true or false without "
                      + "quotes", at: v)
            return nil
        }
        if let b = ScalarBytes.boolean(v.bytes) { return b }
        if ScalarBytes.isYAML11Boolean(v.bytes) {
            try error("expected true or false for '\(key)', found '\(ScalarBytes.shown(v.bytes))'; YAML 1.1 "
                      + "tools read yes/no/on/off as booleans and others as strings, so write true or false", at: v)
        } else {
            try error("expected true or false for '\(key)', found \(ScalarBytes.shape(v.bytes).phrase)", at: v)
        }
        return nil
    }
}
