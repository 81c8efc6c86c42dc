/// One problem found in a desired-state file, positioned like a compiler error: `file:line:col: error: message`
/// (or `warning:` for something allowed but probably unintended), followed by the source line and a caret under the
/// column (see `rendered(source:)`). Collected, not thrown one by one, so a user sees every problem of a file at once;
/// only errors stop a load. iproute2 equivalent: `ip -batch` stops at the first bad line
/// and prints `Command failed FILE:LINE`.
public struct Diagnostic: Error, Hashable, Sendable, CustomStringConvertible {
    /// Where the problem is; nil for problems that belong to no position (a missing file).
    public var mark: SourceMark?
    /// What is wrong and what to do, one line.
    public var message: String
    /// Further positions that explain the problem (e.g. the first of two duplicates), each with a short note.
    public var notes: [Note]
    /// Error (the file is refused) or warning (the file loads; the message is shown).
    public var severity: Severity

    /// How bad a diagnostic is, as compilers print it: `error` refuses the file, `warning` only tells.
    public enum Severity: String, Hashable, Sendable, Codable {
        case error
        case warning
    }

    /// A secondary position with its note (`file:line:col: note: first defined here`).
    public struct Note: Hashable, Sendable {
        /// The position the note points at.
        public var mark: SourceMark
        /// The note text.
        public var message: String
        /// Builds a note.
        public init(mark: SourceMark, message: String) {
            self.mark = mark
            self.message = message
        }
    }

    /// Builds a diagnostic.
    public init(mark: SourceMark?, message: String, notes: [Note] = [], severity: Severity = .error) {
        self.mark = mark
        self.message = message
        self.notes = notes
        self.severity = severity
    }

    /// True for an error (not a warning).
    public var isError: Bool { severity == .error }

    /// `file:line:col: error: message` (or `warning:`; without a mark `error: message`), no snippet.
    public var description: String {
        if let mark { return "\(mark): \(severity.rawValue): \(message)" }
        return "\(severity.rawValue): \(message)"
    }

    /// The compiler-style text: the header line, the source line and a caret under the column, then each note the
    /// same way. `source` returns the text of a line (1-based) of a file, or nil when unavailable.
    public func rendered(source: (String, Int) -> String?) -> String {
        var out = description + "\n"
        if let mark { out += Diagnostic.snippet(mark, source) }
        for n in notes {
            out += "\(n.mark): note: \(n.message)\n"
            out += Diagnostic.snippet(n.mark, source)
        }
        return out
    }

    static func snippet(_ mark: SourceMark, _ source: (String, Int) -> String?) -> String {
        guard let text = source(mark.file, mark.line) else { return "" }
        // Tabs stay tabs under the caret so the caret lines up in a terminal.
        var pad = ""
        for (i, ch) in text.enumerated() where i < mark.column - 1 { pad.append(ch == "\t" ? "\t" : " ") }
        return "  \(text)\n  \(pad)^\n"
    }
}
