import IpNet

/// The `defaults` mapping of a desired-state file and the step that finishes each entry with it: an entry's own
/// interface selectors replace those of `defaults` as a whole (a name in the entry does not mix with an index from
/// `defaults`), every other key falls back to `defaults` one by one, then the required keys are checked (`address`;
/// `physicalAddress` unless `state: noarp`) and the row rules (`NeighborRowValidator`) are reported at the value at
/// fault. Pure: no YAML, no IO. iproute2 equivalent: none (`ip -batch` has no defaults; each line is complete).
struct NeighborDefaults {
    typealias Field = NeighborFields.Field

    /// The key names `defaults` may hold (every entry key but `address` and `physicalAddress`).
    static let keyNames = ["interface", "interfaceIndex", "interfaceLuid", "isRouter", "state", "optional"]

    /// The values of `defaults` as read (all nil when the file has none).
    var fields = NeighborFields()

    /// The error a check of `NeighborRowValidator` throws, or nil: the loader reports the validator's reasons
    /// (positioned) instead of writing its rules a second time.
    static func problem(_ check: () throws(IpNetError) -> Void) -> IpNetError? {
        do { try check() } catch { return error }
        return nil
    }

    /// Reports an `interfaceLuid` whose NetLuidIndex is not the `interfaceIndex` given beside it, at the LUID.
    static func checkLuidAgreement(_ f: NeighborFields, into diagnostics: DiagnosticCollector) throws {
        let path = diagnostics.path
        guard let i = f.index, let l = f.luid, l.netLuidIndex != i, let lm = f.mark(.interfaceLuid, file: path),
              let im = f.mark(.interfaceIndex, file: path) else { return }
        try diagnostics.error("interfaceLuid \(l) (NetLuidIndex \(l.netLuidIndex)) disagrees with interfaceIndex "
                              + "\(i); give one of them, or make them name the same interface", at: lm,
                              notes: [Diagnostic.Note(mark: im, message: "interfaceIndex \(i) is here")])
    }

    /// Applies defaults to `e` and checks required keys and row rules; nil after reporting to `diagnostics`.
    func finish(_ e: NeighborFields, into diagnostics: DiagnosticCollector) -> DesiredNeighbor? {
        guard !e.hadError else { return nil }
        let path = diagnostics.path
        let defaults = fields
        do {
            guard let item = e.mark.mark(file: path) else { return nil }
            guard let address = e.address else {
                try diagnostics.error("missing required key 'address' in this neighbor entry", at: item)
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
            guard !interface.isEmpty else {
                try diagnostics.error("no interface for \(address): give interface, interfaceIndex or interfaceLuid "
                                      + "in the entry or under defaults", at: item)
                return nil
            }
            if own, e.index != nil, e.luid != nil {
                let before = diagnostics.count
                try NeighborDefaults.checkLuidAgreement(e, into: diagnostics)
                if diagnostics.count != before { return nil }
            }
            if !zoneSelects && address.scopeId != 0 && (interface.index != nil || interface.luid != nil) {
                let row = IpNetRow2(address: address, interfaceIndex: interface.index ?? 0,
                                    interfaceLuid: interface.luid ?? NetLuid(value: 0))
                if let problem = NeighborDefaults.problem({ () throws(IpNetError) in
                    _ = try NeighborRowValidator.checkInterfaceSelection(row)
                }) {
                    let from = own ? e : defaults
                    let selector: Field = interface.luid != nil && interface.index == nil ? .interfaceLuid
                                                                                          : .interfaceIndex
                    try diagnostics.error("address \(problem.reason)", at: e.mark(.address, file: path) ?? item,
                                          notes: from.mark(selector, file: path).map {
                                              [Diagnostic.Note(mark: $0, message: "\(selector.name) is here")] } ?? [])
                    return nil
                }
            }
            let isRouter = e.isRouter ?? defaults.isRouter ?? false
            if isRouter, let problem = NeighborDefaults.problem({ () throws(IpNetError) in
                try NeighborRowValidator.checkFlags(address: address, isRouter: isRouter)
            }) {
                if e.isRouter != nil {
                    try diagnostics.error(problem.reason, at: e.mark(.isRouter, file: path) ?? item)
                } else {
                    try diagnostics.error(problem.reason, at: e.mark(.address, file: path) ?? item,
                                          notes: defaults.mark(.isRouter, file: path).map {
                                              [Diagnostic.Note(mark: $0, message: "isRouter: true comes from defaults here")]
                                          } ?? [])
                }
                return nil
            }
            let state = e.state ?? defaults.state ?? .permanent
            let physical: PhysicalAddress
            if let p = e.physicalAddress {
                if p.count == 0 && state != .noarp {
                    try diagnostics.error("physicalAddress is empty; a permanent entry needs the neighbor's link-layer "
                                          + "address (only state: noarp may go without one)",
                                          at: e.mark(.physicalAddress, file: path))
                    return nil
                }
                physical = p
            } else if state == .noarp {
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
