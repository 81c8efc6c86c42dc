/// The diagnostics of one desired-state file as it is read: errors, counted against a budget (reaching it stops the
/// file), and warnings (what the file may say but probably does not mean; never counted, never failing the file).
/// Shared by the schema walk, the event stream, the value parsers and the defaults, so every part reports the same
/// way. (`ip -batch` stops at the first bad line).
package final class DiagnosticCollector {
    /// Thrown to stop reading the file; the reason is already in `diagnostics`.
    package struct Stop: Error {
        package init() {}
    }

    /// The path as shown in diagnostics.
    package let path: String
    /// How many diagnostics may be collected before stopping.
    package let budget: Int
    package private(set) var diagnostics: [Diagnostic] = []
    package private(set) var warnings: [Diagnostic] = []

    /// A collector for the file shown as `path`, stopping at `budget` errors.
    package init(path: String, budget: Int) {
        self.path = path
        self.budget = budget
    }

    /// How many errors were collected.
    package var count: Int { diagnostics.count }

    /// True once the budget is spent.
    package var isFull: Bool { diagnostics.count >= budget }

    /// Adds an error; throws `Stop` when that spends the budget.
    package func error(_ message: String, at m: SourceMark?, notes: [Diagnostic.Note] = []) throws {
        diagnostics.append(Diagnostic(mark: m, message: message, notes: notes))
        if diagnostics.count >= budget { throw Stop() }
    }

    /// Adds a warning.
    package func warning(_ message: String, at m: SourceMark?) {
        warnings.append(Diagnostic(mark: m, message: message, severity: .warning))
    }

    /// Drops the errors on `line` and after it (what was read from a line libyaml then could not scan).
    package func dropErrors(fromLine line: Int) {
        diagnostics.removeAll { ($0.mark?.line ?? 0) >= line }
    }
}
