import IpNetCore
import NeighSyncCore

/// Reads the values of a desired-state file (an entry's address, link-layer address, interface selectors and state;
/// the top-level `version`, `prune`, `maxDeletes` and `owner.protocol`) from their events, each with the hint that
/// says what to write instead: nil after reporting. Addresses are parsed from libyaml's buffers, without a String on
/// the good path. iproute2 equivalent: `get_addr()`, `ll_addr_a2n()`, `ll_name_to_index()` and `nud_state_a2n()`
/// as `ipneigh_modify()` calls them on each word of a line.
final class DesiredValueParser {
    typealias Event = YAMLEventStream.Event

    private let stream: YAMLEventStream
    private let diagnostics: DiagnosticCollector
    /// The last interface name read: consecutive entries usually name the same interface and share one String.
    private var lastName: String?

    /// A value parser reading from `stream`.
    init(stream: YAMLEventStream) {
        self.stream = stream
        self.diagnostics = stream.diagnostics
    }

    // MARK: - Top-level settings

    /// `version`: 1 is the only one.
    func version(_ v: Event) throws {
        guard let n = try stream.integer(v, key: "version") else { return }
        if n != .value(1) {
            try stream.error("unsupported version \(ScalarBytes.shown(v.bytes)); this neighsync reads version 1",
                             at: v)
        }
    }

    /// `prune`: owned or none.
    func prune(_ v: Event) throws -> PruneMode? {
        guard let s = try stream.text(v, key: "prune", expected: "owned or none") else { return nil }
        if ScalarBytes.equals(s.bytes, "owned") { return .owned }
        if ScalarBytes.equals(s.bytes, "none") { return PruneMode.none }
        let t = ScalarBytes.shown(s.bytes)
        let hint = KeySuggester.suggestion(for: t, among: ["owned", "none"]).map { "; did you mean '\($0)'?" }
        try stream.error("'prune' must be owned or none, found '\(t)'\(hint ?? "")", at: v)
        return nil
    }

    /// `maxDeletes`: 0 or more.
    func maxDeletes(_ v: Event) throws -> Int? {
        guard let n = try stream.integer(v, key: "maxDeletes") else { return nil }
        switch n {
        case .value(let x) where x <= UInt64(Int.max):
            return Int(x)
        case .negative:
            try stream.error("'maxDeletes' must be 0 or more, found \(ScalarBytes.shown(v.bytes)); use 0 to refuse "
                             + "every delete without --force", at: v)
        default:
            try stream.error("'maxDeletes' is too large: \(ScalarBytes.shown(v.bytes))", at: v)
        }
        return nil
    }

    /// `owner.protocol`: 5…255, by the one rule for owner protocols (`OwnerProtocolRule`, shared with saved plans):
    /// 0–4 refused, the routing daemons' numbers accepted with a warning.
    func ownerProtocol(_ v: Event) throws -> UInt8? {
        guard let n = try stream.integer(v, key: "owner.protocol") else { return nil }
        guard case .value(let x) = n else {
            try stream.error("'owner.protocol' must be 5…255 (an NDA_PROTOCOL value), found "
                             + ScalarBytes.shown(v.bytes), at: v)
            return nil
        }
        if let finding = OwnerProtocolRule.check(x) {
            guard finding.severity == .warning else {
                try stream.error(finding.message, at: v)
                return nil
            }
            diagnostics.warning(finding.message, at: stream.mark(v))
        }
        return UInt8(x)
    }

    // MARK: - Entry values

    /// `address`: an IPv4 or IPv6 address, with the leading-zero and zone-id hints (`AddressTextHint`) when it does
    /// not parse, and the one address rule (`NeighborRowValidator.addressProblem`) when it does.
    func address(_ v: Event) throws -> IpAddress? {
        guard let s = try stream.text(v, key: "address", expected: "an IP address") else { return nil }
        guard let a = IpAddress(utf8: s.bytes) else {
            let t = ScalarBytes.string(s.bytes)
            if let fixed = AddressTextHint.withoutLeadingZeros(t) {
                try stream.error("invalid address '\(ScalarBytes.shown(t))': an IPv4 octet has a leading zero, which "
                                 + "some tools read as octal; write \(fixed)", at: v)
            } else if let problem = AddressTextHint.zoneProblem(t) {
                try stream.error("invalid address '\(ScalarBytes.shown(t))': \(problem)", at: v)
            } else {
                try stream.error("invalid address '\(ScalarBytes.shown(t))'; write an IPv4 address like 192.0.2.10 or "
                                 + "an IPv6 address like 2001:db8::10", at: v)
            }
            return nil
        }
        // The one address rule (`NeighborRowValidator`), positioned at the value.
        if let problem = NeighborRowValidator.addressProblem(a) {
            try stream.error(RowReasonPlacement.message(problem, address: a), at: v)
            return nil
        }
        return a
    }

