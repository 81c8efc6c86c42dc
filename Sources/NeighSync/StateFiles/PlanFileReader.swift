import IpNet
import IpNetCore
import NeighSyncCore

/// Reads a saved plan (`plan --out FILE`) as untrusted input (it may be a CI artifact anyone could have edited):
/// with the same `JSONScanner` as snapshots, every key known and given once, every value of the right type, and
/// every value checked as strictly as the YAML loader checks it: the owner protocol by `OwnerProtocolRule`,
/// `maxDeletes` and the desired states (permanent, noarp) by `DesiredRules`, desired rows by `NeighborRowValidator`
/// (address, interface selection, the router flag only on IPv6), a MAC where the state needs one, the plan's own
/// owner protocol, the `namespace` key (a name or null), no duplicate
/// entries; and the review copy of the plan (`plan.changes`) likewise (a delete only of an owned static entry).
/// Errors name the field: `plan.json: plan.changes[3].after.state: 'stale' is not a desired state (permanent or
/// noarp)`. Terraform equivalent: `planfile.Open` checking the plan's format.
enum PlanFileReader {
    /// A wrong value, at a field path such as `desired[2].state` (empty for the document itself).
    struct FieldError: Error {
        var field: String
        var message: String
    }

    static let topKeys: [StaticString] = ["desired", "fingerprint", "formatVersion", "kind", "maxDeletes",
                                          "namespace", "ownerProtocol", "plan", "prune", "sources"]
    static let documentKeys: [StaticString] = ["changes", "formatVersion", "ownerProtocol", "summary", "pending"]
    static let summaryKeys: [StaticString] = ["create", "delete", "set", "unchanged", "pending"]
    static let pendingKeys: [StaticString] = ["address", "cause", "family", "interface", "interfaceIndex", "isRouter",
                                              "optional", "physicalAddress", "reason", "source", "state", "kind",
                                              "flags"]
    static let changeKeys: [StaticString] = ["action", "address", "after", "before", "family", "fields", "interface",
                                             "interfaceIndex", "reason", "source", "droppedFlags", "kind"]
    static let fieldKeys: [StaticString] = ["after", "before", "field"]
    static let rowKeys: [StaticString] = ["address", "interface", "interfaceIndex", "interfaceLuid", "isRouter",
                                          "isUnreachable", "physicalAddress", "protocol", "reachabilityTime", "state",
                                          "flags"]
    static let hint = "make one with 'neighsync plan -f PATH --out FILE'"

    /// The checked plan file in `bytes`, shown as `file` in errors.
    static func read(_ bytes: [UInt8], file: String) throws -> PlanFile {
        do {
            return try bytes.withUnsafeBytes { raw in
                var s = JSONScanner(raw)
                let f = try document(&s)
                try s.end()
                return f
            }
        } catch let e as FieldError {
            throw RecordError(file: file, field: e.field.isEmpty ? nil : e.field, e.message)
        } catch let f as JSONScanner.Failure {
            throw RecordError(file: file, "not a neighsync plan file (\(f))", remedy: hint)
        }
    }

    // MARK: - The document

    /// A row as read, with where it was and which fields were written.
    struct ReadRow {
        var row: IpNetRow2
        var name: String?
        var field: String
        var hasReachabilityTime: Bool
    }

