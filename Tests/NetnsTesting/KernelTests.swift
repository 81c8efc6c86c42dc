import Foundation

/// Whether kernel tests (real namespaces, real netlink) can run here, and what to do when they cannot: skip with a
/// printed reason on a developer machine, fail when `CI=true` so a CI job can never pass by skipping everything.
public enum KernelTests {
    /// What a kernel test should do.
    public enum Decision: Equatable, Sendable {
        /// Root and `ip` are here: run.
        case run
        /// Not available and not CI: skip, printing the reason.
        case skip(String)
        /// Not available under `CI=true`: record a failure with the reason.
        case fail(String)
    }

    /// The `ip` binary, or nil when there is none.
    public static let ipPath: String? = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Why kernel tests cannot run, or nil when they can (root and `ip` present).
    public static let unavailableReason: String? = {
        if geteuid() != 0 { return "kernel tests need root (CAP_NET_ADMIN and CAP_SYS_ADMIN for namespaces)" }
        if ipPath == nil { return "kernel tests need iproute2's 'ip' binary" }
        return nil
    }()

    /// True when kernel tests can run (root and `ip` present).
    public static var available: Bool { unavailableReason == nil }

    /// The decision for this environment: `.run`, or `.skip`/`.fail` (under `CI=true`) with the reason.
    public static func decision(environment: [String: String] = ProcessInfo.processInfo.environment) -> Decision {
        decide(unavailableReason: unavailableReason, environment: environment)
    }

    /// The pure rule behind `decision`.
    public static func decide(unavailableReason: String?, environment: [String: String]) -> Decision {
        guard let reason = unavailableReason else { return .run }
        if environment["CI"]?.lowercased() == "true" { return .fail(reason + " (CI=true, so this is a failure)") }
        return .skip(reason)
    }
}
