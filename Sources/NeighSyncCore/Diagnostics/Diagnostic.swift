import IpNetCore

/// One problem found in a desired-state file, positioned like a compiler error: `file:line:col: error: message`
/// (or `warning:` for something allowed but probably unintended), followed by the source line and a caret under the
/// column (see `rendered(snippet:)`). Collected, not thrown one by one, so a user sees every problem of a file at once;
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

    /// `file:line:col: error: message` (or `warning:`; without a mark `error: message`), no snippet. Control
    /// characters in the path and the message are escaped (`\x1B`), so nothing a file or its name holds reaches the
    /// terminal raw.
    public var description: String {
        let text = "\(severity.rawValue): \(Diagnostic.printable(message))"
        if let mark { return "\(Diagnostic.printable(mark.description)): \(text)" }
        return text
    }

    /// The compiler-style text: the header line, the snippet (source window and caret, see `SourceExcerpt`), then
    /// each note the same way. `snippet` returns the rendered snippet of a position, or nil when unavailable.
    public func rendered(snippet: (SourceMark) -> String?) -> String {
        var out = description + "\n"
        if let mark { out += snippet(mark) ?? "" }
        for n in notes {
            out += "\(Diagnostic.printable(n.mark.description)): note: \(Diagnostic.printable(n.message))\n"
            out += snippet(n.mark) ?? ""
        }
        return out
    }

    /// The longest message printed, in characters; values quoted in messages are already cut
    /// (`ScalarBytes.shown`), this only bounds a message built from something longer.
    static let maxMessageLength = 1000

    /// `text` with control characters (tab and newline included), bidirectional overrides and backslashes escaped
    /// by `DisplayText.escaped` (the one escaping function), cut to `maxMessageLength` characters with `…`. C
    /// equivalent: systemd's `cescape()`.
    public static func printable(_ text: String) -> String {
        var cut = text
        if text.unicodeScalars.count > maxMessageLength {
            cut = String(String.UnicodeScalarView(text.unicodeScalars.prefix(maxMessageLength))) + "…"
        }
        return DisplayText.escaped(cut)
    }
}