    static func document(_ s: inout JSONScanner) throws -> PlanFile {
        guard try s.peek() == .object else {
            throw FieldError(field: "", message: "not a neighsync plan file (not a JSON object); \(hint)")
        }
        var namespace: String?
        var ownerProtocol: UInt8 = 0
        var prune = PruneMode.owned
        var maxDeletes = 0
        var desired: [ReadRow] = []
        var sources: [String] = []
        var fingerprint = ""
        var plan: (doc: PlanDocument, rows: [(before: ReadRow?, after: ReadRow?)])?
        let seen = try members(&s, at: "", keys: topKeys) { s, i in
            let f = topKeys[i].description
            switch i {
            case 0: try s.array(at: f) { s, k in desired.append(try row(&s, at: "\(f)[\(k)]")) }
            case 1:
                fingerprint = try text(&s, at: f)
                guard fingerprint.utf8.count == 16, fingerprint.utf8.allSatisfy({ isHex($0) }) else {
                    throw FieldError(field: f, message: "\(ScalarBytes.quoted(fingerprint)) is not a fingerprint (16 hex digits)")
                }
            case 2:
                let v = try integer(&s, at: f)
                guard v == 1 else { throw FieldError(field: f, message: "unsupported plan file version \(v); this "
                                                     + "neighsync reads version 1") }
            case 3:
                let k = try text(&s, at: f)
                guard k == "neighsync-plan" else {
                    throw FieldError(field: "", message: "not a neighsync plan file (kind \(ScalarBytes.quoted(k))); \(hint)")
                }
            case 4:
                let v = try integer(&s, at: f)
                if let p = DesiredRules.maxDeletesProblem(v) { throw FieldError(field: f, message: "\(p), found \(v)") }
                maxDeletes = Int(v)
            case 5:
                if s.null() { return }
                let n = try text(&s, at: f)
                if let problem = NamespaceName.problem(n) { throw FieldError(field: f, message: problem) }
                namespace = n
            case 6: ownerProtocol = try owner(&s, at: f)
            case 7: plan = try document(plan: &s, at: f)
            case 8:
                let t = try text(&s, at: f)
                guard let p = PruneMode(rawValue: t) else {
                    throw FieldError(field: f, message: "\(ScalarBytes.quoted(t)) is not a prune mode (owned or none)")
                }
                prune = p
            default:
                try s.array(at: f) { s, k in
                    let t = try text(&s, at: "\(f)[\(k)]")
                    guard t.isEmpty || SourceMark(parsing: t) != nil else {
                        throw FieldError(field: "\(f)[\(k)]", message: "\(ScalarBytes.quoted(t)) is not FILE:LINE:COLUMN")
                    }
                    sources.append(t)
                }
            }
        }
        // kind and formatVersion first: a file without them is not a plan file at all.
        for i in [3, 2] + topKeys.indices where !seen[i] {
            if topKeys[i].description == "namespace" {
                throw FieldError(field: "namespace", message: "missing; a plan file names the namespace it was made "
                                 + "for (null: the namespace of the process that made it), so it is never applied "
                                 + "elsewhere; \(hint)")
            }
            throw FieldError(field: "", message: "not a neighsync plan file (missing key "
                             + "'\(topKeys[i].description)'); \(hint)")
        }
        guard let plan else { throw FieldError(field: "plan", message: "missing") }
        // Now that the owner protocol is known: the rows apply will write.
        var firstOfKey: [NeighborKey: String] = [:]
        for d in desired {
            try checkDesired(d, ownerProtocol: ownerProtocol)
            if let first = firstOfKey.updateValue(d.field, forKey: d.row.key) {
                throw FieldError(field: d.field, message: "duplicate entry \(d.row.address.withoutScope) on interface "
                                 + "index \(d.row.key.interfaceIndex); \(first) is the same entry")
            }
        }
        guard sources.count == desired.count else {
            throw FieldError(field: "sources", message: "\(sources.count) sources for \(desired.count) desired rows; "
                             + "there is one per row")
        }
        guard plan.doc.ownerProtocol == ownerProtocol else {
            throw FieldError(field: "plan.ownerProtocol", message: "\(plan.doc.ownerProtocol) differs from the "
                             + "file's ownerProtocol \(ownerProtocol)")
        }
        for (i, c) in plan.doc.changes.enumerated() {
            let at = "plan.changes[\(i)]"
            let (before, after) = plan.rows[i]
            switch c.action {
            case .create, .set:
                guard let after else { throw FieldError(field: at, message: "a \(c.action.rawValue) needs 'after'") }
                try checkDesired(after, ownerProtocol: ownerProtocol)
                if c.action == .set && before == nil { throw FieldError(field: at, message: "a set needs 'before'") }
            case .delete:
                guard let before else { throw FieldError(field: at, message: "a delete needs 'before'") }
                guard after == nil else { throw FieldError(field: "\(at).after", message: "a delete has no 'after'") }
                guard before.row.state.isStatic || before.row.flags.contains(.managed) || before.row.isProxy,
                      before.row.protocol == ownerProtocol else {
                    throw FieldError(field: "\(at).before", message: "a delete of an entry neighsync does not own "
                                     + "(\(before.row.state.rawValue), protocol \(before.row.protocol)); only "
                                     + (before.row.isProxy ? "proxy" : "static or managed")
                                     + " entries with the owner protocol \(ownerProtocol) are deleted")
                }
            }
            let row = (after ?? before)!.row
            guard c.address == row.address.description else {
                throw FieldError(field: "\(at).address", message: "\(ScalarBytes.quoted(c.address)) is not the address of the change's "
                                 + "row (\(row.address))")
            }
            guard c.interfaceIndex == row.key.interfaceIndex else {
                throw FieldError(field: "\(at).interfaceIndex", message: "\(c.interfaceIndex) is not the interface "
                                 + "of the change's row (\(row.key.interfaceIndex))")
            }
            guard c.family == row.address.family.rawValue else {
                throw FieldError(field: "\(at).family", message: "\(ScalarBytes.quoted(c.family)) is not the family of "
                                 + "\(row.address) (\(row.address.family.rawValue))")
            }
        }
        let counts = plan.doc.summary
        for a in Action.allCases {
            let n = plan.doc.changes.filter { $0.action == a }.count
            let said = a == .create ? counts.create : a == .set ? counts.set : counts.delete
            guard n == said else {
                throw FieldError(field: "plan.summary.\(a.rawValue)", message: "\(said), but the plan has \(n) "
                                 + "\(a.rawValue) changes")
            }
        }
        return PlanFile(namespace: namespace, ownerProtocol: ownerProtocol, prune: prune, maxDeletes: maxDeletes,
                        desired: desired.map { RowRecord($0.row, interfaceName: $0.name) }, sources: sources,
                        fingerprint: fingerprint, plan: plan.doc)
    }

