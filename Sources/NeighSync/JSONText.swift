/// JSON text written by hand (log lines, snapshots) where a generic encoder would cost too much: one place that
/// quotes strings. iproute2 equivalent: `jsonw_string()` in `lib/json_writer.c`.
enum JSONText {
    /// A JSON string literal with the escapes RFC 8259 requires: `"`, `\\`, `\n`, `\r`, `\t`, other control
    /// characters as `\u00XX`.
    static func quoted(_ v: String) -> String {
        var out = "\""
        for s in v.unicodeScalars {
            switch s {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if s.value < 0x20 {
                    let h = String(s.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else {
                    out.unicodeScalars.append(s)
                }
            }
        }
        return out + "\""
    }
}
