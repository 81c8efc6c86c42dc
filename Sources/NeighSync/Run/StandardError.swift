import Glibc

/// Writes text to file descriptor 2 in full (the logger's and CLI's error stream), retrying short writes and EINTR.
/// iproute2 equivalent: `fprintf(stderr, …)`.
public enum StandardError {
    /// Writes `text` as is.
    public static func write(_ text: String) { StandardError.write(text, to: 2) }

    /// Writes `text` to a descriptor (1 for standard output).
    public static func write(_ text: String, to fd: Int32) {
        var t = text
        t.withUTF8 { buf in
            var off = 0
            while off < buf.count {
                let n = Glibc.write(fd, buf.baseAddress! + off, buf.count - off)
                if n < 0 {
                    if errno == EINTR { continue }
                    return
                }
                off += n
            }
        }
    }
}
