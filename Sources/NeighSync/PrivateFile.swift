import Glibc

/// Writes a file only its owner may read (mode 0600), atomically: the bytes go to a new temporary file next to the
/// target, created with `O_CREAT|O_EXCL|O_NOFOLLOW` (never an existing file or a planted symlink), which is then
/// renamed over the target. Used for saved plans, which show the neighbor table. iproute2 equivalent: none;
/// coreutils `install -m 600` does the same.
enum PrivateFile {
    /// Writes `bytes` to `path`; `what` names the file in errors ("the plan file").
    static func write(_ bytes: [UInt8], to path: String, what: String) throws {
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[...$0]) } ?? ""
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var attempt = 0
        var temp = ""
        var fd: Int32 = -1
        while fd < 0 {
            temp = "\(dir).\(base).\(getpid()).\(attempt).tmp"
            fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if fd < 0 {
                let e = errno
                attempt += 1
                guard e == EEXIST, attempt < 100 else { throw failure(what, path, e) }
            }
        }
        var failed: Int32 = 0
        var done = 0
        bytes.withUnsafeBytes { raw in
            while done < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    failed = errno
                    return
                }
                done += n
            }
        }
        // fchmod as well, in case a umask or ACL default widened nothing or narrowed too much: the mode is 0600.
        if failed == 0 && fchmod(fd, 0o600) != 0 { failed = errno }
        if close(fd) != 0 && failed == 0 { failed = errno }
        if failed == 0 && rename(temp, path) != 0 { failed = errno }
        if failed != 0 {
            unlink(temp)
            throw failure(what, path, failed)
        }
    }

    static func failure(_ what: String, _ path: String, _ e: Int32) -> RecordError {
        RecordError("\(path): cannot write \(what) (\(String(cString: strerror(e)))); check that the directory "
                    + "exists and is writable")
    }
}