    /// The owner protocol at `field`, by the loader's own rule (`OwnerProtocolRule`): refused where the loader
    /// refuses it; a value the loader only warns about was accepted when the plan was made, so it passes.
    static func owner(_ s: inout JSONScanner, at field: String) throws -> UInt8 {
        let v = try integer(&s, at: field)
        if let finding = OwnerProtocolRule.check(v, key: field), finding.severity == .error {
            throw FieldError(field: "", message: finding.message)
        }
        guard let p = UInt8(exactly: v) else { throw FieldError(field: field, message: "must be 5…255, found \(v)") }
        return p
    }

    /// The review copy of the plan (`plan`): a `PlanDocument` and the rows of its changes.
    static func document(plan s: inout JSONScanner, at field: String) throws
        -> (doc: PlanDocument, rows: [(before: ReadRow?, after: ReadRow?)]) {
        var changes: [PlanDocument.ChangeRecord] = []
        var rows: [(before: ReadRow?, after: ReadRow?)] = []
        var summary = PlanDocument.Summary(create: 0, set: 0, delete: 0, unchanged: 0)
        var pending: [PendingRecord]?
        var ownerProtocol: UInt8 = 0
        let seen = try members(&s, at: field, keys: documentKeys) { s, i in
            let f = "\(field).\(documentKeys[i].description)"
            switch i {
            case 0:
                try s.array(at: f) { s, k in
                    let (c, b, a) = try change(&s, at: "\(f)[\(k)]")
                    changes.append(c)
                    rows.append((b, a))
                }
            case 1:
                let v = try integer(&s, at: f)
                guard v == 1 else { throw FieldError(field: f, message: "unsupported plan version \(v)") }
            case 2: ownerProtocol = try owner(&s, at: f)
            case 4:
                if s.null() { return }
                var list: [PendingRecord] = []
                try s.array(at: f) { s, k in list.append(try Self.pending(&s, at: "\(f)[\(k)]")) }
                pending = list
            default:
                var counts = [Int](repeating: 0, count: 5)
                let given = try members(&s, at: f, keys: summaryKeys) { s, k in
                    let g = "\(f).\(summaryKeys[k].description)"
                    let v = try integer(&s, at: g)
                    guard v >= 0, v <= Int32.max else { throw FieldError(field: g, message: "must be 0 or more") }
                    counts[k] = Int(v)
                }
                try require(Array(given.prefix(4)), summaryKeys, at: f)  // pending: absent in older plan files
                summary = PlanDocument.Summary(create: counts[0], set: counts[2], delete: counts[1],
                                               unchanged: counts[3], pending: given[4] ? counts[4] : nil)
            }
        }
        try require(Array(seen.prefix(4)), documentKeys, at: field)
        if let n = summary.pending, n != (pending?.count ?? 0) {
            throw FieldError(field: "\(field).summary.pending", message: "\(n), but the plan lists \(pending?.count ?? 0) "
                             + "pending entries")
        }
        var doc = PlanDocument(formatVersion: 1, summary: summary, ownerProtocol: ownerProtocol, changes: changes)
        doc.pending = pending
        return (doc, rows)
    }

