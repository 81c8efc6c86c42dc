import FoundationEssentials

/// Whether this process may write the neighbor table, read from the effective capability set in
/// `/proc/self/status` (CAP_NET_ADMIN is bit 12), so apply can fail early with `ERROR_ACCESS_DENIED` and a hint
/// instead of once per entry. netlink equivalent: the kernel's `netlink_ns_capable(skb, CAP_NET_ADMIN)` check in
/// `rtnetlink_rcv_msg`; iproute2 prints `RTNETLINK answers: Operation not permitted`.
public enum Capabilities {
    /// True when CAP_NET_ADMIN is effective (or the status file cannot be read, to let the kernel decide).
    public static var hasNetAdmin: Bool { hasEffective(bit: 12) }

    /// True when CAP_NET_RAW (bit 13) is effective (or the status file cannot be read, to let the kernel decide):
    /// `verify` needs it for its raw packet sockets. Kernel equivalent: the `ns_capable(CAP_NET_RAW)` check in
    /// `packet_create()`; `arping` says `socket: Operation not permitted`.
    public static var hasNetRaw: Bool { hasEffective(bit: 13) }

    /// True when capability `bit` is in the effective set of `/proc/self/status` (`CapEff:`), or it cannot be read.
    static func hasEffective(bit: Int) -> Bool {
        guard case .success(let bytes) = FileStatus.readAll("/proc/self/status") else { return true }
        let text = String(decoding: bytes, as: UTF8.self)
        for line in text.split(separator: "\n") where line.hasPrefix("CapEff:") {
            let hex = String(line.dropFirst("CapEff:".count)).trimmed
            guard let v = UInt64(hex, radix: 16) else { return true }
            return v & (1 << UInt64(bit)) != 0
        }
        return true
    }
}
