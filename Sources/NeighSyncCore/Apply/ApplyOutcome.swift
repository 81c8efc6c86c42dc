import IpNetCore

/// What happened to one planned change: applied as planned, applied as another action (a create that found the
/// entry and replaced it), found already converged (a create that found an equal entry, a delete of an entry
/// already gone), or failed with its Windows status. Windows equivalent: the `NETIO_STATUS` of the call; netlink:
/// the ack of the request.
public struct ApplyOutcome: Hashable, Sendable {
    /// How the change ended.
    public enum Result: Hashable, Sendable {
        /// Written with the given action (may differ from the planned one).
        case applied(Action)
        /// Nothing to write after all; the reason says why.
        case converged(String)
        /// The write failed.
        case failed(IpNetError)
    }

    /// The planned change.
    public var change: Change
    /// Its outcome.
    public var result: Result

    /// Builds an outcome.
    public init(change: Change, result: Result) {
        self.change = change
        self.result = result
    }

    /// True for a failure.
    public var failed: Bool {
        if case .failed = result { return true }
        return false
    }
}
