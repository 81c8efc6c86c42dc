#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
import IpNet

/// An advisory lock per network namespace, so two applies (a cron run and a watch-mode pass, say) never interleave.
/// The lock is a `flock(2)` on `/run/neighsync/net-<dev>-<inode>.lock`, keyed by the identity of the namespace the
/// caller's sockets live in, so two names of one namespace share it; the kernel releases it when the process dies.
///
/// The directory is root's alone: created with mode 0700 and, before any use, opened with `O_NOFOLLOW` and checked
/// with `fstat` (a directory, owned by root or the caller, writable by no one else). The lock file is opened relative
/// to it with `O_NOFOLLOW|O_NONBLOCK|O_CLOEXEC` and checked with `fstat` (a regular file, same owner, one link)
/// before the lock is taken; nothing is ever written into it, and it is removed when the lock is released (a waiter
/// that then holds the lock of a removed file notices and takes the new one). No file is ever opened in a
/// world-writable directory such as /run/lock or /tmp, so a local user can neither redirect a root write (symlink),
/// block neighsync with a planted file, directory or FIFO, nor hold the lock. (A `flock` on the namespace handle
/// itself was tried and rejected: any local user can open `/proc/self/ns/net` or `/run/netns/NAME`, mode 0444, and
/// hold that lock forever.) A second apply waits up to its timeout, then fails naming the holder's PID as the kernel
/// reports it in /proc/locks; the wait ends early when `interrupted` returns a signal name (SIGTERM/SIGINT).
/// C equivalent: `mkdir` + `openat(O_NOFOLLOW)` +
/// `fstat` + `flock(LOCK_EX|LOCK_NB)`.
public final class ApplyLock {
    /// Where the lock files live.
    public static let defaultDirectory = "/run/neighsync"

    private let directoryDescriptor: Int32
    private let fd: Int32
    private let name: String
    /// The lock file path.
    public let path: String

