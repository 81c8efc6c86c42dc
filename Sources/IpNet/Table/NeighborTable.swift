internal import Glibc
import IpNetCore

/// The kernel neighbor table (ARP/NDP) of one network namespace, with the calls of Windows' IP Helper API. Each
/// call validates its row first (`NeighborRowValidator`), then talks rtnetlink over one socket bound to the
/// namespace; the caller's thread never changes namespace. Errors are `IpNetError`s whose reason names the address
/// and the interface. Not thread-safe: use one instance per thread. Netlink equivalent: a NETLINK_ROUTE socket
/// with RTM_NEWNEIGH / RTM_DELNEIGH / RTM_GETNEIGH / RTM_GETLINK; iproute2: `ip [-n NAME] neigh …`.
public final class NeighborTable: NeighborTableProtocol {
    /// The netlink socket (internal, so fault-injection tests can wrap its `io`).
    let socket: NetlinkSocket
    /// The namespace this table works in, for messages: "NAME", a path, or nil for the caller's own.
    public let namespaceDescription: String?
    /// The NAME of `/run/netns/NAME` when the table was opened by name, else nil.
    public let namespaceName: String?
    /// The answer of the managed-entry probe, once asked (`managedEntriesSupported()`): nil before.
    var managedSupport: Bool?? = nil
    /// The namespace handle the table was opened with (`/run/netns/NAME`, `/proc/PID/ns/net`), nil for the caller's
    /// own: where a thread goes to write the namespace's sysctls (`NamespaceSysctl`).
    let namespacePath: String?

    /// The namespace the table's socket lives in (nil when /proc is not mounted). C: `fstat` of the namespace fd
    /// the socket was created under.
    public var namespaceIdentity: NamespaceIdentity? { socket.namespace }

    /// Whether `/run/netns/NAME` still names the namespace this table writes to: `.unchanged` (always, for the
    /// caller's own namespace or a table opened by path), `.deleted` after `ip netns del NAME`, `.replaced` after
    /// `ip netns del NAME; ip netns add NAME`. Writes after a deletion land in the detached namespace, which
    /// vanishes with the socket. C: `stat("/run/netns/NAME")` compared with the socket's namespace.
    public func namespaceStatus() -> NamespaceIdentity.Status {
        guard let namespaceName else { return .unchanged }
        guard let identity = socket.namespace else { return .deleted }
        return identity.status(ofName: namespaceName)
    }

    /// Opens the table of the caller's namespace (`nil`) or of the named namespace `/run/netns/NAME` (as
    /// `ip netns add NAME` creates it). Throws `notFound` when the namespace does not exist, `accessDenied` without
    /// the rights to enter it. Netlink equivalent: `socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)` (after
    /// `setns(CLONE_NEWNET)` on a helper thread); iproute2: `ip -n NAME`.
    public convenience init(namespace: String? = nil) throws {
        if let namespace {
            let path = try NamespaceName.path(namespace)
            self.init(socket: try Self.openSocket(namespacePath: path, description: namespace),
                      description: namespace, name: namespace, path: path)
        } else {
            self.init(socket: try Self.openSocket(), description: nil, name: nil, path: nil)
        }
    }

    /// Opens the table of the namespace whose handle is the file at `namespacePath` (`/run/netns/NAME`,
    /// `/proc/PID/ns/net`). Throws `notFound` when the file does not exist. Netlink equivalent: `setns(open(path),
    /// CLONE_NEWNET)` around `socket()`; iproute2: `ip netns exec` / `nsenter --net=PATH`.
    public convenience init(namespacePath: String) throws {
        try self.init(namespacePath: namespacePath, description: namespacePath)
    }

    private convenience init(namespacePath: String, description: String) throws {
        self.init(socket: try Self.openSocket(namespacePath: namespacePath, description: description),
                  description: description, name: nil, path: namespacePath)
    }

    private static func openSocket() throws(IpNetError) -> NetlinkSocket {
        do throws(NetlinkFailure) {
            return try NetlinkSocket()
        } catch {
            throw KernelErrorTranslator.error(error, doing: "cannot open the neighbor table")
        }
    }

