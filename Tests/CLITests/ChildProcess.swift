import Foundation
import Glibc
import NeighSyncCore

/// Runs a program with `posix_spawn` and reaps it with `wait4`, so a test learns that one child's peak memory
/// (`ru_maxrss`) and how it ended; stdout/stderr go to temporary files (no pipe can fill up). Also starts a child
/// without waiting, for signal tests. Shell equivalent: `/usr/bin/time -v PROGRAM ARGS…`.
struct ChildProcess {
    let pid: pid_t
    private let outPath: String
    private let errPath: String

    /// How a child ended.
    struct Outcome {
        /// The exit status, or nil when a signal ended it.
        var status: Int32?
        /// The signal that ended it, if any.
        var signal: Int32?
        /// Peak resident set size in KiB (see `run`; -1 when it could not be measured).
        var maxRSSKiB: Int
        var stdout: String
        var stderr: String
    }

    /// Starts `program ARGS…` with `stdinPath` (default /dev/null) as standard input.
    init(_ program: String, _ args: [String], stdinPath: String = "/dev/null") throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("neighsync-child-\(UUID().uuidString)").path
        outPath = base + ".out"
        errPath = base + ".err"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdinPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        let argv: [UnsafeMutablePointer<CChar>?] = ([program] + args).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        // A clean start: no blocked signals (test threads may block some) and default actions for INT/TERM/HUP.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for sig in [SIGINT, SIGTERM, SIGHUP, SIGPIPE] { sigaddset(&defaults, sig) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var child: pid_t = 0
        let rc = posix_spawn(&child, program, &actions, &attributes, argv, envp)
        guard rc == 0 else {
            throw NSError(domain: "ChildProcess", code: Int(rc),
                          userInfo: [NSLocalizedDescriptionKey: "cannot start \(program): \(String(cString: strerror(rc)))"])
        }
        pid = child
    }

    /// Sends `signal` to the child. Shell equivalent: `kill -SIG PID`.
    func kill(_ signal: Int32) { _ = Glibc.kill(pid, signal) }

    /// Waits for the child to end and collects its outcome. Shell equivalent: `wait PID`.
    func wait() -> Outcome {
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        unlink(outPath)
        unlink(errPath)
        let signaled = (status & 0x7f) != 0 && (status & 0x7f) != 0x7f
        return Outcome(status: signaled ? nil : (status >> 8) & 0xff, signal: signaled ? status & 0x7f : nil,
                       maxRSSKiB: Int(usage.ru_maxrss), stdout: out, stderr: err)
    }

    /// GNU time, which forks the measured program from its own small process. (`ru_maxrss` of a child spawned
    /// straight from the test process would include the test process's own peak: the kernel keeps the high-water
    /// mark of the memory the child shared with its parent before `exec`.)
    static let timePath = ["/usr/bin/time"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Runs `program ARGS…` to the end; `maxRSSKiB` is measured by GNU time (`%M`), or is -1 without it.
    static func run(_ program: String, _ args: [String], stdinPath: String = "/dev/null") throws -> Outcome {
        guard let time = timePath else {
            var o = try ChildProcess(program, args, stdinPath: stdinPath).wait()
            o.maxRSSKiB = -1
            return o
        }
        let rssFile = FileManager.default.temporaryDirectory.appendingPathComponent("neighsync-rss-\(UUID().uuidString)").path
        defer { unlink(rssFile) }
        var o = try ChildProcess(time, ["-o", rssFile, "-f", "%M", program] + args, stdinPath: stdinPath).wait()
        let text = (try? String(contentsOfFile: rssFile, encoding: .utf8)) ?? ""
        o.maxRSSKiB = text.split(separator: "\n").last.flatMap { Int($0) } ?? -1
        return o
    }
}