    /// One pending entry (shown by apply, never written): checked like a desired row's fields.
    static func pending(_ s: inout JSONScanner, at field: String) throws -> PendingRecord {
        var address: IpAddress?, name = "", index: UInt32?, mac = PhysicalAddress.empty, state = NeighborState.permanent
        var router = false, optional = false, cause = PendingNeighbor.Cause.interfaceAbsent, reason = "", source: String?
        var family = "", isProxy = false, flags: NeighborFlags?
        let seen = try members(&s, at: field, keys: pendingKeys) { s, i in
            func f() -> String { "\(field).\(pendingKeys[i].description)" }
            switch i {
            case 0:
                let t = try text(&s, at: f())
                guard let a = IpAddress(t) else { throw FieldError(field: f(), message: "\(ScalarBytes.quoted(t)) is not an IP address") }
                address = a
            case 1:
                let t = try text(&s, at: f())
                guard let c = PendingNeighbor.Cause(rawValue: t) else {
                    throw FieldError(field: f(), message: "\(ScalarBytes.quoted(t)) is not a cause (interfaceAbsent or familyUnavailable)")
                }
                cause = c
            case 2: family = try text(&s, at: f())
            case 3: name = try text(&s, at: f())
            case 4: index = s.null() ? nil : try uint32(&s, at: f())
            case 5: router = try bool(&s, at: f())
            case 6: optional = try bool(&s, at: f())
            case 7:
                let t = try text(&s, at: f())
                if !t.isEmpty {
                    guard case .success(let p) = PhysicalAddress.parse(t) else {
                        throw FieldError(field: f(), message: "\(ScalarBytes.quoted(t)) is not a link-layer address")
                    }
                    mac = p
                }
            case 8: reason = try text(&s, at: f())
            case 9: source = s.null() ? nil : try text(&s, at: f())
            case 10:
                let t = try text(&s, at: f())
                guard let st = NeighborState(rawValue: t) else {
                    throw FieldError(field: f(), message: "\(ScalarBytes.quoted(t)) is not a desired state ("
                                     + DesiredRules.stateList + ")")
                }
                state = st
            case 12: flags = try flagWords(&s, at: f())
            default:
                let t = try text(&s, at: f())
                guard t == "proxy" else {
                    throw FieldError(field: f(), message: "\(ScalarBytes.quoted(t)) is not an entry kind (proxy, or no "
                                     + "'kind' for a neighbor)")
                }
                isProxy = true
            }
        }
        for (i, k) in pendingKeys.enumerated()
        where !seen[i] && !["interfaceIndex", "source", "kind", "flags"].contains(k.description) {
            throw FieldError(field: field, message: "missing key '\(k.description)'")
        }
        // The flags are the state's (`PendingRecord.flags`), derived again when read: a saved value must be theirs.
        let written = isProxy ? NeighborFlags() : DesiredRules.writtenFlags(for: state)
        if let flags, flags != written {
            throw FieldError(field: "\(field).flags", message: "\(flags.isEmpty ? "none" : flags.words.joined(separator: " "))"
                             + ": a pending \(isProxy ? "proxy" : DesiredRules.fileName(of: state)) entry is written with "
                             + (written.isEmpty ? "no flags" : "exactly " + written.words.joined(separator: " ")))
        }
        if isProxy {
            // What the loader makes of a `proxies:` item: no state, MAC or router flag.
            let probe = IpNetRow2(address: address ?? .v4(0), physicalAddress: mac, state: state, isRouter: router,
                                  flags: .proxy)
            if let (key, message) = DesiredRules.proxyRowProblem(probe) {
                throw FieldError(field: "\(field).\(key)", message: message)
            }
        } else if !DesiredRules.states.contains(state) {
            throw FieldError(field: "\(field).state", message: "'\(state.rawValue)' is not a desired state ("
                             + DesiredRules.stateList + ")")
        }
        guard let address, family == address.family.rawValue else {
            throw FieldError(field: "\(field).family", message: "\(ScalarBytes.quoted(family)) is not the address's family")
        }
        return PendingRecord(PendingNeighbor(address: address, interfaceName: name, interfaceIndex: index,
                                             physicalAddress: mac, state: state, isRouter: router,
                                             isOptional: optional, cause: cause, reason: reason,
                                             source: source.flatMap(SourceMark.init(parsing:))).proxy(isProxy))
    }

