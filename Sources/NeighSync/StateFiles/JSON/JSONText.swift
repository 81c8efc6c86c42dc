/// JSON text written by hand (log lines, snapshots) where a generic encoder would cost too much: one place that
/// quotes strings. iproute2 equivalent: `jsonw_string()` in `lib/json_writer.c`.
public enum JSONText {
    /// A JSON string literal with the escapes RFC 8259 requires (`"`, `\\`, `\n`, `\r`, `\t`, other C0 control
    /// characters as `\u00XX`) and DEL and the C1 controls as `\u00XX` too, so no terminal escape is ever printed
    /// raw (an interface may be named `a\e[31m`).
    public static func quoted(_ v: String) -> String {
        var out = "\""
        for s in v.unicodeScalars {
            switch s {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if isControl(s) { out += unicodeEscape(s) } else { out.unicodeScalars.append(s) }
            }
        }
        return out + "\""
    }

    /// `text` (a whole JSON document from a generic encoder, which leaves DEL and C1 controls raw) with DEL and the
    /// C1 controls rewritten as `\u00XX`. Safe on any valid JSON text: those characters can only occur inside strings,
    /// where the escape means the same character.
    public static func escapingControls(_ text: String) -> String {
        func isHigh(_ s: Unicode.Scalar) -> Bool { s.value >= 0x7f && s.value <= 0x9f }
        guard text.unicodeScalars.contains(where: isHigh) else { return text }
        var out = ""
        for s in text.unicodeScalars {
            if isHigh(s) { out += unicodeEscape(s) } else { out.unicodeScalars.append(s) }
        }
        return out
    }

    static func isControl(_ s: Unicode.Scalar) -> Bool { s.value < 0x20 || (s.value >= 0x7f && s.value <= 0x9f) }

    static func unicodeEscape(_ s: Unicode.Scalar) -> String {
        let h = String(s.value, radix: 16)
        return "\\u" + String(repeating: "0", count: 4 - h.count) + h
    }
}