    private static func openSocket(namespacePath: String, description: String) throws(IpNetError) -> NetlinkSocket {
        do throws(NetlinkFailure) {
            return try NetlinkSocket.open(namespacePath: namespacePath)
        } catch {
            let f = error
            if f.errno == ENOENT {
                // Names go into one-line messages and logs: escaped, so a newline cannot forge a second line.
                throw .notFound("no network namespace '\(DisplayText.escaped(description))' "
                                + "(\(DisplayText.escaped(namespacePath)) does not exist); create it with "
                                + "'ip netns add NAME'")
            }
            if f.errno == EINVAL {
                throw .invalidParameter(.other("\(DisplayText.escaped(namespacePath)) is not a network namespace "
                                               + "handle"))
            }
            throw KernelErrorTranslator.error(f, doing: "cannot open network namespace "
                                              + DisplayText.escaped(description))
        }
    }

    private init(socket: NetlinkSocket, description: String?, name: String?, path: String?) {
        self.socket = socket
        self.namespaceDescription = description
        self.namespaceName = name
        self.namespacePath = path
    }

    // MARK: Links

    /// Every interface of the namespace, by index order. Netlink equivalent: RTM_GETLINK dump; iproute2:
    /// `ip link show`.
    public func links() throws -> [Link] {
        do throws(NetlinkFailure) {
            let all = try socket.dump(encode: { LinkMessageCodec.encodeRequest(index: 0, sequence: $1, into: $0) },
                                      decode: LinkMessageCodec.decode)
            return all.sorted { $0.index < $1.index }
        } catch {
            let f = error
            throw KernelErrorTranslator.error(f, doing: "cannot list the interfaces")
        }
    }

    /// `localRoutes()`: this table knows the namespace's local routing table.
    public func ownLocalRoutes() throws -> LocalRouteTable? { try localRoutes() }

    /// The namespace's IPv4 local routing table (table 255), or `LocalRouteTable.missing` when the kernel has not
    /// created it (no IPv4 address was ever configured, `lo` never up). One strict RTM_GETROUTE dump of that table:
    /// ENOENT ("ipv4: FIB table does not exist") means missing. Netlink equivalent: `inet_dump_fib()` with a table
    /// filter; iproute2: `ip route show table local` ("Error: ipv4: FIB table does not exist.").
    public func localRoutes() throws -> LocalRouteTable {
        do throws(NetlinkFailure) {
            try socket.setStrictChecking(true)
            defer { try? socket.setStrictChecking(false) }
            do throws(NetlinkFailure) {
                return LocalRouteTable(routes: try socket.dump(
                    encode: { RouteMessageCodec.encodeLocalTableDumpRequest(sequence: $1, into: $0) },
                    decode: RouteMessageCodec.decodeLocal))
            } catch where error.errno == ENOENT {
                return .missing
            }
        } catch {
            let f = error
            throw KernelErrorTranslator.error(f, doing: "cannot read the IPv4 local routing table")
        }
    }

    /// The host's own addresses on every interface (both families), in dump order. Netlink equivalent: RTM_GETADDR
    /// dump; iproute2: `ip addr show`; Windows: `GetUnicastIpAddressTable(AF_UNSPEC)`.
    public func addresses() throws -> [InterfaceAddress] {
        do throws(NetlinkFailure) {
            return try socket.dump(encode: { AddressMessageCodec.encodeDumpRequest(sequence: $1, into: $0) },
                                   decode: AddressMessageCodec.decode)
        } catch {
            let f = error
            throw KernelErrorTranslator.error(f, doing: "cannot list the interface addresses")
        }
    }

    /// One interface by index, or nil when there is none. Netlink equivalent: RTM_GETLINK for `ifi_index` (ENODEV
    /// when missing); iproute2: `ip link show dev NAME`.
    public func link(index: UInt32) throws -> Link? {
        guard index != 0 else { return nil }
        var found: Link? = nil
        do throws(NetlinkFailure) {
            try socket.request(encode: { LinkMessageCodec.encodeRequest(index: index, sequence: $1, into: $0) },
                               onReply: { m in if let l = LinkMessageCodec.decode(m) { found = l } })
        } catch {
            let f = error
            if f.errno == ENODEV { return nil }
            throw KernelErrorTranslator.error(f, doing: "cannot read interface \(index)")
        }
        return found
    }

    /// One interface by name, or nil. Netlink equivalent: RTM_GETLINK dump filtered by `IFLA_IFNAME`; iproute2:
    /// `ip link show dev NAME`; Windows: `ConvertInterfaceNameToLuidA`.
    public func link(named name: String) throws -> Link? {
        // A name that is not UTF-8 cannot be given (`Link.isNameExact`); never match one by its decoded form.
        try links().first { $0.isNameExact && $0.name == name }
    }

