import IpNetCore

/// Carries out a plan against a neighbor table with the Windows calls' semantics, where "already exists" counts as
/// converged: creates go out as CREATE|EXCL (over a leftover: CREATE|REPLACE); a create that meets EEXIST re-reads
/// the entry and is converged when equal, else is written again; a set that meets ENOENT is written again; a delete
/// that meets ENOENT is converged. Every second write is CREATE|REPLACE (`upsert`), which succeeds whether or not
/// another writer created or deleted the entry in between, so the retry itself cannot meet EEXIST or ENOENT.
/// Every write carries the owner protocol. All independent changes are tried (batched), each failure reported.
/// Windows equivalent: `CreateIpNetEntry2` / `SetIpNetEntry2` / `DeleteIpNetEntry2` per change; netlink: batched
/// RTM_NEWNEIGH / RTM_DELNEIGH; iproute2: `ip -batch -force`.
public enum Applier {
    /// Why apply refused to start; nothing was written.
    public enum Refusal: Error, CustomStringConvertible, Sendable {
        /// The plan deletes more than maxDeletes and `--force` was not given.
        case tooManyDeletes(count: Int, limit: Int)

        /// The message for the user.
        public var description: String {
            switch self {
            case .tooManyDeletes(let n, let l):
                return "refusing to delete \(n) entries: the limit is maxDeletes = \(l). Check the plan with "
                    + "'neighsync plan'; if the deletes are intended, raise maxDeletes in the file or pass --force"
            }
        }
    }

    /// Applies `plan` to `table`. Throws `Refusal` before any write when the delete ceiling is exceeded.
    public static func apply(_ plan: Plan, to table: NeighborTableProtocol, force: Bool) throws -> ApplyReport {
        if plan.exceedsMaxDeletes && !force {
            throw Refusal.tooManyDeletes(count: plan.count(.delete), limit: plan.maxDeletes)
        }
        // Parameters first: the timers and switches the entries are written under (RTM_SETNEIGHTBL, sysctls).
        let parameters = writeParameters(plan.parameterChanges, to: table)
        let results = table.perform(plan.changes.map(\.operation))
        if results.count != plan.changes.count {
            preconditionFailure("perform returned \(results.count) results for \(plan.changes.count) operations")
        }
        var outcomes: [ApplyOutcome.Result] = []
        outcomes.reserveCapacity(plan.changes.count)
        var retries: [(index: Int, op: NeighborOperation, action: Action)] = []
        for (i, c) in plan.changes.enumerated() {
            guard let err = results[i] else {
                outcomes.append(.applied(c.action))
                continue
            }
            outcomes.append(.failed(err))
            switch (c.action, err) {
            case (.create, .objectAlreadyExists):
                let want = c.after!
                guard let have = try? table.get(want) else {
                    // It vanished between the two calls: write it (an upsert, in case it comes back meanwhile).
                    retries.append((i, .upsert(want), .create))
                    continue
                }
                if CanonicalRow.differences(have, want).isEmpty {
                    outcomes[i] = .converged("already exists with the desired values")
                } else {
                    // Another writer made it meanwhile: replace it (an upsert, in case it is deleted meanwhile).
                    retries.append((i, .upsert(want), .set))
                }
            case (.set, .notFound):
                retries.append((i, .upsert(c.after!), .create))
            case (.delete, .notFound):
                outcomes[i] = .converged("already gone")
            default:
                break
            }
        }
        if !retries.isEmpty {
            let again = table.perform(retries.map(\.op))
            for (k, r) in retries.enumerated() {
                outcomes[r.index] = again[k].map { .failed($0) } ?? .applied(r.action)
            }
        }
        var report = ApplyReport(changes: plan.changes, results: outcomes, unchanged: plan.unchanged,
                                 pending: plan.pending)
        report.parameters = parameters
        report.pendingParameters = plan.pendingParameters
        return report
    }

    /// Writes parameter changes, one `setParameters` call per (family, place), and returns each change with its
    /// failure. A failing place does not stop the others. Netlink: one RTM_SETNEIGHTBL per interface and family
    /// (and per table), the proxy switches as sysctls; iproute2: `ip ntable change name … dev IF …`.
    static func writeParameters(_ changes: [ParameterChange], to table: NeighborTableProtocol)
        -> [ParameterOutcome] {
        var groups: [[ParameterChange]] = []
        var groupOf: [String: Int] = [:]
        for c in changes {
            let place = "\(c.desired.family.rawValue)/\(c.interfaceIndex)"
            if let i = groupOf[place] {
                groups[i].append(c)
            } else {
                groupOf[place] = groups.count
                groups.append([c])
            }
        }
        var out: [ParameterOutcome] = []
        for g in groups {
            var values: [NeighborParameter: UInt64] = [:]
            for c in g { values[c.desired.key] = c.desired.value }
            let set = NeighborParameterSet(family: g[0].desired.family, interfaceIndex: g[0].interfaceIndex,
                                           values: values)
            var failure: IpNetError? = nil
            do { try table.setParameters(set) } catch {
                failure = error as? IpNetError ?? .system(errno: 5, message: "\(error)")
            }
            out += g.map { ParameterOutcome(change: $0, failure: failure) }
        }
        return out
    }
}
