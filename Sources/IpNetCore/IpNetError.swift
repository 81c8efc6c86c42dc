/// The failure of a neighbor call, shaped like the Windows status codes the IP Helper functions return, with the
/// kernel's errno and extended-ack message kept where no Windows code fits. `windowsName` gives the name printed by
/// the CLI (`ERROR_OBJECT_ALREADY_EXISTS`). Netlink equivalent: the `nlmsgerr.error` of the ack (negative errno)
/// plus `NLMSGERR_ATTR_MSG`; iproute2 prints the same as `RTNETLINK answers: File exists`.
public enum IpNetError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A row failed validation before any syscall. Windows: `ERROR_INVALID_PARAMETER` (87).
    case invalidParameter(InvalidParameterReason)
    /// The interface or the entry does not exist. Windows: `ERROR_NOT_FOUND` (1168); netlink: `ENOENT`, `ENODEV`.
    case notFound(String)
    /// The family is not available on the interface (IPv6 disabled, no IPv4). Windows: `ERROR_NOT_SUPPORTED` (50);
    /// netlink: `EAFNOSUPPORT`, `EOPNOTSUPP`.
    case notSupported(String)
    /// `create` found the entry already there. Windows: `ERROR_OBJECT_ALREADY_EXISTS` (5010); netlink: `EEXIST`.
    case objectAlreadyExists(String)
    /// The caller lacks CAP_NET_ADMIN. Windows: `ERROR_ACCESS_DENIED` (5); netlink: `EPERM`/`EACCES`.
    case accessDenied(String)
    /// `resolve` got no answer (the entry went FAILED or the timeout passed). Windows: `ERROR_BAD_NET_NAME` (67).
    case badNetName(String)
    /// Any other kernel error: the errno and the kernel's extended-ack message when it sent one.
    case system(errno: Int32, message: String)

    /// The Windows status name (`ERROR_NOT_FOUND`, …), or `ERRNO_<n>` for `.system`. Printed by the CLI.
    public var windowsName: String {
        switch self {
        case .invalidParameter: return "ERROR_INVALID_PARAMETER"
        case .notFound: return "ERROR_NOT_FOUND"
        case .notSupported: return "ERROR_NOT_SUPPORTED"
        case .objectAlreadyExists: return "ERROR_OBJECT_ALREADY_EXISTS"
        case .accessDenied: return "ERROR_ACCESS_DENIED"
        case .badNetName: return "ERROR_BAD_NET_NAME"
        case .system(let e, _): return "ERRNO_\(e)"
        }
    }

    /// The Windows status number (87, 1168, 50, 5010, 5, 67), or the errno for `.system`.
    public var code: Int {
        switch self {
        case .invalidParameter: return 87
        case .notFound: return 1168
        case .notSupported: return 50
        case .objectAlreadyExists: return 5010
        case .accessDenied: return 5
        case .badNetName: return 67
        case .system(let e, _): return Int(e)
        }
    }

    /// The one-line reason that follows the status name.
    public var reason: String {
        switch self {
        case .invalidParameter(let r): return r.description
        case .notFound(let s), .notSupported(let s), .objectAlreadyExists(let s), .accessDenied(let s),
             .badNetName(let s):
            return s
        case .system(_, let m): return m
        }
    }

    /// `STATUS: reason`, e.g. `ERROR_OBJECT_ALREADY_EXISTS: 192.0.2.10 already exists on veth0`.
    public var description: String { "\(windowsName): \(reason)" }
}

/// Why a row was rejected with `ERROR_INVALID_PARAMETER` before reaching the kernel, following the checks
/// `CreateIpNetEntry2` documents (the kernel itself would accept some of these, e.g. loopback).
public enum InvalidParameterReason: Hashable, Sendable, CustomStringConvertible {
    /// The address is unspecified (0.0.0.0, ::).
    case unspecifiedAddress(String)
    /// The address is the IPv4 limited broadcast 255.255.255.255.
    case broadcastAddress(String)
    /// The address is loopback (127.0.0.0/8, ::1); the kernel accepts it, neighsync does not.
    case loopbackAddress(String)
    /// The address is IPv4-mapped IPv6 (`::ffff:0:0/96`), which ndisc never resolves; `ipv4` is the address inside,
    /// `ipv4Usable` whether that one would pass as a neighbor address of its own.
    case ipv4MappedAddress(String, ipv4: String, ipv4Usable: Bool)
    /// The router flag on an IPv4 row: NTF_ROUTER is the ND (IPv6) router flag, which ARP ignores.
    case routerFlagOnIPv4(String)
    /// The physical address has the wrong length for the interface (`expected` bytes) or is malformed.
    case invalidPhysicalAddress(String, expected: Int?)
    /// Neither a LUID nor an index selects an interface.
    case interfaceUnspecified
    /// A name, index or LUID given together that name different interfaces.
    case interfaceMismatch(String)
    /// Any other invalid field, with its explanation.
    case other(String)

    /// A one-line explanation with what to do.
    public var description: String {
        switch self {
        case .unspecifiedAddress(let a):
            return "\(a) is the unspecified address, which no neighbor has"
        case .broadcastAddress(let a):
            return "\(a) is the limited broadcast address, which no neighbor has"
        case .loopbackAddress(let a):
            return "\(a) is a loopback address; loopback traffic never uses the neighbor table"
        case .ipv4MappedAddress(let a, let v4, true):
            return "\(a) is an IPv4-mapped IPv6 address, which is never an IPv6 neighbor; write the IPv4 address "
                + "\(v4) on its own"
        case .ipv4MappedAddress(let a, let v4, false):
            return "\(a) is an IPv4-mapped IPv6 address, which is never an IPv6 neighbor (and \(v4) is no "
                + "neighbor's address either)"
        case .routerFlagOnIPv4(let a):
            return "isRouter applies to IPv6 neighbors only (NTF_ROUTER, the ND router flag); \(a) is IPv4, so "
                + "drop the flag"
        case .invalidPhysicalAddress(let p, let e?):
            return "physical address '\(p)' has the wrong length for the interface: it needs \(e) bytes"
        case .invalidPhysicalAddress(let p, nil):
            return "physical address '\(p)' is malformed; write it as 02:00:00:00:00:10"
        case .interfaceUnspecified:
            return "no interface given; set an interface name, index or LUID"
        case .interfaceMismatch(let s):
            return s
        case .other(let s):
            return s
        }
    }
}
