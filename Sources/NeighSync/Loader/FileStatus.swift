import Glibc
import NeighSyncCore

/// What a path is (a directory, a regular file or something else such as a pipe) and its size, from `stat(2)`;
/// and the whole content of a file read with `read(2)` into memory (never mapped: a file truncated while it is read
/// gives fewer bytes, not SIGBUS). The loader, the snapshot reader and the lock use it, so the library needs only
/// FoundationEssentials. iproute2 equivalent: the `fopen`/`fstat` of `ip -batch FILE`.
struct FileStatus {
    /// The kinds of path neighsync distinguishes.
    enum Kind { case directory, regular, other }

    /// The kind.
    var kind: Kind
    /// The size in bytes.
    var size: Int

    /// The status of `path`, nil when it does not exist or cannot be reached.
    init?(path: String) {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        self.init(st)
    }

    init(_ st: stat) {
        switch st.st_mode & S_IFMT {
        case S_IFDIR: kind = .directory
        case S_IFREG: kind = .regular
        default: kind = .other
        }
        size = Int(st.st_size)
    }

    /// `a FIFO`, `a directory`, `a socket`, … for "not a regular file (…)" messages.
    static func describe(mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: return "a directory"
        case S_IFIFO: return "a FIFO"
        case S_IFSOCK: return "a socket"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        default: return "not a file"
        }
    }

    /// The bytes of `path` (regular file, pipe or /proc file), or why they could not be read.
    static func readAll(_ path: String, limit: Int = Int.max) -> Result<[UInt8], ReadFailure> {
        readFile(path, limit: limit, regularOnly: false)
    }

    /// The bytes of `path`, read whole into memory up to `limit` (one byte more tells that it is over). The path is
    /// opened with `O_NONBLOCK` and checked with `fstat` on the open descriptor, so a FIFO never blocks the open:
    /// with `regularOnly` anything but a regular file is refused (`notRegular`); otherwise a FIFO or character
    /// device is then read blocking (`-f /dev/stdin`, `-f <(…)`). A directory is always refused. A regular file
    /// larger than `limit` is refused by its size before reading (`tooLarge`). C equivalent:
    /// `open(O_RDONLY|O_NONBLOCK|O_CLOEXEC|O_NOCTTY)`, `fstat`, `read` loop.
    static func readFile(_ path: String, limit: Int, regularOnly: Bool) -> Result<[UInt8], ReadFailure> {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard fd >= 0 else { return .failure(ReadFailure(errno: errno)) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return .failure(ReadFailure(errno: errno)) }
        let kind = st.st_mode & S_IFMT
        if kind == S_IFDIR || (regularOnly && kind != S_IFREG) {
            return .failure(ReadFailure(errno: 0, notRegular: describe(mode: st.st_mode)))
        }
        if kind == S_IFREG && Int(st.st_size) > limit {
            return .failure(ReadFailure(errno: EFBIG, size: Int(st.st_size)))
        }
        if kind != S_IFREG {
            // A pipe or terminal: read as it comes (blocking), the open alone could not hang.
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        }
        return read(fd: fd, limit: limit, sizeHint: kind == S_IFREG ? Int(st.st_size) : 0)
    }

    /// Everything readable from `fd` until end of file, up to `limit` bytes (`EFBIG` past it). `sizeHint` (a regular
    /// file's size) sizes the buffer so one `read` usually takes all; a file that grows meanwhile is read on, one
    /// that shrinks ends early. C equivalent: a `read(2)` loop into one growing buffer.
    static func read(fd: Int32, limit: Int, sizeHint: Int = 0) -> Result<[UInt8], ReadFailure> {
        var failure: Int32 = 0
        var ended = false
        /// Reads into `p` until it is full or the end of file; returns how many bytes it holds.
        func fill(_ p: UnsafeMutableRawBufferPointer) -> Int {
            guard let base = p.baseAddress else { return 0 }
            var got = 0
            while got < p.count {
                let n = Glibc.read(fd, base + got, p.count - got)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return got
                }
                if n == 0 {
                    ended = true
                    return got
                }
                got += n
            }
            return got
        }
        // One byte past the expected size, so the end of file is seen without growing the buffer. A pipe or device
        // (no size) with a bounded limit gets the whole limit reserved at once: the pages are only touched as bytes
        // arrive, and the buffer is never regrown, so reading up to the limit costs the limit, not the old and the
        // new buffer of a doubling copy (`yes | neighsync validate -f -` peaked 20 MB above the limit).
        let first = (sizeHint > 0 ? min(sizeHint, limit) : limit <= 1 << 30 ? limit : 1 << 16) + 1
        var out = [UInt8](unsafeUninitializedCapacity: first) { buffer, initialized in
            initialized = fill(UnsafeMutableRawBufferPointer(buffer))
        }
        var chunk: [UInt8] = []
        while !ended && failure == 0 && out.count <= limit {
            if chunk.isEmpty { chunk = [UInt8](repeating: 0, count: 1 << 16) }
            let n = chunk.withUnsafeMutableBytes { fill($0) }
            out.append(contentsOf: chunk[0..<n])
        }
        if failure != 0 { return .failure(ReadFailure(errno: failure)) }
        if out.count > limit { return .failure(ReadFailure(errno: EFBIG)) }
        return .success(out)
    }

    /// A failed read, with the reason `strerror` gives (or what the path is, when it is not a regular file).
    struct ReadFailure: Error, CustomStringConvertible {
        var errno: Int32
        /// Set when the path was refused for its kind: `a FIFO`, `a directory`, …
        var notRegular: String? = nil
        /// For `EFBIG` on a regular file: its size from `fstat`.
        var size: Int? = nil
        var description: String {
            if let notRegular { return "not a regular file (\(notRegular))" }
            return String(cString: strerror(errno))
        }
    }
}
