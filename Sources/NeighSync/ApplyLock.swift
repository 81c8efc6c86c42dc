#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials

/// An advisory lock per network namespace, so two applies (a cron run and a GitOps run, say) never interleave. The
/// lock file is `/run/lock/neighsync-net-<inode>.lock`, keyed by the inode of the namespace so two names of one
/// namespace share it; `flock(2)` releases it when the process dies. A second apply waits up to its timeout, then
/// fails naming the holder's PID. iproute2 has none (two `ip -batch` runs interleave freely).
public final class ApplyLock {
    private let fd: Int32
    /// The lock file path.
    public let path: String

    /// Why the lock could not be taken.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        /// The message for the user.
        public var description: String
    }

    /// Takes the lock for the namespace at `namespacePath` (`/proc/self/ns/net` for the current one), waiting up to
    /// `timeout` seconds (0 = fail at once). `directory` is where lock files live.
    public init(namespacePath: String, timeout: Double, directory: String = "/run/lock") throws {
        var st = stat()
        guard stat(namespacePath, &st) == 0 else {
            throw Failure(description: "cannot stat \(namespacePath): \(String(cString: strerror(errno))); "
                          + "check that the namespace exists ('ip netns list')")
        }
        var dir = directory
        if FileStatus(path: dir)?.kind != .directory { dir = "/tmp" }
        path = "\(dir)/neighsync-net-\(st.st_ino).lock"
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let e = errno
            if e == EACCES || e == EPERM {
                throw Failure(description: "ERROR_ACCESS_DENIED: cannot open the lock file \(path): "
                              + "\(String(cString: strerror(e))); apply changes the neighbor table and needs root "
                              + "(CAP_NET_ADMIN, and CAP_SYS_ADMIN to enter a --netns namespace)")
            }
            throw Failure(description: "cannot open the lock file \(path): \(String(cString: strerror(e)))")
        }
        let deadline = Date().addingTimeInterval(timeout)
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                let e = String(cString: strerror(errno))
                close(fd)
                throw Failure(description: "cannot lock \(path): \(e)")
            }
            if Date() >= deadline {
                let holder = ((try? FileStatus.readAll(path).get()).map { String(decoding: $0, as: UTF8.self) } ?? "").trimmed
                close(fd)
                throw Failure(description: "another neighsync run (pid \(holder.isEmpty ? "unknown" : holder)) "
                              + "holds \(path); waited \(timeout) s. Try again later or raise --lock-timeout")
            }
            usleep(20_000)
        }
        let pid = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = pid.withCString { write(fd, $0, strlen($0)) }
    }

    /// Releases the lock.
    deinit {
        _ = ftruncate(fd, 0)
        flock(fd, LOCK_UN)
        close(fd)
    }
}