    /// `physicalAddress`: hex bytes in the Linux, Windows or Cisco notation, at most 32 of them.
    func physicalAddress(_ v: Event) throws -> PhysicalAddress? {
        guard let s = try stream.text(v, key: "physicalAddress", expected: "a link-layer address") else { return nil }
        switch PhysicalAddress.parse(utf8: s.bytes) {
        case .success(let p):
            return p
        case .failure(.tooLong(let n)):
            try stream.error("physicalAddress has \(n) bytes; a neighbor entry holds at most "
                             + "\(PhysicalAddress.maxLength)", at: v)
        case .failure(.malformed):
            try stream.error("malformed physicalAddress '\(ScalarBytes.shown(s.bytes))'; write hex bytes like "
                             + "02:00:00:00:00:10, 02-00-00-00-00-10 or 0200.0000.0010", at: v)
        }
        return nil
    }

    /// `interface`: a Linux interface name by the kernel's rule (`dev_valid_name()` in net/core/dev.c).
    func interfaceName(_ v: Event) throws -> String? {
        if v.kind == .scalar, v.plain, case .value = ScalarBytes.integer(v.bytes) {
            try stream.error("expected an interface name for 'interface', found an integer; to select by index write "
                             + "interfaceIndex: \(ScalarBytes.shown(v.bytes))", at: v)
            return nil
        }
        guard let s = try stream.text(v, key: "interface", expected: "an interface name") else { return nil }
        let b = s.bytes
        // The kernel's rule (`dev_valid_name()` in net/core/dev.c): 1–15 bytes, not `.` or `..`, no NUL, '/', ':' or
        // byte its isspace() accepts (9–13, 32, 160). Other control bytes are valid names (`show` writes them as
        // escapes), so they are accepted here too.
        let valid = b.count >= 1 && b.count <= 15 && !ScalarBytes.equals(b, ".") && !ScalarBytes.equals(b, "..")
            && !b.contains(where: { $0 == 0 || $0 == 47 || $0 == 58 || ($0 >= 9 && $0 <= 13) || $0 == 32 || $0 == 160 })
        guard valid else {
            // Control characters in the name are escaped when the diagnostic is printed (`Diagnostic.printable`).
            try stream.error("invalid interface name '\(ScalarBytes.shown(b))': Linux names are 1–15 bytes without "
                             + "'/', ':' or spaces", at: v)
            return nil
        }
        // Consecutive entries usually name the same interface: share one String.
        if let last = lastName, ScalarBytes.equals(b, last) { return last }
        let n = ScalarBytes.string(b)
        lastName = n
        return n
    }

    /// `interfaceIndex`: an ifindex, 1…4294967295.
    func interfaceIndex(_ v: Event) throws -> UInt32? {
        guard let n = try stream.integer(v, key: "interfaceIndex") else { return nil }
        if case .value(let x) = n, x >= 1, x <= UInt64(UInt32.max) { return UInt32(x) }
        try stream.error("'interfaceIndex' must be 1…4294967295 (an ifindex), found \(ScalarBytes.shown(v.bytes))",
                         at: v)
        return nil
    }

    /// `interfaceLuid`: a Windows `NET_LUID` (IfType << 48 | NetLuidIndex << 24); nil after reporting, and nil
    /// without a report for the zero LUID, which selects by the index (or name) instead, as Windows does.
    func interfaceLuid(_ v: Event) throws -> NetLuid? {
        guard let n = try stream.integer(v, key: "interfaceLuid") else { return nil }
        let t = ScalarBytes.shown(v.bytes)
        guard case .value(let x) = n else {
            try stream.error("'interfaceLuid' must fit in 64 bits, found \(t)", at: v)
            return nil
        }
        if x == 0 { return nil }  // the zero LUID: select by the index (or name) instead, as Windows does
        let l = NetLuid(value: x)
        if x & 0xff_ffff != 0 {
            try stream.error("interfaceLuid \(t) has reserved bits 0–23 set; a LUID is IfType << 48 | NetLuidIndex "
                             + "<< 24, e.g. 0x0006000003000000 for Ethernet ifindex 3", at: v)
            return nil
        }
        if l.netLuidIndex == 0 {
            try stream.error("interfaceLuid \(t) has NetLuidIndex 0, which selects no interface; omit interfaceLuid "
                             + "to select by interface or interfaceIndex", at: v)
            return nil
        }
        return l
    }

    /// `state`: permanent or noarp (the states a static entry keeps), or managed (`DesiredRules.managedState`: the
    /// kernel keeps the entry resolved).
    func state(_ v: Event) throws -> NeighborState? {
        guard let s = try stream.text(v, key: "state", expected: "permanent, noarp or managed") else { return nil }
        if ScalarBytes.equals(s.bytes, "permanent") { return .permanent }
        if ScalarBytes.equals(s.bytes, "noarp") { return .noarp }
        if ScalarBytes.equals(s.bytes, "managed") { return DesiredRules.managedState }
        let t = ScalarBytes.shown(s.bytes)
        var msg = "state must be permanent or noarp for a static entry, or managed, found '\(t)'"
        if let hint = KeySuggester.suggestion(for: t, among: ["permanent", "noarp", "managed"]) {
            msg += "; did you mean '\(hint)'?"
        }
        try stream.error(msg, at: v)
        return nil
    }
}
