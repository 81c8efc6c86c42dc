import Glibc
import Testing
@testable import IpNetCore

/// IPv6 text against the C library: our allocation-free parser and formatter must agree with `inet_pton` /
/// `inet_ntop` (RFC 5952) on random addresses with runs of zero groups.
@Suite struct AddressFormattingTests {
    static func ntop(_ bytes: [UInt8]) -> String {
        var buf = [CChar](repeating: 0, count: 64)
        _ = bytes.withUnsafeBytes { inet_ntop(AF_INET6, $0.baseAddress, &buf, 64) }
        return String(cString: buf)
    }

    @Test func randomIPv6RoundTripsLikeTheCLibrary() {
        var g = SystemRandomNumberGenerator()
        for round in 0..<5000 {
            var bytes = [UInt8](repeating: 0, count: 16)
            for k in 0..<8 where UInt8.random(in: 0...2, using: &g) != 0 {
                let v = UInt16.random(in: 0...UInt16.max, using: &g) >> (UInt16.random(in: 0...12, using: &g))
                bytes[2 * k] = UInt8(v >> 8); bytes[2 * k + 1] = UInt8(v & 0xff)
            }
            if round % 50 == 0 { bytes = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff] + bytes[12...] }
            let a = IpAddress(bytes: bytes)!
            let text = a.description
            // glibc also prints the deprecated IPv4-compatible form (::a.b.c.d); RFC 5952 keeps dotted text for
            // IPv4-mapped addresses only, as we do.
            if bytes[0..<12].contains(where: { $0 != 0 }) || bytes[12..<16].allSatisfy({ $0 == 0 }) {
                #expect(text == Self.ntop(bytes), "\(bytes)")
            }
            #expect(IpAddress(text) == a, "\(text)")
            let upper = text.uppercased()
            #expect(IpAddress(upper) == a, "\(upper)")
        }
    }

    @Test func malformedIPv6IsRejected() {
        for t in [":", ":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", "g::1", "1:", ":1",
                  "::1.2.3", "::1.2.3.4:5", "1::2:3:4:5:6:7:8", "fe80::1%", "::01.2.3.4"] {
            #expect(IpAddress(t) == nil, "\(t)")
        }
        #expect(IpAddress("1:2:3:4:5:6:7::")?.description == "1:2:3:4:5:6:7:0")
        #expect(IpAddress("::")?.description == "::")
        #expect(IpAddress("fe80::1%3")?.description == "fe80::1%3")
        #expect(IpAddress("::ffff:192.0.2.1")?.description == "::ffff:192.0.2.1")
    }
}
