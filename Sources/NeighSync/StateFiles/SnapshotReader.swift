import IpNet
import IpNetCore
import NeighSyncCore

/// Reads state files for `plan --state` straight from their bytes with `JSONScanner`: a neighsync snapshot
/// (`neighsync show --output json`), or the pair `ip -j neigh show` + `ip -j link show`. Fast enough for 100,000
/// rows well inside the offline-planning budget, and every error names the file, the item and the field, quoting
/// values cut and escaped (`ScalarBytes.quoted`). A known key twice in one object, two links with one index or
/// one name, and two rows at one `NeighborKey` are refused (as plan files refuse duplicate keys). iproute2
/// equivalent: the reverse of `print_neigh()` (`ip/ipneigh.c`) and `print_linkinfo()` (`ip/ipaddress.c`).
enum SnapshotReader {
    /// The links and rows of `path` (with `linksPath` for iproute2 neighbor output).
    static func load(path: String, linksPath: String?) throws -> (links: [Link], rows: [IpNetRow2]) {
        try parse(try readFile(path), path: path, linksPath: linksPath) { try readFile($0) }
    }

    /// What a snapshot says about neighbor-table parameters: the sets and whether it was taken in the initial
    /// namespace; nil each when the snapshot does not say (an older one, or iproute2's output).
    struct Parameters {
        var sets: [NeighborParameterSet]?
        var initialNamespace: Bool?
    }

    /// The links, rows and parameters of `path` (see `load`).
    static func loadWithParameters(path: String, linksPath: String?) throws
        -> (links: [Link], rows: [IpNetRow2], parameters: Parameters) {
        var parameters = Parameters()
        let (links, rows) = try parse(try readFile(path), path: path, linksPath: linksPath,
                                      parameters: &parameters) { try readFile($0) }
        return (links, rows, parameters)
    }

    /// The links and rows of the document `data` (shown as `path`); for iproute2 neighbor output, the links come
    /// from `readLinks(linksPath)`. Every failure is a `RecordError` naming the file.
    static func parse(_ data: [UInt8], path: String, linksPath: String?,
                      readLinks: (String) throws -> [UInt8]) throws -> (links: [Link], rows: [IpNetRow2]) {
        var ignored = Parameters()
        return try parse(data, path: path, linksPath: linksPath, parameters: &ignored, readLinks: readLinks)
    }

    static func parse(_ data: [UInt8], path: String, linksPath: String?, parameters: inout Parameters,
                      readLinks: (String) throws -> [UInt8]) throws -> (links: [Link], rows: [IpNetRow2]) {
        try data.withUnsafeBytes { raw in
            var s = JSONScanner(raw)
            let kind: JSONScanner.Kind
            do { kind = try s.peek() } catch {
                throw RecordError(file: path, "\(error)",
                                  remedy: "give the output of 'neighsync show --output json' or 'ip -j neigh show'")
            }
            switch kind {
            case .object:
                let result = try snapshot(&s, path: path, parameters: &parameters)
                try wrap(path) { try s.end() }
                return result
            case .array:
                guard let linksPath else {
                    throw RecordError(subject: path, "is 'ip -j neigh show' output",
                                      remedy: "also give the links with --links FILE (the output of 'ip -j link show')")
                }
                let linkData = try readLinks(linksPath)
                let links = try linkData.withUnsafeBytes { lraw in
                    var ls = JSONScanner(lraw)
                    return try wrap(linksPath) {
                        let links = try iprouteLinks(&ls, file: linksPath)
                        try ls.end()
                        return links
                    }
                }
                return (links, try wrap(path) {
                    // The objects of `ip -j neigh show proxy` (with `"proxy": null`) may be in the array too: the two
                    // outputs merged into one array (`jq -s add`). One JSON value per file, as everywhere.
                    let rows = try iprouteNeighbors(&s, links: links, file: path)
                    try s.end()
                    try checkOneRowPerKey(rows, file: path)
                    return rows
                })
            default:
                throw RecordError(file: path, "expected a JSON object (neighsync snapshot) or array (ip -j neigh show)")
            }
        }
    }

    /// Turns scanner failures into errors that name the file.
    static func wrap<T>(_ file: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let f as JSONScanner.Failure { throw RecordError(file: file, "\(f)") }
    }

    /// The whole file, if it is a regular file within `BoundedFileReader.defaultLimit`; errors say which file and
    /// why.
    static func readFile(_ path: String) throws -> [UInt8] {
        switch BoundedFileReader.read(path) {
        case .success(let bytes): return bytes
        case .failure(let f): throw f.error(path: path)
        }
    }