    private func linkMap(for index: UInt32) throws -> [UInt32: Link] {
        guard let l = try link(index: index) else { return [:] }
        return [l.index: l]
    }

    private func linkMap() throws -> [UInt32: Link] {
        var map: [UInt32: Link] = [:]
        for l in try links() { map[l.index] = l }
        return map
    }

    // MARK: Reads

    /// Every entry of `family` (both for `.unspecified`), IPv4 first, then by interface and address, with
    /// `interfaceLuid` filled in. Proxy entries are not included. The dump is restarted when the kernel flags it
    /// inconsistent. Windows equivalent: `GetIpNetTable2`; netlink: RTM_GETNEIGH dump; iproute2: `ip neigh show`.
    public func table(family: AddressFamily) throws -> [IpNetRow2] {
        let links = try linkMap()
        var rows: [IpNetRow2]
        do throws(NetlinkFailure) {
            rows = try socket.dump(encode: { NeighborMessageCodec.encodeDump(family: family, sequence: $1, into: $0) },
                                   decode: NeighborMessageCodec.decode)
        } catch {
            let f = error
            throw KernelErrorTranslator.error(f, doing: "cannot read the neighbor table")
        }
        if family != .unspecified { rows.removeAll { $0.address.family != family } }
        for i in rows.indices {
            if let l = links[rows[i].interfaceIndex] { rows[i].interfaceLuid = l.luid }
        }
        return Self.inTableOrder(rows)
    }

    /// Every proxy entry of `family` (both for `.unspecified`) (rows with `.proxy` in `flags`, state `.none`, no
    /// link-layer address), in table order, with `interfaceLuid` filled in. No Windows twin (`GetIpNetTable2` lists
    /// no proxy entries); netlink: RTM_GETNEIGH dump with `ndm_flags = NTF_PROXY` (`pneigh_dump_table()`); iproute2:
    /// `ip neigh show proxy`.
    public func proxyTable(family: AddressFamily) throws -> [IpNetRow2] {
        let links = try linkMap()
        var rows: [IpNetRow2]
        do throws(NetlinkFailure) {
            rows = try socket.dump(encode: {
                NeighborMessageCodec.encodeDump(family: family, proxy: true, sequence: $1, into: $0)
            }, decode: NeighborMessageCodec.decode)
        } catch {
            let f = error
            throw KernelErrorTranslator.error(f, doing: "cannot read the proxy neighbor table")
        }
        rows.removeAll { !$0.isProxy || (family != .unspecified && $0.address.family != family) }
        for i in rows.indices {
            if let l = links[rows[i].interfaceIndex] { rows[i].interfaceLuid = l.luid }
        }
        return Self.inTableOrder(rows)
    }

    /// `rows` IPv4 first, then by key (interface, then address), ties in dump order. The order is computed on one
    /// packed integer key per row, made once: deriving `key` inside the comparator (twice per comparison) cost more
    /// than the dump itself at 100,000 rows. (`ip neigh show` prints in dump order.)
    static func inTableOrder(_ rows: [IpNetRow2]) -> [IpNetRow2] {
        var order: [(UInt64, UInt64, UInt64, Int)] = []
        order.reserveCapacity(rows.count)
        for (i, r) in rows.enumerated() {
            let key = r.key
            // Proxy entries after the ordinary ones (`NeighborKey`'s order).
            let proxy: UInt64 = key.isProxy ? 1 << 33 : 0
            switch key.address {
            case .v4(let v): order.append((proxy | UInt64(key.interfaceIndex), UInt64(v), 0, i))
            case .v6(let high, let low, _): order.append((proxy | 1 << 32 | UInt64(key.interfaceIndex), high, low, i))
            }
        }
        order.sort { $0 < $1 }
        return order.map { rows[$0.3] }
    }

    /// The entry with the row's (interface, address), whatever its state, with `interfaceLuid` filled in. Throws
    /// `notFound` when there is none. Windows equivalent: `GetIpNetEntry2`; netlink: RTM_GETNEIGH with NDA_DST and
    /// `ndm_ifindex`; iproute2: `ip neigh get ADDR dev DEV`.
    public func get(_ row: IpNetRow2) throws -> IpNetRow2 {
        let link = try NeighborRowValidator.validate(row, for: .lookup,
                                                     links: linkMap(for: row.effectiveInterfaceIndex))
        return try get(row, on: link)
    }