    /// One change record, and its before and after rows.
    static func change(_ s: inout JSONScanner, at field: String) throws
        -> (PlanDocument.ChangeRecord, ReadRow?, ReadRow?) {
        var c = PlanDocument.ChangeRecord(action: .create, address: "", interface: "", interfaceIndex: 0, family: "",
                                          reason: "", fields: [], droppedFlags: nil, before: nil, after: nil,
                                          source: nil)
        var before: ReadRow?, after: ReadRow?
        let seen = try members(&s, at: field, keys: changeKeys) { s, i in
            func f() -> String { "\(field).\(changeKeys[i].description)" }
            switch i {
            case 0:
                let t = try text(&s, at: f())
                guard let a = Action(rawValue: t) else {
                    throw FieldError(field: f(), message: "\(ScalarBytes.quoted(t)) is not an action (create, set or delete)")
                }
                c.action = a
            case 1: c.address = try text(&s, at: f())
            case 2:
                if s.null() { return }
                let r = try row(&s, at: f())
                after = r
                c.after = RowRecord(r.row, interfaceName: r.name)
            case 3:
                if s.null() { return }
                let r = try row(&s, at: f())
                before = r
                c.before = RowRecord(r.row, interfaceName: r.name)
            case 4:
                c.family = try text(&s, at: f())
                guard c.family == "ipv4" || c.family == "ipv6" else {
                    throw FieldError(field: f(), message: "\(ScalarBytes.quoted(c.family)) is not a family (ipv4 or ipv6)")
                }
            case 5:
                try s.array(at: f()) { s, k in
                    let g = "\(f())[\(k)]"
                    var v = ["", "", ""]
                    let given = try members(&s, at: g, keys: fieldKeys) { s, m in
                        v[m] = try text(&s, at: "\(g).\(fieldKeys[m].description)")
                    }
                    try require(given, fieldKeys, at: g)
                    guard FieldChange.names.contains(v[2]) else {
                        throw FieldError(field: "\(g).field", message: "\(ScalarBytes.quoted(v[2])) is not a row "
                                         + "field (" + FieldChange.names.dropLast().joined(separator: ", ") + " or "
                                         + FieldChange.names.last! + ")")
                    }
                    c.fields.append(FieldChange(field: v[2], before: v[1], after: v[0]))
                }
            case 6: c.interface = try text(&s, at: f())
            case 7: c.interfaceIndex = try uint32(&s, at: f())
            case 8: c.reason = try text(&s, at: f())
            case 9:
                if s.null() { return }
                c.source = try text(&s, at: f())
            case 10:
                if s.null() { return }
                c.droppedFlags = try flagWords(&s, at: f()).words
            default:
                let t = try text(&s, at: f())
                guard t == "proxy" else {
                    throw FieldError(field: f(), message: "\(ScalarBytes.quoted(t)) is not an entry kind (proxy, or no "
                                     + "'kind' for a neighbor)")
                }
                c.kind = t
            }
        }
        for (i, k) in changeKeys.enumerated() where !seen[i] {
            let name = k.description
            guard !["after", "before", "source", "droppedFlags", "kind"].contains(name) else { continue }
            throw FieldError(field: field, message: "missing key '\(name)'")
        }
        // The kind and the rows' proxy flag say the same.
        for r in [before, after].compactMap({ $0 }) where r.row.isProxy != (c.kind == "proxy") {
            throw FieldError(field: "\(field).kind", message: r.row.isProxy
                             ? "missing 'kind: proxy' for a change of a proxy entry (its rows carry the flag proxy)"
                             : "'kind: proxy', but the rows are no proxy entry (no flag proxy)")
        }
        return (c, before, after)
    }