    static func snapshot(_ s: inout JSONScanner, path: String,
                         parameters: inout Parameters) throws -> (links: [Link], rows: [IpNetRow2]) {
        var kind = "", version: Int64 = 0
        var links: [Link] = []
        var rows: [IpNetRow2] = []
        var seen: UInt32 = 0
        try wrap(path) {
            try s.object { s, key in
                let k = known(key, topKeys)
                switch k {
                case 0: kind = try s.text()
                case 1: version = try s.integer() ?? -1
                case 2: try s.array { s, i in links.append(try link(&s, item: i, file: path)) }
                case 3: try s.array { s, i in rows.append(try row(&s, item: i, file: path)) }
                case 4: parameters.initialNamespace = try s.bool()
                case 5:
                    var sets: [NeighborParameterSet] = []
                    var places: Set<String> = []
                    try s.array { s, i in
                        let set = try parameterSet(&s, item: i, file: path)
                        // One set per family and place, as the kernel keeps them: a second would silently win.
                        guard places.insert("\(set.family.rawValue)/\(set.interfaceIndex)").inserted else {
                            throw bad(path, i, "parameters: a second set for \(set.family.rawValue) at interface index "
                                      + "\(set.interfaceIndex)")
                        }
                        sets.append(set)
                    }
                    parameters.sets = sets
                default: try s.skip(); return
                }
                try once(&seen, k, key) { RecordError(file: path, $0) }
            }
        }
        guard kind == "neighsync-snapshot" else {
            throw RecordError(file: path, "not a neighsync snapshot (kind \(ScalarBytes.quoted(kind)))",
                              remedy: "make one with 'neighsync show --output json'")
        }
        guard version == 1 else { throw RecordError(file: path, "unsupported snapshot formatVersion \(version)") }
        // One link per index and per name, as in a live namespace: a row's interface index must name one link.
        var byIndex: [UInt32: Int] = [:], byName: [String: Int] = [:]
        for (i, l) in links.enumerated() {
            if let first = byIndex.updateValue(i, forKey: l.index) {
                throw bad(path, i, "link index \(l.index) is also link item \(first)'s; a namespace has one link per "
                          + "index")
            }
            if let first = byName.updateValue(i, forKey: l.name) {
                throw bad(path, i, "link name \(ScalarBytes.quoted(l.name)) is also link item \(first)'s; a namespace "
                          + "has one link per name")
            }
        }
        try checkOneRowPerKey(rows, file: path)
        return (links, rows)
    }

    /// Refuses a second row at one key (`NeighborKey`: interface, address, neighbor or proxy table), naming both
    /// items: a kernel table holds one entry per key, and the planner, keying the rows, would see only one of the two
    /// (a duplicate proxy row would make it plan a delete of an entry the file wants).
    static func checkOneRowPerKey(_ rows: [IpNetRow2], file: String) throws {
        var first: [NeighborKey: Int] = [:]
        first.reserveCapacity(rows.count)
        for (i, r) in rows.enumerated() {
            if let m = first[r.key] {
                throw bad(file, i, "\(r.isProxy ? "proxy " : "")\(r.address.withoutScope) at interface index "
                          + "\(r.key.interfaceIndex) is also item \(m)'s key; a namespace holds one "
                          + "\(r.isProxy ? "proxy entry" : "neighbor") per interface and address")
            }
            first[r.key] = i
        }
    }

    static func bad(_ file: String, _ item: Int, _ what: String) -> RecordError {
        RecordError(file: file, field: "item \(item)", what)
    }

    static let topKeys: [StaticString] = ["kind", "formatVersion", "links", "neighbors", "initialNamespace",
                                          "parameters"]

