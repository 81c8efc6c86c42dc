import IpNet

/// A small pull parser over JSON bytes, for reading large snapshots fast: `plan --state` reads 100,000 rows of
/// `neighsync show --output json` or `ip -j neigh show` without building a tree of Foundation objects. Values are
/// consumed in order (objects member by member, arrays element by element); strings come back as byte views when
/// they hold no escapes. Errors carry the byte offset.
struct JSONScanner {
    /// A syntax error at a byte offset.
    struct Failure: Error, CustomStringConvertible {
        var offset: Int
        var message: String
        var description: String { "invalid JSON at byte \(offset): \(message)" }
    }

    /// The kind of the next value.
    enum Kind { case object, array, string, number, bool, null }

    let bytes: UnsafeRawBufferPointer
    var pos = 0
    var depth = 0
    static let maxDepth = 64
    /// Holds the decoded bytes of the last escaped string.
    private let scratch = Scratch()

    /// A growable buffer owned by the scanner.
    private final class Scratch {
        var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256, alignment: 1)
        deinit { buffer.deallocate() }
        func store(_ bytes: [UInt8]) -> UnsafeRawBufferPointer {
            if bytes.count > buffer.count {
                buffer.deallocate()
                buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
            }
            bytes.withUnsafeBytes { buffer.copyMemory(from: $0) }
            return UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[0..<bytes.count])
        }
    }

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    func fail(_ message: String) -> Failure { Failure(offset: pos, message: message) }

    mutating func skipSpace() {
        while pos < bytes.count {
            let c = bytes[pos]
            guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
            pos += 1
        }
    }

    /// The kind of the value that starts next.
    mutating func peek() throws -> Kind {
        skipSpace()
        guard pos < bytes.count else { throw fail("unexpected end of input") }
        switch bytes[pos] {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        default: throw fail("unexpected character '\(Character(Unicode.Scalar(bytes[pos])))'")
        }
    }

    mutating func expect(_ c: UInt8) throws {
        skipSpace()
        guard pos < bytes.count, bytes[pos] == c else {
            throw fail("expected '\(Character(Unicode.Scalar(c)))'")
        }
        pos += 1
    }

    /// Calls `body` with each member key of the object that starts next; `body` must consume the member's value.
    mutating func object(_ body: (inout JSONScanner, UnsafeRawBufferPointer) throws -> Void) throws {
        try expect(UInt8(ascii: "{"))
        depth += 1
        guard depth <= Self.maxDepth else { throw fail("nesting deeper than \(Self.maxDepth)") }
        skipSpace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") { pos += 1; depth -= 1; return }
        while true {
            let key = try string()
            try expect(UInt8(ascii: ":"))
            try body(&self, key)
            skipSpace()
            guard pos < bytes.count else { throw fail("unterminated object") }
            if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if bytes[pos] == UInt8(ascii: "}") { pos += 1; depth -= 1; return }
            throw fail("expected ',' or '}'")
        }
    }

    /// Calls `body` with the index of each element of the array that starts next; `body` must consume it.
    mutating func array(_ body: (inout JSONScanner, Int) throws -> Void) throws {
        try expect(UInt8(ascii: "["))
        depth += 1
        guard depth <= Self.maxDepth else { throw fail("nesting deeper than \(Self.maxDepth)") }
        skipSpace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") { pos += 1; depth -= 1; return }
        var i = 0
        while true {
            try body(&self, i)
            i += 1
            skipSpace()
            guard pos < bytes.count else { throw fail("unterminated array") }
            if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if bytes[pos] == UInt8(ascii: "]") { pos += 1; depth -= 1; return }
            throw fail("expected ',' or ']'")
        }
    }

    /// The next string's bytes: a view into the input, or, for a string with escapes, its decoded bytes, valid until
    /// the next call to `string()`. Rejects control characters, invalid UTF-8, unknown escapes, malformed `\u`
    /// escapes and lone surrogates (RFC 8259 §7, §8.2), each with its byte offset.
    mutating func string() throws -> UnsafeRawBufferPointer {
        try expect(UInt8(ascii: "\""))
        let start = pos
        var escaped = false
        var ascii = true
        while pos < bytes.count {
            let c = bytes[pos]
            if c == UInt8(ascii: "\"") {
                let view = UnsafeRawBufferPointer(rebasing: bytes[start..<pos])
                if !ascii, String(validating: view, as: UTF8.self) == nil {
                    throw Failure(offset: start, message: "invalid UTF-8 in a string; JSON text is UTF-8")
                }
                pos += 1
                return escaped ? scratch.store(try Self.unescape(view, at: start)) : view
            }
            if c == UInt8(ascii: "\\") { escaped = true; pos += 2; continue }
            if c < 0x20 { throw fail("control character in a string (escape it as \\u00\(Self.hex(UInt32(c), 2)))") }
            if c >= 0x80 { ascii = false }
            pos += 1
        }
        throw fail("unterminated string")
    }

    /// The next string as a Swift String.
    mutating func text() throws -> String { String(decoding: try string(), as: UTF8.self) }

    /// The bytes of a string body (starting at byte `offset` of the input) with its escapes decoded: the eight
    /// escapes of RFC 8259 and `\uXXXX`, a UTF-16 surrogate pair decoding to one scalar. Anything else is an error.
    static func unescape(_ s: UnsafeRawBufferPointer, at offset: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var i = 0
        /// The four hex digits at `j`, or nil.
        func hex4(_ j: Int) -> UInt32? {
            guard j + 4 <= s.count else { return nil }
            var v: UInt32 = 0
            for k in j..<j + 4 {
                let d: UInt8
                switch s[k] {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): d = s[k] - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): d = s[k] - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): d = s[k] - UInt8(ascii: "A") + 10
                default: return nil
                }
                v = v << 4 | UInt32(d)
            }
            return v
        }
        while i < s.count {
            let c = s[i]
            guard c == UInt8(ascii: "\\") else { out.append(c); i += 1; continue }
            let at = offset + i
            guard i + 1 < s.count else { throw Failure(offset: at, message: "unterminated escape") }
            let e = s[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                guard var v = hex4(i) else {
                    throw Failure(offset: at, message: "bad \\u escape (\\u needs four hex digits)")
                }
                i += 4
                if v >= 0xDC00 && v <= 0xDFFF {
                    throw Failure(offset: at, message: "lone low surrogate \\u\(hex(v, 4)) (not after a high "
                                  + "surrogate)")
                }
                if v >= 0xD800 && v <= 0xDBFF {
                    guard i + 1 < s.count, s[i] == UInt8(ascii: "\\"), s[i + 1] == UInt8(ascii: "u"),
                          let low = hex4(i + 2), low >= 0xDC00, low <= 0xDFFF else {
                        throw Failure(offset: at, message: "lone high surrogate \\u\(hex(v, 4)) (a low surrogate "
                                      + "\\uDC00…\\uDFFF must follow)")
                    }
                    i += 6
                    v = 0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00)
                }
                // Not a surrogate here, so always a scalar.
                out.append(contentsOf: String(Character(Unicode.Scalar(v)!)).utf8)
            default:
                let shown = e >= 0x20 && e < 0x7F ? String(Character(Unicode.Scalar(e))) : "\\u{\(hex(UInt32(e), 2))}"
                throw Failure(offset: at, message: "unknown escape '\\\(shown)' (JSON has \\\" \\\\ \\/ \\b \\f "
                              + "\\n \\r \\t \\uXXXX)")
            }
        }
        return out
    }

    /// `v` as upper-case hex, at least `digits` long.
    static func hex(_ v: UInt32, _ digits: Int) -> String {
        let h = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - h.count)) + h
    }

    /// The next number as an integer (nil for a fraction, an exponent or an out-of-range value, which is
    /// consumed). The RFC 8259 number grammar is enforced: no leading zeros, no `+`, digits after `.` and `e`.
    mutating func integer() throws -> Int64? {
        skipSpace()
        let start = pos
        func digit() -> Bool { pos < bytes.count && bytes[pos] >= 0x30 && bytes[pos] <= 0x39 }
        var negative = false
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "-") { negative = true; pos += 1 }
        guard digit() else { pos = start; throw fail("expected a number") }
        var v: Int64 = 0
        var digits = 0
        var overflow = false
        let first = pos
        while digit() {
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = negative ? m.subtractingReportingOverflow(Int64(bytes[pos] - 0x30))
                                   : m.addingReportingOverflow(Int64(bytes[pos] - 0x30))
            overflow = overflow || o1 || o2
            v = a; digits += 1; pos += 1
        }
        if digits > 1 && bytes[first] == UInt8(ascii: "0") {
            throw Failure(offset: first, message: "number with a leading zero")
        }
        var whole = true
        if pos < bytes.count, bytes[pos] == UInt8(ascii: ".") {
            pos += 1
            guard digit() else { throw fail("expected a digit after '.'") }
            while digit() { pos += 1 }
            whole = false
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E") {
            pos += 1
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") { pos += 1 }
            guard digit() else { throw fail("expected a digit in the exponent") }
            while digit() { pos += 1 }
            whole = false
        }
        return whole && !overflow ? v : nil
    }

    /// The next `true` or `false`.
    mutating func bool() throws -> Bool {
        skipSpace()
        if match("true") { return true }
        if match("false") { return false }
        throw fail("expected true or false")
    }

    /// Consumes `null` if it comes next.
    mutating func null() -> Bool {
        skipSpace()
        return match("null")
    }

    mutating func match(_ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard pos + n <= bytes.count else { return false }
        for k in 0..<n where bytes[pos + k] != word.utf8Start[k] { return false }
        pos += n
        return true
    }

    /// Consumes the next value, whatever it is.
    mutating func skip() throws {
        switch try peek() {
        case .object: try object { s, _ in try s.skip() }
        case .array: try array { s, _ in try s.skip() }
        case .string: _ = try string()
        case .number: _ = try integer()
        case .bool: _ = try bool()
        case .null: _ = null()
        }
    }

    /// True when only white space is left.
    mutating func atEnd() -> Bool {
        skipSpace()
        return pos == bytes.count
    }

    /// Checks that only white space follows the document (RFC 8259: one value per text).
    mutating func end() throws {
        guard atEnd() else { throw fail("unexpected data after the end of the JSON document") }
    }

    /// True when `key` equals the ASCII text.
    static func key(_ key: UnsafeRawBufferPointer, is text: StaticString) -> Bool {
        let n = text.utf8CodeUnitCount
        guard key.count == n else { return false }
        for k in 0..<n where key[k] != text.utf8Start[k] { return false }
        return true
    }
}
