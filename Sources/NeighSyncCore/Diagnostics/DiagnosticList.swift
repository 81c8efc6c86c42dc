/// Every problem found while loading or resolving a desired state, in file and position order, as one error value.
/// It keeps, for each position it points at, the snippet the loader cut from the text while it had it in memory
/// (`SourceExcerpt`: a window of the line around the caret, never a whole file), so `rendered()` prints each
/// diagnostic compiler-style with its source line and caret; for positions without one `rendered()` (in NeighSync,
/// beside the loader) reads the line from the file on disk (a regular file only, never standard input or a pipe).
/// What is printed is bounded: at most `renderedLimit` positioned diagnostics, each snippet at most
/// `SourceExcerpt.width` columns, each message with its control characters escaped. iproute2 equivalent: the
/// messages of `ip -batch FILE`, which stops at the first (`Command failed FILE:LINE`).
public struct DiagnosticList: Error, Hashable, Sendable, CustomStringConvertible {
    /// The diagnostics, sorted by file, line and column (those without a position last, in their order).
    /// iproute2 equivalent: the error lines `ip -batch` prints.
    public var diagnostics: [Diagnostic]
    /// The rendered snippet (source window and caret) by position, for the positions the loader had text for.
    public var snippets: [SourceMark: String]

    /// The most positioned diagnostics `rendered()` prints; the rest are counted in one closing line.
    public static let renderedLimit = 100

    /// Builds a list; `diagnostics` are sorted by position (stable for equal positions).
    public init(_ diagnostics: [Diagnostic], snippets: [SourceMark: String] = [:]) {
        self.diagnostics = diagnostics.enumerated().sorted { a, b in
            switch (a.element.mark, b.element.mark) {
            case (nil, nil): return a.offset < b.offset
            case (nil, _): return false
            case (_, nil): return true
            case let (x?, y?): return x == y ? a.offset < b.offset : x < y
            }
        }.map(\.element)
        self.snippets = snippets
    }

    /// The number of diagnostics (an `ip -batch` run reports at most one).
    public var count: Int { diagnostics.count }

    /// The number of errors (diagnostics that are not warnings).
    public var errorCount: Int { diagnostics.reduce(0) { $0 + ($1.isError ? 1 : 0) } }

    /// The number of warnings.
    public var warningCount: Int { diagnostics.count - errorCount }

    /// `2 errors`, `1 error, 1 warning`: the counts for a closing line.
    public var countText: String {
        let e = errorCount, w = warningCount
        var s = "\(e) error\(e == 1 ? "" : "s")"
        if w > 0 { s += ", \(w) warning\(w == 1 ? "" : "s")" }
        return s
    }

    /// Every position a diagnostic or one of its notes points at.
    package var marks: [SourceMark] { diagnostics.flatMap { d in (d.mark.map { [$0] } ?? []) + d.notes.map(\.mark) } }

    /// One `file:line:col: error: message` line per diagnostic, without snippets. iproute2 equivalent: `Command
    /// failed FILE:LINE`.
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }

    /// The compiler-style text of every diagnostic with snippets from `snippet` (position → rendered snippet).
    public func rendered(snippet: (SourceMark) -> String?) -> String {
        diagnostics.map { $0.rendered(snippet: snippet) }.joined()
    }
}
