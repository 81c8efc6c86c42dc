internal import Glibc
import IpNetCore

/// Turns a kernel failure for one row into the Windows-shaped `IpNetError`, with a one-line reason naming the
/// address and the interface (`192.0.2.10 already exists on veth0`). Pure. Netlink equivalent: the errno of the
/// `nlmsgerr` ack plus `NLMSGERR_ATTR_MSG`; iproute2 prints `RTNETLINK answers: File exists`.
enum KernelErrorTranslator {
    /// The error for `failure` answering a request for `address` at interface `interfaceName` (index
    /// `interfaceIndex`). The reason is the same whatever the verb: the errno says what went wrong.
    static func error(_ failure: NetlinkFailure, address: IpAddress, interfaceName: String,
                      interfaceIndex: UInt32) -> IpNetError {
        let a = address.withoutScope
        switch failure.errno {
        case EEXIST:
            return .objectAlreadyExists("\(a) already exists on \(interfaceName)")
        case ENOENT:
            return .notFound("\(a) does not exist on \(interfaceName)")
        case ENODEV:
            return .notFound("no interface with index \(interfaceIndex)")
        case EPERM, EACCES:
            return .accessDenied("changing the neighbor table needs CAP_NET_ADMIN (\(a) on \(interfaceName)); "
                                 + "run as root")
        case EAFNOSUPPORT, EOPNOTSUPP, EPFNOSUPPORT:
            return .notSupported("\(a.family == .ipv6 ? "IPv6" : "IPv4") is not supported on \(interfaceName): "
                                 + failure.text)
        default:
            return .system(errno: failure.errno, message: "\(a) on \(interfaceName): \(failure.text)")
        }
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
