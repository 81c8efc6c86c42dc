import IpNet

/// A small pull parser over JSON bytes, for reading large snapshots fast: `plan --state` reads 100,000 rows of
/// `neighsync show --output json` or `ip -j neigh show` without building a tree of Foundation objects. Values are
/// consumed in order (objects member by member, arrays element by element); strings come back as byte views when
/// they hold no escapes. Errors carry the byte offset. iproute2 equivalent: none (iproute2 only writes JSON, with
/// `json_writer.c`).
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
    /// the next call to `string()`.
    mutating func string() throws -> UnsafeRawBufferPointer {
        try expect(UInt8(ascii: "\""))
        let start = pos
        var escaped = false
        while pos < bytes.count {
            let c = bytes[pos]
            if c == UInt8(ascii: "\"") {
                let view = UnsafeRawBufferPointer(rebasing: bytes[start..<pos])
                pos += 1
                return escaped ? scratch.store(try Self.unescape(view, at: start)) : view
            }
            if c == UInt8(ascii: "\\") { escaped = true; pos += 2; continue }
            if c < 0x20 { throw fail("control character in a string") }
            pos += 1
        }
        throw fail("unterminated string")
    }

    /// The next string as a Swift String.
    mutating func text() throws -> String { String(decoding: try string(), as: UTF8.self) }

    /// The bytes of a string body with its escapes decoded.
    static func unescape(_ s: UnsafeRawBufferPointer, at offset: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < s.count {
            let c = s[i]
            guard c == UInt8(ascii: "\\") else { out.append(c); i += 1; continue }
            guard i + 1 < s.count else { throw Failure(offset: offset + i, message: "bad escape") }
            let e = s[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                guard i + 4 <= s.count, let v = UInt32(String(decoding: UnsafeRawBufferPointer(rebasing: s[i..<i + 4]),
                                                               as: UTF8.self), radix: 16) else {
                    throw Failure(offset: offset + i, message: "bad \\u escape")
                }
                i += 4
                out.append(contentsOf: Array(String(Character(Unicode.Scalar(v) ?? "\u{FFFD}")).utf8))
            default: out.append(e)
            }
        }
        return out
    }

    /// The next number as an integer (nil for a fraction or an out-of-range value, which is consumed).
    mutating func integer() throws -> Int64? {
        skipSpace()
        let start = pos
        var negative = false
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "-") { negative = true; pos += 1 }
        var v: Int64 = 0
        var digits = 0
        var overflow = false
        while pos < bytes.count, bytes[pos] >= 0x30, bytes[pos] <= 0x39 {
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(bytes[pos] - 0x30))
            overflow = overflow || o1 || o2
            v = a; digits += 1; pos += 1
        }
        guard digits > 0 else { pos = start; throw fail("expected a number") }
        var whole = true
        while pos < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "+"),
                                  UInt8(ascii: "-")].contains(bytes[pos]) || (bytes[pos] >= 0x30 && bytes[pos] <= 0x39) {
            whole = false; pos += 1
        }
        return whole && !overflow ? (negative ? -v : v) : nil
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

    /// True when `key` equals the ASCII text.
    static func key(_ key: UnsafeRawBufferPointer, is text: StaticString) -> Bool {
        let n = text.utf8CodeUnitCount
        guard key.count == n else { return false }
        for k in 0..<n where key[k] != text.utf8Start[k] { return false }
        return true
    }
}
