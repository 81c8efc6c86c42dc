import FoundationEssentials
import NeighSyncCore

/// Writes the JSON result of each apply run (`--report FILE`) for monitoring: an `ApplyDocument` (counts, every
/// change with its outcome, failures with their Windows status, duration, end time, trigger) written atomically
/// (`AtomicFile`: a new `mkstemp` file in the same directory, then renamed over FILE), so a reader never sees half a
/// document.
/// Equivalent: node_exporter's textfile collector convention (write `.tmp`, then `rename(2)`).
public enum ReportFile {
    /// Writes `document` to `path` atomically (mode 0644), stamping `finishedAt` with `now`. Throws an error naming
    /// the path and what to check.
    public static func write(_ document: ApplyDocument, to path: String, now: Date = Date()) throws {
        var doc = document
        doc.finishedAt = RunLogger.timestamp(now)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let text = JSONText.escapingControls(String(decoding: try encoder.encode(doc), as: UTF8.self))
        do { try AtomicFile.write(Array((text + "\n").utf8), to: path, what: "the report") } catch {
            throw Failure(description: error.description)
        }
    }

    /// A report that could not be written.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        /// The message for the user.
        public var description: String
    }
}
