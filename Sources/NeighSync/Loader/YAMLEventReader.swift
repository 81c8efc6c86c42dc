internal import CYAML
import Dispatch
import IpNet
import Synchronization

/// The one chokepoint for libyaml: every `yaml_*` call of neighsync is in this type (in its `Parser`, run on the
/// caller's thread or, for large inputs, on a thread of its own). It streams the events of a UTF-8 buffer (`yaml_parser_parse`) without building a tree; a
/// scalar's bytes are lent as a buffer that stays valid until the next call to `next()`. Marks stay 0-based here, as libyaml gives them. A syntax, encoding or reader error ends
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

    /// Inputs from this size (bytes) up are parsed with libyaml on a thread of its own; smaller ones on the caller's
    /// thread, where a thread and its hand-overs would cost more than they save (a 16 KiB fuzz input ran 20 times
    /// slower threaded).
    static let threadedFrom = 256 * 1024

    /// Where batches come from: libyaml run here, batch by batch, or on its own thread through a queue.
    private enum Source {
        case inline(Parser)
        case threaded(YAMLEventQueue, BackgroundWork<Void>)
    }

    private let source: Source
    // The reader's own state, touched only by the thread that calls `next()` (the class is not Sendable), so
    // Swift's run-time exclusivity checks on class properties are dropped for these.
    @exclusivity(unchecked) private var batch: YAMLEventBatch?
    @exclusivity(unchecked) private var cursor = 0
    @exclusivity(unchecked) private var endIndex = 0
    @exclusivity(unchecked) private var finished = false
    @exclusivity(unchecked) private var failure: SyntaxError?
    @exclusivity(unchecked) private var nextSize = YAMLEventBatch.firstSize

    /// Reads `input`, which must stay alive and unchanged while the reader is used (the reader joins its libyaml
    /// thread, if any, before it goes). The encoding is fixed to UTF-8 so a UTF-16 file is reported instead of
    /// silently converted.
    ///
    /// From `threadedFrom` bytes up, libyaml runs on a thread of its own and hands events over in batches, so scanning
    /// the next events overlaps with the caller's work on the last ones: at 100,000 entries libyaml is about 70 % of
    /// a parse (measured with callgrind) and the caller's typing and checks the rest, which on two cores now run side
    /// by side. At most `YAMLEventQueue.capacity` batches wait, so memory stays bounded and a caller that stops early
    /// (a depth limit, the error budget) leaves libyaml at most that far ahead. Both ways run the same `Parser`.
    init(input: UnsafeBufferPointer<UInt8>) {
        if input.count < Self.threadedFrom {
            source = .inline(Parser(input))
            return
        }
        let queue = YAMLEventQueue()
        let lent = LentInput(buffer: input)
        source = .threaded(queue, BackgroundWork { YAMLEventReader.produce(lent.buffer, into: queue) })
    }

    deinit {
        if case .threaded(let queue, let producer) = source {
            queue.cancel()
            _ = try? producer.wait()
        }
    }

    /// The byte offset libyaml has read up to (the end of the last event). libyaml equivalent: `end_mark.index`.
    var offset: Int { endIndex }

    /// The next event; throws the syntax error that ends the stream. After `streamEnd` it keeps returning
    /// `streamEnd`; after an error it keeps throwing it.
    func next() throws(SyntaxError) -> Event {
        while true {
            if let b = batch, cursor < b.count {
                let e = b.event(at: cursor)
                endIndex = b.endIndex(at: cursor)
                cursor += 1
                if e.kind == .streamEnd { finished = true }
                return e
            }
            if let failure { throw failure }
            if finished {
                return Event(kind: .streamEnd, line: 0, column: 0, bytes: UnsafeBufferPointer(start: nil, count: 0),
                             plain: false, tag: nil)
            }
            if let b = batch, b.isLast {
                // A last batch without a stream end ends in an error.
                failure = b.failure
                finished = b.failure == nil
                continue
            }
            batch = nil  // the events of the last batch may be freed now: the caller has moved on
            switch source {
            case .inline(let parser):
                batch = parser.batch(size: nextSize)
                nextSize = YAMLEventBatch.size
            case .threaded(let queue, _):
                batch = queue.take()
            }
            cursor = 0
        }
    }

    /// The libyaml thread: parses `input` and publishes its events in batches until the stream ends, an error stops
    /// it, or the reader is cancelled. The parser is made and freed on this thread.
    private static func produce(_ input: UnsafeBufferPointer<UInt8>, into queue: YAMLEventQueue) {
        let parser = Parser(input)
        var size = YAMLEventBatch.firstSize
        while true {
            let b = parser.batch(size: size)
            size = YAMLEventBatch.size
            guard queue.put(b), !b.isLast else { return }
        }
    }

    /// libyaml's parser over one input. Every `yaml_*` call of neighsync is in this type. Used by one thread only:
    /// the reader's caller (inline) or the libyaml thread, which makes it and frees it. libyaml equivalent: a
    /// `yaml_parser_parse` / `yaml_event_delete` loop.
    private final class Parser {
        private let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        private let event = UnsafeMutablePointer<yaml_event_t>.allocate(capacity: 1)
        /// libyaml copies nothing from a zero-length input, but the pointer it is given must be non-null and stay
        /// valid while it reads.
        private let empty = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        private let input: UnsafeBufferPointer<UInt8>

        init(_ input: UnsafeBufferPointer<UInt8>) {
            self.input = input
            yaml_parser_initialize(parser)
            yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
            if let base = input.baseAddress {
                yaml_parser_set_input_string(parser, base, input.count)
            } else {
                yaml_parser_set_input_string(parser, empty, 0)
            }
        }

        deinit {
            yaml_parser_delete(parser)
            parser.deallocate()
            event.deallocate()
            empty.deallocate()
        }

        /// The next up to `size` events; the batch is the last one when the stream ended or an error stopped it.
        func batch(size: Int) -> YAMLEventBatch {
            let b = YAMLEventBatch(capacity: size)
            while b.count < size {
                guard yaml_parser_parse(parser, event) != 0 else {
                    b.failure = YAMLEventReader.error(of: parser.pointee, input: input)
                    b.isLast = true
                    break
                }
                YAMLEventReader.append(event, to: b)
                let end = event.pointee.type == YAML_STREAM_END_EVENT
                yaml_event_delete(event)
                if end { b.isLast = true; break }
            }
            return b
        }
    }

    /// Copies libyaml's event into `batch`; a scalar value longer than `YAMLEventBatch.stealAbove` is handed to the
    /// batch instead (the event's pointer cleared, so `yaml_event_delete` leaves it).
    fileprivate static func append(_ event: UnsafeMutablePointer<yaml_event_t>, to batch: YAMLEventBatch) {
        let e = event.pointee
        var taken: UnsafeMutablePointer<UInt8>? = nil
        var kind = Kind.streamEnd
        var value: UnsafePointer<UInt8>? = nil
        var length = 0
        var plain = false
        var tag: UnsafePointer<UInt8>? = nil
        switch e.type {
        case YAML_STREAM_START_EVENT: kind = .streamStart
        case YAML_STREAM_END_EVENT: kind = .streamEnd
        case YAML_DOCUMENT_START_EVENT: kind = .documentStart
        case YAML_DOCUMENT_END_EVENT: kind = .documentEnd
        case YAML_SCALAR_EVENT:
            let s = e.data.scalar
            kind = .scalar
            value = UnsafePointer(s.value)
            length = s.length
            if length > YAMLEventBatch.stealAbove {
                taken = s.value
                event.pointee.data.scalar.value = nil
            }
            plain = s.style == YAML_PLAIN_SCALAR_STYLE
            tag = UnsafePointer(s.tag)
        case YAML_SEQUENCE_START_EVENT:
            kind = .sequenceStart
            tag = UnsafePointer(e.data.sequence_start.tag)
        case YAML_SEQUENCE_END_EVENT: kind = .sequenceEnd
        case YAML_MAPPING_START_EVENT:
            kind = .mappingStart
            tag = UnsafePointer(e.data.mapping_start.tag)
        case YAML_MAPPING_END_EVENT: kind = .mappingEnd
        case YAML_ALIAS_EVENT: kind = .alias
        default: kind = .streamEnd
        }
        batch.append(kind: kind, line: Int(e.start_mark.line), column: Int(e.start_mark.column), value: value,
                     length: length, plain: plain, tag: tag, endIndex: Int(e.end_mark.index), taking: taken)
    }

    fileprivate static func error(of p: yaml_parser_t, input: UnsafeBufferPointer<UInt8>) -> SyntaxError {
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

/// The input buffer, lent to the libyaml thread. `@unchecked Sendable`: the buffer is only read, and
/// `YAMLEventReader.deinit` joins that thread before the reader (and so the caller that owns the buffer, which must
/// outlive the reader) can let it go.
private struct LentInput: @unchecked Sendable {
    let buffer: UnsafeBufferPointer<UInt8>
}
