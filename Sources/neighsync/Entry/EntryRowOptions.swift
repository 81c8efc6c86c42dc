import ArgumentParser
import IpNet
import IpNetCore

/// The options that describe one neighbor row for `neighsync entry …`: the interface (`--interface NAME`,
/// `--index N` or `--luid X`), `--address`, `--lladdr`, `--state`, `--router`, `--protocol`. iproute2 equivalent:
/// the `ADDR dev DEV lladdr MAC nud STATE router protocol N` arguments of `ip neigh add`. `--managed` (`managed`)
/// writes the row in state none with the managed flag; a MAC, state or router flag beside it is left to the row
/// validator, which refuses it as ERROR_INVALID_PARAMETER with the reason (the kernel resolves those).
struct EntryRowOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The interface by name (as 'dev NAME').", valueName: "name"))
    var interface: String?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("The interface by index (Windows InterfaceIndex).", valueName: "n"))
    var index: UInt32?

    @Option(name: .long, help: ArgumentHelp("The interface by LUID, e.g. 0x0006000003000000.", valueName: "luid"))
    var luid: String?

    @Option(name: .long, help: ArgumentHelp("The neighbor's IPv4 or IPv6 address.", valueName: "address"))
    var address: String?

    @Option(name: .long, help: ArgumentHelp("The link-layer address: 02:00:00:00:00:10, 02-00-00-00-00-10 or "
                                            + "0200.0000.0010.", valueName: "mac"))
    var lladdr: String?

    @Option(name: .long, help: ArgumentHelp("The state (default permanent): permanent, noarp, reachable, stale, "
                                            + "delay, probe, incomplete, unreachable (FAILED).", valueName: "state"))
    var state: String?

    @Flag(name: .long, help: "Mark the neighbor as a router (NTF_ROUTER).")
    var router = false

    @Flag(name: .long, help: ArgumentHelp("A managed entry (NTF_EXT_MANAGED, as 'ip neigh add … managed'): the "
                                          + "kernel resolves the address and keeps it resolved; no --lladdr, "
                                          + "--state or --router."))
    var managed = false

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("The protocol tag written as it is, 0-255 "
                                                                       + "(NDA_PROTOCOL; 0 or absent: none).",
                                                                       valueName: "n"))
    var `protocol`: UInt8?

    @Flag(name: .long, help: ArgumentHelp("A proxy entry (NTF_PROXY, 'ip neigh … proxy'): answer ARP/NS for the "
                                          + "address on the interface; no --lladdr or --state (--router: IPv6 only)."))
    var proxy = false

    /// The parsed address, checked in `validate()`.
    var parsedAddress: IpAddress? { address.flatMap(IpAddress.init) }

    /// The parsed `--luid`, nil when absent or zero (a zero LUID means "use the index", as in Windows).
    var parsedLuid: NetLuid? { luid.flatMap(NetLuid.init).flatMap { $0.isZero ? nil : $0 } }

    /// Checks the syntax of what was given; `needsAddress` for every call but table/flush, `needsInterface` for
    /// calls on one entry. `lookupVerb` names a call that only finds an entry (get, delete, resolve): the options that
    /// describe what to write are refused there rather than silently ignored.
    func check(needsAddress: Bool, needsInterface: Bool, lookupVerb: String? = nil) throws {
        if let lookupVerb {
            var given: [String] = []
            if lladdr != nil { given.append("--lladdr") }
            if state != nil { given.append("--state") }
            if router { given.append("--router") }
            if managed { given.append("--managed") }
            if `protocol` != nil { given.append("--protocol") }
            if !given.isEmpty {
                throw ValidationError("'entry \(lookupVerb)' finds the entry by interface and address only; drop "
                                      + given.joined(separator: ", ") + " (they apply to 'entry create' and 'entry set')")
            }
        }
        if proxy {
            if lookupVerb == "resolve" {
                throw ValidationError("'entry resolve' asks the network for a neighbor's MAC; a proxy entry has none, "
                                      + "so drop --proxy")
            }
            var given: [String] = []
            if lladdr != nil { given.append("--lladdr") }
            if state != nil { given.append("--state") }
            if managed { given.append("--managed") }
            if !given.isEmpty {
                throw ValidationError("a proxy entry answers with the interface's own address and has no state; drop "
                                      + given.joined(separator: ", "))
            }
        }
        if let luid, NetLuid(luid) == nil {
            throw ValidationError("--luid '\(luid)' is not a LUID; write it as 0x0006000003000000")
        }
        if interface != nil && (index != nil || parsedLuid != nil) {
            throw ValidationError("give the interface once: --interface NAME, or --index N and/or --luid X")
        }
        // A zone id (`--address fe80::1%3`) selects the interface too (the scope id of a link-local address is the
        // interface index); given with another selector it must agree with it, which the row validator checks.
        let zone = parsedAddress?.scopeId ?? 0
        if needsInterface && interface == nil && index == nil && parsedLuid == nil && zone == 0 {
            throw ValidationError("no interface given; add --interface NAME, --index N or --luid X")
        }
        if needsAddress {
            guard let address else { throw ValidationError("no address given; add --address 192.0.2.10") }
            if IpAddress(address) == nil {
                throw ValidationError("--address '\(address)' is not an IPv4 or IPv6 address (e.g. 192.0.2.10, "
                                      + "2001:db8::1)")
            }
        }
        if let lladdr {
            switch PhysicalAddress.parse(lladdr) {
            case .success: break
            case .failure(.tooLong(let n)):
                throw ValidationError("--lladdr '\(lladdr)' has \(n) bytes; at most \(PhysicalAddress.maxLength)")
            case .failure(.malformed):
                throw ValidationError("--lladdr '\(lladdr)' is malformed; write it as 02:00:00:00:00:10")
            }
        }
        if let state, NeighborState(name: state) == nil {
            throw ValidationError("--state '\(state)' is not a state; use permanent, noarp, reachable, stale, delay, "
                                  + "probe, incomplete or unreachable")
        }
    }

    /// The row these options describe, with the interface name resolved to an index through `table`.
    func row(using table: NeighborTable) throws -> IpNetRow2 {
        var index = self.index ?? 0
        if let interface {
            guard let link = try table.link(named: interface) else {
                throw IpNetError.notFound("no interface named \(interface)")
            }
            index = link.index
        }
        return IpNetRow2(address: parsedAddress ?? .v4(0), interfaceIndex: index,
                         interfaceLuid: parsedLuid ?? NetLuid(value: 0),
                         physicalAddress: lladdr.flatMap(PhysicalAddress.init) ?? .empty,
                         state: proxy ? .none : state.flatMap(NeighborState.init(name:)) ?? (managed ? .none : .permanent),
                         isRouter: router, protocol: `protocol` ?? 0,
                         flags: proxy ? .proxy : managed ? .managed : [])
    }
}
