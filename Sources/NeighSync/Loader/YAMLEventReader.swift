internal import CYAML

/// The one chokepoint for libyaml: every `yaml_*` call of neighsync is in this type. It streams the events of a UTF-8
/// buffer (`yaml_parser_parse`) without building a tree; a scalar's bytes are lent as a buffer that stays valid until
/// the next call to `next()`. Marks stay 0-based here, as libyaml gives them. A syntax, encoding or reader error ends
/// the stream with a `SyntaxError` positioned at libyaml's `problem_mark` (or, for reader errors, at the line and
/// column of `problem_offset`). libyaml equivalent: a `yaml_parser_parse` / `yaml_event_delete` loop.
final class YAMLEventReader {
    /// The kind of an event, `yaml_event_type_t` without the C.
    enum Kind {
        case streamStart, streamEnd, documentStart, documentEnd
        case scalar, sequenceStart, sequenceEnd, mappingStart, mappingEnd, alias
    }

    /// One event. `bytes` (scalars only) and `tag` borrow libyaml's memory: use them before the next `next()`.
    struct Event {
        var kind: Kind
        /// 0-based line of the event's start mark.
        var line: Int
        /// 0-based column (in characters) of the event's start mark.
        var column: Int
        /// The scalar's value; empty for other events.
        var bytes: UnsafeBufferPointer<UInt8>
        /// True for a plain (unquoted, non-block) scalar.
        var plain: Bool
        /// The explicit tag (`!!str`), nil when none.
        var tag: UnsafePointer<UInt8>?
    }

    /// A problem that stops the stream: libyaml's `problem`, and its `context` when there is one.
    struct SyntaxError: Error {
        var message: String
        var line: Int
        var column: Int
        var context: String?
        var contextLine: Int
        var contextColumn: Int
        /// True for a reader (encoding) error rather than a scanner/parser one.
        var isReaderError: Bool
        /// For reader errors: the offending byte or code point (`problem_value`), -1 when none.
        var value: Int
    }

    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let event: UnsafeMutablePointer<yaml_event_t>
    private var holdsEvent = false
    private var finished = false
    private let input: UnsafeBufferPointer<UInt8>

    /// Reads `input`, which must stay alive and unchanged while the reader is used. The encoding is fixed to UTF-8 so
    /// a UTF-16 file is reported instead of silently converted.
    init(input: UnsafeBufferPointer<UInt8>) {
        self.input = input
        parser = .allocate(capacity: 1)
        event = .allocate(capacity: 1)
        yaml_parser_initialize(parser)
        yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
        if let base = input.baseAddress {
            yaml_parser_set_input_string(parser, base, input.count)
        } else {
            var empty: UInt8 = 0
            // libyaml copies nothing from a zero-length input; the pointer only has to be non-null.
            yaml_parser_set_input_string(parser, &empty, 0)
        }
    }

    deinit {
        if holdsEvent { yaml_event_delete(event) }
        yaml_parser_delete(parser)
        parser.deallocate()
        event.deallocate()
    }

    /// The byte offset libyaml has read up to (the end of the last event). libyaml equivalent: `end_mark.index`.
    var offset: Int { holdsEvent ? Int(event.pointee.end_mark.index) : 0 }

    /// The next event; throws the syntax error that ends the stream. After `streamEnd` it keeps returning
    /// `streamEnd`.
    func next() throws(SyntaxError) -> Event {
        if holdsEvent {
            yaml_event_delete(event)
            holdsEvent = false
        }
        if finished {
            return Event(kind: .streamEnd, line: 0, column: 0, bytes: UnsafeBufferPointer(start: nil, count: 0),
                         plain: false, tag: nil)
        }
        guard yaml_parser_parse(parser, event) != 0 else { throw currentError() }
        holdsEvent = true
        let e = event.pointee
        var out = Event(kind: .streamEnd, line: Int(e.start_mark.line), column: Int(e.start_mark.column),
                        bytes: UnsafeBufferPointer(start: nil, count: 0), plain: false, tag: nil)
        switch e.type {
        case YAML_STREAM_START_EVENT: out.kind = .streamStart
        case YAML_STREAM_END_EVENT:
            out.kind = .streamEnd
            finished = true
        case YAML_DOCUMENT_START_EVENT: out.kind = .documentStart
        case YAML_DOCUMENT_END_EVENT: out.kind = .documentEnd
        case YAML_SCALAR_EVENT:
            let s = e.data.scalar
            out.kind = .scalar
            out.bytes = UnsafeBufferPointer(start: s.value, count: s.length)
            out.plain = s.style == YAML_PLAIN_SCALAR_STYLE
            out.tag = UnsafePointer(s.tag)
        case YAML_SEQUENCE_START_EVENT:
            out.kind = .sequenceStart
            out.tag = UnsafePointer(e.data.sequence_start.tag)
        case YAML_SEQUENCE_END_EVENT: out.kind = .sequenceEnd
        case YAML_MAPPING_START_EVENT:
            out.kind = .mappingStart
            out.tag = UnsafePointer(e.data.mapping_start.tag)
        case YAML_MAPPING_END_EVENT: out.kind = .mappingEnd
        case YAML_ALIAS_EVENT: out.kind = .alias
        default: out.kind = .streamEnd
        }
        return out
    }

    private func currentError() -> SyntaxError {
        let p = parser.pointee
        let problem = p.problem.map { String(cString: $0) } ?? "unknown libyaml error"
        let context = p.context.map { String(cString: $0) }
        if p.error == YAML_READER_ERROR {
            let (line, column) = YAMLEventReader.position(ofOffset: Int(p.problem_offset), in: input)
            return SyntaxError(message: problem, line: line, column: column, context: nil, contextLine: 0,
                               contextColumn: 0, isReaderError: true, value: Int(p.problem_value))
        }
        if p.error == YAML_MEMORY_ERROR {
            return SyntaxError(message: "out of memory while parsing", line: 0, column: 0, context: nil,
                               contextLine: 0, contextColumn: 0, isReaderError: false, value: -1)
        }
        return SyntaxError(message: problem, line: Int(p.problem_mark.line), column: Int(p.problem_mark.column),
                           context: context, contextLine: Int(p.context_mark.line),
                           contextColumn: Int(p.context_mark.column), isReaderError: false, value: -1)
    }

    /// The 0-based line and character column of a byte offset, counting line breaks as libyaml does (LF, CR LF, CR)
    /// and columns in code points.
    static func position(ofOffset offset: Int, in input: UnsafeBufferPointer<UInt8>) -> (Int, Int) {
        var line = 0, column = 0
        var i = 0
        let end = min(offset, input.count)
        while i < end {
            let b = input[i]
            if b == 10 || (b == 13 && !(i + 1 < input.count && input[i + 1] == 10)) {
                line += 1
                column = 0
            } else if b & 0xC0 != 0x80 && b != 13 {
                column += 1
            }
            i += 1
        }
        return (line, column)
    }
}
