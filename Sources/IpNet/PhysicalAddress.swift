/// A link-layer address as held in `MIB_IPNET_ROW2.PhysicalAddress` (0…32 bytes, `IF_MAX_PHYS_ADDRESS_LENGTH`).
/// Accepts the three spellings network engineers paste: `02:00:00:00:00:10` (Linux), `02-00-00-00-00-10` (Windows)
/// and `0200.0000.0010` (Cisco), in either case; formats as lower-case colon-separated. Netlink equivalent: the
/// `NDA_LLADDR` attribute; iproute2: `ip neigh add … lladdr 02:00:00:00:00:10`.
public struct PhysicalAddress: Hashable, Sendable, CustomStringConvertible {
    /// The largest length a row can hold, Windows' `IF_MAX_PHYS_ADDRESS_LENGTH`.
    public static let maxLength = 32

    /// The address bytes, 0…32 of them.
    public let bytes: [UInt8]

    /// Wraps raw bytes; nil when there are more than 32. Netlink equivalent: decoding `NDA_LLADDR`.
    public init?(bytes: [UInt8]) {
        guard bytes.count <= PhysicalAddress.maxLength else { return nil }
        self.bytes = bytes
    }

    /// The empty address (length 0), as a row with no link-layer address has. iproute2: an entry without `lladdr`.
    public static let empty = PhysicalAddress(validatedBytes: [])

    init(validatedBytes: [UInt8]) { self.bytes = validatedBytes }

    /// The number of bytes (6 for Ethernet). Windows equivalent: `PhysicalAddressLength`.
    public var count: Int { bytes.count }

    /// Why a text is not a physical address; `parse` returns it so callers can say exactly what was wrong.
    public enum ParseError: Error, Equatable, Sendable {
        /// The text mixes or misplaces separators, or holds a non-hex character.
        case malformed
        /// More than `maxLength` bytes.
        case tooLong(Int)
    }

    /// Parses one of the accepted spellings, or says why not. An empty string is the empty address. iproute2
    /// accepts only the colon form (`ll_addr_a2n`); the other two are conveniences for people pasting from Windows
    /// or switch CLIs.
    public static func parse(_ text: String) -> Result<PhysicalAddress, ParseError> {
        var t = text
        return t.withUTF8 { parse(utf8: $0) }
    }

    /// Parses like `parse(_:)` straight from UTF-8 bytes, without building a String (the desired-state loader's fast
    /// path over libyaml's scalar buffer). iproute2 equivalent: `ll_addr_a2n()` over a `char *`.
    public static func parse(utf8 u: UnsafeBufferPointer<UInt8>) -> Result<PhysicalAddress, ParseError> {
        if u.isEmpty { return .success(.empty) }
        func hex(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: return nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(u.count / 2 + 1)
        var digits = 0
        if u.contains(46) {
            // Cisco dotted: groups of exactly 4 hex digits separated by '.'.
            var acc: UInt16 = 0
            for c in u {
                if c == 46 {
                    guard digits == 4 else { return .failure(.malformed) }
                    out.append(UInt8(acc >> 8)); out.append(UInt8(acc & 0xff))
                    digits = 0; acc = 0
                } else {
                    guard digits < 4, let d = hex(c) else { return .failure(.malformed) }
                    acc = acc << 4 | UInt16(d); digits += 1
                }
            }
            guard digits == 4 else { return .failure(.malformed) }
            out.append(UInt8(acc >> 8)); out.append(UInt8(acc & 0xff))
        } else {
            let sep: UInt8? = u.contains(58) ? 58 : (u.contains(45) ? 45 : nil)
            guard let sep else { return .failure(.malformed) }
            if u.contains(sep == 58 ? 45 : 58) { return .failure(.malformed) }
            // Groups of 1 or 2 hex digits.
            var v: UInt8 = 0
            for c in u {
                if c == sep {
                    guard digits >= 1 else { return .failure(.malformed) }
                    out.append(v); digits = 0; v = 0
                } else {
                    guard digits < 2, let d = hex(c) else { return .failure(.malformed) }
                    v = v << 4 | d; digits += 1
                }
            }
            guard digits >= 1 else { return .failure(.malformed) }
            out.append(v)
        }
        if out.count > maxLength { return .failure(.tooLong(out.count)) }
        return .success(PhysicalAddress(validatedBytes: out))
    }

    /// Parses like `parse(_:)`, returning nil on any error.
    public init?(_ text: String) {
        guard case .success(let p) = PhysicalAddress.parse(text) else { return nil }
        self = p
    }

    /// Lower-case colon-separated hex (`02:00:00:00:00:10`), empty for length 0. iproute2 prints the same in
    /// `ip neigh show … lladdr`.
    public var description: String {
        var s = ""
        s.reserveCapacity(bytes.count * 3)
        let digits: [Character] = Array("0123456789abcdef")
        for (i, b) in bytes.enumerated() {
            if i > 0 { s.append(":") }
            s.append(digits[Int(b >> 4)]); s.append(digits[Int(b & 0xf)])
        }
        return s
    }
}
