import Foundation

/// A fresh, uniquely named network namespace for one test (`neighsync-test-<random>`), with a veth pair
/// `veth0`/`veth1` inside it (both up) and optionally a second pair `veth2`/`veth3`. The namespace is deleted by
/// `close()` or, at the latest, in `deinit`, so a failing test leaves nothing behind. Only documentation prefixes
/// and `02:…` MACs are used; nothing touches the host namespace. iproute2 equivalent: `ip netns add NAME` + `ip -n
/// NAME link add veth0 type veth peer name veth1`.
public final class Netns: @unchecked Sendable {
    /// The namespace name (`/run/netns/NAME`).
    public let name: String
    private var closed = false

    /// Creates the namespace and `pairs` veth pairs (1 or 2), all up. Throws `NetnsError` with the failing
    /// command's stderr.
    public init(pairs: Int = 1) throws {
        name = "neighsync-test-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        try Netns.check(Netns.ip(["netns", "add", name]), "ip netns add \(name)")
        do {
            for p in 0..<pairs {
                let a = "veth\(2 * p)", b = "veth\(2 * p + 1)"
                try check(["link", "add", a, "type", "veth", "peer", "name", b])
                try check(["link", "set", a, "up"])
                try check(["link", "set", b, "up"])
            }
        } catch {
            close()
            throw error
        }
    }

    /// Two namespaces joined by one veth: `veth0` in each, 198.51.100.1/24 + 2001:db8:51::1/64 in the first and
    /// .2 / ::2 in the second (IPv6 without DAD), both up, so that ARP and neighbor discovery can run between them.
    public static func joinedPair() throws -> (Netns, Netns) {
        let a = try Netns(pairs: 0)
        let b = try Netns(pairs: 0)
        try a.check(["link", "add", "veth0", "type", "veth", "peer", "name", "veth0", "netns", b.name])
        for (ns, host) in [(a, 1), (b, 2)] {
            try ns.check(["addr", "add", "198.51.100.\(host)/24", "dev", "veth0"])
            try ns.check(["addr", "add", "2001:db8:51::\(host)/64", "dev", "veth0", "nodad"])
            try ns.check(["link", "set", "veth0", "up"])
            try ns.check(["link", "set", "lo", "up"])
        }
        return (a, b)
    }

    /// Runs `ip -n NAME ARGS…` and returns its exit status and output.
    @discardableResult
    public func run(_ args: [String]) -> (status: Int32, stdout: String, stderr: String) {
        Netns.ip(["-n", name] + args)
    }

    /// Runs `ip -n NAME ARGS…` and throws when it fails.
    public func check(_ args: [String]) throws {
        try Netns.check(run(args), "ip -n \(name) " + args.joined(separator: " "))
    }

    /// Runs a program inside the namespace: `ip netns exec NAME PROGRAM ARGS…` (e.g. `sysctl -w …`).
    @discardableResult
    public func exec(_ args: [String]) -> (status: Int32, stdout: String, stderr: String) {
        Netns.ip(["netns", "exec", name] + args)
    }

    /// The ifindex of `device` inside the namespace (0 when there is none), from `ip -j link show dev DEVICE`.
    public func index(of device: String) -> UInt32 {
        let r = run(["-j", "link", "show", "dev", device])
        guard r.status == 0, let data = r.stdout.data(using: .utf8),
              let arr = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]],
              let i = arr.first?["ifindex"] as? Int else { return 0 }
        return UInt32(i)
    }

    /// The neighbor table as iproute2 reports it: `ip -j -n NAME neigh show` (each entry a JSON object with `dst`,
    /// `dev`, `lladdr`, `state`, `protocol`).
    public func neighbors() -> [[String: Any]] {
        let r = run(["-j", "neigh", "show"])
        guard r.status == 0, let data = r.stdout.data(using: .utf8),
              let arr = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]] else { return [] }
        return arr
    }

    /// Deletes the namespace (idempotent). iproute2: `ip netns del NAME`.
    public func close() {
        guard !closed else { return }
        closed = true
        // A process still exiting inside the namespace can make the unmount fail for a moment: retry, and say so
        // if the namespace stays behind.
        for attempt in 0..<20 {
            let r = Netns.ip(["netns", "del", name])
            if r.status == 0 || !FileManager.default.fileExists(atPath: "/run/netns/\(name)") { return }
            if attempt == 19 {
                FileHandle.standardError.write(Data("warning: could not delete namespace \(name): \(r.stderr)".utf8))
            }
            usleep(100_000)
        }
    }

    deinit { close() }

    /// Runs `ip ARGS…` (the binary found by `KernelTests.ipPath`).
    @discardableResult
    public static func ip(_ args: [String]) -> (status: Int32, stdout: String, stderr: String) {
        run(KernelTests.ipPath ?? "/usr/sbin/ip", args)
    }

    /// Runs a program with arguments and captures its output.
    @discardableResult
    public static func run(_ program: String, _ args: [String], environment: [String: String]? = nil)
        -> (status: Int32, stdout: String, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: program)
        p.arguments = args
        if let environment { p.environment = environment }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        do { try p.run() } catch { return (127, "", "cannot run \(program): \(error)") }
        // Read both pipes before waiting so a chatty child cannot block on a full pipe.
        let group = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        DispatchQueue.global().async(group: group) { errData = err.fileHandleForReading.readDataToEndOfFile() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    private static func check(_ r: (status: Int32, stdout: String, stderr: String), _ what: String) throws {
        if r.status != 0 { throw NetnsError(command: what, status: r.status, stderr: r.stderr) }
    }
}
