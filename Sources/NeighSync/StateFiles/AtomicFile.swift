import Glibc

/// Replaces a file atomically, for files other programs read while neighsync writes them (`--report`, `--metrics`,
/// saved plans through `PrivateFile`): the bytes go to a new file made by `mkstemp` in the same directory (O_EXCL with
/// a random name: nothing planted at that name is ever followed or reused), the given mode (0644 by default) whatever
/// the umask, flushed with `fsync`, then `rename(2)`d over
/// the path (which replaces whatever the path was, a symlink included, never its target), so a reader sees the old
/// file or the new one, never half of one; the temporary file is removed on any failure. C equivalent: `mkstemp(3)`,
/// `fchmod(2)`, `write(2)`, `fsync(2)`, `rename(2)`; node_exporter's textfile recipe (`sponge`, then `mv`).
enum AtomicFile {
    /// Writes `bytes` to `path` with `mode` (see the type). Throws a message naming `what` (e.g. `the metrics
    /// file`), the path and what to check, with the `errno` of the call that failed.
    static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644, what: String) throws(Failure) {
        let slash = path.lastIndex(of: "/")
        let dir = directory(of: path)
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var template = Array("\(dir == "/" ? "" : dir)/.\(base).XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            let e = errno
            throw Failure(description: "cannot write \(what) \(path): cannot create a temporary file in \(dir) "
                          + "(\(String(cString: strerror(e)))); check that the directory exists and is writable", errno: e)
        }
        let temp = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        func fail(_ call: String) -> Failure {
            let e = errno
            close(fd)
            unlink(temp)
            return Failure(description: "cannot write \(what) \(path): \(call) \(temp): \(String(cString: strerror(e)))",
                           errno: e)
        }
        guard fcntl(fd, F_SETFD, FD_CLOEXEC) == 0 else { throw fail("fcntl") }
        guard fchmod(fd, mode) == 0 else { throw fail("fchmod") }
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw fail("write") }
            done += n
        }
        guard fsync(fd) == 0 else { throw fail("fsync") }
        guard close(fd) == 0 else {
            let e = errno
            unlink(temp)
            throw Failure(description: "cannot write \(what) \(path): close \(temp): \(String(cString: strerror(e)))",
                          errno: e)
        }
        guard rename(temp, path) == 0 else {
            let e = errno
            unlink(temp)
            throw Failure(description: "cannot move \(what) into place at \(path): \(String(cString: strerror(e)))",
                          errno: e)
        }
    }

    /// The directory `write` creates its temporary file in: the path's parent (`.` for a bare name).
    static func directory(of path: String) -> String {
        let slash = path.lastIndex(of: "/")
        return slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
    }

    /// Checks, without writing anything, that `write` could create its temporary file next to `path`: the parent
    /// directory exists, is a directory, and this process may create files in it (`access(W_OK|X_OK)`). For
    /// commands that must refuse a bad path before doing anything else. C equivalent: `stat(2)`, `access(2)`.
    static func checkDirectory(of path: String, what: String) throws(Failure) {
        let dir = directory(of: path)
        var st = stat()
        guard stat(dir, &st) == 0 else {
            let e = errno
            throw Failure(description: "cannot write \(what) \(path): its directory \(dir) cannot be used "
                          + "(\(String(cString: strerror(e)))); create it or give a path in an existing directory",
                          errno: e)
        }
        guard st.st_mode & S_IFMT == S_IFDIR else {
            throw Failure(description: "cannot write \(what) \(path): \(dir) is not a directory; give a path in an "
                          + "existing directory", errno: ENOTDIR)
        }
        guard access(dir, W_OK | X_OK) == 0 else {
            let e = errno
            throw Failure(description: "cannot write \(what) \(path): the directory \(dir) is not writable "
                          + "(\(String(cString: strerror(e)))); give a writable directory or fix its permissions",
                          errno: e)
        }
    }

    /// A file that could not be written; the message says which and why.
    struct Failure: Error {
        /// The message for the user.
        var description: String
        /// The `errno` of the call that failed.
        var errno: Int32
    }
}
