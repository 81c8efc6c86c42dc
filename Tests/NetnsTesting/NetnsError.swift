/// A namespace setup command that failed, with its exit status and stderr.
public struct NetnsError: Error, CustomStringConvertible {
    /// The command line that failed.
    public let command: String
    /// Its exit status.
    public let status: Int32
    /// What it printed on stderr.
    public let stderr: String

    /// `COMMAND failed (status N): STDERR`.
    public var description: String { "\(command) failed (status \(status)): \(stderr)" }
}
