import NeighSync
import NeighSyncCore

/// The JSON a command prints on stdout under `--output json` when it fails before it has a result (a file that does
/// not load or resolve, a `maxDeletes` refusal, a lock held, a kernel error): `{"formatVersion": 1, "ok": false,
/// "error": ONE LINE, "errors": [DIAGNOSTIC…], "warnings": [DIAGNOSTIC…]}`, each diagnostic `{"severity", "file",
/// "line", "column", "message", "notes", "status"}` (position fields only when known, `status` the Windows status
/// name of a kernel error). stderr keeps the human text; the exit status is 1. `validate --output json` uses the same
/// `ok`, `error`, `errors` and `warnings` fields. Terraform equivalent: the `diagnostic` messages of `-json` output.
struct ErrorDocument: Encodable {
    var formatVersion = 1
    var ok = false
    /// The one-line summary stderr ends with (`2 errors; no plan was made`, the refusal, the kernel error).
    var error: String
    var errors: [DiagnosticRecord]
    var warnings: [DiagnosticRecord]

    /// The document of a file that did not load or resolve.
    init(_ list: DiagnosticList, summary: String) {
        error = summary
        errors = list.diagnostics.filter(\.isError).map(DiagnosticRecord.init)
        warnings = list.diagnostics.filter { !$0.isError }.map(DiagnosticRecord.init)
    }

    /// The document of any other failure: one error without a position.
    init(message: String, status: String? = nil) {
        error = message
        var record = DiagnosticRecord(Diagnostic(mark: nil, message: message))
        record.status = status
        errors = [record]
        warnings = []
    }
}

/// One diagnostic in JSON: `{"severity", "file", "line", "column", "message", "notes", "status"}`, nil fields left
/// out; notes carry no severity. Terraform equivalent: a `diagnostic` object of `-json` output.
struct DiagnosticRecord: Encodable {
    var severity: String?
    var file: String?
    var line: Int?
    var column: Int?
    var message: String
    var notes: [DiagnosticRecord]?
    var status: String?

    init(_ d: Diagnostic) {
        severity = d.severity.rawValue
        file = d.mark?.file
        line = d.mark?.line
        column = d.mark?.column
        message = d.message
        notes = d.notes.isEmpty ? nil : d.notes.map {
            var n = DiagnosticRecord(Diagnostic(mark: $0.mark, message: $0.message))
            n.severity = nil
            return n
        }
    }
}
