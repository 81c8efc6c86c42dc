internal import Glibc
import IpNetCore

/// The neighbor-table parameters of the namespace (`NeighborParameter`): the netlink ones over the table's socket,
/// the proxy switches as sysctls from a thread inside the namespace. Netlink equivalent: RTM_GETNEIGHTBL dump and
/// RTM_SETNEIGHTBL; iproute2: `ip ntable show|change`, `sysctl net.ipv4.conf.IF.proxy_arp`.
extension NeighborTable {
    /// Every parameter set: per interface and family (the `NDTPA_*` values, plus `proxyARP` for IPv4 and `proxyNDP`
    /// for IPv6 where the sysctl exists), then each table's own (index 0, table-wide keys), sorted by family then
    /// index. Netlink: RTM_GETNEIGHTBL dump; iproute2: `ip ntable show`.
    public func parameters() throws -> [NeighborParameterSet] {
        var sets: [NeighborParameterSet]
        do throws(NetlinkFailure) {
            sets = try socket.dump(encode: { NeighborTableMessageCodec.encodeDump(sequence: $1, into: $0) },
                                   decode: NeighborTableMessageCodec.decode)
        } catch {
            let f = error
            throw KernelErrorTranslator.error(f, doing: "cannot read the neighbor-table parameters")
        }
        let names = Dictionary(try links().filter(\.isNameExact).map { ($0.index, $0.name) },
                               uniquingKeysWith: { a, _ in a })
        let wanted = sets.indices.filter { sets[$0].interfaceIndex != 0 && names[sets[$0].interfaceIndex] != nil }
        let proxies: [(Int, NeighborParameter, Int64)] = try NamespaceSysctl.run(in: namespacePath,
                                                                                  expected: namespaceIdentity) {
            wanted.compactMap { i in
                let key: NeighborParameter = sets[i].family == .ipv6 ? .proxyNDP : .proxyARP
                let path = NamespaceSysctl.path(key, interface: names[sets[i].interfaceIndex]!)
                guard case .success(let v) = NamespaceSysctl.read(path) else { return nil }
                return (i, key, v)
            }
        }
        for (i, key, v) in proxies { sets[i].values[key] = v == 0 ? 0 : 1 }
        return sets.sorted { ($0.family.linuxValue, $0.interfaceIndex) < ($1.family.linuxValue, $1.interfaceIndex) }
    }

    /// `net.ipv6.conf.all.proxy_ndp` and `net.ipv6.conf.IF.forwarding` of every link of the namespace (read from a
    /// thread inside it), which decide with `proxyNDP` whether an IPv6 proxy entry is answered (`Ipv6ProxySwitches`).
    /// A sysctl that cannot be read is left out. Shell:
    /// `sysctl net.ipv6.conf.all.proxy_ndp net.ipv6.conf.IF.forwarding`.
    public func ipv6ProxySwitches() throws -> Ipv6ProxySwitches {
        let names = try links().filter(\.isNameExact).map { ($0.index, $0.name) }
        return try NamespaceSysctl.run(in: namespacePath, expected: namespaceIdentity) {
            var out = Ipv6ProxySwitches()
            if case .success(let v) = NamespaceSysctl.read("/proc/sys/net/ipv6/conf/all/proxy_ndp") {
                out.allProxyNDP = v != 0
            }
            for (index, name) in names {
                if case .success(let v) = NamespaceSysctl.read("/proc/sys/net/ipv6/conf/\(name)/forwarding") {
                    out.forwarding[index] = v != 0
                }
            }
            return out
        }
    }

    /// Writes the values of `set`: the `NDTPA_*` ones of an interface in one RTM_SETNEIGHTBL, the table-wide ones
    /// (index 0) in another, the proxy switches to their sysctls. Table-wide keys outside the initial namespace are
    /// refused before anything is sent (the kernel answers ENOENT, after applying the rest of the message).
    public func setParameters(_ set: NeighborParameterSet) throws {
        let place = set.interfaceIndex == 0 ? "the \(NeighborParameterSet.tableName(set.family)) table"
            : "interface \(set.interfaceIndex)"
        if set.values.keys.contains(where: { $0.scope == .table }) {
            guard set.interfaceIndex == 0 else {
                throw IpNetError.invalidParameter(.other("table-wide parameters are set on the table, not on \(place)"))
            }
            guard try isInitialNamespace() else {
                throw IpNetError.notSupported("table-wide parameters (gcThresh1-3, gcInterval) can only be set in the "
                                              + "initial network namespace; the kernel refuses them elsewhere")
            }
        }
        var netlink = set
        netlink.values = set.values.filter { $0.key.scope != .interfaceSysctl }
        if !netlink.values.isEmpty {
            do throws(NetlinkFailure) {
                try socket.request(encode: { NeighborTableMessageCodec.encodeSet(netlink, sequence: $1, into: $0) })
            } catch {
                let f = error
                if f.errno == ENOENT {
                    throw IpNetError.notFound("\(place) has no \(NeighborParameterSet.tableName(set.family)) "
                                              + "parameters (no such interface, or the family is disabled on it)")
                }
                throw KernelErrorTranslator.error(f, doing: "cannot set the parameters of \(place)")
            }
        }
        let sysctls = set.values.filter { $0.key.scope == .interfaceSysctl }
        guard !sysctls.isEmpty else { return }
        guard let link = try link(index: set.interfaceIndex), link.isNameExact else {
            throw IpNetError.notFound("no interface with index \(set.interfaceIndex)")
        }
        let failure: IpNetError? = try NamespaceSysctl.run(in: namespacePath, expected: namespaceIdentity) {
            for (key, value) in sysctls.sorted(by: { $0.key < $1.key }) {
                if let e = NamespaceSysctl.write(NamespaceSysctl.path(key, interface: link.name), Int64(value)) {
                    return e
                }
            }
            return nil
        }
        if let failure { throw failure }
    }

    /// Whether the table's namespace is the initial one: only there does the kernel keep the tables' default
    /// parameters (`/proc/sys/net/ipv4/neigh/default`), and only there does `neightbl_set` take table-wide keys.
    public func isInitialNamespace() throws -> Bool {
        try NamespaceSysctl.run(in: namespacePath, expected: namespaceIdentity) {
            access(NamespaceSysctl.initialNamespaceMarker, F_OK) == 0
        }
    }
}
