/// The source line printed under a diagnostic, with a caret under its column, cut to a window of `width` columns
/// around the caret (`…` marks a cut side) so a one-line multi-megabyte file gives a short snippet, not the whole
/// line once per error. Control characters show as U+FFFD (one column, so the caret stays in place); tabs stay tabs.
/// Lines are split as libyaml counts them (LF, CR LF, CR) and columns are code points, as in libyaml's marks.
/// Built from the bytes while the loader holds them, so nothing keeps a file's text after loading. clang
/// equivalent: the snippet line of a diagnostic, which clang likewise clips around the caret for long lines.
enum SourceExcerpt {
    /// The widest window of source shown, in columns.
    static let width = 120

    /// The rendered snippet (`  text\n  ^\n`) for each of `marks` (1-based line and column) found in `bytes`; a mark
    /// past the end of the text gets none. One pass over the bytes up to the last line asked for.
    static func snippets(for marks: [SourceMark], in bytes: UnsafeBufferPointer<UInt8>) -> [SourceMark: String] {
        var out: [SourceMark: String] = [:]
        let wanted = Set(marks.map(\.line))
        guard let last = wanted.max(), last >= 1 else { return out }
        var byLine: [Int: [SourceMark]] = [:]
        for m in marks { byLine[m.line, default: []].append(m) }
        var line = 1
        var start = 0
        var i = 0
        while line <= last {
            // Find the end of the current line.
            while i < bytes.count && bytes[i] != 10 && bytes[i] != 13 { i += 1 }
            if wanted.contains(line), let ms = byLine[line] {
                let text = UnsafeBufferPointer(rebasing: bytes[start..<i])
                for m in ms { out[m] = snippet(line: text, column: m.column) }
            }
            guard i < bytes.count else { break }
            i += bytes[i] == 13 && i + 1 < bytes.count && bytes[i + 1] == 10 ? 2 : 1
            start = i
            line += 1
        }
        return out
    }

    /// `  text\n  ^\n` for one line's bytes (no line break) and a 1-based code-point column; the text is cut to
    /// `width` columns around the caret when longer.
    static func snippet(line: UnsafeBufferPointer<UInt8>, column: Int) -> String {
        let caret = max(column - 1, 0)
        // Code points in the line, counted only as far as the window can reach (a code point starts at every byte
        // that is not a UTF-8 continuation byte).
        var total = 0
        for b in line where b & 0xC0 != 0x80 {
            total += 1
            if total > caret + width { break }
        }
        let first = max(0, min(caret - width / 2, total - width))
        let end = min(total, first + width)
        var firstByte = line.count, endByte = line.count
        var points = 0
        for i in line.indices where line[i] & 0xC0 != 0x80 {
            if points == first { firstByte = i }
            if points == end { endByte = i; break }
            points += 1
        }
        let cutLeft = first > 0
        let cutRight = endByte < line.count
        var text = cutLeft ? "…" : ""
        var pad = cutLeft ? " " : ""
        var col = first
        let window = UnsafeBufferPointer(rebasing: line[min(firstByte, endByte)..<endByte])
        for s in String(decoding: window, as: UTF8.self).unicodeScalars {
            let control = s.value < 32 || (s.value >= 127 && s.value < 160) || s.value == 0xFEFF
            text.unicodeScalars.append(s == "\t" ? "\t" : control ? "\u{FFFD}" : s)
            if col < caret { pad.unicodeScalars.append(s == "\t" ? "\t" : " ") }
            col += 1
        }
        if cutRight { text += "…" }
        return "  \(text)\n  \(pad)^\n"
    }
}