    private func get(_ row: IpNetRow2, on link: Link) throws -> IpNetRow2 {
        var found: IpNetRow2? = nil
        do throws(NetlinkFailure) {
            try socket.request(encode: {
                NeighborMessageCodec.encode(.get, row: row, interfaceIndex: link.index, sequence: $1, into: $0)
            }, onReply: { m in if let r = NeighborMessageCodec.decode(m) { found = r } })
        } catch {
            let f = error
            throw KernelErrorTranslator.error(f, address: row.address, interfaceName: link.name,
                                              interfaceIndex: link.index, isProxy: row.isProxy)
        }
        guard var r = found else {
            throw KernelErrorTranslator.notFound(row.address, interfaceName: link.name, isProxy: row.isProxy)
        }
        r.interfaceLuid = link.luid
        return r
    }

    // MARK: Single writes

    /// Creates the entry; throws `objectAlreadyExists` when one with the same (interface, address) exists. The
    /// request carries NDA_PROTOCOL when `row.protocol` is non-zero. Windows equivalent: `CreateIpNetEntry2`;
    /// netlink: RTM_NEWNEIGH, NLM_F_CREATE|NLM_F_EXCL; iproute2: `ip neigh add ADDR lladdr MAC dev DEV`.
    public func create(_ row: IpNetRow2) throws { try single(.create(row)) }

    /// Replaces an existing entry (MAC, state, router flag, protocol); throws `notFound` when there is none (the
    /// kernel answers ENOENT to a REPLACE without CREATE). Windows equivalent: `SetIpNetEntry2`; netlink:
    /// RTM_NEWNEIGH, NLM_F_REPLACE; iproute2: `ip neigh change ADDR lladdr MAC dev DEV`.
    public func set(_ row: IpNetRow2) throws { try single(.set(row)) }

    /// Deletes the entry; throws `notFound` when there is none. Windows equivalent: `DeleteIpNetEntry2`; netlink:
    /// RTM_DELNEIGH; iproute2: `ip neigh del ADDR dev DEV`.
    public func delete(_ row: IpNetRow2) throws { try single(.delete(row)) }

    private func single(_ op: NeighborOperation) throws {
        let links = try linkMap(for: op.row.effectiveInterfaceIndex)
        if let e = write([op], links: links)[0] { throw e }
    }

    // MARK: Batches

    /// Sends every operation batched (many requests per sendmsg, each acked and matched by sequence number) and
    /// returns one result per operation, in order: nil for success, else that operation's error. Rows are
    /// validated first against one dump of the links; a failing row does not stop the others. Windows equivalent:
    /// a loop of `CreateIpNetEntry2`/`SetIpNetEntry2`/`DeleteIpNetEntry2`; netlink: `mnl_nlmsg_batch`; iproute2:
    /// `ip -batch FILE`.
    public func perform(_ operations: [NeighborOperation]) -> [IpNetError?] {
        guard !operations.isEmpty else { return [] }
        let links: [UInt32: Link]
        do {
            links = try linkMap()
        } catch {
            let e = error as? IpNetError ?? .system(errno: EIO, message: "\(error)")
            return Array(repeating: e, count: operations.count)
        }
        return write(operations, links: links)
    }

