import ArgumentParser
import FoundationEssentials
import IpNet
import NeighSync
#if canImport(Glibc)
import Glibc
import IpNetCore
import NeighSyncCore
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

    /// Prints `error: message` to stderr and returns exit code 1 to throw; with `json`, also prints the
    /// `ErrorDocument` of the failure on stdout (`status`: the Windows status name of a kernel error).
    static func fail(_ message: String, json: Bool = false, status: String? = nil) -> ExitCode {
        err("error: \(message)")
        if json { out((try? Console.json(ErrorDocument(message: message, status: status))) ?? "") }
        return ExitCode(1)
    }

    /// `fail` for a kernel error: `error: STATUS: reason`, and the status in the JSON document. `hint` is appended.
    static func fail(_ e: IpNetError, json: Bool = false, hint: String = "") -> ExitCode {
        fail(e as any Error, outcome: "", json: json, hint: hint)
    }

    /// Prints file diagnostics (with source lines and carets) and the closing count line, e.g.
    /// `2 errors; nothing was applied`, to stderr; with `json`, also the `ErrorDocument` on stdout.
    static func report(_ list: DiagnosticList, _ outcome: String, json: Bool = false) {
        _ = fail(list, outcome: outcome, json: json)
    }

    /// The one place where a failure becomes what the user sees and the exit status: prints `failure(_:outcome:)`'s
    /// text to stderr and, with `json`, its `ErrorDocument` on stdout, and returns exit code 1 to throw. An
    /// `ExitCode` (the failure was already reported) is returned as it is.
    static func fail(_ error: any Error, outcome: String, json: Bool = false, hint: String = "") -> ExitCode {
        if let code = error as? ExitCode { return code }
        let f = failure(error, outcome: outcome, hint: hint)
        err(f.text)
        if json { out((try? Console.json(f.document)) ?? "") }
        return ExitCode(1)
    }

    /// What a failure shows, by the layer it comes from: file diagnostics (`DiagnosticList`) compiler style with
    /// source lines and carets, then the count line with `outcome` (`2 errors; no plan was made`); a kernel error
    /// (`IpNetError`) as `error: STATUS: reason` + `hint`, its Windows status in the JSON document; anything else
    /// (a state file, a plan file or a `--hosts` directory: `RecordError`, which names the file and field; a
    /// refusal) as `error: ` + its description. The JSON is the `ErrorDocument`.
    static func failure(_ error: any Error, outcome: String, hint: String = "")
        -> (text: String, document: ErrorDocument) {
        switch error {
        case let list as DiagnosticList:
            let summary = "\(list.countText); \(outcome)"
            return (list.rendered() + summary, ErrorDocument(list, summary: summary))
        case let e as IpNetError:
            let message = e.description + hint
            return ("error: " + message, ErrorDocument(message: message, status: e.windowsName))
        default:
            let message = "\(error)" + hint
            return ("error: " + message, ErrorDocument(message: message))
        }
    }

    /// Prints the warnings of a file that loaded (compiler style, with a closing count) to stderr; nothing when
    /// there are none.
    static func warn(_ warnings: DiagnosticList) {
        guard warnings.count > 0 else { return }
        let n = warnings.count
        err(warnings.rendered() + "\(n) warning\(n == 1 ? "" : "s")")
    }

    /// Pretty JSON with sorted keys and a final newline; every control character inside a string is a `\u00XX`
    /// escape (the encoder escapes C0 itself, `JSONText.escapingControls` DEL and C1).
    static func json<T: Encodable>(_ value: T) throws -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return JSONText.escapingControls(String(decoding: try enc.encode(value), as: UTF8.self)) + "\n"
    }

    /// True when colour may be printed: stdout is a terminal, `--no-color` was not given and `NO_COLOR` is unset or
    /// empty (no-color.org: only a non-empty value turns colour off). iproute2 equivalent: `ip -color=auto`.
    static func useColor(noColorFlag: Bool) -> Bool {
        ColorPolicy.enabled(noColorFlag: noColorFlag, environment: ProcessInfo.processInfo.environment,
                            isTerminal: isatty(1) == 1)
    }
}
