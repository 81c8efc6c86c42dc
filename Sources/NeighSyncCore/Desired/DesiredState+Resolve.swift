import IpNetCore

extension DesiredState {
    /// True when `resolve(links:linkRefusals:localRoutes:)` needs the namespace's IPv4 local routing table: the file
    /// has a managed IPv4 entry (see there). Callers read the table only then.
    public var needsLocalRoutes: Bool {
        neighbors.contains { $0.state == DesiredRules.managedState && !$0.isProxy && $0.address.family == .ipv4 }
    }

    /// Finds each entry's interface in `links` and builds its row; entries that cannot be written yet for a reason
    /// outside the file are returned apart as pending (`PendingNeighbor`): every interface selector the entry gives
    /// names no link (interface absent: a link created later, or renamed away; by index or LUID too, as a re-created
    /// link gets a new index), or the link exists but the entry's family is unusable on it (IPv6 disabled, no IPv4
    /// configuration). Everything that is the file's fault is returned as diagnostics, positioned at the value at
    /// fault, and stops everything: a name, index and LUID that name different links (or of which some exist and
    /// some do not, or a LUID whose IfType is not the link's); a link-layer address whose length is not the link's
    /// hardware address length; an entry the link type cannot keep (`NeighborRowValidator.linkRefusal`: IPv4 on a
    /// loopback or point-to-point link, noarp without a link-layer address where the kernel supplies none); an IPv6
    /// scope id that is not the link's index; and two entries that turn out to be the same (link, address) once
    /// names are resolved. Rows carry the link's index and LUID, the owner protocol, state, router flag and
    /// link-layer address. Windows equivalent: `ConvertInterfaceNameToLuid` / `ConvertInterfaceLuidToIndex` and the
    /// checks of `CreateIpNetEntry2`; netlink: `ndm_ifindex` from RTM_GETLINK; iproute2: `ll_name_to_index()` for
    /// `dev NAME` ("Cannot find device").
    ///
    /// `linkRefusals` says what the checks against a link that exists are (the link type cannot keep the entry,
    /// the MAC length is not the link's, the zone id is not the link's index): `.errors` (the default) whenever the
    /// file is read and judged (validate, plan, a one-shot apply, watch mode's start and SIGHUP reload); `.blocked`
    /// in a watch pass of a file already admitted against the links, where only the host can have changed (a link
    /// switched `arp on`, a pending interface appeared with another hardware-address length or type): the entry is
    /// then pending with cause `linkRefuses` and the check's message, and every other entry is written.
    ///
    /// `localRoutes`, the namespace's IPv4 local routing table when the caller has read it (a live run; nil for a
    /// snapshot, which cannot know it), adds the checks of managed IPv4 entries that need it: an address whose
    /// longest match there is a broadcast route (a subnet broadcast, a configured broadcast, one added by hand) is
    /// refused like the link refusals above (`NeighborRowValidator.managedBroadcastRefusal`), and a namespace whose
    /// local table does not exist yet makes the entry pending (`.familyUnavailable`,
    /// `NeighborRowValidator.managedSourceProblem`) until an IPv4 address is added or `lo` is brought up.
    ///
    /// The one resolve of a desired state, used by validate, plan, apply, watch mode and saved plans alike. It keeps
    /// no copy of each parsed entry, only what the planner needs (row and source position), so it is also the lean
    /// path for 100,000-entry files. The rules are the row validator's (`NeighborRowValidator`), reported where the
    /// loader reports them (`RowReasonPlacement`).
    public func resolve(links: [Link], linkRefusals: LinkRefusals = .errors, localRoutes: LocalRouteTable? = nil)
        -> Result<DesiredResolution<DesiredRow>, DiagnosticList> {
        var out: [DesiredRow] = []
        out.reserveCapacity(neighbors.count)
        var pending: [PendingNeighbor] = []
        var byName: [String: Link] = [:]
        var byIndex: [UInt32: Link] = [:]
        for l in links {
            // A name that is not UTF-8 cannot be written in a file (`Link.isNameExact`): such a link is selected by
            // index or LUID only, never by a name that merely decodes alike.
            if l.isNameExact { byName[l.name] = l }
            byIndex[l.index] = l
        }
        var diagnostics: [Diagnostic] = []
        // The loader already rejects two entries that name the same interface the same way. Only a file that names
        // some interfaces by name and others by index or LUID can hide a duplicate until names are resolved, so
        // only such a file pays for a second index (6 MB at 100,000 entries).
        let named = neighbors.reduce(0) { $0 + ($1.interface.name != nil ? 1 : 0) }
        let mixed = named != 0 && named != neighbors.count
        var seen = DuplicateIndex()
        if mixed { seen.reserve(neighbors.count) }
        // Consecutive entries usually select the same link the same way, and a found link depends on the selector
        // alone (`link(for:)`): the last one found is reused instead of hashing the name again.
        var lastFound: (InterfaceRef, Link)?
        for (position, n) in neighbors.enumerated() {
            if diagnostics.count >= 100 { break }
            let link: Link
            if let (ref, l) = lastFound, ref == n.interface {
                link = l
            } else {
                switch DesiredState.link(for: n, byName: byName, byIndex: byIndex, into: &diagnostics) {
                case .found(let l):
                    link = l
                    lastFound = (n.interface, l)
                case .absent(let name, let reason):
                    pending.append(PendingNeighbor(address: n.address, interfaceName: name, interfaceIndex: nil,
                                                   physicalAddress: n.physicalAddress, state: n.state,
                                                   isRouter: n.isRouter, isOptional: n.isOptional,
                                                   cause: .interfaceAbsent, reason: reason, source: n.mark)
                                       .proxy(n.isProxy))
                    continue
                case .failed:
                    continue
                }
            }
            // Positions are looked up only for a message: at 100,000 entries, building them for every entry costs
            // more than the checks themselves.
            func addressMark() -> SourceMark { n.mark(of: "address") ?? n.mark }
            var ok = true
            // The checks against the link (the row validator's): errors, or (`.blocked`) the entry's reason to wait.
            let linkErrorsFrom = diagnostics.count
            let managed = n.state == DesiredRules.managedState && !n.isProxy
            let managedRoutes = managed && n.address.family == .ipv4 ? localRoutes : nil
            if let refusal = n.isProxy
                ? NeighborRowValidator.proxyRefusal(address: n.address, on: link)
                : NeighborRowValidator.linkRefusal(address: n.address, state: n.state,
                                                   physicalAddressLength: n.physicalAddress.count, on: link)
                    ?? NeighborRowValidator.physicalAddressProblem(n.physicalAddress, state: n.state, on: link)
                    ?? (managed ? NeighborRowValidator.managedLinkRefusal(address: n.address, on: link) : nil)
                    ?? managedRoutes.flatMap({
                        NeighborRowValidator.managedBroadcastRefusal(address: n.address, localRoutes: $0,
                                                                     links: byIndex) }) {
                diagnostics.append(RowReasonPlacement.diagnostic(refusal, for: n, link: link))
                ok = false
            }
            let blocked = NeighborRowValidator.hostBlock(address: n.address, managed: managed, on: link,
                                                         localRoutes: managedRoutes).map { "blocked: " + $0 }
            if n.address.scopeId != 0,
               // A zone id must name the link the entry is on.
               let problem = NeighborRowValidator.interfaceSelectionProblem(IpNetRow2(address: n.address,
                                                                                     interfaceIndex: link.index)) {
                diagnostics.append(RowReasonPlacement.diagnostic(problem, for: n, link: link))
                ok = false
            }
            if !ok && linkRefusals == .blocked {
                let why = diagnostics[linkErrorsFrom...].map(\.message).joined(separator: "; ")
                diagnostics.removeSubrange(linkErrorsFrom...)
                pending.append(PendingNeighbor(address: n.address, interfaceName: link.name, interfaceIndex: link.index,
                                               physicalAddress: n.physicalAddress, state: n.state,
                                               isRouter: n.isRouter, isOptional: n.isOptional,
                                               cause: .linkRefuses, reason: "blocked: " + why, source: n.mark)
                                   .proxy(n.isProxy))
                continue
            }
            guard ok else { continue }
            if let blocked {
                pending.append(PendingNeighbor(address: n.address, interfaceName: link.name, interfaceIndex: link.index,
                                               physicalAddress: n.physicalAddress, state: n.state,
                                               isRouter: n.isRouter, isOptional: n.isOptional,
                                               cause: .familyUnavailable, reason: blocked, source: n.mark)
                                   .proxy(n.isProxy))
                continue
            }
            if mixed, let first = seen.insert(address: n.address, name: nil, index: link.index, isProxy: n.isProxy,
                                              id: position) {
                let f = neighbors[first]
                diagnostics.append(Diagnostic(mark: addressMark(), message: "duplicate \(n.isProxy ? "proxy" : "neighbor") "
                                              + "\(n.address.withoutScope) on \(link.name) (index \(link.index)): "
                                              + "another entry names the same interface as \(f.interface); remove "
                                              + "one", notes: [Diagnostic.Note(mark: f.mark(of: "address") ?? f.mark,
                                                                               message: "first defined here")]))
                continue
            }
            let row = IpNetRow2(address: n.address, interfaceIndex: link.index, interfaceLuid: link.luid,
                                physicalAddress: n.physicalAddress, state: n.state, isRouter: n.isRouter,
                                protocol: ownerProtocol,
                                flags: n.isProxy ? .proxy : DesiredRules.writtenFlags(for: n.state))
            out.append(DesiredRow(row: row, source: n.mark))
        }
        if !diagnostics.isEmpty { return .failure(DiagnosticList(diagnostics)) }
        return .success(DesiredResolution(entries: out, pending: pending))
    }