    /// Validates `operations` against `links` and sends the valid ones in one batched run on the table's socket;
    /// the core of every write. A row that fails validation is not sent and gets its validation error.
    private func write(_ operations: [NeighborOperation], links: [UInt32: Link]) -> [IpNetError?] {
        var results = [IpNetError?](repeating: nil, count: operations.count)
        var targets = [Link?](repeating: nil, count: operations.count)
        // A managed IPv4 write is checked against the namespace's local routing table too (a broadcast route, the
        // table not existing yet); read once, only for a batch that has one.
        let localRoutes = operations.contains(where: { Self.writesManaged($0) && $0.row.address.family == .ipv4 })
            ? try? self.localRoutes() : nil
        // A refusal names the link that holds the matching route (`on veth1`), which a single write's one-link map
        // (`linkMap(for:)`) does not hold: such a batch is validated against every link.
        let links = localRoutes?.routes?.contains(where: { $0.interfaceIndex != 0 && links[$0.interfaceIndex] == nil })
            == true ? (try? linkMap()) ?? links : links
        for (i, op) in operations.enumerated() {
            do throws(IpNetError) {
                let purpose: NeighborRowValidator.Purpose
                if case .delete = op { purpose = .lookup } else { purpose = .write }
                targets[i] = try NeighborRowValidator.validate(op.row, for: purpose, links: links,
                                                               localRoutes: localRoutes)
            } catch {
                results[i] = error
            }
        }
        // A managed write on a kernel that would store it unmanaged (`managedEntriesSupported()`, asked once) is
        // `notSupported`, before anything is sent.
        if operations.contains(where: { Self.writesManaged($0) }), managedEntriesSupported() == false {
            for i in operations.indices where targets[i] != nil && Self.writesManaged(operations[i]) {
                results[i] = .notSupported(Self.managedUnsupported)
                targets[i] = nil
            }
        }
        // A managed set/upsert is written in two steps (see `managedClearing(_:)`): the clears first, and an
        // operation whose clear failed is not sent again.
        let clears = operations.indices.compactMap { i in
            targets[i] == nil ? nil : Self.managedClearing(operations[i]).map { (i, $0) }
        }
        if !clears.isEmpty {
            for (k, failure) in write(clears.map(\.1), links: links).enumerated() where failure != nil {
                results[clears[k].0] = failure
                targets[clears[k].0] = nil
            }
        }
        checkProxyExistence(operations, targets: &targets, results: &results)
        operations.withUnsafeBufferPointer { ops in
            targets.withUnsafeBufferPointer { links in
                socket.batch(count: ops.count, encode: { i, buffer, seq in
                    guard let link = links[i] else { return false }
                    let op = ops[i]
                    NeighborMessageCodec.encode(NeighborVerb(op), row: op.row, interfaceIndex: link.index,
                                                sequence: seq, into: buffer)
                    return true
                }, onAck: { i, failure in
                    guard let failure, let link = links[i] else { return }
                    results[i] = KernelErrorTranslator.error(failure, address: ops[i].row.address,
                                                             interfaceName: link.name, interfaceIndex: link.index,
                                                             isProxy: ops[i].row.isProxy)
                })
            }
        }
        return results
    }

    /// Gives proxy writes the create/set semantics of ordinary entries, which the kernel does not: its proxy add
    /// (`pneigh_create()` under RTM_NEWNEIGH with NTF_PROXY) creates or updates whatever the header flags say, never
    /// EEXIST or ENOENT, and would silently re-tag another owner's entry. So a create of a proxy entry that exists
    /// fails with `objectAlreadyExists` and a set of one that does not with `notFound`, before anything is sent,
    /// from one dump of the proxy table (taken only when the batch writes proxies). The window between the dump
    /// and the write is the same as `ip neigh show proxy` followed by `ip neigh add proxy`.
    private func checkProxyExistence(_ operations: [NeighborOperation], targets: inout [Link?],
                                     results: inout [IpNetError?]) {
        var writesProxies = false
        for (i, op) in operations.enumerated() where targets[i] != nil && op.row.isProxy {
            if case .delete = op { continue }
            writesProxies = true
            break
        }
        guard writesProxies else { return }
        var existing = Set<NeighborKey>()
        do throws(NetlinkFailure) {
            let rows = try socket.dump(encode: {
                NeighborMessageCodec.encodeDump(family: .unspecified, proxy: true, sequence: $1, into: $0)
            }, decode: NeighborMessageCodec.decode)
            for r in rows where r.isProxy { existing.insert(r.key) }
        } catch {
            let e = KernelErrorTranslator.error(error, doing: "cannot read the proxy neighbor table")
            for (i, op) in operations.enumerated() where targets[i] != nil && op.row.isProxy {
                if case .delete = op { continue }
                results[i] = e
                targets[i] = nil
            }
            return
        }
        for (i, op) in operations.enumerated() where op.row.isProxy {
            guard let link = targets[i] else { continue }
            let key = NeighborKey(interfaceIndex: link.index, address: op.row.address, isProxy: true)
            let a = op.row.address.withoutScope
            switch op {
            case .create where existing.contains(key):
                results[i] = .objectAlreadyExists("proxy \(a) already exists on \(link.name)")
                targets[i] = nil
            case .set where !existing.contains(key):
                results[i] = KernelErrorTranslator.notFound(op.row.address, interfaceName: link.name, isProxy: true)
                targets[i] = nil
            default:
                break
            }
        }
    }

