import FoundationEssentials

/// Every problem found while loading or resolving a desired state, in file and position order, as one error value.
/// It keeps the text of the files it points into (when the loader had them in memory), so `rendered()` can print
/// each diagnostic compiler-style with its source line and caret; for other files it reads the line from disk.
/// iproute2 equivalent: the messages of `ip -batch FILE`, which stops at the first (`Command failed FILE:LINE`).
public struct DiagnosticList: Error, Hashable, Sendable, CustomStringConvertible {
    /// The diagnostics, sorted by file, line and column (those without a position last, in their order).
    /// iproute2 equivalent: the error lines `ip -batch` prints.
    public var diagnostics: [Diagnostic]
    /// File text by path, for the files the diagnostics point into and the loader had in memory. iproute2 has no
    /// equivalent (it prints no source lines).
    public var sources: [String: String]

    /// Builds a list; `diagnostics` are sorted by position (stable for equal positions). iproute2 has no equivalent.
    public init(_ diagnostics: [Diagnostic], sources: [String: String] = [:]) {
        self.diagnostics = diagnostics.enumerated().sorted { a, b in
            switch (a.element.mark, b.element.mark) {
            case (nil, nil): return a.offset < b.offset
            case (nil, _): return false
            case (_, nil): return true
            case let (x?, y?): return x == y ? a.offset < b.offset : x < y
            }
        }.map(\.element)
        self.sources = sources
    }

    /// The number of diagnostics (an `ip -batch` run reports at most one).
    public var count: Int { diagnostics.count }

    /// The number of errors (diagnostics that are not warnings).
    public var errorCount: Int { diagnostics.reduce(0) { $0 + ($1.isError ? 1 : 0) } }

    /// The number of warnings.
    public var warningCount: Int { diagnostics.count - errorCount }

    /// `2 errors`, `1 error, 1 warning`: the counts for a closing line. iproute2 equivalent: none.
    public var countText: String {
        let e = errorCount, w = warningCount
        var s = "\(e) error\(e == 1 ? "" : "s")"
        if w > 0 { s += ", \(w) warning\(w == 1 ? "" : "s")" }
        return s
    }

    /// One `file:line:col: error: message` line per diagnostic, without snippets. iproute2 equivalent: `Command
    /// failed FILE:LINE`.
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }

    /// The compiler-style text of every diagnostic (header, source line, caret, notes), lines taken from `sources`
    /// or, failing that, from the file on disk. iproute2 equivalent: none (it prints the failing line number only).
    public func rendered() -> String {
        var cache: [String: [Substring]] = [:]
        for (path, text) in sources { cache[path] = DiagnosticList.lines(text) }
        // Control characters (a NUL, an escape) would garble the terminal; show them as U+FFFD.
        func printable(_ s: Substring) -> String {
            String(String.UnicodeScalarView(s.unicodeScalars.map {
                ($0.value < 32 && $0 != "\t") || $0.value == 127 ? "\u{FFFD}" : $0
            }))
        }
        return rendered { file, line in
            if cache[file] == nil {
                let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
                cache[file] = DiagnosticList.lines(text)
            }
            guard let lines = cache[file], line >= 1, line <= lines.count else { return nil }
            return printable(lines[line - 1])
        }
    }

    /// The compiler-style text of every diagnostic with lines from `source` (path, 1-based line → text). iproute2
    /// equivalent: none.
    public func rendered(source: (String, Int) -> String?) -> String {
        diagnostics.map { $0.rendered(source: source) }.joined()
    }

    /// Splits text into lines as libyaml counts them (LF, CR LF, CR).
    static func lines(_ text: String) -> [Substring] {
        var out: [Substring] = []
        var start = text.startIndex
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            if c == "\n" || c == "\r\n" || c == "\r" {
                out.append(text[start..<i])
                i = text.index(after: i)
                start = i
            } else {
                i = text.index(after: i)
            }
        }
        out.append(text[start...])
        return out
    }
}