    /// One parameter set: `{"family": "ipv4", "interfaceIndex": 3, "values": {"retransTime": 1000, …}}`, every
    /// key known and within what a kernel can report (`NeighborParameter.readableRange`: wider than a file's range,
    /// since a snapshot holds whatever the kernel holds).
    static func parameterSet(_ s: inout JSONScanner, item: Int, file: String) throws -> NeighborParameterSet {
        var set = NeighborParameterSet(family: .unspecified, interfaceIndex: 0)
        let keys: [StaticString] = ["family", "interfaceIndex", "values"]
        var seen: UInt32 = 0
        try s.object { s, key in
            let k = known(key, keys)
            switch k {
            case 0:
                let f = try s.text()
                guard f == "ipv4" || f == "ipv6" else {
                    throw bad(file, item, "parameters: 'family' must be ipv4 or ipv6, found \(ScalarBytes.quoted(f))")
                }
                set.family = f == "ipv4" ? .ipv4 : .ipv6
            case 1: set.interfaceIndex = try uint32(&s, file, item, "interfaceIndex")
            case 2:
                try s.object { s, name in
                    let k = NeighborParameter(rawValue: String(decoding: name, as: UTF8.self))
                    guard let k else { throw bad(file, item, "parameters: unknown key \(ScalarBytes.quoted(name))") }
                    guard let v = try s.integer(), v >= 0, k.readableRange.contains(UInt64(v)) else {
                        throw bad(file, item, "parameters: '\(k.rawValue)' must be \(k.readableRange.lowerBound)…"
                                  + "\(k.readableRange.upperBound)")
                    }
                    guard set.values.updateValue(UInt64(v), forKey: k) == nil else {
                        throw bad(file, item, "parameters: duplicate key '\(k.rawValue)'")
                    }
                }
            default:
                throw bad(file, item, "parameters: unknown field \(ScalarBytes.quoted(key)) (a set has 'family', "
                          + "'interfaceIndex' and 'values')")
            }
            try once(&seen, k, key) { RecordError(file: file, field: "item \(item): parameters", $0) }
        }
        guard set.family != .unspecified else { throw bad(file, item, "parameters: 'family' is missing") }
        // Each key where the kernel keeps it: the switches in their own family, the table-wide keys at index 0 only,
        // the others on an interface only (what `NeighborTable.parameters()` writes).
        for k in set.values.keys.sorted() {
            let field = "parameters: values.\(k.rawValue)"
            if let only = k.onlyFamily, only != set.family {
                throw bad(file, item, "\(field): '\(k.rawValue)' is an \(only.rawValue) switch, in a set of family "
                          + "\(set.family.rawValue)")
            }
            if (k.scope == .table) != (set.interfaceIndex == 0) {
                throw bad(file, item, "\(field): " + (k.scope == .table
                    ? "'\(k.rawValue)' is table-wide, in the set of interface index \(set.interfaceIndex)"
                    : "'\(k.rawValue)' is per interface, in the table's set (interfaceIndex 0)"))
            }
        }
        return set
    }
    static let linkKeys: [StaticString] = ["name", "index", "arphrdType", "hardwareAddressLength", "ipv4Enabled",
                                           "ipv6Enabled", "isUp", "isLoopback", "isPointToPoint", "isNoArp"]
    static let rowKeys: [StaticString] = ["address", "interfaceIndex", "interfaceLuid", "physicalAddress", "state",
                                          "isRouter", "isUnreachable", "reachabilityTime", "protocol", "flags"]

    /// The position of `key` in `keys`, or -1 for a key this reader skips (a later format's).
    static func known(_ key: UnsafeRawBufferPointer, _ keys: [StaticString]) -> Int {
        keys.firstIndex { JSONScanner.key(key, is: $0) } ?? -1
    }

    /// Marks the known `key`, found at `index` by `known`, as seen; a second time is an error (as in plan files,
    /// `PlanFileReader.members`: the last of two values would otherwise win silently), made by `error` from
    /// `duplicate key 'protocol'`.
    static func once(_ seen: inout UInt32, _ index: Int, _ key: UnsafeRawBufferPointer,
                     _ error: (String) -> RecordError) throws {
        let bit: UInt32 = 1 << UInt32(index)
        guard seen & bit == 0 else { throw error("duplicate key \(ScalarBytes.quoted(key))") }
        seen |= bit
    }

    static func uint32(_ s: inout JSONScanner, _ file: String, _ item: Int, _ field: String) throws -> UInt32 {
        guard let v = try s.integer(), let u = UInt32(exactly: v) else {
            throw bad(file, item, "'\(field)' must be a whole number from 0 to 4294967295")
        }
        return u
    }

