import IpNetCore

/// What happened to one planned parameter change: written (`failure` nil) or refused with its Windows status.
/// Netlink equivalent: the ack of the RTM_SETNEIGHTBL that carried it (or the sysctl write).
public struct ParameterOutcome: Hashable, Sendable {
    /// The planned change.
    public var change: ParameterChange
    /// Why it failed; nil when written.
    public var failure: IpNetError?

    /// Builds an outcome.
    public init(change: ParameterChange, failure: IpNetError?) {
        self.change = change
        self.failure = failure
    }
}
