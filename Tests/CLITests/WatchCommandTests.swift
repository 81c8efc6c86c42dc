import Foundation
import Testing
import NetnsTesting

/// `neighsync apply --watch` against a fresh namespace: drift repair after link down/up, `ip neigh del` and a MAC
/// changed by hand; SIGHUP with a new file and with a broken one; SIGTERM exits 0. Plus one-shot `--log-format`
/// and `--report`.
@Suite(.serialized) struct WatchCommandTests {
    static let twoEntries = """
        version: 1
        defaults: { interface: veth0 }
        neighbors:
          - address: 192.0.2.10
            physicalAddress: "02:00:00:00:00:10"
          - address: 2001:db8::10
            physicalAddress: "02:00:00:00:00:11"
        """

    /// A running `neighsync apply --watch`, its stderr captured in a file; SIGTERM on `stop()` or deinit.
    final class Watch {
        let process = Process()
        let logPath: String
        init(_ args: [String], dir: TempDir) throws {
            let bin = try #require(NeighsyncBinary.path, "the neighsync binary was not found next to the test bundle")
            logPath = dir.path + "/watch.log"
            FileManager.default.createFile(atPath: logPath, contents: nil)
            process.executableURL = URL(fileURLWithPath: bin)
            process.arguments = args
            process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
            try process.run()
        }
        var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
        func signal(_ s: Int32) { kill(process.processIdentifier, s) }
        /// Sends SIGTERM and returns the exit status (nil when it did not exit within 10 s).
        func stop() -> Int32? {
            guard process.isRunning else { return process.terminationStatus }
            signal(SIGTERM)
            let deadline = Date().addingTimeInterval(10)
            while process.isRunning && Date() < deadline { usleep(10_000) }
            if process.isRunning { process.terminate(); return nil }
            return process.terminationStatus
        }
        deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
    }

    /// True when the namespace holds `address` on veth0 with `lladdr`, PERMANENT, protocol 245.
    static func present(_ ns: Netns, _ address: String, _ lladdr: String) -> Bool {
        ns.neighbors().contains {
            $0["dst"] as? String == address && $0["dev"] as? String == "veth0" && $0["lladdr"] as? String == lladdr
                && ($0["state"] as? [String])?.contains("PERMANENT") == true && "\($0["protocol"] ?? "")" == "245"
        }
    }

    static func converged(_ ns: Netns) -> Bool {
        present(ns, "192.0.2.10", "02:00:00:00:00:10") && present(ns, "2001:db8::10", "02:00:00:00:00:11")
    }

    /// Polls `condition` every 10 ms; returns the seconds it took, or nil after `timeout` seconds.
    /// How many times `needle` occurs in `text`.
    static func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    static func waitFor(_ timeout: Double = 10, _ condition: () -> Bool) -> Double? {
        let start = Date()
        while Date().timeIntervalSince(start) < timeout {
            if condition() { return Date().timeIntervalSince(start) }
            usleep(10_000)
        }
        return nil
    }

    func start(_ ns: Netns, _ dir: TempDir, file: String, extra: [String] = []) throws -> Watch {
        let w = try Watch(["apply", "-f", file, "--netns", ns.name, "--watch", "--lock-timeout", "5"] + extra, dir: dir)
        #expect(Self.waitFor { Self.converged(ns) } != nil, "the first pass did not converge: \(w.log)")
        return w
    }

