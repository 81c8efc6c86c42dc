import Glibc

/// Reads an untrusted state file (a snapshot, a `--links` file, a saved plan) whole, only when it is a regular file
/// of at most `limit` bytes, and never blocks: the file is opened with `O_NONBLOCK` (a FIFO without a writer opens
/// at once instead of hanging), its type and size are checked with `fstat` on that same descriptor (no
/// check-then-open race), and at most `limit + 1` bytes are read (a file that grows meanwhile is still refused).
/// So `/dev/zero`, a FIFO, a directory or a 1 TB sparse file are refused in constant time and memory. iproute2
/// equivalent: none (`ip -batch FILE` reads whatever `fopen` gives it).
enum BoundedFileReader {
    /// The largest state file read (256 MiB: a 1,000,000-row snapshot is about 200 MB).
    static let defaultLimit = 256 << 20

    /// Why a file was not read.
    enum Failure: Error, Equatable {
        /// open/fstat/read failed with this errno.
        case system(Int32)
        /// Not a regular file: what it is instead (`a directory`, `a FIFO`, `a character device`, …).
        case notRegular(String)
        /// Larger than the limit.
        case tooLarge(size: Int, limit: Int)

        /// The message for the user, naming the file: what is wrong and what to do.
        func message(path: String) -> String {
            switch self {
            case .system(let e):
                return "\(path): cannot read the file (\(String(cString: strerror(e)))); check the path and its "
                    + "permissions"
            case .notRegular(let what):
                return "\(path) is \(what), not a regular file; save the data to a file first and give that file"
            case .tooLarge(let size, let limit):
                return "\(path) is \(size) bytes, over the limit of \(limit) bytes for a state or plan file"
            }
        }
    }

    /// The bytes of the regular file `path`, or why it was not read. open(2) with O_RDONLY|O_NONBLOCK|O_CLOEXEC|
    /// O_NOCTTY, fstat(2), read(2).
    static func read(_ path: String, limit: Int = defaultLimit) -> Result<[UInt8], Failure> {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { return .failure(.system(errno)) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return .failure(.system(errno)) }
        switch st.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: return .failure(.notRegular("a directory"))
        case S_IFIFO: return .failure(.notRegular("a FIFO (named pipe)"))
        case S_IFCHR: return .failure(.notRegular("a character device"))
        case S_IFBLK: return .failure(.notRegular("a block device"))
        case S_IFSOCK: return .failure(.notRegular("a socket"))
        default: return .failure(.notRegular("not a file"))
        }
        let size = Int(st.st_size)
        guard size <= limit else { return .failure(.tooLarge(size: size, limit: limit)) }
        // Room for one byte more than announced, to notice a file that grew since fstat.
        var out = [UInt8](repeating: 0, count: min(size, limit) + 1)
        var filled = 0
        while true {
            if filled == out.count {
                guard out.count <= limit else { return .failure(.tooLarge(size: filled, limit: limit)) }
                out.append(contentsOf: [UInt8](repeating: 0, count: min(max(out.count, 1 << 16), limit + 1 - out.count)))
            }
            let n = out.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(.system(errno))
            }
            if n == 0 { break }
            filled += n
        }
        guard filled <= limit else { return .failure(.tooLarge(size: filled, limit: limit)) }
        out.removeLast(out.count - filled)
        return .success(out)
    }
}
