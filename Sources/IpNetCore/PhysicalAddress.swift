/// A link-layer address as held in `MIB_IPNET_ROW2.PhysicalAddress` (0…32 bytes, `IF_MAX_PHYS_ADDRESS_LENGTH`).
/// Accepts the three spellings network engineers paste: `02:00:00:00:00:10` (Linux), `02-00-00-00-00-10` (Windows)
/// and `0200.0000.0010` (Cisco), in either case; formats as lower-case colon-separated. Netlink equivalent: the
/// `NDA_LLADDR` attribute; iproute2: `ip neigh add … lladdr 02:00:00:00:00:10`.
public struct PhysicalAddress: Hashable, Sendable, CustomStringConvertible {
    /// The largest length a row can hold, Windows' `IF_MAX_PHYS_ADDRESS_LENGTH`.
    public static let maxLength = 32

    // The bytes live inline (no heap allocation, no reference counting), so a row is plain data: copying, sorting
    // and hashing 100,000 rows costs no retain/release. Unused bytes are always zero.
    private var storage: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    private var length: UInt8 = 0

    /// The address bytes, 0…32 of them (a fresh array; prefer `withUnsafeBytes` on hot paths).
    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    /// Wraps raw bytes; nil when there are more than 32. Netlink equivalent: decoding `NDA_LLADDR`.
    public init?(bytes: [UInt8]) {
        guard bytes.count <= PhysicalAddress.maxLength else { return nil }
        self.init(validatedBytes: bytes)
    }

    /// Copies `count` (≤ 32) bytes from raw memory; nil when there are more than 32. Netlink equivalent: the
    /// payload of `NDA_LLADDR` read in place.
    public init?(pointer: UnsafeRawPointer, count: Int) {
        guard count <= PhysicalAddress.maxLength else { return nil }
        length = UInt8(count)
        withUnsafeMutableBytes(of: &storage) { $0.baseAddress!.copyMemory(from: pointer, byteCount: count) }
    }

    /// The empty address (length 0), as a row with no link-layer address has. iproute2: an entry without `lladdr`.
    public static let empty = PhysicalAddress(validatedBytes: [])

    init(validatedBytes: [UInt8]) {
        length = UInt8(validatedBytes.count)
        withUnsafeMutableBytes(of: &storage) { dst in
            for (i, b) in validatedBytes.enumerated() { dst[i] = b }
        }
    }

    /// Calls `body` with the address bytes in place. Netlink equivalent: the `NDA_LLADDR` payload being written.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var s = storage
        return try Swift.withUnsafeBytes(of: &s) { try body(UnsafeRawBufferPointer(rebasing: $0[0..<Int(length)])) }
    }

    /// The number of bytes (6 for Ethernet). Windows equivalent: `PhysicalAddressLength`.
    public var count: Int { Int(length) }

    /// Equal when the lengths and the bytes are equal.
    public static func == (a: PhysicalAddress, b: PhysicalAddress) -> Bool {
        a.length == b.length && a.storage.0 == b.storage.0 && a.storage.1 == b.storage.1
            && a.storage.2 == b.storage.2 && a.storage.3 == b.storage.3
    }

    /// Hashes the length and the bytes.
    public func hash(into h: inout Hasher) {
        h.combine(length)
        h.combine(storage.0)
        if length > 8 { h.combine(storage.1); h.combine(storage.2); h.combine(storage.3) }
    }

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
        var out = Accumulator()
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
        return .success(out.address)
    }

    /// Parses like `parse(_:)`, returning nil on any error.
    public init?(_ text: String) {
        guard case .success(let p) = PhysicalAddress.parse(text) else { return nil }
        self = p
    }

    /// Lower-case colon-separated hex (`02:00:00:00:00:10`), empty for length 0. iproute2 prints the same in
    /// `ip neigh show … lladdr`.
    public var description: String {
        let n = count
        if n == 0 { return "" }
        return withUnsafeBytes { b in
            String(unsafeUninitializedCapacity: n * 3 - 1) { out in
                let digits: StaticString = "0123456789abcdef"
                let d = digits.utf8Start
                var k = 0
                for i in 0..<n {
                    if i > 0 { out[k] = 58; k += 1 }
                    out[k] = d[Int(b[i] >> 4)]; out[k + 1] = d[Int(b[i] & 0xf)]; k += 2
                }
                return k
            }
        }
    }

    /// Collects parsed bytes inline, counting past 32 so `tooLong` can say how many there were.
    private struct Accumulator {
        var address = PhysicalAddress.empty
        var count = 0
        mutating func append(_ b: UInt8) {
            if count < PhysicalAddress.maxLength {
                Swift.withUnsafeMutableBytes(of: &address.storage) { $0[count] = b }
                address.length = UInt8(count + 1)
            }
            count += 1
        }
    }
}
