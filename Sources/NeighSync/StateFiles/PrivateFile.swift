import Glibc
import NeighSyncCore

/// Writes a file only its owner may read (mode 0600), atomically (`AtomicFile`: a new `mkstemp` file next to the
/// target, never an existing file or a planted symlink, renamed over the target). Used for saved plans, which show
/// the neighbor table. Equivalent: coreutils `install -m 600`.
enum PrivateFile {
    /// Writes `bytes` to `path`; `what` names the file in errors ("the plan file").
    static func write(_ bytes: [UInt8], to path: String, what: String) throws {
        do { try AtomicFile.write(bytes, to: path, mode: 0o600, what: what) } catch {
            throw failure(what, path, error.errno)
        }
    }

    static func failure(_ what: String, _ path: String, _ e: Int32) -> RecordError {
        RecordError(file: path, "cannot write \(what) (\(String(cString: strerror(e))))",
                    remedy: "check that the directory exists and is writable")
    }
}