    /// Why the lock could not be taken.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        /// The message for the user.
        public var description: String
        /// The signal (`TERM`, `INT`) that ended the wait, if one did.
        public var signal: String?
        /// True when another run held the lock for the whole timeout (worth trying again later); false when the
        /// lock cannot be taken at all (no rights, an unsafe directory or file) or a signal ended the wait.
        public var timedOut = false
        /// True when `abandon` ended the wait (the lock is no longer worth having: its namespace was deleted).
        public var abandoned = false
    }

    /// Takes the lock for the namespace `namespace` (`label` names it in messages: `network namespace NAME`),
    /// waiting up to `timeout` seconds (0 = fail at once) and polling `interrupted` every 20 ms: when it returns a
    /// signal name the wait ends with a `Failure` carrying it. `abandon` is polled with it: when it returns a
    /// message (watch mode: the namespace was deleted or replaced) the wait ends with a `Failure` carrying that
    /// message, `abandoned` set. `directory` is where lock files live (tests use their own).
    public init(namespace: NamespaceIdentity, label: String, timeout: Double,
                directory: String = ApplyLock.defaultDirectory,
                interrupted: () -> String? = { nil }, abandon: () -> String? = { nil }) throws(Failure) {
        directoryDescriptor = try Self.openDirectory(directory)
        name = "net-\(namespace.device)-\(namespace.inode).lock"
        path = "\(directory)/\(name)"
        let deadline = Date().addingTimeInterval(timeout)
        var held: Int32 = -1
        do throws(Failure) {
            while true {
                let fd = try Self.openFile(directoryDescriptor, name, path)
                if let wait = try Self.lock(fd, path: path, deadline: deadline, timeout: timeout, label: label,
                                            interrupted: interrupted, abandon: abandon) {
                    close(fd)
                    throw wait
                }
                // The previous holder removes the file when it lets go: a lock on a removed (or replaced) file
                // guards nothing, so take the lock of the file that is there now.
                var mine = stat(), there = stat()
                if fstat(fd, &mine) == 0, fstatat(directoryDescriptor, name, &there, AT_SYMLINK_NOFOLLOW) == 0,
                   mine.st_dev == there.st_dev, mine.st_ino == there.st_ino {
                    held = fd
                    break
                }
                close(fd)
            }
        } catch {
            close(directoryDescriptor)
            throw error
        }
        fd = held
    }

    /// Releases the lock and removes the file (while still holding the lock, so no waiter is left on a file that
    /// another run could recreate and lock beside it).
    deinit {
        _ = unlinkat(directoryDescriptor, name, 0)
        close(fd)
        close(directoryDescriptor)
    }

    /// Creates `directory` (0700) if missing, opens it without following a symlink and checks that it is a
    /// directory owned by root (or by the caller) that no one else may write to. Returns its descriptor.
    private static func openDirectory(_ directory: String) throws(Failure) -> Int32 {
        if mkdir(directory, 0o700) != 0, errno != EEXIST {
            let e = errno
            if e == EACCES || e == EPERM { throw denied("cannot create the lock directory \(directory)", e) }
            throw Failure(description: "cannot create the lock directory \(directory): \(reason(e))"
                          + (e == EROFS ? "; make it writable (systemd: RuntimeDirectory=neighsync, "
                                           + "RuntimeDirectoryPreserve=yes; Kubernetes: a hostPath volume)" : ""))
        }
        let dfd = open(directory, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard dfd >= 0 else {
            let e = errno
            if e == EACCES || e == EPERM { throw denied("cannot open the lock directory \(directory)", e) }
            throw Failure(description: "refusing the lock directory \(directory): \(reason(e))"
                          + (e == ELOOP || e == ENOTDIR ? " (it must be a real directory, not a symlink or a file)"
                             : ""))
        }
        var st = stat()
        guard fstat(dfd, &st) == 0 else {
            let e = errno
            close(dfd)
            throw Failure(description: "cannot check the lock directory \(directory): \(reason(e))")
        }
        let owner = st.st_uid
        let mode = st.st_mode & 0o7777
        guard st.st_mode & S_IFMT == S_IFDIR, owner == 0 || owner == geteuid(), mode & 0o022 == 0 else {
            close(dfd)
            throw Failure(description: "refusing the lock directory \(directory): it is owned by uid \(owner) with "
                          + "mode \(String(mode, radix: 8)); it must be owned by root and writable by no one else "
                          + "(remove it, neighsync creates it with mode 0700)")
        }
        return dfd
    }

    /// Opens (creating if needed) the lock file `name` in the checked directory, without following a symlink or
    /// blocking on a FIFO, and checks it is a regular file of the directory's owner with one link.
    private static func openFile(_ dfd: Int32, _ name: String, _ path: String) throws(Failure) -> Int32 {
        let fd = openat(dfd, name, O_RDONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let e = errno
            if e == EACCES || e == EPERM { throw denied("cannot open the lock file \(path)", e) }
            throw Failure(description: "refusing the lock file \(path): \(reason(e)); remove it")
        }
        var st = stat(), dir = stat()
        guard fstat(fd, &st) == 0, fstat(dfd, &dir) == 0, st.st_mode & S_IFMT == S_IFREG, st.st_uid == dir.st_uid,
              st.st_nlink == 1 else {
            close(fd)
            throw Failure(description: "refusing the lock file \(path): it is not a regular file of uid "
                          + "\(dir.st_uid) with one link; remove it")
        }
        return fd
    }

    /// Waits for the lock on `fd`: nil once held, else the failure that ended the wait (timeout, signal, error).
    private static func lock(_ fd: Int32, path: String, deadline: Date, timeout: Double, label: String,
                             interrupted: () -> String?, abandon: () -> String?) throws(Failure) -> Failure? {
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                return Failure(description: "cannot lock \(path): \(reason(errno))")
            }
            let holder = holderText(fd)
            if let sig = interrupted() {
                return Failure(description: "interrupted by SIG\(sig) while waiting for the lock of \(label), held "
                               + "by another neighsync run\(holder) (\(path)); nothing was applied", signal: sig)
            }
            if let why = abandon() {
                return Failure(description: "stopped waiting for the lock of \(label), held by another neighsync "
                               + "run\(holder) (\(path)): \(why)", abandoned: true)
            }
            if Date() >= deadline {
                return Failure(description: "another neighsync run\(holder) holds the lock of \(label) (\(path)); "
                               + "waited \(timeout) s. Try again later or raise --lock-timeout", timedOut: true)
            }
            usleep(20_000)
        }
        return nil
    }

    /// ` (pid N)` for the process holding a `flock` on the file of `fd`, as the kernel lists it in /proc/locks
    /// (`1: FLOCK  ADVISORY  WRITE PID MAJ:MIN:INODE 0 EOF`), or "" when it cannot tell. Nothing is read from the
    /// lock file itself. C equivalent: parsing /proc/locks (what `lslocks` does).
    static func holderText(_ fd: Int32) -> String {
        var st = stat()
        guard fstat(fd, &st) == 0, case .success(let bytes) = FileStatus.readAll("/proc/locks", limit: 1 << 20)
        else { return "" }
        let dev = UInt64(st.st_dev)
        let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfff)
        let minor = (dev & 0xff) | ((dev >> 12) & ~0xff)
        func hex2(_ v: UInt64) -> String { let s = String(v, radix: 16); return s.count < 2 ? "0" + s : s }
        let id = "\(hex2(major)):\(hex2(minor)):\(st.st_ino)"
        let me = getpid()
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            // Waiters are listed as "1: -> FLOCK …"; only the holder has FLOCK in the second field.
            guard f.count >= 6, f[1] == "FLOCK", f[5] == id, let pid = Int32(f[4]), pid != me, pid > 0 else {
                continue
            }
            return " (pid \(pid))"
        }
        return ""
    }

    private static func reason(_ e: Int32) -> String { String(cString: strerror(e)) }

    private static func denied(_ what: String, _ e: Int32) -> Failure {
        Failure(description: "ERROR_ACCESS_DENIED: \(what): \(reason(e)); apply changes the neighbor table and needs "
                + "root (CAP_NET_ADMIN, and CAP_SYS_ADMIN to enter a --netns namespace)")
    }
}
