/// The source line printed under a diagnostic, with a caret under its column, cut to a window of `width` columns
/// around the caret (`…` marks a cut side) so a one-line multi-megabyte file gives a short snippet, not the whole
/// line once per error. Control characters show as U+FFFD (one column, so the caret stays in place); tabs stay tabs.
/// Lines are split as libyaml counts them (LF, CR LF, CR) and columns are code points, as in libyaml's marks.
/// Built from the bytes while the loader holds them, so nothing keeps a file's text after loading. clang
/// equivalent: the snippet line of a diagnostic, which clang likewise clips around the caret for long lines.
package enum SourceExcerpt {
    /// The widest window of source shown, in columns.
    package static let width = 120

    /// The rendered snippet (`  text\n  ^\n`) for each of `marks` (1-based line and column) found in `bytes`; a mark
    /// past the end of the text gets none. One pass over the bytes up to the last line asked for.
    package static func snippets(for marks: [SourceMark], in bytes: UnsafeBufferPointer<UInt8>)
        -> [SourceMark: String] {
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
                let byColumn = snippets(columns: ms.map(\.column), line: text)
                for m in ms { out[m] = byColumn[m.column] }
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
    package static func snippet(line: UnsafeBufferPointer<UInt8>, column: Int) -> String {
        snippets(columns: [column], line: line)[column] ?? ""
    }

    /// The snippet for each of `columns` (1-based code points) on one line, in two walks over the line whatever the
    /// number of columns: one counts its code points, one finds the byte offsets of every window's ends.
    package static func snippets(columns: [Int], line: UnsafeBufferPointer<UInt8>) -> [Int: String] {
        // A code point starts at every byte that is not a UTF-8 continuation byte.
        var total = 0
        for b in line where b & 0xC0 != 0x80 { total += 1 }
        var windows: [Int: (first: Int, end: Int)] = [:]
        for c in columns {
            let caret = max(c - 1, 0)
            let first = max(0, min(caret - width / 2, total - width))
            windows[c] = (first, min(total, first + width))
        }
        // Byte offset of each code-point index a window starts or ends at (the end of the line for `total`).
        let wanted = Set(windows.values.flatMap { [$0.first, $0.end] }).sorted()
        var offset: [Int: Int] = [:]
        var k = 0
        var points = 0
        for i in line.indices where line[i] & 0xC0 != 0x80 {
            while k < wanted.count && wanted[k] == points {
                offset[points] = i
                k += 1
            }
            if k == wanted.count { break }
            points += 1
        }
        var out: [Int: String] = [:]
        for (c, w) in windows {
            let caret = max(c - 1, 0)
            let firstByte = offset[w.first] ?? line.count, endByte = offset[w.end] ?? line.count
            var text = w.first > 0 ? "…" : ""
            var pad = w.first > 0 ? " " : ""
            var col = w.first
            let window = UnsafeBufferPointer(rebasing: line[min(firstByte, endByte)..<endByte])
            for s in String(decoding: window, as: UTF8.self).unicodeScalars {
                let control = s.value < 32 || (s.value >= 127 && s.value < 160) || s.value == 0xFEFF
                text.unicodeScalars.append(s == "\t" ? "\t" : control ? "\u{FFFD}" : s)
                if col < caret { pad.unicodeScalars.append(s == "\t" ? "\t" : " ") }
                col += 1
            }
            if endByte < line.count { text += "…" }
            out[c] = "  \(text)\n  \(pad)^\n"
        }
        return out
    }
}