    // MARK: - Rows

    /// A row as `RowRecord` writes it; checked as any row (the address a neighbor can have, the interface
    /// selection, a valid MAC and state); `checkDesired` adds what a row to be written needs.
    static func row(_ s: inout JSONScanner, at field: String) throws -> ReadRow {
        var r = IpNetRow2(address: .v4(0))
        var name: String?
        var hasReachability = false
        var unreachable: Bool?
        let seen = try members(&s, at: field, keys: rowKeys) { s, i in
            func f() -> String { "\(field).\(rowKeys[i].description)" }
            switch i {
            case 0:
                let t = try text(&s, at: f())
                guard let a = IpAddress(t) else { throw FieldError(field: f(), message: "\(ScalarBytes.quoted(t)) is not an IP address") }
                do throws(IpNetError) { try NeighborRowValidator.checkAddress(a) } catch {
                    throw FieldError(field: f(), message: error.reason)
                }
                r.address = a
            case 1: name = s.null() ? nil : try text(&s, at: f())
            case 2: r.interfaceIndex = try uint32(&s, at: f())
            case 3:
                if s.null() { return }
                let t = try text(&s, at: f())
                guard let l = NetLuid(t) else { throw FieldError(field: f(), message: "\(ScalarBytes.quoted(t)) is not a LUID (0x + 16 "
                                                                 + "hex digits)") }
                r.interfaceLuid = l
            case 4: r.isRouter = try bool(&s, at: f())
            case 5: unreachable = s.null() ? nil : try bool(&s, at: f())
            case 6:
                let t = try text(&s, at: f())
                switch PhysicalAddress.parse(t) {
                case .success(let p): r.physicalAddress = p
                case .failure(.tooLong(let n)):
                    throw FieldError(field: f(), message: "\(ScalarBytes.quoted(t)) has \(n) bytes; a neighbor entry holds at most "
                                     + "\(PhysicalAddress.maxLength)")
                case .failure(.malformed):
                    throw FieldError(field: f(), message: "\(ScalarBytes.quoted(t)) is not a link-layer address (hex bytes like "
                                     + "02:00:00:00:00:10)")
                }
            case 7:
                let v = try integer(&s, at: f())
                guard v >= 0, v <= 255 else { throw FieldError(field: f(), message: "must be 0…255, found \(v)") }
                r.protocol = UInt8(v)
            case 8:
                if s.null() { return }
                r.reachabilityTime = try uint32(&s, at: f())
                hasReachability = true
            case 10:
                if s.null() { return }
                r.flags = try flagWords(&s, at: f())
            default:
                let t = try text(&s, at: f())
                guard let st = NeighborState(rawValue: t) else {
                    throw FieldError(field: f(), message: "\(ScalarBytes.quoted(t)) is not a neighbor state ("
                                     + NeighborState.allCases.map(\.rawValue).joined(separator: ", ") + ")")
                }
                r.state = st
            }
        }
        for (i, k) in rowKeys.enumerated() where !seen[i] {
            let n = k.description
            guard ["address", "interfaceIndex", "physicalAddress", "state", "isRouter", "protocol"].contains(n) else {
                continue
            }
            throw FieldError(field: field, message: "missing key '\(n)'")
        }
        r.isUnreachable = unreachable ?? (r.state == .unreachable)
        do throws(IpNetError) { _ = try NeighborRowValidator.checkInterfaceSelection(r) } catch {
            throw FieldError(field: field, message: error.reason)
        }
        return ReadRow(row: r, name: name, field: field, hasReachabilityTime: hasReachability)
    }

