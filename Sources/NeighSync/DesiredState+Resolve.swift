import IpNet

extension DesiredState {
    /// Finds each entry's interface in `links` and builds its row, or returns every problem found, positioned at
    /// the value at fault: an interface name, index or LUID that no link has; a name, index and LUID that name
    /// different links (or a LUID whose IfType is not the link's); a link-layer address whose length is not the
    /// link's hardware address length; an IPv6 entry on a link with IPv6 disabled, an IPv4 entry on a link without
    /// IPv4; an IPv6 scope id that is not the link's index; and two entries that turn out to be the same (link,
    /// address) once names are resolved. Rows carry the link's index and LUID, the owner protocol, state, router flag
    /// and link-layer address. Windows equivalent: `ConvertInterfaceNameToLuid` / `ConvertInterfaceLuidToIndex` and
    /// the checks of `CreateIpNetEntry2`; netlink: `ndm_ifindex` from RTM_GETLINK; iproute2: `ll_name_to_index()` for
    /// `dev NAME` ("Cannot find device").
    public func resolve(links: [Link]) -> Result<[ResolvedNeighbor], DiagnosticList> {
        var out: [ResolvedNeighbor] = []
        out.reserveCapacity(neighbors.count)
        if let failure = resolveEach(links: links, { n, row, link in
            out.append(ResolvedNeighbor(row: row, desired: n, interfaceName: link.name))
        }) { return .failure(failure) }
        return .success(out)
    }

    /// Like `resolve(links:)`, but returns only what the planner needs (row and source position), without keeping
    /// a copy of each parsed entry: the lean path for 100,000-entry files.
    public func resolveRows(links: [Link]) -> Result<[DesiredRow], DiagnosticList> {
        var out: [DesiredRow] = []
        out.reserveCapacity(neighbors.count)
        if let failure = resolveEach(links: links, { n, row, _ in out.append(DesiredRow(row: row, source: n.mark)) }) {
            return .failure(failure)
        }
        return .success(out)
    }