    // MARK: Flush and resolve

    /// Deletes every entry of `family` (both for `.unspecified`) on interface `interfaceIndex` (0 = all
    /// interfaces), in batches, and returns how many were deleted. PERMANENT entries are deleted too, as
    /// `FlushIpNetTable2` does; NOARP entries are left alone, as `ip neigh flush` leaves them (the kernel makes
    /// them for multicast/broadcast/loopback and would recreate them). Entries that vanish meanwhile are not
    /// counted. Throws `notFound` for a missing interface and the first other failure after trying every entry.
    /// Windows equivalent: `FlushIpNetTable2`; netlink: RTM_GETNEIGH dump + RTM_DELNEIGH per entry; iproute2:
    /// `ip neigh flush dev DEV nud all` minus `nud noarp`.
    @discardableResult
    public func flush(family: AddressFamily = .unspecified, interfaceIndex: UInt32 = 0) throws -> Int {
        let links = try linkMap()
        if interfaceIndex != 0 && links[interfaceIndex] == nil {
            throw IpNetError.notFound("no interface with index \(interfaceIndex)")
        }
        let doomed = try table(family: family).filter {
            $0.state != .noarp && (interfaceIndex == 0 || $0.interfaceIndex == interfaceIndex)
        }
        let results = write(doomed.map { NeighborOperation.delete($0) }, links: links)
        var deleted = 0
        var firstError: IpNetError? = nil
        for r in results {
            switch r {
            case nil: deleted += 1
            case .notFound?: break
            case let e?: if firstError == nil { firstError = e }
            }
        }
        if let firstError { throw firstError }
        return deleted
    }

    /// Finds the neighbor's link-layer address by asking the network: drops any existing entry, creates one in
    /// NUD_NONE with NTF_USE (which sends an ARP request / neighbor solicitation), then polls until the entry is
    /// REACHABLE (returned, with its MAC) or FAILED, or `timeout` passes (both `badNetName`). Windows equivalent:
    /// `ResolveIpNetEntry2`; netlink: RTM_DELNEIGH, then RTM_NEWNEIGH CREATE|REPLACE, NUD_NONE, NTF_USE; iproute2:
    /// `ip neigh replace ADDR dev DEV use nud none`.
    public func resolve(_ row: IpNetRow2, timeout: Duration = .seconds(5)) throws -> IpNetRow2 {
        let link = try NeighborRowValidator.validate(row, for: .resolve,
                                                     links: linkMap(for: row.effectiveInterfaceIndex))
        if let e = write([.delete(row)], links: [link.index: link])[0] {
            if case .notFound = e {} else { throw e }
        }
        do throws(NetlinkFailure) {
            try socket.request(encode: {
                NeighborMessageCodec.encode(.resolve, row: row, interfaceIndex: link.index, sequence: $1, into: $0)
            })
        } catch {
            let f = error
            throw KernelErrorTranslator.error(f, address: row.address, interfaceName: link.name,
                                              interfaceIndex: link.index)
        }
        let clock = ContinuousClock()
        let start = clock.now
        let a = row.address.withoutScope
        while true {
            var current: IpNetRow2? = nil
            do {
                current = try get(row, on: link)
            } catch IpNetError.notFound {
                current = nil  // garbage-collected or deleted meanwhile: keep waiting until the timeout
            }
            if let c = current {
                switch c.state {
                case .reachable, .permanent, .stale, .delay, .probe:
                    if c.physicalAddress.count > 0 || c.state == .reachable { return c }
                case .unreachable:
                    throw IpNetError.badNetName("no answer from \(a) on \(link.name): the entry went FAILED after "
                                                + "\(Self.milliseconds(clock.now - start)) ms")
                default:
                    break
                }
            }
            if clock.now - start >= timeout {
                throw IpNetError.badNetName("no answer from \(a) on \(link.name) within "
                                            + "\(Self.milliseconds(timeout)) ms")
            }
            var ts = timespec(tv_sec: 0, tv_nsec: 10_000_000)
            nanosleep(&ts, nil)
        }
    }

    private static func milliseconds(_ d: Duration) -> Int64 {
        d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
    }
}
