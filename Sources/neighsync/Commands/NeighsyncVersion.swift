/// The version `neighsync --version` prints and the man page carries; bump it with each release (semantic
/// versioning). iproute2 equivalent: `ip -V` (`ip utility, iproute2-6.1.0`).
enum NeighsyncVersion {
    /// The release, e.g. `0.1.0`.
    static let current = "0.1.0"
}
