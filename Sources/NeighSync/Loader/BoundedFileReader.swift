import Glibc
import NeighSyncCore

/// Reads an untrusted state file (a snapshot, a `--links` file, a saved plan) whole, only when it is a regular file
/// of at most `limit` bytes, and never blocks: the file is opened with `O_NONBLOCK` (a FIFO without a writer opens
/// at once instead of hanging), its type and size are checked with `fstat` on that same descriptor (no
/// check-then-open race), and at most `limit + 1` bytes are read (a file that grows meanwhile is still refused).
/// So `/dev/zero`, a FIFO, a directory or a 1 TB sparse file are refused in constant time and memory.
enum BoundedFileReader {
    /// The largest state file read (256 MiB: a 1,000,000-row snapshot is about 200 MB).
    static let defaultLimit = 256 << 20

    /// Why a file was not read.
    enum Failure: Error, Equatable {
        /// open/fstat/read failed with this errno.
        case system(Int32)
        /// Not a regular file: what it is instead (`a directory`, `a FIFO`, `a character device`, …).
        case notRegular(String)
        /// Larger than the limit (its size from `fstat`; nil when it grew past the limit while it was read).
        case tooLarge(size: Int?, limit: Int)

        /// The failure for the user, naming the file: what is wrong and what to do.
        func error(path: String) -> RecordError {
            switch self {
            case .system(let e):
                return RecordError(file: path, "cannot read the file (\(String(cString: strerror(e))))",
                                   remedy: "check the path and its permissions")
            case .notRegular(let what):
                return RecordError(subject: path, "is \(what), not a regular file",
                                   remedy: "save the data to a file first and give that file")
            case .tooLarge(let size, let limit):
                let what = size.map { "\($0) bytes, over" } ?? "over"
                return RecordError(subject: path, "is \(what) the limit of \(limit) bytes for a state or plan file")
            }
        }
    }

    /// The bytes of the regular file `path`, or why it was not read: `FileStatus.readFile` (the one bounded,
    /// non-blocking reader, also the loader's) with regular files only, its failure named for state files.
    /// open(2) with O_RDONLY|O_NONBLOCK|O_CLOEXEC|O_NOCTTY, fstat(2), read(2).
    static func read(_ path: String, limit: Int = defaultLimit) -> Result<[UInt8], Failure> {
        FileStatus.readFile(path, limit: limit, regularOnly: true).mapError { f in
            if let what = f.notRegular { return .notRegular(what) }
            if f.errno == EFBIG { return .tooLarge(size: f.size, limit: limit) }
            return .system(f.errno)
        }
    }
}
