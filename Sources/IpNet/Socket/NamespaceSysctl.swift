internal import CNetlink
internal import Glibc
import IpNetCore

/// Reads and writes sysctls of one network namespace. `/proc/sys/net` shows the namespace of the thread that opens
/// a file, so for another namespace a `NamespaceThread` enters it (`setns`), checks that it landed in the namespace
/// the table's socket lives in, opens the files and ends; the caller's thread never moves. C equivalent:
/// `setns(open("/run/netns/NAME"), CLONE_NEWNET)` then `open("/proc/sys/net/ipv6/conf/IF/proxy_ndp")`; shell:
/// `ip netns exec NAME sysctl -w net.ipv6.conf.IF.proxy_ndp=1`.
enum NamespaceSysctl {
    /// The file of a device sysctl: `/proc/sys/net/ipv4/conf/IF/proxy_arp`, `/proc/sys/net/ipv6/conf/IF/proxy_ndp`.
    static func path(_ parameter: NeighborParameter, interface: String) -> String {
        let family = parameter.onlyFamily == .ipv6 ? "ipv6" : "ipv4"
        return "/proc/sys/net/\(family)/conf/\(interface)/\(parameter.sysctlName)"
    }

    /// The directory that exists only in the initial network namespace: the table's default `neigh_parms`, which
    /// carry the table-wide `gc_thresh*` and `gc_interval` sysctls (a namespace made later has per-device
    /// directories only).
    static let initialNamespaceMarker = "/proc/sys/net/ipv4/neigh/default"

    /// Runs `body` in the namespace at `namespacePath` (on a `NamespaceThread`), or right here for nil. Throws
    /// when the namespace cannot be entered or is no longer `expected` (deleted and created again meanwhile).
    static func run<T>(in namespacePath: String?, expected: NamespaceIdentity?,
                       _ body: () -> T) throws(IpNetError) -> T {
        guard let namespacePath else { return body() }
        let ran = NamespaceThread.run(in: namespacePath) { () -> Result<T, IpNetError> in
            if let expected, NamespaceIdentity.ofCurrentThread() != expected {
                return .failure(.notFound("network namespace \(DisplayText.escaped(namespacePath)) is not the one "
                                          + "neighsync opened any more; nothing was written"))
            }
            return .success(body())
        }
        switch ran {
        case .success(let result): return try result.get()
        case .failure(.open):
            throw .notFound("cannot open network namespace " + DisplayText.escaped(namespacePath))
        case .failure(.enter(let e)):
            throw e == EPERM
                ? .accessDenied("entering network namespace \(DisplayText.escaped(namespacePath)) needs "
                                + "CAP_SYS_ADMIN; run as root")
                : .system(errno: e, message: "cannot enter network namespace " + DisplayText.escaped(namespacePath))
        case .failure(.start):
            throw .system(errno: EAGAIN, message: "cannot start the namespace thread")
        }
    }

    /// The integer in the sysctl file at `path`, or the errno that stopped reading it. C: `open`, `read`, `strtol`.
    static func read(_ path: String) -> Result<Int64, IpNetError> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(failure(errno, path: path, doing: "read")) }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, 63) }
        guard n >= 0 else { return .failure(failure(errno, path: path, doing: "read")) }
        let text = String(decoding: buffer[0..<n], as: UTF8.self).trimmingSpaces
        guard let v = Int64(text) else {
            return .failure(.system(errno: EPROTO,
                                    message: "\(path) holds '\(DisplayText.escaped(text))', not a number"))
        }
        return .success(v)
    }

    /// Writes `value` to the sysctl file at `path`. C: `open(O_WRONLY)`, `write("1\n")`.
    static func write(_ path: String, _ value: Int64) -> IpNetError? {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return failure(errno, path: path, doing: "write") }
        defer { close(fd) }
        let bytes = Array("\(value)\n".utf8)
        let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        return n == bytes.count ? nil : failure(n < 0 ? errno : EIO, path: path, doing: "write")
    }

    private static func failure(_ e: Int32, path: String, doing what: String) -> IpNetError {
        switch e {
        case ENOENT: return .notFound("no sysctl \(DisplayText.escaped(path)) (no such interface, or the family is "
                                      + "not available on it)")
        case EPERM, EACCES: return .accessDenied("cannot \(what) \(DisplayText.escaped(path)); run as root")
        default: return .system(errno: e, message: "cannot \(what) \(DisplayText.escaped(path)): "
                                + String(cString: strerror(e)))
        }
    }
}

private extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\n" || c == "\t" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\n" || c == "\t" { s = s.dropLast() }
        return String(s)
    }
}