    /// What a row neighsync writes needs beyond any row: a desired state (permanent, noarp, or none with the managed
    /// flag), a MAC unless noarp (and none for managed, which `NeighborRowValidator.managedProblem` checks),
    /// the owner protocol, exactly the flags neighsync writes for its state (`DesiredRules.writtenFlags`:
    /// `extern_learn` on noarp, `managed extern_learn` on managed, none on permanent), and no kernel-only fields
    /// (unreachable, reachability time).
    static func checkDesired(_ d: ReadRow, ownerProtocol: UInt8) throws {
        let r = d.row
        if r.isProxy {
            // A proxy entry (`proxies:`): exactly what the loader makes of one (`DesiredRules.writtenFlags(for:)`).
            if let (key, message) = DesiredRules.proxyRowProblem(r) {
                throw FieldError(field: "\(d.field).\(key)", message: message)
            }
            guard r.protocol == ownerProtocol else {
                throw FieldError(field: "\(d.field).protocol", message: "\(r.protocol) is not the plan's ownerProtocol "
                                 + "\(ownerProtocol); every row neighsync writes carries it")
            }
            return
        }
        guard DesiredRules.states.contains(r.state) else {
            throw FieldError(field: "\(d.field).state", message: "'\(r.state.rawValue)' is not a desired state ("
                             + DesiredRules.stateList + ")")
        }
        if r.state == DesiredRules.managedState, let reason = NeighborRowValidator.managedProblem(
            address: r.address, hasPhysicalAddress: r.physicalAddress.count > 0, isRouter: r.isRouter, state: r.state) {
            throw FieldError(field: "\(d.field).\(RowReasonPlacement.field(of: reason)?.name ?? "state")",
                             message: reason.description)
        }
        if r.physicalAddress.count == 0 && r.state != .noarp && r.state != DesiredRules.managedState {
            throw FieldError(field: "\(d.field).physicalAddress", message: "empty; a permanent entry needs the "
                             + "neighbor's link-layer address (only state noarp may go without one)")
        }
        guard r.protocol == ownerProtocol else {
            throw FieldError(field: "\(d.field).protocol", message: "\(r.protocol) is not the plan's ownerProtocol "
                             + "\(ownerProtocol); every row neighsync writes carries it")
        }
        // The flag rule of the loader and the kernel path (`NeighborRowValidator.checkFlags`): router only on IPv6.
        do throws(IpNetError) { try NeighborRowValidator.checkFlags(address: r.address, isRouter: r.isRouter) } catch {
            throw FieldError(field: "\(d.field).isRouter", message: error.reason)
        }
        let flags = DesiredRules.writtenFlags(for: r.state)
        guard r.flags == flags else {
            let found = r.flags.isEmpty ? "none" : r.flags.words.joined(separator: " ")
            let rule = flags.isEmpty ? "neighsync writes no flags on a \(r.state.rawValue) entry"
                : r.state == DesiredRules.managedState
                ? "neighsync writes a managed entry (state none) with exactly managed extern_learn (NTF_EXT_MANAGED, "
                  + "and NTF_EXT_LEARNED, which keeps it from the kernel's garbage collection while unresolved)"
                : "neighsync writes a \(r.state.rawValue) entry with exactly \(flags.words.joined(separator: " ")) "
                  + "(which keeps it from the kernel's garbage collection)"
            throw FieldError(field: "\(d.field).flags", message: "\(found): \(rule)")
        }
        guard !r.isUnreachable, !d.hasReachabilityTime else {
            throw FieldError(field: d.field, message: "a row to write has no 'isUnreachable: true' or "
                             + "'reachabilityTime' (those describe a kernel entry)")
        }
    }

    // MARK: - Values

