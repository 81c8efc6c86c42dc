import IpNetCore

/// The `defaults` mapping of a desired-state file and the step that finishes each entry with it: an entry's own
/// interface selectors replace those of `defaults` as a whole (a name in the entry does not mix with an index from
/// `defaults`), every other key falls back to `defaults` one by one, then the required keys are checked (`address`;
/// `physicalAddress` unless `state: noarp`; none with `state: managed`) and the row rules (`NeighborRowValidator`)
/// are reported at the value at fault. Pure: no YAML, no IO. (`ip -batch` has no defaults; each line is complete).
package struct NeighborDefaults {
    package typealias Field = NeighborFields.Field

    /// The key names `defaults` may hold (every entry key but `address` and `physicalAddress`).
    package static let keyNames = ["interface", "interfaceIndex", "interfaceLuid", "isRouter", "state", "optional"]

    /// The values of `defaults` as read (all nil when the file has none).
    package var fields = NeighborFields()

    /// No defaults (the file has no `defaults` mapping, or it is not read yet).
    package init() {}

    /// Reports an `interfaceLuid` whose NetLuidIndex is not the `interfaceIndex` given beside it (the validator's
    /// `luidIndexProblem`), at the LUID with a note at the index.
    package static func checkLuidAgreement(_ f: NeighborFields, into diagnostics: DiagnosticCollector) throws {
        guard let i = f.index, let l = f.luid,
              let problem = NeighborRowValidator.luidIndexProblem(luid: l, index: i) else { return }
        try report(problem, address: f.address, in: f, into: diagnostics)
    }

    /// Reports a reason of the row validator at the value of `f` it is about (`RowReasonPlacement`), with a note at
    /// the selector it disagrees with.
    package static func report(_ reason: InvalidParameterReason, address: IpAddress?, in f: NeighborFields,
                       notesFrom selectors: NeighborFields? = nil, into diagnostics: DiagnosticCollector) throws {
        let path = diagnostics.path
        let item = f.mark.mark(file: path)
        let at = RowReasonPlacement.field(of: reason).flatMap { f.mark($0, file: path) } ?? item
        let other: Field?
        switch reason {
        case .luidIndexMismatch: other = .interfaceIndex
        case .zoneMismatch:
            let s = selectors ?? f
            other = s.luid != nil && s.index == nil ? .interfaceLuid : .interfaceIndex
        default: other = nil
        }
        var notes: [Diagnostic.Note] = []
        if let other, let m = (selectors ?? f).mark(other, file: path) {
            let what: String
            if case .luidIndexMismatch(_, let i) = reason { what = "interfaceIndex \(i)" } else { what = other.name }
            notes.append(Diagnostic.Note(mark: m, message: "\(what) is here"))
        }
        try diagnostics.error(RowReasonPlacement.message(reason, address: address ?? .v4(0)), at: at, notes: notes)
    }

    /// Applies defaults to `e` and checks required keys and row rules; nil after reporting to `diagnostics`.
    package func finish(_ e: NeighborFields, into diagnostics: DiagnosticCollector) -> DesiredNeighbor? {
        guard !e.hadError else { return nil }
        let path = diagnostics.path
        let defaults = fields
        do {
            guard let item = e.mark.mark(file: path) else { return nil }
            guard let address = e.address else {
                try diagnostics.error("missing required key 'address' in this \(e.isProxy ? "proxy" : "neighbor") entry",
                                      at: item)
                return nil
            }
            let own = e.hasSelector
            if !own && defaults.hadError { return nil }
            var interface = own ? InterfaceRef(name: e.name, index: e.index, luid: e.luid)
                                : InterfaceRef(name: defaults.name, index: defaults.index, luid: defaults.luid)
            // A zone id selects the interface when nothing else does (`IpNetRow2.effectiveInterfaceIndex`: the scope
            // id of a link-local address is the interface index); given with a selector it must agree with it.
            let zoneSelects = interface.isEmpty && address.scopeId != 0
            if zoneSelects { interface = InterfaceRef(index: address.scopeId) }
            // The validator's interface rule, offline: a name is resolved (and checked) against the host later.
            if interface.name == nil || interface.index != nil || interface.luid != nil {
                let row = IpNetRow2(address: address, interfaceIndex: interface.index ?? 0,
                                    interfaceLuid: interface.luid ?? NetLuid(value: 0))
                if let reason = NeighborRowValidator.interfaceSelectionProblem(row) {
                    // A LUID and index of `defaults` that disagree were reported where `defaults` was read.
                    if case .luidIndexMismatch = reason, !own { return nil }
                    try NeighborDefaults.report(reason, address: address, in: e, notesFrom: own ? e : defaults,
                                                into: diagnostics)
                    return nil
                }
            }
            if e.isProxy {
                // A proxy entry: address, interface and its own isRouter (the parser refused the other keys); of
                // `defaults` only the interface and `optional` apply (defaults.isRouter is the neighbors'). The kernel
                // keeps NTF_ROUTER on a proxy entry and sets the router flag in the neighbor advertisements it sends
                // for it (`pndisc_is_router()` in `ndisc_recv_ns()`): IPv6 only, as for neighbors.
                let isRouter = e.isRouter ?? false
                if isRouter, let problem = NeighborRowValidator.flagsProblem(address: address, isRouter: isRouter) {
                    try diagnostics.error(RowReasonPlacement.message(problem, address: address),
                                          at: e.mark(.isRouter, file: path) ?? item)
                    return nil
                }
                var positions = NeighborFields.Positions()
                positions[.isRouter] = e.positions[.isRouter]
                for f in [Field.interface, .interfaceIndex, .interfaceLuid] {
                    positions[f] = own ? e.positions[f] : defaults.positions[f]
                }
                positions[.address] = e.positions[.address]
                if zoneSelects { positions[.interfaceIndex] = e.positions[.address] }
                var n = DesiredNeighbor(address: address, interface: interface, physicalAddress: .empty,
                                        state: .none, isRouter: isRouter,
                                        isOptional: e.optional ?? defaults.optional ?? false, mark: item,
                                        valueMarks: ValueMarks(file: path, positions: positions))
                n.isProxy = true
                return n
            }
            let isRouter = e.isRouter ?? defaults.isRouter ?? false
            if isRouter, let problem = NeighborRowValidator.flagsProblem(address: address, isRouter: isRouter) {
                let message = RowReasonPlacement.message(problem, address: address)
                if e.isRouter != nil {
                    try diagnostics.error(message, at: e.mark(.isRouter, file: path) ?? item)
                } else {
                    try diagnostics.error(message, at: e.mark(.address, file: path) ?? item,
                                          notes: defaults.mark(.isRouter, file: path).map {
                                              [Diagnostic.Note(mark: $0, message: "isRouter: true comes from defaults here")]
                                          } ?? [])
                }
                return nil
            }
            let state = e.state ?? defaults.state ?? .permanent
            if state == DesiredRules.managedState,
               let problem = NeighborRowValidator.managedProblem(address: address,
                                                                 hasPhysicalAddress: e.physicalAddress != nil,
                                                                 isRouter: isRouter, state: state) {
                // At the value at fault (the entry's physicalAddress or isRouter), with a note where `state:
                // managed` comes from when defaults gave it; isRouter may come from defaults too.
                let field = RowReasonPlacement.field(of: problem)
                let at = field.flatMap { e.mark($0, file: path) ?? defaults.mark($0, file: path) } ?? item
                var notes: [Diagnostic.Note] = []
                if e.state == nil, let m = defaults.mark(.state, file: path) {
                    notes.append(Diagnostic.Note(mark: m, message: "state: managed comes from defaults here"))
                }
                try diagnostics.error(RowReasonPlacement.message(problem, address: address), at: at, notes: notes)
                return nil
            }
            let physical: PhysicalAddress
            if let p = e.physicalAddress {
                if p.count == 0 && state != .noarp {
                    try diagnostics.error("physicalAddress is empty; a permanent entry needs the neighbor's link-layer "
                                          + "address (only state: noarp may go without one)",
                                          at: e.mark(.physicalAddress, file: path))
                    return nil
                }
                physical = p
            } else if state == .noarp || state == DesiredRules.managedState {
                physical = .empty
            } else {
                try diagnostics.error("missing required key 'physicalAddress' for \(address); a permanent entry needs "
                                      + "the neighbor's link-layer address (only state: noarp may omit it)", at: item)
                return nil
            }
            var positions = NeighborFields.Positions()
            for f in Field.allCases {
                let isSelector = f == .interface || f == .interfaceIndex || f == .interfaceLuid
                positions[f] = isSelector ? (own ? e.positions[f] : defaults.positions[f])
                                          : (e.has(f) ? e.positions[f] : defaults.positions[f])
            }
            // Errors about the interface a zone id selects point at the address that holds it.
            if zoneSelects { positions[.interfaceIndex] = e.positions[.address] }
            return DesiredNeighbor(address: address, interface: interface, physicalAddress: physical, state: state,
                                   isRouter: isRouter,
                                   isOptional: e.optional ?? defaults.optional ?? false, mark: item,
                                   valueMarks: ValueMarks(file: path, positions: positions))
        } catch {
            return nil
        }
    }
}
