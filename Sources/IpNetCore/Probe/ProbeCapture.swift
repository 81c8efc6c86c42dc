/// What `Prober` heard during one collection window: every ARP reply and neighbor advertisement received on the
/// probed interfaces (up to a bound), each interface's own hardware address (which a strict answer is addressed
/// to), and the requests that could not be sent. Matching answers to requests is `VerifyMatcher`'s job.
public struct ProbeCapture: Sendable {
    /// One received answer and the interface it came in on.
    public struct Received: Hashable, Sendable {
        /// The interface the frame arrived on.
        public var interfaceIndex: UInt32
        /// The decoded frame.
        public var answer: ProbeAnswer
        /// Builds a record.
        public init(interfaceIndex: UInt32, answer: ProbeAnswer) {
            self.interfaceIndex = interfaceIndex
            self.answer = answer
        }
    }

    /// The hardware address of each probed interface, by index.
    public var localAddresses: [UInt32: PhysicalAddress] = [:]
    /// The answers, in arrival order.
    public var received: [Received] = []
    /// Why a request could not be sent, by its position in the request list.
    public var unsent: [Int: IpNetError] = [:]
    /// Answers received beyond the bound and not kept.
    public var dropped = 0
    /// Frames sent.
    public var sent = 0
    /// True when the run was cut short (watch mode's SIGTERM): probes not sent, or the window not waited out, so
    /// the capture says nothing about the entries (a `silent` from it would be made up).
    public var interrupted = false

    /// An empty capture.
    public init() {}
}
