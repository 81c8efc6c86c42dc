import Glibc

/// What a path is (a directory, a regular file or something else such as a pipe) and its size, from `stat(2)`;
/// and the whole content of a file read with `read(2)`. The loader, the snapshot reader and the lock use it, so
/// the library needs only FoundationEssentials. iproute2 equivalent: the `fopen`/`fstat` of `ip -batch FILE`.
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
        switch st.st_mode & S_IFMT {
        case S_IFDIR: kind = .directory
        case S_IFREG: kind = .regular
        default: kind = .other
        }
        size = Int(st.st_size)
    }

    /// The bytes of `path` (regular file, pipe or /proc file), or why they could not be read.
    static func readAll(_ path: String, limit: Int = Int.max) -> Result<[UInt8], ReadFailure> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(ReadFailure(errno: errno)) }
        defer { close(fd) }
        var st = stat()
        var out: [UInt8] = []
        if fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG { out.reserveCapacity(Int(st.st_size)) }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(ReadFailure(errno: errno))
            }
            if n == 0 { return .success(out) }
            out.append(contentsOf: chunk[0..<n])
            if out.count > limit { return .failure(ReadFailure(errno: EFBIG)) }
        }
    }

    /// A failed read, with the reason `strerror` gives.
    struct ReadFailure: Error, CustomStringConvertible {
        var errno: Int32
        var description: String { String(cString: strerror(errno)) }
    }
}
