import FoundationEssentials
import Glibc

/// Writes the JSON result of each apply run (`--report FILE`) for monitoring: an `ApplyDocument` (counts, every
/// change with its outcome, failures with their Windows status, duration, end time, trigger) written atomically, to
/// a temporary file in the same directory that is then renamed over FILE, so a reader never sees half a document.
/// Equivalent: node_exporter's textfile collector convention (write `.tmp`, then `rename(2)`); iproute2 has none.
public enum ReportFile {
    /// Writes `document` to `path` atomically (mode 0644), stamping `finishedAt` with `now`. Throws an error naming
    /// the path and what to check.
    public static func write(_ document: ApplyDocument, to path: String, now: Date = Date()) throws {
        var doc = document
        doc.finishedAt = RunLogger.timestamp(now)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let text = JSONText.escapingControls(String(decoding: try encoder.encode(doc), as: UTF8.self))
        let data = Data((text + "\n").utf8)
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent()
        let temp = dir.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        guard FileManager.default.createFile(atPath: temp.path, contents: data,
                                             attributes: [.posixPermissions: 0o644]) else {
            throw Failure(description: "cannot write the report \(temp.path): check that the directory "
                          + "\(dir.path) exists and is writable")
        }
        guard rename(temp.path, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temp)
            throw Failure(description: "cannot move the report into place at \(path): \(reason)")
        }
    }

    /// A report that could not be written.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        /// The message for the user.
        public var description: String
    }
}