    /// The checks of `resolve(links:)`, calling `emit` for each entry that passes; the diagnostics, if any.
    private func resolveEach(links: [Link], _ emit: (DesiredNeighbor, IpNetRow2, Link) -> Void) -> DiagnosticList? {
        var byName: [String: Link] = [:]
        var byIndex: [UInt32: Link] = [:]
        for l in links {
            byName[l.name] = l
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
        for (position, n) in neighbors.enumerated() {
            if diagnostics.count >= 100 { break }
            guard let link = DesiredState.link(for: n, byName: byName, byIndex: byIndex, into: &diagnostics) else {
                continue
            }
            let addressMark = n.mark(of: "address") ?? n.mark
            let macMark = n.mark(of: "physicalAddress") ?? n.mark
            var ok = true
            if n.physicalAddress.count != 0 && n.physicalAddress.count != link.hardwareAddressLength {
                let want = link.hardwareAddressLength == 0
                    ? "\(link.name) has no hardware addresses; use state: noarp without physicalAddress"
                    : "\(link.name) uses \(link.hardwareAddressLength)-byte hardware addresses"
                diagnostics.append(Diagnostic(mark: macMark, message: "physicalAddress \(n.physicalAddress) has "
                                              + "\(n.physicalAddress.count) bytes, but \(want)"))
                ok = false
            }
            switch n.address.family {
            case .ipv6 where !link.ipv6Enabled:
                diagnostics.append(Diagnostic(mark: addressMark, message: "IPv6 is disabled on \(link.name) "
                                              + "(net.ipv6.conf.\(link.name).disable_ipv6 = 1); enable it or "
                                              + "remove \(n.address)"))
                ok = false
            case .ipv4 where !link.ipv4Enabled:
                diagnostics.append(Diagnostic(mark: addressMark, message: "\(link.name) has no IPv4 configuration, "
                                              + "so it cannot hold the IPv4 neighbor \(n.address)"))
                ok = false
            default:
                break
            }
            if n.address.scopeId != 0 {
                // A zone id must name the link the entry is on: the validator's rule, positioned at the address.
                do throws(IpNetError) {
                    _ = try NeighborRowValidator.checkInterfaceSelection(IpNetRow2(address: n.address,
                                                                                  interfaceIndex: link.index))
                } catch {
                    diagnostics.append(Diagnostic(mark: addressMark, message: "address \(error.reason) (\(link.name) "
                                                  + "is index \(link.index))"))
                    ok = false
                }
            }
            guard ok else { continue }
            if mixed, let first = seen.insert(address: n.address, name: nil, index: link.index, id: position) {
                let f = neighbors[first]
                diagnostics.append(Diagnostic(mark: addressMark, message: "duplicate neighbor "
                                              + "\(n.address.withoutScope) on \(link.name) (index \(link.index)): "
                                              + "another entry names the same interface as \(f.interface); remove "
                                              + "one", notes: [Diagnostic.Note(mark: f.mark(of: "address") ?? f.mark,
                                                                               message: "first defined here")]))
                continue
            }
            let row = IpNetRow2(address: n.address, interfaceIndex: link.index, interfaceLuid: link.luid,
                                physicalAddress: n.physicalAddress, state: n.state, isRouter: n.isRouter,
                                protocol: ownerProtocol)
            emit(n, row, link)
        }
        return diagnostics.isEmpty ? nil : DiagnosticList(diagnostics)
    }

    /// The link an entry selects, after checking that its name, index and LUID agree; nil after reporting.
    static func link(for n: DesiredNeighbor, byName: [String: Link], byIndex: [UInt32: Link],
                     into diagnostics: inout [Diagnostic]) -> Link? {
        let ref = n.interface
        var chosen: Link?
        var chosenBy = ""
        var chosenMark = n.mark
        if let name = ref.name {
            let m = n.mark(of: "interface") ?? n.mark
            guard let l = byName[name] else {
                diagnostics.append(Diagnostic(mark: m, message: "no interface named '\(name)' in this namespace; "
                                              + "check the name with 'ip link show'"))
                return nil
            }
            chosen = l
            chosenBy = "interface '\(name)'"
            chosenMark = m
        }
        if let index = ref.index {
            let m = n.mark(of: "interfaceIndex") ?? n.mark
            guard let l = byIndex[index] else {
                diagnostics.append(Diagnostic(mark: m, message: "no interface with index \(index) in this "
                                              + "namespace; check the index with 'ip link show'"))
                return nil
            }
            if let c = chosen, c.index != l.index {
                diagnostics.append(Diagnostic(mark: m, message: "interfaceIndex \(index) is \(l.name), but "
                                              + "\(chosenBy) has index \(c.index); give one of them, or make them "
                                              + "agree", notes: [Diagnostic.Note(mark: chosenMark,
                                                                                 message: "\(chosenBy) is here")]))
                return nil
            }
            if chosen == nil {
                chosen = l
                chosenBy = "interfaceIndex \(index)"
                chosenMark = m
            }
        }
        if let luid = ref.luid {
            let m = n.mark(of: "interfaceLuid") ?? n.mark
            guard let l = byIndex[luid.netLuidIndex] else {
                diagnostics.append(Diagnostic(mark: m, message: "no interface with NetLuidIndex "
                                              + "\(luid.netLuidIndex) (interfaceLuid \(luid)) in this namespace; "
                                              + "check the index with 'ip link show'"))
                return nil
            }
            if let c = chosen, c.index != l.index {
                diagnostics.append(Diagnostic(mark: m, message: "interfaceLuid \(luid) selects \(l.name) (index "
                                              + "\(l.index)), but \(chosenBy) has index \(c.index); give one of "
                                              + "them, or make them agree",
                                              notes: [Diagnostic.Note(mark: chosenMark, message: "\(chosenBy) is here")]))
                return nil
            }
            if luid.ifType != l.luid.ifType {
                diagnostics.append(Diagnostic(mark: m, message: "interfaceLuid \(luid) has IfType \(luid.ifType), "
                                              + "but \(l.name) has IfType \(l.luid.ifType); its LUID is \(l.luid)"))
                return nil
            }
            chosen = chosen ?? l
        }
        if chosen == nil {
            diagnostics.append(Diagnostic(mark: n.mark, message: "no interface for \(n.address): give interface, "
                                          + "interfaceIndex or interfaceLuid"))
        }
        return chosen
    }
}