    @Test func restoresAfterLinkDownUp() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        let w = try start(ns, dir, file: try dir.write("n.yaml", Self.twoEntries))
        var times: [Double] = []
        for _ in 0..<5 {
            let creates = Self.count("event=create address=192.0.2.10 ", in: w.log)
            let t0 = Date()
            try ns.check(["link", "set", "veth0", "down"])
            try ns.check(["link", "set", "veth0", "up"])
            // The kernel flushed even the permanent entries, so the watcher must write them again: a new create in
            // its log proves the flush happened (checking the table right after 'down' would race the watcher on a
            // loaded machine).
            let back = Self.waitFor(10) {
                Self.count("event=create address=192.0.2.10 ", in: w.log) > creates && Self.converged(ns)
            }
            try #require(back != nil, "not restored within 10 s after link down/up: \(w.log)")
            // From the start of `ip link set down` to both entries back, `ip` and polling included.
            times.append(Date().timeIntervalSince(t0))
            usleep(300_000)
        }
        let sorted = times.sorted()
        let ms = sorted.map { Int(($0 * 1000).rounded()) }
        print("watch restore after link down/up (debounce 200ms): median \(ms[ms.count / 2]) ms, all \(ms) ms")
        #expect(sorted.last! < 10)
        #expect(w.log.contains("event=create address=192.0.2.10 interface=veth0"))
        #expect(w.stop() == 0)
    }

    @Test func restoresAfterDeleteAndMacChange() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        let w = try start(ns, dir, file: try dir.write("n.yaml", Self.twoEntries), extra: ["--debounce", "50ms"])
        try ns.check(["neigh", "del", "192.0.2.10", "dev", "veth0"])
        let t1 = Self.waitFor { Self.converged(ns) }
        #expect(t1 != nil, "not restored after ip neigh del: \(w.log)")
        try ns.check(["neigh", "replace", "2001:db8::10", "lladdr", "02:00:00:00:00:99", "dev", "veth0", "nud",
                      "permanent"])
        let t2 = Self.waitFor { Self.converged(ns) }
        #expect(t2 != nil, "MAC not restored after ip neigh replace: \(w.log)")
        print("watch restore (debounce 50ms): after neigh del \(Int((t1 ?? -1) * 1000)) ms, "
              + "after MAC change \(Int((t2 ?? -1) * 1000)) ms")
        #expect(w.log.contains("event=set address=2001:db8::10 interface=veth0 lladdr=02:00:00:00:00:11 "
                               + "reason=\"lladdr 02:00:00:00:00:99 → 02:00:00:00:00:11\" trigger=event"))
        #expect(w.stop() == 0)
    }

    @Test func sighupLoadsANewFileAndKeepsTheOldOnABrokenOne() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        let file = try dir.write("n.yaml", Self.twoEntries)
        let w = try start(ns, dir, file: file)
        try dir.write("n.yaml", """
            version: 1
            defaults: { interface: veth0 }
            neighbors:
              - address: 192.0.2.20
                physicalAddress: "02:00:00:00:00:20"
            """)
        w.signal(SIGHUP)
        let reloaded = Self.waitFor {
            Self.present(ns, "192.0.2.20", "02:00:00:00:00:20") && !ns.neighbors().contains { $0["dst"] as? String == "192.0.2.10" }
        }
        #expect(reloaded != nil, "SIGHUP did not converge to the new file: \(w.log)")
        #expect(w.log.contains("event=delete address=192.0.2.10"))
        try dir.write("n.yaml", "version: 1\nneighbors:\n  - address: [broken\n")
        w.signal(SIGHUP)
        #expect(Self.waitFor { w.log.contains("event=reload-failed") } != nil, "no reload-failed line: \(w.log)")
        #expect(w.process.isRunning)
        // The previous desired state is still enforced.
        try ns.check(["neigh", "del", "192.0.2.20", "dev", "veth0"])
        #expect(Self.waitFor { Self.present(ns, "192.0.2.20", "02:00:00:00:00:20") } != nil,
                "the old state was not kept after a broken reload: \(w.log)")
        #expect(w.stop() == 0)
    }

    /// A SIGHUP after `-f` was replaced by a FIFO (held open by a writer that never closes it, or holding a valid
    /// file that would prune everything) or by a symlink to /dev/zero is refused at once (`reload-failed … not a
    /// regular file`), never blocks or reads the device: the previous state is still repaired afterwards and
    /// SIGTERM still ends the watcher promptly with status 0.
    @Test func sighupRefusesAFifoOrADeviceInPlaceOfTheFile() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        let file = try dir.write("n.yaml", Self.twoEntries)
        let w = try start(ns, dir, file: file, extra: ["--debounce", "50ms"])
        var held: [Int32] = []
        defer { for fd in held { close(fd) } }
        let cases: [(name: String, what: String, make: () throws -> Void)] = [
            ("a FIFO held open by a writer", "a FIFO", {
                unlink(file)
                try #require(mkfifo(file, 0o600) == 0)
                let fd = open(file, O_RDWR | O_CLOEXEC)
                try #require(fd >= 0)
                held.append(fd)
            }),
            ("a FIFO holding a file that would prune everything", "a FIFO", {
                unlink(file)
                try #require(mkfifo(file, 0o600) == 0)
                let fd = open(file, O_RDWR | O_CLOEXEC)
                try #require(fd >= 0)
                held.append(fd)
                let text = Array("version: 1\nneighbors: []\n".utf8)
                try #require(write(fd, text, text.count) == text.count)
            }),
            ("a symlink to /dev/zero", "a character device", {
                unlink(file)
                try #require(symlink("/dev/zero", file) == 0)
            }),
        ]
        for c in cases {
            try c.make()
            let failed = Self.count("event=reload-failed", in: w.log)
            let t0 = Date()
            w.signal(SIGHUP)
            #expect(Self.waitFor { Self.count("event=reload-failed", in: w.log) > failed } != nil,
                    "\(c.name): no reload-failed line: \(w.log)")
            #expect(Date().timeIntervalSince(t0) < 3, "\(c.name): the reload took too long")
            #expect(w.log.contains("cannot read \(file): not a regular file (\(c.what)); watch mode re-reads -f on "
                                   + "SIGHUP"), "\(c.name): \(w.log)")
            #expect(!w.log.contains("event=reload "), "\(c.name): accepted: \(w.log)")
            // The previous desired state is still enforced: the watcher is not blocked in a read.
            try ns.check(["neigh", "del", "192.0.2.10", "dev", "veth0"])
            #expect(Self.waitFor { Self.converged(ns) } != nil, "\(c.name): not repaired after the reload: \(w.log)")
        }
        #expect(!w.log.contains("event=delete"), "\(w.log)")
        let t0 = Date()
        #expect(w.stop() == 0)
        #expect(Date().timeIntervalSince(t0) < 3, "SIGTERM took too long: \(w.log)")
    }

    @Test func sigtermExitsZeroWithJSONLogsAndReport() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        let report = dir.path + "/last-run.json"
        let w = try start(ns, dir, file: try dir.write("n.yaml", Self.twoEntries),
                          extra: ["--log-format", "json", "--report", report, "--resync", "1s"])
        // The periodic resync rewrites the report with its trigger.
        let resynced = Self.waitFor {
            guard let d = FileManager.default.contents(atPath: report),
                  let o = try? JSONSerialization.jsonObject(with: d) as? [String: Any] else { return false }
            return o["trigger"] as? String == "resync" && o["ok"] as? Bool == true
        }
        #expect(resynced != nil, "no resync report: \(w.log)")
        #expect(w.stop() == 0)
        let lines = w.log.split(separator: "\n")
        #expect(lines.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil }, "\(w.log)")
        #expect(lines.last?.contains("\"event\":\"watch-stop\",\"signal\":\"TERM\"") == true, "\(w.log)")
    }

    /// A SIGTERM sent at any moment after start ends watch mode (exit 0 once the handler is installed, else the
    /// default action): none is lost between start-up and the loop. The old handler set SIG_IGN before libdispatch
    /// installed its own, and a SIGTERM in that window was dropped for good (the process ran on).
    @Test func sigtermRightAfterStartIsNeverLost() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        let file = try dir.write("n.yaml", Self.twoEntries)
        for delay: UInt32 in [0, 2_000, 5_000, 10_000, 20_000, 40_000, 80_000, 150_000] {
            let w = try Watch(["apply", "-f", file, "--netns", ns.name, "--watch"], dir: dir)
            usleep(delay)
            w.signal(SIGTERM)
            let ended = Self.waitFor(5) { !w.process.isRunning }
            #expect(ended != nil, "SIGTERM \(delay) µs after start was lost: \(w.log)")
            if ended != nil {
                // Either the default action (killed before the handler existed) or a clean stop.
                let clean = w.process.terminationReason == .exit && w.process.terminationStatus == 0
                let killed = w.process.terminationReason == .uncaughtSignal && w.process.terminationStatus == SIGTERM
                #expect(clean || killed, "SIGTERM \(delay) µs after start: status \(w.process.terminationStatus)")
            }
        }
    }

    @Test func oneShotLogsAndReportWithoutChangingStdout() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        let file = try dir.write("n.yaml", Self.twoEntries)
        let report = dir.path + "/r.json"
        let first = try NeighsyncBinary.run(["apply", "-f", file, "--netns", ns.name, "--log-format", "text",
                                             "--report", report])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("created 192.0.2.10 dev veth0 lladdr 02:00:00:00:00:10"))
        let logLines = first.stderr.split(separator: "\n")
        #expect(logLines.count == 2, "\(first.stderr)")
        #expect(logLines.allSatisfy { $0.contains("level=info event=create") })
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report)))
                               as? [String: Any])
        #expect((doc["summary"] as? [String: Any])?["created"] as? Int == 2)
        // Converged: nothing on stdout, nothing on stderr; the report says 2 unchanged.
        let again = try NeighsyncBinary.run(["apply", "-f", file, "--netns", ns.name, "--log-format", "text",
                                             "--report", report])
        #expect(again.status == 0)
        #expect(again.stdout.isEmpty)
        #expect(again.stderr.isEmpty)
        let doc2 = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report)))
                                as? [String: Any])
        #expect((doc2["summary"] as? [String: Any])?["unchanged"] as? Int == 2)
        // Without --log-format, stderr stays empty as before.
        try ns.check(["neigh", "del", "192.0.2.10", "dev", "veth0"])
        let plain = try NeighsyncBinary.run(["apply", "-f", file, "--netns", ns.name])
        #expect(plain.stderr.isEmpty)
        #expect(plain.stdout.contains("created 192.0.2.10"))
    }

    @Test func rejectsBadDurationsAndWatchWithAPlanFile() throws {
        let bad = try NeighsyncBinary.run(["apply", "-f", "x.yaml", "--watch", "--resync", "5 minutes"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--resync '5 minutes' is not a duration"))
        let noWatch = try NeighsyncBinary.run(["apply", "-f", "x.yaml", "--debounce", "1s"])
        #expect(noWatch.stderr.contains("only apply with --watch"))
        let plan = try NeighsyncBinary.run(["apply", "plan.json", "--watch"])
        #expect(plan.stderr.contains("--watch needs -f PATH"))
        let format = try NeighsyncBinary.run(["apply", "-f", "x.yaml", "--log-format", "xml"])
        #expect(format.stderr.contains("--log-format 'xml' is not one of: text, json"))
    }
}
