import ArgumentParser
import FoundationEssentials
import IpNet
import NeighSync
#if canImport(Glibc)
import Glibc
#endif

/// Output helpers shared by the subcommands: results to stdout, errors to stderr, JSON with sorted keys,
/// compiler-style diagnostics with source snippets, colour only on a TTY without NO_COLOR. iproute2 equivalent:
/// `ip -color=auto`, results on stdout and `RTNETLINK answers: …` on stderr.
enum Console {
    /// Writes to stdout without a trailing newline being added.
    static func out(_ s: String) {
        StandardError.write(s, to: 1)
    }

    /// Writes a line to stderr, control characters other than newlines and tabs escaped (`DisplayText.sanitized`).
    static func err(_ s: String) {
        let t = DisplayText.sanitized(s)
        StandardError.write(t.hasSuffix("\n") ? t : t + "\n")
    }

    /// Prints `error: message` to stderr and returns exit code 1 to throw.
    static func fail(_ message: String) -> ExitCode {
        err("error: \(message)")
        return ExitCode(1)
    }

    /// Prints file diagnostics (with source lines and carets) and the closing count line, e.g.
    /// `2 errors; nothing was applied`, to stderr.
    static func report(_ list: DiagnosticList, _ outcome: String) {
        let n = list.diagnostics.count
        err(list.rendered() + "\(n) error\(n == 1 ? "" : "s"); \(outcome)")
    }

    /// Pretty JSON with sorted keys and a final newline; every control character inside a string is a `\u00XX`
    /// escape (the encoder escapes C0 itself, `JSONText.escapingControls` DEL and C1).
    static func json<T: Encodable>(_ value: T) throws -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return JSONText.escapingControls(String(decoding: try enc.encode(value), as: UTF8.self)) + "\n"
    }

    /// True when stdout is a terminal and NO_COLOR is unset.
    static var useColor: Bool {
        ProcessInfo.processInfo.environment["NO_COLOR"] == nil && isatty(1) == 1
    }

    /// The JSON form of diagnostics: `[{"file", "line", "column", "message", "notes": [...]}]`.
    struct DiagnosticRecord: Encodable {
        var file: String?
        var line: Int?
        var column: Int?
        var message: String
        var notes: [DiagnosticRecord]?

        init(_ d: Diagnostic) {
            file = d.mark?.file
            line = d.mark?.line
            column = d.mark?.column
            message = d.message
            notes = d.notes.isEmpty ? nil : d.notes.map {
                DiagnosticRecord(Diagnostic(mark: $0.mark, message: $0.message))
            }
        }
    }
}
