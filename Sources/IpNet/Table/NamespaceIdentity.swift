internal import Glibc
import IpNetCore

/// Which network namespace a socket lives in: the device and inode of its nsfs handle. Two handles of one namespace
/// (`/run/netns/NAME`, `/proc/PID/ns/net`) have the same identity; a namespace deleted and created again under the
/// same name has a new one. neighsync records the identity of the namespace its netlink sockets were created in,
/// keys its per-namespace lock by it, and compares it with what `/run/netns/NAME` names before and after writing,
/// so it never reports success for writes that went into a namespace that was deleted or replaced meanwhile.
/// C equivalent: `fstat(nsfd)` → `st_dev`, `st_ino`; shell: `stat -L -c '%d %i' /run/netns/NAME`,
/// `readlink /proc/self/ns/net` (`net:[INODE]`).
public struct NamespaceIdentity: Hashable, Sendable, CustomStringConvertible {
    /// The device of the nsfs mount (`st_dev`).
    public var device: UInt64
    /// The namespace's inode number (`st_ino`), as `readlink /proc/PID/ns/net` shows it.
    public var inode: UInt64

    /// An identity from its two numbers.
    public init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }

    /// `net:[INODE]`, as `readlink /proc/self/ns/net` prints it.
    public var description: String { "net:[\(inode)]" }

    /// What a namespace name names now, compared with the namespace a socket lives in.
    public enum Status: Hashable, Sendable {
        /// The name still names the same namespace (or no name was given: the caller's own namespace).
        case unchanged
        /// The name is gone: `ip netns del NAME` ran (the namespace lives on, detached, while sockets hold it).
        case deleted
        /// The name now names another namespace (deleted and created again).
        case replaced(by: NamespaceIdentity)
    }

    /// The identity of the network namespace of the calling thread (what a socket created now lives in), or nil when
    /// /proc is not mounted. C: `stat("/proc/thread-self/ns/net")`.
    static func ofCurrentThread() -> NamespaceIdentity? {
        of(path: "/proc/thread-self/ns/net")
    }

    /// The identity of the namespace handle at `path` (following the bind mount), or nil when there is none.
    /// C: `stat(path)`.
    static func of(path: String) -> NamespaceIdentity? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return NamespaceIdentity(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
    }

    /// What `/run/netns/NAME` names now compared with `self`: unchanged, deleted (no handle, or a plain file left
    /// between `ip netns del`'s unmount and unlink: not on the nsfs device), or replaced. C: `stat()` + compare.
    func status(ofName name: String) -> Status {
        guard let path = try? NamespaceName.path(name), let now = Self.of(path: path), now.device == device else {
            return .deleted
        }
        return now == self ? .unchanged : .replaced(by: now)
    }
}
