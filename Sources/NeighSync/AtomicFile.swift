import Glibc

/// Replaces a file atomically, for files other programs read while neighsync writes them (`--report`, `--metrics`):
/// the bytes go to a new file made by `mkstemp` in the same directory (O_EXCL with a random name: nothing planted at
/// that name is ever followed or reused), mode 0644 whatever the umask, flushed with `fsync`, then `rename(2)`d over
/// the path (which replaces whatever the path was, a symlink included, never its target), so a reader sees the old
/// file or the new one, never half of one; the temporary file is removed on any failure. C equivalent: `mkstemp(3)`,
/// `fchmod(2)`, `write(2)`, `fsync(2)`, `rename(2)`; node_exporter's textfile recipe (`sponge`, then `mv`).
enum AtomicFile {
    /// Writes `bytes` to `path` (see the type). Throws a message naming `what` (e.g. `the metrics file`), the path
    /// and what to check.
    static func write(_ bytes: [UInt8], to path: String, what: String) throws(Failure) {
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var template = Array("\(dir == "/" ? "" : dir)/.\(base).XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw Failure(description: "cannot write \(what) \(path): cannot create a temporary file in \(dir) "
                          + "(\(String(cString: strerror(errno)))); check that the directory exists and is writable")
        }
        let temp = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        func fail(_ call: String) -> Failure {
            let reason = String(cString: strerror(errno))
            close(fd)
            unlink(temp)
            return Failure(description: "cannot write \(what) \(path): \(call) \(temp): \(reason)")
        }
        guard fcntl(fd, F_SETFD, FD_CLOEXEC) == 0 else { throw fail("fcntl") }
        guard fchmod(fd, 0o644) == 0 else { throw fail("fchmod") }
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw fail("write") }
            done += n
        }
        guard fsync(fd) == 0 else { throw fail("fsync") }
        guard close(fd) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temp)
            throw Failure(description: "cannot write \(what) \(path): close \(temp): \(reason)")
        }
        guard rename(temp, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temp)
            throw Failure(description: "cannot move \(what) into place at \(path): \(reason)")
        }
    }

    /// A file that could not be written; the message says which and why.
    struct Failure: Error {
        var description: String
    }
}
