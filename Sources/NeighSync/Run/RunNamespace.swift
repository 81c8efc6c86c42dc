import IpNet
import IpNetCore
import NeighSyncCore

/// The network namespace a run works in (`--netns NAME`, i.e. `/run/netns/NAME`, or the caller's own), as messages
/// name it, and what it means for a run when the name no longer names the namespace its sockets live in (deleted,
/// or deleted and created again): the one home of those texts for a one-shot apply and for watch mode. iproute2
/// equivalent: `ip -n NAME`; C: `stat("/run/netns/NAME")` compared with the socket's namespace.
public struct RunNamespace: Hashable, Sendable {
    /// The NAME of `/run/netns/NAME`, nil for the namespace of this process.
    public var name: String?

    /// The namespace named `name` (nil: this process's).
    public init(name: String?) { self.name = name }

    /// `network namespace 'NAME'` (escaped), or `the network namespace of this process`.
    public var label: String {
        name.map { "network namespace '\(DisplayText.escaped($0))'" } ?? "the network namespace of this process"
    }

    /// Why a one-shot run must fail because the name no longer names the namespace it writes to (`status`), or
    /// nil. `changes` is nil before writing, else the number of changes written.
    public func problem(_ status: NamespaceIdentity.Status, changes: Int?) -> String? {
        let what: String
        switch status {
        case .unchanged: return nil
        case .deleted: what = "\(label) was deleted while neighsync was working in it"
        case .replaced(let now): what = "\(label) was deleted and created again (now \(now)) while neighsync was "
            + "working in it"
        }
        guard let changes, changes > 0 else { return what + "; nothing was applied" }
        return what + ": the \(changes) changes went to the old, detached namespace, not to the one named "
            + "'\(name ?? "")' now. Run apply again"
    }

    /// The log event and message of watch mode when the name no longer names `identity`, the namespace of its
    /// sockets (`status`): `namespace-gone` or `namespace-replaced`, the watcher then exits 1; nil when unchanged.
    public func watchProblem(_ status: NamespaceIdentity.Status, identity: NamespaceIdentity)
        -> (event: String, message: String)? {
        switch status {
        case .unchanged:
            return nil
        case .deleted:
            return ("namespace-gone", "\(label) was deleted; neighsync's sockets live in the detached namespace "
                    + "(\(identity)), so nothing it writes can matter any more. Exiting with status 1 so that the "
                    + "service manager restarts it (systemd: Restart=on-failure)")
        case .replaced(let now):
            return ("namespace-replaced", "\(label) now names another namespace (\(now), was \(identity)): it was "
                    + "deleted and created again. Exiting with status 1 so that the service manager restarts "
                    + "neighsync on the new one (systemd: Restart=on-failure)")
        }
    }
}
