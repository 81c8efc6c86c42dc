internal import Glibc
import IpNetCore

/// Turns a kernel failure for one row into the Windows-shaped `IpNetError`, with a one-line reason naming the
/// address and the interface (`192.0.2.10 already exists on veth0`). Pure. Netlink equivalent: the errno of the
/// `nlmsgerr` ack plus `NLMSGERR_ATTR_MSG`; iproute2 prints `RTNETLINK answers: File exists`.
enum KernelErrorTranslator {
    /// The error for `failure` answering a request for `address` at interface `interfaceName` (index
    /// `interfaceIndex`). The reason is the same whatever the verb: the errno says what went wrong. A request for
    /// a proxy entry (`isProxy`, NTF_PROXY) names it `proxy ADDR` (`proxy 192.0.2.7 does not exist on veth0`).
    static func error(_ failure: NetlinkFailure, address: IpAddress, interfaceName: String,
                      interfaceIndex: UInt32, isProxy: Bool = false) -> IpNetError {
        let a = subject(address, isProxy: isProxy)
        switch failure.errno {
        case EEXIST:
            return .objectAlreadyExists("\(a) already exists on \(interfaceName)")
        case ENOENT:
            return notFound(address, interfaceName: interfaceName, isProxy: isProxy)
        case ENODEV:
            return .notFound("no interface with index \(interfaceIndex)")
        case EPERM, EACCES:
            return .accessDenied("changing the neighbor table needs CAP_NET_ADMIN (\(a) on \(interfaceName)); "
                                 + "run as root")
        case EAFNOSUPPORT, EOPNOTSUPP, EPFNOSUPPORT:
            return .notSupported("\(address.family == .ipv6 ? "IPv6" : "IPv4") is not supported on \(interfaceName): "
                                 + failure.text)
        default:
            return .system(errno: failure.errno, message: "\(a) on \(interfaceName): \(failure.text)")
        }
    }

    /// How messages name the entry at `address`: `192.0.2.7`, or `proxy 192.0.2.7` for a proxy entry.
    static func subject(_ address: IpAddress, isProxy: Bool) -> String {
        isProxy ? "proxy \(address.withoutScope)" : "\(address.withoutScope)"
    }

    /// `ERROR_NOT_FOUND` for an entry that is not there (ENOENT, or a get answered by nothing): `proxy 192.0.2.7
    /// does not exist on veth0`.
    static func notFound(_ address: IpAddress, interfaceName: String, isProxy: Bool) -> IpNetError {
        .notFound("\(subject(address, isProxy: isProxy)) does not exist on \(interfaceName)")
    }

    /// The error for a failure that concerns no single row (opening the socket, a dump).
    static func error(_ failure: NetlinkFailure, doing what: String) -> IpNetError {
        switch failure.errno {
        case EPERM, EACCES:
            return .accessDenied("\(what): \(failure.text); run as root")
        default:
            return .system(errno: failure.errno, message: "\(what): \(failure.text)")
        }
    }
}