    /// Reads the members of the object at `field`, each key one of `keys` and given once; returns which were given.
    static func members(_ s: inout JSONScanner, at field: @autoclosure () -> String, keys: [StaticString],
                        _ body: (inout JSONScanner, Int) throws -> Void) throws -> [Bool] {
        let k = try s.peek()
        guard k == .object else { throw FieldError(field: field(), message: "expected an object, found \(phrase(k))") }
        var seen = [Bool](repeating: false, count: keys.count)
        try s.object { s, key in
            // The key as text only for a message: 100,000 rows have a million keys.
            // Cut and escaped like every quoted value (`ScalarBytes.quoted`): a 2 MB key is a one-line message.
            func at() -> (field: String, name: String) {
                let name = DisplayText.escaped(ScalarBytes.shown(key.assumingMemoryBound(to: UInt8.self)))
                let f = field()
                return (f.isEmpty ? name : "\(f).\(name)", "'\(name)'")
            }
            guard let i = keys.firstIndex(where: { JSONScanner.key(key, is: $0) }) else {
                throw FieldError(field: at().field, message: "unknown key \(at().name) (known: "
                                 + keys.map(\.description).joined(separator: ", ") + ")")
            }
            guard !seen[i] else { throw FieldError(field: at().field, message: "duplicate key \(at().name)") }
            seen[i] = true
            try body(&s, i)
        }
        return seen
    }

    /// Throws for the first of `keys` not `given` (only as many keys as `given` has are required).
    static func require(_ given: [Bool], _ keys: [StaticString], at field: @autoclosure () -> String) throws {
        for (i, k) in keys.prefix(given.count).enumerated() where !given[i] {
            throw FieldError(field: field(), message: "missing key '\(k.description)'")
        }
    }

    static func phrase(_ k: JSONScanner.Kind) -> String {
        switch k {
        case .object: return "an object"
        case .array: return "an array"
        case .string: return "a string"
        case .number: return "a number"
        case .bool: return "true or false"
        case .null: return "null"
        }
    }

    static func expect(_ s: inout JSONScanner, _ kind: JSONScanner.Kind, _ what: String, at field: @autoclosure () -> String) throws {
        let k = try s.peek()
        guard k == kind else { throw FieldError(field: field(), message: "expected \(what), found \(phrase(k))") }
    }

    static func text(_ s: inout JSONScanner, at field: @autoclosure () -> String) throws -> String {
        try expect(&s, .string, "a string", at: field())
        return try s.text()
    }

    static func integer(_ s: inout JSONScanner, at field: @autoclosure () -> String) throws -> Int64 {
        try expect(&s, .number, "a whole number", at: field())
        guard let v = try s.integer() else {
            throw FieldError(field: field(), message: "expected a whole number within 64 bits")
        }
        return v
    }

    static func uint32(_ s: inout JSONScanner, at field: @autoclosure () -> String) throws -> UInt32 {
        let v = try integer(&s, at: field())
        guard let u = UInt32(exactly: v) else {
            throw FieldError(field: field(), message: "must be 0…4294967295, found \(v)")
        }
        return u
    }

    static func bool(_ s: inout JSONScanner, at field: @autoclosure () -> String) throws -> Bool {
        try expect(&s, .bool, "true or false", at: field())
        return try s.bool()
    }

    /// A list of iproute2 flag words (`["extern_learn"]`), as `NeighborFlags(word:)` parses them.
    static func flagWords(_ s: inout JSONScanner, at field: @autoclosure () -> String) throws -> NeighborFlags {
        var flags = NeighborFlags()
        try s.array(at: field()) { s, k in
            let w = try text(&s, at: "\(field())[\(k)]")
            switch flags.add(word: w) {
            case nil: break
            case .unknown:
                throw FieldError(field: "\(field())[\(k)]", message: "\(ScalarBytes.quoted(w)) is not a neighbor flag ("
                                 + NeighborFlags.names.map(\.name).joined(separator: ", ") + ")")
            case .repeated:
                throw FieldError(field: "\(field())[\(k)]", message: "\(ScalarBytes.quoted(w)) is listed twice; list "
                                 + "each flag once")
            }
        }
        return flags
    }

    static func isHex(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66)
    }
}

extension JSONScanner {
    /// Like `array(_:)`, but a value that is not an array is a `PlanFileReader.FieldError` at `field`.
    mutating func array(at field: @autoclosure () -> String, _ body: (inout JSONScanner, Int) throws -> Void) throws {
        let k = try peek()
        guard k == .array else {
            throw PlanFileReader.FieldError(field: field(), message: "expected an array, found \(PlanFileReader.phrase(k))")
        }
        try array(body)
    }
}