    /// What the checks of an entry against a link that exists give: diagnostics that stop everything (the file's
    /// fault, when the file is judged), or a blocked entry (`PendingNeighbor.Cause.linkRefuses`) in a pass of a file
    /// already admitted, where only the host can have changed. See `resolve(links:linkRefusals:)`.
    public enum LinkRefusals: Sendable {
        /// The file's fault: diagnostics, nothing is applied.
        case errors
        /// The host changed: the entry is blocked, every other entry is written.
        case blocked
    }

    /// What an entry's interface selectors find: one link, no link at all (the interface is absent: pending, with
    /// the name to show and the reason), or a contradiction that was reported.
    enum LinkLookup {
        case found(Link)
        case absent(name: String, reason: String)
        case failed
    }

    /// The link an entry selects, after checking that its name, index and LUID agree. When every selector it gives
    /// names no link, the interface is absent (the entry is pending); when some name a link and others name another
    /// one or none, that is the file's contradiction, reported.
    static func link(for n: DesiredNeighbor, byName: [String: Link], byIndex: [UInt32: Link],
                     into diagnostics: inout [Diagnostic]) -> LinkLookup {
        let ref = n.interface
        if ref.isEmpty {
            diagnostics.append(RowReasonPlacement.diagnostic(.interfaceUnspecified, for: n))
            return .failed
        }
        let byNameLink = ref.name.flatMap { byName[$0] }
        let byIndexLink = ref.index.flatMap { byIndex[$0] }
        let byLuidLink = ref.luid.flatMap { byIndex[$0.netLuidIndex] }
        if byNameLink == nil && byIndexLink == nil && byLuidLink == nil {
            if let name = ref.name { return .absent(name: name, reason: "waiting for interface \(name)") }
            if let index = ref.index {
                // A zone id alone selects by index too (`fe80::1%9`): the same wait, saying where the index is from.
                let zone = n.address.scopeId == index && n.mark(of: "interfaceIndex") == n.mark(of: "address")
                return .absent(name: "if\(index)", reason: "waiting for an interface with index \(index)"
                               + (zone ? " (the zone id of \(n.address))" : ""))
            }
            let luid = ref.luid!
            return .absent(name: "if\(luid.netLuidIndex)", reason: "waiting for an interface with NetLuidIndex "
                           + "\(luid.netLuidIndex) (interfaceLuid \(luid))")
        }
        var chosen: Link?
        // Which selector chose `chosen`: its text and position are built only for a message (at 100,000 entries,
        // building them for every entry cost more than the lookups).
        var chooser: NeighborFields.Field?
        func chosenBy() -> String {
            switch chooser {
            case .interface?: return "interface '\(ref.name!)'"
            case .interfaceIndex?: return "interfaceIndex \(ref.index!)"
            default: return ""
            }
        }
        func chosenMark() -> SourceMark { chooser.flatMap { n.mark(of: $0.name) } ?? n.mark }
        if let name = ref.name {
            guard let l = byNameLink else {
                let other = byIndexLink ?? byLuidLink!
                diagnostics.append(Diagnostic(mark: n.mark(of: "interface") ?? n.mark,
                                              message: "no interface named '\(name)' in this namespace, "
                                              + "but the entry's \(byIndexLink != nil ? "interfaceIndex" : "interfaceLuid") "
                                              + "selects \(other.name) (index \(other.index)); give one of them, or "
                                              + "make them agree"))
                return .failed
            }
            chosen = l
            chooser = .interface
        }
        if let index = ref.index {
            func m() -> SourceMark { n.mark(of: "interfaceIndex") ?? n.mark }
            guard let l = byIndexLink else {
                diagnostics.append(Diagnostic(mark: m(), message: "no interface with index \(index) in this "
                                              + "namespace, but "
                                              + "\(chooser == nil ? "the entry's interfaceLuid" : chosenBy()) "
                                              + "selects \((chosen ?? byLuidLink!).name) (index "
                                              + "\((chosen ?? byLuidLink!).index)); give one of them, or make them agree"))
                return .failed
            }
            if let c = chosen, c.index != l.index {
                diagnostics.append(Diagnostic(mark: m(), message: "interfaceIndex \(index) is \(l.name), but "
                                              + "\(chosenBy()) has index \(c.index); give one of them, or make them "
                                              + "agree", notes: [Diagnostic.Note(mark: chosenMark(),
                                                                                 message: "\(chosenBy()) is here")]))
                return .failed
            }
            if chosen == nil {
                chosen = l
                chooser = .interfaceIndex
            }
        }
        if let luid = ref.luid {
            func m() -> SourceMark { n.mark(of: "interfaceLuid") ?? n.mark }
            guard let l = byLuidLink else {
                diagnostics.append(Diagnostic(mark: m(), message: "no interface with NetLuidIndex "
                                              + "\(luid.netLuidIndex) (interfaceLuid \(luid)) in this namespace, but "
                                              + "\(chosenBy()) selects \(chosen!.name) (index \(chosen!.index)); "
                                              + "give one of them, or make them agree",
                                              notes: [Diagnostic.Note(mark: chosenMark(),
                                                                      message: "\(chosenBy()) is here")]))
                return .failed
            }
            if let c = chosen, c.index != l.index {
                diagnostics.append(Diagnostic(mark: m(), message: "interfaceLuid \(luid) selects \(l.name) (index "
                                              + "\(l.index)), but \(chosenBy()) has index \(c.index); give one of "
                                              + "them, or make them agree",
                                              notes: [Diagnostic.Note(mark: chosenMark(),
                                                                      message: "\(chosenBy()) is here")]))
                return .failed
            }
            if let problem = NeighborRowValidator.luidTypeProblem(luid, on: l) {
                diagnostics.append(RowReasonPlacement.diagnostic(problem, for: n, link: l))
                return .failed
            }
            chosen = chosen ?? l
        }
        return .found(chosen!)
    }
}