    static func link(_ s: inout JSONScanner, item: Int, file: String) throws -> Link {
        var l = Link(name: "", index: 0, arphrdType: 1, hardwareAddressLength: 6)
        var hasName = false, hasIndex = false
        var loopback: Bool? = nil
        var seen: UInt32 = 0
        try s.object { s, key in
            let k = known(key, linkKeys)
            switch k {
            case 0: l.name = try s.text(); hasName = true
            case 1: l.index = try uint32(&s, file, item, "index"); hasIndex = true
            case 2: l.arphrdType = UInt16(truncatingIfNeeded: try uint32(&s, file, item, "arphrdType"))
            case 3: l.hardwareAddressLength = Int(try uint32(&s, file, item, "hardwareAddressLength"))
            case 4: l.ipv4Enabled = try s.bool()
            case 5: l.ipv6Enabled = try s.bool()
            case 6: l.isUp = try s.bool()
            case 7: loopback = try s.bool()
            case 8: l.isPointToPoint = try s.bool()
            case 9: l.isNoArp = try s.bool()
            default: try s.skip(); return
            }
            try once(&seen, k, key) { bad(file, item, $0) }
        }
        guard hasName, hasIndex else { throw bad(file, item, "a link needs 'name' and 'index'") }
        // Snapshots written before the flags existed: loopback follows from the ARPHRD type.
        l.isLoopback = loopback ?? (l.arphrdType == 772)
        return l
    }

    static func row(_ s: inout JSONScanner, item: Int, file: String) throws -> IpNetRow2 {
        var r = IpNetRow2(address: .v4(0))
        var hasAddress = false, hasState = false
        var seen: UInt32 = 0
        try s.object { s, key in
            let k = known(key, rowKeys)
            switch k {
            case 0:
                let b = try s.string()
                guard let a = IpAddress(utf8: b.assumingMemoryBound(to: UInt8.self)) else {
                    throw bad(file, item, "invalid address \(ScalarBytes.quoted(b))")
                }
                r.address = a; hasAddress = true
            case 1: r.interfaceIndex = try uint32(&s, file, item, "interfaceIndex")
            case 2:
                if !s.null() {
                    let b = try s.string()
                    guard let l = NetLuid(String(decoding: b, as: UTF8.self)) else {
                        throw bad(file, item, "invalid interfaceLuid \(ScalarBytes.quoted(b))")
                    }
                    r.interfaceLuid = l
                }
            case 3:
                let b = try s.string()
                guard case .success(let p) = PhysicalAddress.parse(utf8: b.assumingMemoryBound(to: UInt8.self)) else {
                    throw bad(file, item, "invalid physicalAddress \(ScalarBytes.quoted(b))")
                }
                r.physicalAddress = p
            case 4:
                let t = try s.text()
                guard let st = NeighborState(name: t) else {
                    throw bad(file, item, "invalid state \(ScalarBytes.quoted(t))")
                }
                r.state = st; hasState = true
            case 5: r.isRouter = try s.bool()
            case 6: r.isUnreachable = try s.bool()
            case 7: r.reachabilityTime = s.null() ? nil : try uint32(&s, file, item, "reachabilityTime")
            case 8:
                let p = try uint32(&s, file, item, "protocol")
                guard p <= 255 else { throw bad(file, item, "'protocol' must be 0…255") }
                r.protocol = UInt8(p)
            case 9:
                try s.array { s, _ in
                    let w = try s.text()
                    switch r.flags.add(word: w) {
                    case nil: break
                    case .unknown: throw bad(file, item, "invalid flag \(ScalarBytes.quoted(w))")
                    case .repeated:
                        throw bad(file, item, "flag \(ScalarBytes.quoted(w)) is listed twice in 'flags'; list each "
                                  + "flag once")
                    }
                }
            default: try s.skip(); return
            }
            try once(&seen, k, key) { bad(file, item, $0) }
        }
        guard hasAddress, hasState else { throw bad(file, item, "a neighbor needs 'address' and 'state'") }
        if r.isProxy, let problem = proxyProblem(r) { throw bad(file, item, problem) }
        return r
    }

    /// What a proxy row of a state file has that the kernel's proxy table never reports (`pneigh_fill_info()`:
    /// NUD_NONE, no NDA_LLADDR), or nil.
    static func proxyProblem(_ r: IpNetRow2) -> String? {
        if r.physicalAddress.count > 0 { return "a proxy entry has no link-layer address, found \(r.physicalAddress)" }
        if r.state != .none { return "a proxy entry has no state (none), found \(r.state.rawValue)" }
        // The kernel refuses NTF_EXT_MANAGED with NTF_PROXY ("Invalid NTF_* flag combination", neigh_add()).
        if r.flags.contains(.managed) { return "a proxy entry cannot be managed (the kernel refuses the combination)" }
        return nil
    }

