/// Makes text from the kernel or a file safe to print: the one escaping function for every text, YAML comment and
/// log output. Interface names may hold any byte but NUL, '/', ':' and whitespace (`dev_valid_name()` in
/// `net/core/dev.c`), so a link named `a\e[31m` would otherwise inject terminal escapes (`ip link` prints names
/// raw). Equivalent: systemd's `cescape()`.
public enum DisplayText {
    /// `s` with control characters (C0, DEL, C1), bidirectional-override and line/paragraph-separator characters
    /// written as `\n`, `\t`, `\r`, `\xHH` / `\u{HHHH}`, and `\` as `\\`; everything else unchanged. Text without
    /// those characters comes back as it is.
    public static func escaped(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: needsEscape) else { return s }
        var out = ""
        for u in s.unicodeScalars {
            if u == "\\" { out += "\\\\" }
            else if u == "\n" { out += "\\n" }
            else if u == "\t" { out += "\\t" }
            else if u == "\r" { out += "\\r" }
            else if u.value >= Link.rawByteBase { out += hexByte(UInt8(u.value - Link.rawByteBase)) }
            else if needsEscape(u) {
                let h = String(u.value, radix: 16)
                if u.value < 0x100 { out += "\\x" + (h.count < 2 ? "0" : "") + h } else { out += "\\u{\(h)}" }
            } else { out.unicodeScalars.append(u) }
        }
        return out
    }

    /// `\xHH` for one byte.
    static func hexByte(_ b: UInt8) -> String {
        let h = String(b, radix: 16)
        return "\\x" + (h.count < 2 ? "0" : "") + h
    }

    /// True for the scalars `escaped` rewrites: also the ones standing for a byte of an interface name that is not
    /// UTF-8 (`Link.name(fromBytes:)`), written as that byte (`\xff`).
    public static func needsEscape(_ u: Unicode.Scalar) -> Bool {
        u.value >= Link.rawByteBase || needsEscapeOther(u)
    }

    private static func needsEscapeOther(_ u: Unicode.Scalar) -> Bool {
        let v = u.value
        return v < 0x20 || (v >= 0x7f && v <= 0x9f) || v == 0x5c || (v >= 0x202a && v <= 0x202e)
            || (v >= 0x2066 && v <= 0x2069) || v == 0x2028 || v == 0x2029 || v == 0x200e || v == 0x200f
    }

    /// A message for a terminal (an error line, a diagnostic with its snippet): control characters other than `\n`
    /// and `\t` written as `\xHH`, everything else, backslashes included, unchanged, so a name inside a message
    /// cannot inject escapes while the message's own lines and carets stay as they are.
    public static func sanitized(_ s: String) -> String {
        func bad(_ u: Unicode.Scalar) -> Bool {
            (u.value < 0x20 && u != "\n" && u != "\t") || (u.value >= 0x7f && u.value <= 0x9f)
                || u.value >= Link.rawByteBase
        }
        guard s.unicodeScalars.contains(where: bad) else { return s }
        var out = ""
        for u in s.unicodeScalars {
            if u.value >= Link.rawByteBase { out += hexByte(UInt8(u.value - Link.rawByteBase)) }
            else if bad(u) {
                let h = String(u.value, radix: 16)
                out += "\\x" + (h.count < 2 ? "0" : "") + h
            } else { out.unicodeScalars.append(u) }
        }
        return out
    }
}
