internal import CNetlink
internal import Glibc
import IpNetCore

/// An AF_PACKET socket of one interface and EtherType (the thin Swift side of `neighsync_packet_*` in the C shim).
/// C equivalent: `socket(AF_PACKET, SOCK_RAW, 0)` + `SO_ATTACH_FILTER` + `bind(sockaddr_ll)`.
final class PacketSocket {
    let fd: Int32
    let interfaceIndex: UInt32
    let hardwareAddress: PhysicalAddress

    /// Opens the socket in the calling thread's namespace. Throws `accessDenied` without CAP_NET_RAW, `notFound`
    /// when the interface does not exist.
    init(interfaceIndex: UInt32, etherType: UInt16) throws(IpNetError) {
        var mac = [UInt8](repeating: 0, count: 8)
        var length: Int32 = 0
        let fd = neighsync_packet_open(Int32(bitPattern: interfaceIndex), etherType, &mac, &length)
        guard fd >= 0 else {
            let e = -fd
            if e == ENODEV || e == ENXIO { throw .notFound("no interface with index \(interfaceIndex)") }
            throw KernelErrorTranslator.error(NetlinkFailure(errno: e, message: nil),
                                              doing: "cannot open a raw packet socket on interface index "
                                                  + "\(interfaceIndex)")
        }
        self.fd = fd
        self.interfaceIndex = interfaceIndex
        hardwareAddress = PhysicalAddress(bytes: Array(mac[0..<Int(length)])) ?? .empty
    }

    deinit { close(fd) }

    /// Sends a frame; the error, or nil when it went out.
    func send(_ frame: [UInt8], etherType: UInt16) -> IpNetError? {
        let n = frame.withUnsafeBytes { neighsync_packet_send(fd, Int32(bitPattern: interfaceIndex), etherType,
                                                              $0.baseAddress, $0.count) }
        guard n < 0 else { return nil }
        let e = Int32(-n)
        if e == ENETDOWN { return .notSupported("interface index \(interfaceIndex) is down") }
        return KernelErrorTranslator.error(NetlinkFailure(errno: e, message: nil),
                                           doing: "cannot send a probe on interface index \(interfaceIndex)")
    }

    /// One received frame with what the kernel said about it.
    struct Frame {
        /// The frame, Ethernet header included (an offloaded VLAN tag is not in it).
        var bytes: [UInt8]
        /// `sll_pkttype`: host, broadcast, multicast, other host.
        var packetType: UInt8
        /// Whether it carried an 802.1Q tag (PACKET_AUXDATA).
        var vlanTagged: Bool
    }

    /// The next queued frame (not one this host sent), or nil when none is queued.
    func receive(_ buffer: inout [UInt8]) -> Frame? {
        while true {
            var packetType: Int32 = 0, vlanTagged: Int32 = 0
            let n = buffer.withUnsafeMutableBytes {
                neighsync_packet_receive(fd, $0.baseAddress, $0.count, &packetType, &vlanTagged)
            }
            if n == -Int(EINTR) { continue }
            if n < 0 { return nil }
            if n == 0 { continue }
            return Frame(bytes: Array(buffer[0..<n]), packetType: UInt8(truncatingIfNeeded: packetType),
                         vlanTagged: vlanTagged != 0)
        }
    }
}