    /// The links of an `ip -j link show` array.
    static func iprouteLinks(_ s: inout JSONScanner, file: String) throws -> [Link] {
        var out: [Link] = []
        try s.array { s, i in
            var name: String?, index: UInt32?, type: UInt16 = 1, hwLen = 0, up = false
            var loopback = false, pointToPoint = false, noArp = false
            try s.object { s, key in
                if JSONScanner.key(key, is: "ifname") { name = try s.text() }
                else if JSONScanner.key(key, is: "ifindex") { index = try uint32(&s, file, i, "ifindex") }
                else if JSONScanner.key(key, is: "link_type") {
                    type = IprouteImport.linkTypes[try s.text()] ?? 65535
                } else if JSONScanner.key(key, is: "address") {
                    let b = try s.string()
                    if case .success(let p) = PhysicalAddress.parse(utf8: b.assumingMemoryBound(to: UInt8.self)) {
                        hwLen = p.count
                    }
                } else if JSONScanner.key(key, is: "flags") {
                    try s.array { s, _ in
                        switch try s.text() {
                        case "UP": up = true
                        case "LOOPBACK": loopback = true
                        case "POINTOPOINT": pointToPoint = true
                        case "NOARP": noArp = true
                        default: break
                        }
                    }
                } else { try s.skip() }
            }
            guard let name, let index else {
                throw bad(file, i, "no ifname/ifindex; give 'ip -j link show' output")
            }
            out.append(Link(name: name, index: index, arphrdType: type, hardwareAddressLength: hwLen, isUp: up,
                            isLoopback: loopback, isPointToPoint: pointToPoint, isNoArp: noArp))
        }
        return out
    }

    /// The rows of an `ip -j neigh show` array, `dev` names resolved against `links`.
    /// Objects of `ip -j neigh show proxy` (`"proxy": null`) are proxy rows.
    static func iprouteNeighbors(_ s: inout JSONScanner, links: [Link], file: String) throws -> [IpNetRow2] {
        var byName: [String: Link] = [:]
        for l in links { byName[l.name] = l }
        var out: [IpNetRow2] = []
        try s.array { s, i in
            var r = IpNetRow2(address: .v4(0), state: .none)
            var dst: String?, dev: String?, best = -1
            try s.object { s, key in
                if JSONScanner.key(key, is: "dst") {
                    let b = try s.string()
                    dst = String(decoding: b, as: UTF8.self)
                    guard let a = IpAddress(utf8: b.assumingMemoryBound(to: UInt8.self)) else {
                        throw bad(file, i, "invalid dst \(ScalarBytes.quoted(b))")
                    }
                    r.address = a
                } else if JSONScanner.key(key, is: "dev") { dev = try s.text() }
                else if JSONScanner.key(key, is: "lladdr") {
                    let b = try s.string()
                    guard case .success(let p) = PhysicalAddress.parse(utf8: b.assumingMemoryBound(to: UInt8.self)) else {
                        throw bad(file, i, "invalid lladdr \(ScalarBytes.quoted(b))")
                    }
                    r.physicalAddress = p
                } else if JSONScanner.key(key, is: "state") {
                    try s.array { s, _ in
                        if let st = NeighborState(name: try s.text()), IprouteImport.rank(st) > best {
                            best = IprouteImport.rank(st)
                            r.state = st
                        }
                    }
                } else if JSONScanner.key(key, is: "router") {
                    try s.skip()
                    r.isRouter = true
                } else if JSONScanner.key(key, is: "protocol") {
                    if try s.peek() == .number {
                        let p = try uint32(&s, file, i, "protocol")
                        guard p <= 255 else { throw bad(file, i, "'protocol' must be 0…255") }
                        r.protocol = UInt8(p)
                    } else {
                        let t = try s.text()
                        guard let p = NeighborProtocolName.number(t) else {
                            throw bad(file, i, "protocol \(ScalarBytes.quoted(t)) is not a known name; take the snapshot with "
                                      + "'ip -N -j neigh show' for numbers")
                        }
                        r.protocol = p
                    }
                } else if let f = IprouteImport.flag(key) {
                    try s.skip()  // iproute2 prints a flag as a key with a null value: "extern_learn": null
                    r.flags.formUnion(f)
                } else { try s.skip() }
            }
            guard let dst else { throw bad(file, i, "no 'dst'; give 'ip -j neigh show' output") }
            guard let dev, let link = byName[dev] else {
                throw bad(file, i, "\(ScalarBytes.shown(dst)) names device \(ScalarBytes.quoted(dev ?? "")) that the links file does not list; take "
                          + "both files from the same namespace")
            }
            r.interfaceIndex = link.index
            r.interfaceLuid = link.luid
            r.isUnreachable = r.state == .unreachable
            if r.isProxy, let problem = proxyProblem(r) { throw bad(file, i, problem) }
            out.append(r)
        }
        return out
    }
}
