/// Byte-level helpers over a scalar's UTF-8 value, so the loader decides types and compares keys without building a
/// Swift String for every scalar. Typing follows the YAML 1.2 core schema, narrowed: integers are `-?(0|[1-9][0-9]*)`
/// or `0x` + hex digits; booleans `true`/`false` (also `True`/`TRUE`/`False`/`FALSE`); null is empty, `~` or `null`.
/// (libyaml leaves this resolution to the caller: `yaml_parser_parse` reports plain text.)
import IpNetCore

package enum ScalarBytes {
    /// What a plain scalar looks like, for "expected …, found …" messages.
    package enum Shape {
        case null, boolean, integer, number, string

        /// `a string`, `an integer`, …
        package var phrase: String {
            switch self {
            case .null: return "null (an empty value)"
            case .boolean: return "a boolean"
            case .integer: return "an integer"
            case .number: return "a number with a fraction"
            case .string: return "a string"
            }
        }
    }

    /// The result of reading an integer.
    package enum IntegerValue: Equatable {
        /// A value ≥ 0.
        case value(UInt64)
        /// A negative value (its magnitude, saturated).
        case negative(UInt64)
        /// Digits that do not fit 64 bits.
        case overflow
        /// Decimal digits with a leading zero (`010`), which YAML 1.1 reads as octal.
        case leadingZero
        /// Not an integer at all.
        case notInteger
    }

    /// True when `b` holds exactly the ASCII text `s`.
    @inline(__always)
    package static func equals(_ b: UnsafeBufferPointer<UInt8>, _ s: StaticString) -> Bool {
        guard b.count == s.utf8CodeUnitCount else { return false }
        let p = s.utf8Start
        for i in 0..<b.count where b[i] != p[i] { return false }
        return true
    }

    /// The index in `table` of the name equal to `b`.
    @inline(__always)
    package static func index(of b: UnsafeBufferPointer<UInt8>, in table: [StaticString]) -> Int? {
        for (i, s) in table.enumerated() where equals(b, s) { return i }
        return nil
    }

    /// True when `s` holds exactly the bytes of `b`.
    @inline(__always)
    package static func equals(_ b: UnsafeBufferPointer<UInt8>, _ s: String) -> Bool {
        guard s.utf8.count == b.count else { return false }
        return s.utf8.withContiguousStorageIfAvailable { u in
            for i in 0..<u.count where u[i] != b[i] { return false }
            return true
        } ?? s.utf8.elementsEqual(b)
    }

    /// The scalar as a String (for messages and interface names).
    package static func string(_ b: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: b, as: UTF8.self)
    }

    /// The longest value, in characters, quoted whole in a message; longer ones are cut with `…`.
    package static let shownLength = 40

    /// A scalar's value as quoted in a message: decoded (invalid UTF-8 as U+FFFD) and cut to `shownLength`
    /// characters plus `…`, so a 10 kB key or address gives a one-line message. Control characters are escaped
    /// later, when the diagnostic is printed (`Diagnostic.printable`).
    package static func shown(_ b: UnsafeBufferPointer<UInt8>) -> String {
        // Decode only what can be shown (a code point takes at most 4 bytes), never the whole value.
        let head = String(decoding: UnsafeBufferPointer(rebasing: b[0..<min(b.count, 4 * shownLength + 4)]),
                          as: UTF8.self)
        return shown(head, cut: b.count > 4 * shownLength + 4)
    }

    /// `text` cut to `shownLength` characters plus `…` (also when `cut` says it was already shortened).
    package static func shown(_ text: String, cut: Bool = false) -> String {
        var out = String.UnicodeScalarView()
        for (i, s) in text.unicodeScalars.enumerated() {
            if i == shownLength { return String(out) + "…" }
            out.append(s)
        }
        return String(out) + (cut ? "…" : "")
    }

    /// A value as every reader (YAML loader, plan-file and snapshot readers) quotes it in a message that is printed
    /// as it is: cut by `shown` (40 characters plus `…`), control characters escaped (`DisplayText.escaped`), in
    /// single quotes. A 50 MB string gives a one-line message.
    package static func quoted(_ text: String) -> String { "'" + DisplayText.escaped(shown(text)) + "'" }

    /// `quoted` for raw UTF-8 bytes, decoding only what can be shown.
    package static func quoted(_ b: UnsafeBufferPointer<UInt8>) -> String { "'" + DisplayText.escaped(shown(b)) + "'" }

    /// `quoted` for raw bytes of a JSON string (`JSONScanner.string()`).
    package static func quoted(_ b: UnsafeRawBufferPointer) -> String { quoted(b.assumingMemoryBound(to: UInt8.self)) }

    /// True for a null plain scalar.
    package static func isNull(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        b.isEmpty || equals(b, "~") || equals(b, "null") || equals(b, "Null") || equals(b, "NULL")
    }

    /// `true`/`false` (and their capitalised forms) as a Bool; nil otherwise.
    package static func boolean(_ b: UnsafeBufferPointer<UInt8>) -> Bool? {
        if equals(b, "true") || equals(b, "True") || equals(b, "TRUE") { return true }
        if equals(b, "false") || equals(b, "False") || equals(b, "FALSE") { return false }
        return nil
    }

    /// True for the YAML 1.1 booleans neighsync refuses (`yes`, `no`, `on`, `off`, `y`, `n`, any case).
    package static func isYAML11Boolean(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard b.count <= 3 else { return false }
        let lower = String(decoding: b, as: UTF8.self).lowercased()
        return ["yes", "no", "on", "off", "y", "n"].contains(lower)
    }

    /// Reads `-?(0|[1-9][0-9]*)` or `0x[0-9a-fA-F]+`.
    package static func integer(_ b: UnsafeBufferPointer<UInt8>) -> IntegerValue {
        guard !b.isEmpty else { return .notInteger }
        if b.count > 2 && b[0] == 48 && (b[1] == 120 || b[1] == 88) {
            var v: UInt64 = 0
            var overflow = false
            for c in b[2...] {
                let d: UInt64
                switch c {
                case 48...57: d = UInt64(c - 48)
                case 97...102: d = UInt64(c - 87)
                case 65...70: d = UInt64(c - 55)
                default: return .notInteger
                }
                if v > (UInt64.max >> 4) { overflow = true }
                v = v &<< 4 | d
            }
            return overflow ? .overflow : .value(v)
        }
        var i = 0
        let negative = b[0] == 45
        if negative { i = 1 }
        guard i < b.count else { return .notInteger }
        var v: UInt64 = 0
        var overflow = false
        let first = i
        while i < b.count {
            let c = b[i]
            guard c >= 48 && c <= 57 else { return .notInteger }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(c - 48))
            if o1 || o2 { overflow = true }
            v = a
            i += 1
        }
        if b[first] == 48 && b.count - first > 1 { return .leadingZero }
        if overflow { return negative ? .negative(UInt64.max) : .overflow }
        return negative ? .negative(v) : .value(v)
    }

    /// How a plain scalar would be typed.
    package static func shape(_ b: UnsafeBufferPointer<UInt8>) -> Shape {
        // Fast path: null, booleans and numbers all start with one of `~tTfFnN+-.` or a digit.
        if let c = b.first {
            switch c {
            case 48...57, 126, 116, 84, 102, 70, 110, 78, 43, 45, 46: break  // 0-9 ~ t T f F n N + - .
            default: return .string
            }
        }
        if isNull(b) { return .null }
        if boolean(b) != nil { return .boolean }
        switch integer(b) {
        case .value, .negative, .overflow: return .integer
        default: break
        }
        return isFloat(b) ? .number : .string
    }

    /// True for `[-+]?(\.[0-9]+|[0-9]+\.[0-9]*)([eE][-+]?[0-9]+)?`: a number with a fraction (YAML 1.2 core
    /// floats, narrowed to need a dot, so `1e10::1` stays an IPv6 address).
    package static func isFloat(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = b.count
        func digits() -> Int {
            let start = i
            while i < n, b[i] >= 48, b[i] <= 57 { i += 1 }
            return i - start
        }
        if i < n, b[i] == 43 || b[i] == 45 { i += 1 }
        let whole = digits()
        guard i < n, b[i] == 46 else { return false }
        i += 1
        let fraction = digits()
        guard whole > 0 || fraction > 0 else { return false }
        if i < n, b[i] == 101 || b[i] == 69 {
            i += 1
            if i < n, b[i] == 43 || b[i] == 45 { i += 1 }
            guard digits() > 0 else { return false }
        }
        return i == n
    }
}
