/// An IPv4 or IPv6 address as held in `MIB_IPNET_ROW2.Address` (a `SOCKADDR_INET`), with the IPv6 scope id.
/// Parsing is strict: dotted-quad IPv4 with no leading zeros (`010.0.0.1` is rejected rather than read as decimal or
/// octal), RFC 4291 IPv6 text with an optional numeric `%scope`; formatting follows RFC 5952. Netlink equivalent: the
/// `NDA_DST` attribute (4 or 16 bytes) and, for the scope, the interface index of the entry; iproute2: the address
/// argument of `ip neigh add ADDR`.
public enum IpAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// An IPv4 address, host-order value (192.0.2.1 is 0xC000_0201).
    case v4(UInt32)
    /// An IPv6 address as two big-endian halves (high = first 8 bytes), with the scope id (0 = none).
    case v6(high: UInt64, low: UInt64, scopeId: UInt32)

    /// The family of this address. Netlink equivalent: `ndm_family` of the message carrying it.
    public var family: AddressFamily {
        if case .v4 = self { return .ipv4 }
        return .ipv6
    }

    /// The address in network byte order: 4 bytes for IPv4, 16 for IPv6 (the scope id is not included).
    /// Netlink equivalent: the payload of `NDA_DST`.
    public var bytes: [UInt8] {
        switch self {
        case .v4(let v):
            return [UInt8(v >> 24), UInt8((v >> 16) & 0xff), UInt8((v >> 8) & 0xff), UInt8(v & 0xff)]
        case .v6(let hi, let lo, _):
            var out = [UInt8](repeating: 0, count: 16)
            for i in 0..<8 {
                out[i] = UInt8((hi >> (56 - 8 * UInt64(i))) & 0xff)
                out[8 + i] = UInt8((lo >> (56 - 8 * UInt64(i))) & 0xff)
            }
            return out
        }
    }

    /// Builds an address from 4 or 16 network-order bytes; nil for any other length. Netlink equivalent: decoding
    /// the `NDA_DST` attribute.
    public init?<C: Collection>(bytes: C, scopeId: UInt32 = 0) where C.Element == UInt8 {
        let a = Array(bytes)
        if a.count == 4 {
            self = .v4(UInt32(a[0]) << 24 | UInt32(a[1]) << 16 | UInt32(a[2]) << 8 | UInt32(a[3]))
        } else if a.count == 16 {
            var hi: UInt64 = 0, lo: UInt64 = 0
            for i in 0..<8 { hi = hi << 8 | UInt64(a[i]); lo = lo << 8 | UInt64(a[8 + i]) }
            self = .v6(high: hi, low: lo, scopeId: scopeId)
        } else {
            return nil
        }
    }

    /// Builds an address from 4 or 16 network-order bytes in place, without copying them into an array; nil for any
    /// other length. Netlink equivalent: reading the `NDA_DST` payload of a dump message.
    public init?(raw b: UnsafeRawBufferPointer, scopeId: UInt32 = 0) {
        if b.count == 4 {
            self = .v4(UInt32(bigEndian: b.loadUnaligned(as: UInt32.self)))
        } else if b.count == 16 {
            self = .v6(high: UInt64(bigEndian: b.loadUnaligned(as: UInt64.self)),
                       low: UInt64(bigEndian: b.loadUnaligned(fromByteOffset: 8, as: UInt64.self)), scopeId: scopeId)
        } else {
            return nil
        }
    }

    /// The same address without its IPv6 scope id (IPv4 is returned as is). Identity comparisons use this.
    public var withoutScope: IpAddress {
        if case .v6(let h, let l, _) = self { return .v6(high: h, low: l, scopeId: 0) }
        return self
    }

    /// The IPv6 scope id, 0 for none or for IPv4. Netlink equivalent: the interface index of a link-local entry.
    public var scopeId: UInt32 {
        if case .v6(_, _, let s) = self { return s }
        return 0
    }

    /// True for IPv4 0.0.0.0 and IPv6 `::`. `CreateIpNetEntry2` rejects these with `ERROR_INVALID_PARAMETER`.
    public var isUnspecified: Bool {
        switch self {
        case .v4(let v): return v == 0
        case .v6(let h, let l, _): return h == 0 && l == 0
        }
    }

    /// True for 127.0.0.0/8 and `::1`. The kernel accepts neighbor entries for these; neighsync does not.
    public var isLoopback: Bool {
        switch self {
        case .v4(let v): return v >> 24 == 127
        case .v6(let h, let l, _): return h == 0 && l == 1
        }
    }

    /// True for IPv6 `::ffff:0:0/96`, the IPv4-mapped addresses (RFC 4291 § 2.5.5.2): they stand for an IPv4 peer
    /// inside an IPv6 socket API and never appear on the wire, so the kernel's ndisc never resolves one (yet it
    /// would store an `NDA_DST` of this form without complaint).
    public var isIPv4Mapped: Bool {
        if case .v6(let h, let l, _) = self { return h == 0 && l >> 32 == 0xffff }
        return false
    }

    /// The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:192.0.2.1` → 192.0.2.1); nil for anything else.
    public var mappedIPv4: IpAddress? {
        if case .v6(_, let l, _) = self, isIPv4Mapped { return .v4(UInt32(truncatingIfNeeded: l)) }
        return nil
    }

    /// True for 255.255.255.255 (IPv4 limited broadcast), which is no neighbor's address.
    public var isLimitedBroadcast: Bool {
        if case .v4(let v) = self { return v == 0xffff_ffff }
        return false
    }

    /// True for IPv4 224.0.0.0/4 and IPv6 ff00::/8.
    public var isMulticast: Bool {
        switch self {
        case .v4(let v): return v >> 28 == 0xe
        case .v6(let h, _, _): return h >> 56 == 0xff
        }
    }

    /// True for the link-local ranges, IPv4 169.254.0.0/16 and IPv6 fe80::/10, whose scope is the interface.
    /// Netlink equivalent: an `NDA_DST` in fe80::/10 is only meaningful together with `ndm_ifindex`.
    public var isLinkLocal: Bool {
        switch self {
        case .v4(let v): return v >> 16 == 0xa9fe
        case .v6(let h, _, _): return h >> 54 == 0x3fa
        }
    }

    /// Parses strict textual IPv4 (`192.0.2.1`) or IPv6 (`2001:db8::1`, `fe80::1%3`) and returns nil for anything
    /// else, including leading zeros in IPv4 octets and IPv4-mapped forms with bad tails. Equivalent to
    /// `inet_pton(3)` plus a numeric scope; iproute2 parses the same text with `get_addr()`.
    public init?(_ text: String) {
        var t = Substring(text)
        var scope: UInt32 = 0
        if let pct = t.firstIndex(of: "%") {
            let s = t[t.index(after: pct)...]
            guard !s.isEmpty, s.utf8.count <= 10, s.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
                  let v = UInt32(s) else { return nil }
            scope = v
            t = t[..<pct]
            guard t.contains(":") else { return nil }
        }
        if let v4 = IpAddress.parseV4(t.utf8) {
            self = .v4(v4)
        } else if let (hi, lo) = IpAddress.parseV6(t.utf8) {
            self = .v6(high: hi, low: lo, scopeId: scope)
        } else {
            return nil
        }
    }

    /// Parses the same text as `init?(_:)` straight from UTF-8 bytes, without building a String (the desired-state
    /// loader's fast path over libyaml's scalar buffer). Equivalent to `inet_pton(3)` over a `char *` plus a numeric
    /// scope; iproute2: `get_addr()`.
    public init?(utf8 text: UnsafeBufferPointer<UInt8>) {
        var end = text.count
        var scope: UInt32 = 0
        if let pct = text.firstIndex(of: 37) {  // "%"
            let s = text[(pct + 1)...]
            guard !s.isEmpty, s.count <= 10, s.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
            var v: UInt64 = 0
            for c in s { v = v * 10 + UInt64(c - 48) }
            guard v <= UInt64(UInt32.max), text[..<pct].contains(58) else { return nil }
            scope = UInt32(v)
            end = pct
        }
        let t = UnsafeBufferPointer(rebasing: text[..<end])
        if let v4 = IpAddress.parseV4(t) {
            self = .v4(v4)
        } else if let (hi, lo) = IpAddress.parseV6(buffer: t) {
            self = .v6(high: hi, low: lo, scopeId: scope)
        } else {
            return nil
        }
    }

    static func parseV4<C: Collection>(_ s: C) -> UInt32? where C.Element == UInt8 {
        var value: UInt32 = 0
        var octet: UInt32 = 0
        var digits = 0
        var parts = 0
        var firstDigitZero = false
        for c in s {
            if c >= 48 && c <= 57 {
                if digits == 1 && firstDigitZero { return nil }  // leading zero
                if digits == 0 { firstDigitZero = (c == 48) }
                octet = octet * 10 + UInt32(c - 48)
                digits += 1
                if digits > 3 || octet > 255 { return nil }
            } else if c == 46 {  // "."
                guard digits > 0, parts < 3 else { return nil }
                value = value << 8 | octet
                parts += 1; octet = 0; digits = 0
            } else {
                return nil
            }
        }
        guard digits > 0, parts == 3 else { return nil }
        return value << 8 | octet
    }

    static func parseV6<C: Collection>(_ s: C) -> (UInt64, UInt64)? where C.Element == UInt8 {
        let a = Array(s)
        return a.withUnsafeBufferPointer { parseV6(buffer: $0) }
    }

    /// RFC 4291 text to the two 64-bit halves, without allocating: groups are collected in two words as they are
    /// read, and the `::` gap is opened by shifting the tail. Nil for anything malformed.
    static func parseV6(buffer a: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64)? {
        let n = a.count
        if n == 0 || n > 45 { return nil }
        // groups[0..<8] as a 128-bit accumulator: `count` groups read so far, `gapAt` where `::` was.
        var g = (UInt16(0), UInt16(0), UInt16(0), UInt16(0), UInt16(0), UInt16(0), UInt16(0), UInt16(0))
        var count = 0
        var gapAt = -1
        func put(_ v: UInt16) -> Bool {
            guard count < 8 else { return false }
            withUnsafeMutableBytes(of: &g) { $0.storeBytes(of: v, toByteOffset: count * 2, as: UInt16.self) }
            count += 1
            return true
        }
        var i = 0
        if n >= 2 && a[0] == 58 && a[1] == 58 { gapAt = 0; i = 2 } else if a[0] == 58 { return nil }
        while i < n {
            var j = i
            var v: UInt32 = 0
            var hasDot = false
            while j < n && a[j] != 58 {
                if a[j] == 46 { hasDot = true }
                j += 1
            }
            if j == i { return nil }
            if hasDot {
                guard j == n, let v4 = parseV4(UnsafeBufferPointer(rebasing: a[i..<j])) else { return nil }
                guard put(UInt16(v4 >> 16)), put(UInt16(v4 & 0xffff)) else { return nil }
                i = j
                break
            }
            guard j - i <= 4 else { return nil }
            for k in i..<j {
                let c = a[k]
                let d: UInt32
                switch c {
                case 48...57: d = UInt32(c - 48)
                case 97...102: d = UInt32(c - 87)
                case 65...70: d = UInt32(c - 55)
                default: return nil
                }
                v = v << 4 | d
            }
            guard put(UInt16(v)) else { return nil }
            if j == n { i = j; break }
            if j + 1 < n && a[j + 1] == 58 {
                if gapAt >= 0 { return nil }
                gapAt = count
                i = j + 2
            } else {
                if j + 1 == n { return nil }  // trailing single ':'
                i = j + 1
            }
        }
        var groups = (UInt16(0), UInt16(0), UInt16(0), UInt16(0), UInt16(0), UInt16(0), UInt16(0), UInt16(0))
        let ok: Bool = withUnsafeBytes(of: &g) { src in
            withUnsafeMutableBytes(of: &groups) { dst in
                if gapAt >= 0 {
                    guard count <= 7 else { return false }
                    let tail = count - gapAt
                    for k in 0..<gapAt { dst.storeBytes(of: src.load(fromByteOffset: k * 2, as: UInt16.self),
                                                        toByteOffset: k * 2, as: UInt16.self) }
                    for k in 0..<tail {
                        dst.storeBytes(of: src.load(fromByteOffset: (gapAt + k) * 2, as: UInt16.self),
                                       toByteOffset: (8 - tail + k) * 2, as: UInt16.self)
                    }
                    return true
                }
                guard count == 8 else { return false }
                dst.copyMemory(from: src)
                return true
            }
        }
        guard ok else { return nil }
        return withUnsafeBytes(of: &groups) { b in
            var hi: UInt64 = 0, lo: UInt64 = 0
            for k in 0..<4 {
                hi = hi << 16 | UInt64(b.load(fromByteOffset: k * 2, as: UInt16.self))
                lo = lo << 16 | UInt64(b.load(fromByteOffset: (4 + k) * 2, as: UInt16.self))
            }
            return (hi, lo)
        }
    }

    /// The canonical text: dotted quad, or RFC 5952 IPv6 (lower case, longest run of zero groups as `::`), with
    /// `%scope` when the scope id is non-zero. iproute2 prints the same text in `ip neigh show`.
    public var description: String {
        // Written byte by byte into the string's own storage: no intermediate arrays or interpolations, which
        // matters when 100,000 addresses are printed.
        String(unsafeUninitializedCapacity: 60) { out in
            var n = 0
            func byte(_ c: UInt8) { out[n] = c; n += 1 }
            func decimal(_ v: UInt32) {
                if v >= 10 { decimal(v / 10) }
                byte(48 + UInt8(v % 10))
            }
            func dotted(_ v: UInt32) {
                decimal(v >> 24); byte(46); decimal((v >> 16) & 0xff); byte(46)
                decimal((v >> 8) & 0xff); byte(46); decimal(v & 0xff)
            }
            func hex(_ v: UInt16) {
                var started = false
                for shift in stride(from: 12, through: 0, by: -4) {
                    let d = UInt8((v >> UInt16(shift)) & 0xf)
                    if d != 0 || started || shift == 0 {
                        byte(d < 10 ? 48 + d : 87 + d)
                        started = true
                    }
                }
            }
            switch self {
            case .v4(let v):
                dotted(v)
            case .v6(let hi, let lo, let scope):
                func group(_ k: Int) -> UInt16 {
                    k < 4 ? UInt16(truncatingIfNeeded: hi >> (48 - 16 * UInt64(k)))
                          : UInt16(truncatingIfNeeded: lo >> (48 - 16 * UInt64(k - 4)))
                }
                var bestStart = -1, bestLen = 0, curStart = -1, curLen = 0
                for k in 0..<8 {
                    if group(k) == 0 {
                        if curStart < 0 { curStart = k; curLen = 0 }
                        curLen += 1
                        if curLen > bestLen { bestStart = curStart; bestLen = curLen }
                    } else {
                        curStart = -1
                    }
                }
                if bestLen < 2 { bestStart = -1 }
                // IPv4-mapped ::ffff:a.b.c.d keeps its dotted tail.
                let mapped = hi == 0 && (lo >> 32) == 0xffff
                var k = 0
                while k < 8 {
                    if k == bestStart {
                        byte(58); byte(58)
                        k += bestLen
                        continue
                    }
                    if mapped && k == 6 {
                        if n == 0 || out[n - 1] != 58 { byte(58) }
                        dotted(UInt32(truncatingIfNeeded: lo))
                        break
                    }
                    if n != 0 && out[n - 1] != 58 { byte(58) }
                    hex(group(k))
                    k += 1
                }
                if scope != 0 { byte(37); decimal(scope) }
            }
            return n
        }
    }

    /// Orders IPv4 before IPv6, then numerically, then by scope id. Plans and tables list entries in this order.
    public static func < (a: IpAddress, b: IpAddress) -> Bool {
        switch (a, b) {
        case (.v4(let x), .v4(let y)): return x < y
        case (.v4, .v6): return true
        case (.v6, .v4): return false
        case (.v6(let h1, let l1, let s1), .v6(let h2, let l2, let s2)):
            return (h1, l1, s1) < (h2, l2, s2)
        }
    }
}
