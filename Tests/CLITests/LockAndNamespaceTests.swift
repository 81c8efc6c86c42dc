import Foundation
import IpNet
import NeighSync
import NetnsTesting
import Testing
import IpNetCore
import NeighSyncCore

/// The per-namespace lock and the namespace a run works in, attacked as a local user would: files planted where the
/// old lock lived (/run/lock, /tmp: symlink, directory, file, FIFO), a held lock, a lock directory or file that is
/// not what it should be, `--netns` names that escape /run/netns, a namespace deleted or re-created under a running
/// apply or watcher, and two watchers with different files fighting over one namespace.
@Suite(.serialized) struct LockAndNamespaceTests {
    static let desired = """
        version: 1
        defaults: { interface: veth0 }
        neighbors:
          - address: 192.0.2.10
            physicalAddress: "02:00:00:00:00:10"
        """

    /// The identity of `/run/netns/NAME` (`stat -L`).
    static func identity(_ ns: Netns) throws -> NamespaceIdentity {
        var st = stat()
        try #require(stat("/run/netns/\(ns.name)", &st) == 0)
        return NamespaceIdentity(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
    }

    /// The paths the lock used to live at: `/run/lock/neighsync-net-<inode>.lock` and the `/tmp` fallback.
    static func oldLockPaths(_ ns: Netns) throws -> [String] {
        let ino = try identity(ns).inode
        return ["/run/lock/neighsync-net-\(ino).lock", "/tmp/neighsync-net-\(ino).lock"]
    }

    /// Runs `neighsync ARGS…` and kills it after `seconds` (a hang is a failure, not a stuck test run).
    static func runBounded(_ args: [String], seconds: Double = 20, program: String? = nil) throws
        -> ChildProcess.Outcome {
        let child = try ChildProcess(try program ?? #require(NeighsyncBinary.path), args)
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            if done.wait(timeout: .now() + seconds) == .timedOut { child.kill(SIGKILL) }
        }
        let o = child.wait()
        done.signal()
        return o
    }

    /// True once process `pid` has a lock file of /run/neighsync open: it has opened its sockets and waits for the lock
    /// or holds it.
    static func hasTheLockFileOpen(_ pid: pid_t) -> Bool {
        let dir = "/proc/\(pid)/fd"
        for fd in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] {
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(dir)/\(fd)"),
               target.hasPrefix(ApplyLock.defaultDirectory + "/net-") { return true }
        }
        return false
    }

    static func ours(_ ns: Netns) -> [String] {
        ns.neighbors().filter { "\($0["protocol"] ?? "")" == "245" }.compactMap { $0["dst"] as? String }.sorted()
    }

    // MARK: Planted files where the lock used to be

    @Test func aSymlinkPlantedAtTheOldLockPathIsNeverFollowed() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        let file = try dir.write("n.yaml", Self.desired)
        let victim = try dir.write("victim", "root-only secret\n")
        chmod(victim, 0o600)
        let planted = try Self.oldLockPaths(ns)
        for p in planted { unlink(p); try #require(symlink(victim, p) == 0) }
        defer { planted.forEach { unlink($0) } }
        let r = try Self.runBounded(["apply", "-f", file, "--netns", ns.name])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "root-only secret\n")
        #expect(Self.ours(ns) == ["192.0.2.10"])
    }

    @Test(arguments: ["directory", "file", "heldFile", "fifo"])
    func aFilePlantedAtTheOldLockPathBlocksNothing(_ kind: String) throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        let file = try dir.write("n.yaml", Self.desired)
        let planted = try Self.oldLockPaths(ns)
        var held: [Int32] = []
        for p in planted {
            unlink(p); rmdir(p)
            switch kind {
            case "directory": try #require(mkdir(p, 0o755) == 0)
            case "fifo": try #require(mkfifo(p, 0o666) == 0)
            default:
                let fd = open(p, O_RDWR | O_CREAT, 0o644)
                try #require(fd >= 0)
                if kind == "heldFile" { try #require(flock(fd, LOCK_EX | LOCK_NB) == 0) }
                held.append(fd)
            }
        }
        defer {
            held.forEach { close($0) }
            planted.forEach { unlink($0); rmdir($0) }
        }
        let start = Date()
        let r = try Self.runBounded(["apply", "-f", file, "--netns", ns.name, "--lock-timeout", "5"])
        #expect(r.status == 0, "\(kind): \(r.stderr)")
        #expect(Date().timeIntervalSince(start) < 5, "\(kind): apply waited for a planted \(kind)")
        #expect(Self.ours(ns) == ["192.0.2.10"])
        // Watch mode too: the first pass writes and SIGTERM still ends it.
        try ns.check(["neigh", "del", "192.0.2.10", "dev", "veth0"])
        let w = try WatchCommandTests.Watch(["apply", "-f", file, "--netns", ns.name, "--watch"], dir: dir)
        #expect(WatchCommandTests.waitFor(10) { w.log.contains("event=create address=192.0.2.10") } != nil,
                "\(kind): \(w.log)")
        #expect(w.stop() == 0, "\(kind): \(w.log)")
    }

    @Test func aFlockOnTheNamespaceHandleHeldByAnyUserBlocksNothing() throws {
        // Why the lock is not a flock on the namespace handle itself: nobody can open /run/netns/NAME (mode 0444) and
        // hold a flock on it for ever. neighsync's lock lives in root's /run/neighsync instead.
        guard let ns = try cliNetns() else { return }
        let setpriv = try #require(PrivilegeTests.setpriv, "setpriv (util-linux) is needed to drop privileges")
        let tool = try #require(["/usr/bin/flock", "/bin/flock"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }, "flock (util-linux) is needed")
        let handle = "/run/netns/\(ns.name)"
        let holder = try ChildProcess(setpriv, PrivilegeTests.asNobody + [tool, "-n", handle, "sleep", "60"])
        defer {
            holder.kill(SIGKILL)
            _ = holder.wait()
        }
        let id = try Self.identity(ns)
        let listed = WatchCommandTests.waitFor(5) {
            ((try? String(contentsOfFile: "/proc/locks", encoding: .utf8)) ?? "").split(separator: "\n").contains {
                $0.contains(" FLOCK ") && $0.contains(":\(id.inode) ")
            }
        }
        try #require(listed != nil, "nobody could not lock \(handle)")
        let fd = open(handle, O_RDONLY | O_CLOEXEC)
        defer { close(fd) }
        #expect(flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK, "the handle lock was not held by nobody")
        let dir = try TempDir()
        let started = Date()
        let r = try Self.runBounded(["apply", "-f", try dir.write("n.yaml", Self.desired), "--netns", ns.name,
                                     "--lock-timeout", "5"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(Self.ours(ns) == ["192.0.2.10"])
    }

    // MARK: A held lock

    @Test func aHeldLockNamesTheHolderFromTheKernelAndSigtermEndsTheWait() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        let file = try dir.write("n.yaml", Self.desired)
        let lock = try ApplyLock(namespace: try Self.identity(ns), label: "test", timeout: 0)
        // A planted "pid" in the lock file is never read: the holder comes from /proc/locks.
        let child = try ChildProcess(try #require(NeighsyncBinary.path),
                                     ["apply", "-f", file, "--netns", ns.name, "--lock-timeout", "60"])
        #expect(WatchCommandTests.waitFor(10) { Self.hasTheLockFileOpen(child.pid) } != nil)
        usleep(300_000)
        let sent = Date()
        child.kill(SIGTERM)
        let o = child.wait()
        #expect(Date().timeIntervalSince(sent) < 2)
        #expect(o.status == 143, "\(o)")
        #expect(o.stderr == "error: interrupted by SIGTERM while waiting for the lock of network namespace "
                + "'\(ns.name)', held by another neighsync run (pid \(getpid())) (\(lock.path)); nothing was applied\n")
        #expect(ns.neighbors().isEmpty)
        // The same with SIGINT: 130.
        let second = try ChildProcess(try #require(NeighsyncBinary.path),
                                      ["apply", "-f", file, "--netns", ns.name, "--lock-timeout", "60"])
        #expect(WatchCommandTests.waitFor(10) { Self.hasTheLockFileOpen(second.pid) } != nil)
        second.kill(SIGINT)
        #expect(second.wait().status == 130)
        withExtendedLifetime(lock) {}
    }

    /// A namespace name is one token in a one-line message: a newline (or ESC) in `--netns` is escaped in the
    /// not-found error and in the lock-held error of a namespace that exists, so it can never forge a second
    /// `level=error event=…` line in the logs.
    @Test func aNewlineInANamespaceNameCannotForgeALogLine() throws {
        let bin = try #require(NeighsyncBinary.path)
        let dir = try TempDir()
        let file = try dir.write("n.yaml", Self.desired)
        let forged = "x\nlevel=error event=fake\u{1b}[31m"
        let missing = try Self.runBounded(["apply", "-f", file, "--netns", forged, "--log-format", "text"])
        #expect(missing.status == 1)
        #expect(missing.stderr == "error: ERROR_NOT_FOUND: no network namespace 'x\\nlevel=error event=fake\\x1b[31m' "
                + "(/run/netns/x\\nlevel=error event=fake\\x1b[31m does not exist); create it with 'ip netns add NAME'\n",
                "\(missing.stderr)")
        // An existing namespace with a newline in its name, its lock held: the lock-held message is one line too.
        let name = "nsx-watchfix-\(getpid())\nlevel=error event=fake"
        try #require(Netns.ip(["netns", "add", name]).status == 0)
        defer { _ = Netns.ip(["netns", "del", name]) }
        var st = stat()
        try #require(stat("/run/netns/\(name)", &st) == 0)
        let lock = try ApplyLock(namespace: NamespaceIdentity(device: UInt64(st.st_dev), inode: UInt64(st.st_ino)),
                                 label: "test", timeout: 0)
        let held = try Self.runBounded([bin, "apply", "-f", file, "--netns", name, "--lock-timeout", "0"],
                                       program: "/usr/bin/env")
        #expect(held.status == 1)
        #expect(held.stderr.split(separator: "\n").count == 1, "\(held.stderr)")
        #expect(held.stderr.contains("holds the lock of network namespace 'nsx-watchfix-\(getpid())\\nlevel=error "
                                     + "event=fake'"), "\(held.stderr)")
        withExtendedLifetime(lock) {}
    }

    @Test func watchModeStopsCleanlyWhileWaitingForTheLock() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        let file = try dir.write("n.yaml", Self.desired)
        let lock = try ApplyLock(namespace: try Self.identity(ns), label: "test", timeout: 0)
        let w = try WatchCommandTests.Watch(["apply", "-f", file, "--netns", ns.name, "--watch", "--lock-timeout",
                                             "60"], dir: dir)
        #expect(WatchCommandTests.waitFor(10) { Self.hasTheLockFileOpen(w.process.processIdentifier) } != nil)
        let sent = Date()
        #expect(w.stop() == 0, "\(w.log)")
        #expect(Date().timeIntervalSince(sent) < 2)
        #expect(w.log.contains("event=watch-stop signal=TERM"), "\(w.log)")
        #expect(!w.log.contains("lock-failed"), "\(w.log)")
        #expect(ns.neighbors().isEmpty)
        withExtendedLifetime(lock) {}
    }

    @Test func watchModeExitsWhenTheLockCanNeverBeTaken() throws {
        // As nobody, in the caller's namespace (the sockets open without privileges; the lock directory is root's):
        // one lock-failed line and exit 1, not a retry every second forever. Nothing is written anywhere.
        let setpriv = try #require(PrivilegeTests.setpriv, "setpriv (util-linux) is needed to drop privileges")
        let dir = try TempDir()
        let (bin, file) = try PrivilegeTests.setup(dir)
        let r = try Self.runBounded(PrivilegeTests.asNobody + [bin, "apply", "-f", file, "--watch"], seconds: 10,
                                    program: setpriv)
        #expect(r.status == 1, "\(r.stderr)")
        #expect(WatchCommandTests.count("event=lock-failed", in: r.stderr) == 1, "\(r.stderr)")
        #expect(r.stderr.contains("ERROR_ACCESS_DENIED: cannot") && r.stderr.contains("action=exiting"), "\(r.stderr)")
    }

    // MARK: The lock directory and file are checked before use

    @Test func anUnsafeLockDirectoryOrFileIsRefused() throws {
        let base = try TempDir()
        let id = NamespaceIdentity(device: 4, inode: 4_026_000_001)
        let label = "network namespace 'x'"
        func refusal(_ dir: String) -> String? {
            do { _ = try ApplyLock(namespace: id, label: label, timeout: 0, directory: dir); return nil } catch {
                return error.description
            }
        }
        // Created with mode 0700 when missing; the lock file is removed on release.
        let fresh = base.path + "/fresh"
        do {
            let lock = try ApplyLock(namespace: id, label: label, timeout: 0, directory: fresh)
            var st = stat()
            #expect(stat(fresh, &st) == 0 && st.st_mode & 0o7777 == 0o700)
            #expect(lock.path == fresh + "/net-4-4026000001.lock")
            #expect(FileManager.default.fileExists(atPath: lock.path))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: fresh).isEmpty)
        // A world- or group-writable directory, one owned by someone else, a symlink to a good one.
        let open = base.path + "/open"
        mkdir(open, 0o700)
        chmod(open, 0o1777)
        #expect(refusal(open)?.contains("it is owned by uid 0 with mode 1777; it must be owned by root") == true)
        let theirs = base.path + "/theirs"
        mkdir(theirs, 0o700)
        chown(theirs, 65534, 65534)
        #expect(refusal(theirs)?.contains("owned by uid 65534") == true)
        let linked = base.path + "/link"
        symlink(fresh, linked)
        #expect(refusal(linked)?.contains("it must be a real directory, not a symlink") == true,
                "\(refusal(linked) ?? "")")
        // Inside a good directory: a symlink, a FIFO (no hang), a directory, a hard link, another owner's file.
        let name = "net-4-4026000001.lock"
        let victim = base.path + "/victim"
        FileManager.default.createFile(atPath: victim, contents: Data("keep\n".utf8))
        let cases: [(String, (String) -> Void)] = [
            ("symlink", { symlink(victim, $0) }),
            ("fifo", { mkfifo($0, 0o600) }),
            ("directory", { mkdir($0, 0o700) }),
            ("hard link", { link(victim, $0) }),
            ("foreign file", { FileManager.default.createFile(atPath: $0, contents: nil); chown($0, 65534, 65534) }),
        ]
        for (what, plant) in cases {
            let d = base.path + "/case-\(what.replacingOccurrences(of: " ", with: "-"))"
            mkdir(d, 0o700)
            plant(d + "/" + name)
            let started = Date()
            let r = refusal(d)
            #expect(r?.hasPrefix("refusing the lock file \(d)/\(name)") == true, "\(what): \(r ?? "taken")")
            #expect(Date().timeIntervalSince(started) < 1, "\(what)")
        }
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "keep\n")
    }

    // MARK: --netns names

    @Test(arguments: ["..", ".", "../../proc/self/ns/net", "", "a/b", String(repeating: "n", count: 256)])
    func aNetnsNameOutsideRunNetnsIsRejectedBeforeAnythingIsCreated(_ name: String) throws {
        let dir = try TempDir()
        let file = try dir.write("n.yaml", Self.desired)
        // What the old code turned these names into: lock files keyed by the inode of /run, /run/netns, the host
        // namespace.
        var inodes: [UInt64] = []
        for p in ["/run", "/run/netns", "/proc/self/ns/net"] {
            var st = stat()
            if stat(p, &st) == 0 { inodes.append(UInt64(st.st_ino)) }
        }
        let suspects = inodes.flatMap { ["/run/lock/neighsync-net-\($0).lock", "/tmp/neighsync-net-\($0).lock"] }
        suspects.forEach { unlink($0) }
        let before = (try? FileManager.default.contentsOfDirectory(atPath: ApplyLock.defaultDirectory)) ?? []
        for args in [["apply", "-f", file], ["apply", "-f", file, "--watch"], ["plan", "-f", file],
                     ["validate", "-f", file], ["show"], ["entry", "table"]] {
            let r = try Self.runBounded(args + ["--netns", name], seconds: 10)
            #expect(r.status == 1, "\(args): \(r.stderr)")
            let problem = try #require(NamespaceName.problem(name))
            #expect(r.stderr.hasPrefix("Error: --netns: \(problem); give the NAME of /run/netns/NAME"),
                    "\(args): \(r.stderr)")
        }
        #expect(suspects.allSatisfy { !FileManager.default.fileExists(atPath: $0) })
        let after = (try? FileManager.default.contentsOfDirectory(atPath: ApplyLock.defaultDirectory)) ?? []
        let created = Set(after).subtracting(before)
        #expect(created.allSatisfy { file in !inodes.contains { file.hasSuffix("-\($0).lock") } })
    }

    @Test func theNamespaceNameRulesAreIproute2s() {
        #expect(NamespaceName.problem("edge1") == nil)
        #expect(NamespaceName.problem("a.b-c_d") == nil)
        #expect(NamespaceName.problem("...") == nil)
        #expect(NamespaceName.problem(String(repeating: "n", count: 255)) == nil)
        #expect(NamespaceName.problem("a\u{0}b") == "a namespace name cannot contain a NUL byte")
        #expect(NamespaceName.problem("..") == "'..' is not a namespace name (it would point outside /run/netns)")
        #expect(throws: IpNetError.self) { try NeighborTable(namespace: "../../proc/1/ns/net") }
    }

    // MARK: The namespace deleted or re-created under a run

    @Test(arguments: [false, true])
    func aOneShotApplyWhoseNamespaceIsDeletedBeforeWritingFails(_ recreate: Bool) throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        let file = try dir.write("n.yaml", Self.desired)
        // Hold the lock so the apply stops between opening its sockets and writing; delete the name meanwhile.
        var lock: ApplyLock? = try ApplyLock(namespace: try Self.identity(ns), label: "test", timeout: 0)
        let child = try ChildProcess(try #require(NeighsyncBinary.path),
                                     ["apply", "-f", file, "--netns", ns.name, "--lock-timeout", "30"])
        #expect(WatchCommandTests.waitFor(10) { Self.hasTheLockFileOpen(child.pid) } != nil)
        #expect(Netns.ip(["netns", "del", ns.name]).status == 0)
        if recreate {
            #expect(Netns.ip(["netns", "add", ns.name]).status == 0)
            try ns.check(["link", "add", "veth0", "type", "veth", "peer", "name", "veth1"])
            try ns.check(["link", "set", "veth0", "up"])
        }
        lock = nil
        let o = child.wait()
        #expect(o.status == 1, "\(o.stderr)")
        let what = recreate ? "was deleted and created again" : "was deleted while neighsync was working in it"
        #expect(o.stderr.hasPrefix("error: network namespace '\(ns.name)' \(what)"), "\(o.stderr)")
        #expect(o.stderr.hasSuffix("; nothing was applied\n"), "\(o.stderr)")
        if recreate { #expect(ns.neighbors().isEmpty) }
        _ = lock
    }

    @Test func aOneShotApplyWhoseNamespaceIsDeletedWhileWritingFails() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        var text = "version: 1\ndefaults: { interface: veth0 }\nneighbors:\n"
        for i in 1...30_000 {
            text += "  - { address: \"2001:db8::\(String(i, radix: 16))\", physicalAddress: "
                + "\"02:00:00:00:\(String(format: "%02x:%02x", i >> 8, i & 0xff))\" }\n"
        }
        let file = try dir.write("big.yaml", text)
        let child = try ChildProcess(try #require(NeighsyncBinary.path),
                                     ["apply", "-f", file, "--netns", ns.name, "--output", "json"])
        // Deleted as soon as the run holds its lock: whether that is before the first write or during the writes,
        // the run must not report success.
        #expect(WatchCommandTests.waitFor(20) { Self.hasTheLockFileOpen(child.pid) } != nil)
        #expect(Netns.ip(["netns", "del", ns.name]).status == 0)
        let o = child.wait()
        #expect(o.status == 1, "\(o.stderr)")
        #expect(o.stderr.contains("error: network namespace '\(ns.name)' was deleted while neighsync was working in "
                                  + "it"), "\(o.stderr)")
    }

    @Test func watchModeExitsNonZeroWhenItsNamespaceIsDeleted() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        let report = dir.path + "/report.json"
        let w = try WatchCommandTests.Watch(["apply", "-f", try dir.write("n.yaml", Self.desired), "--netns", ns.name,
                                             "--watch", "--report", report], dir: dir)
        #expect(WatchCommandTests.waitFor(10) { Self.ours(ns) == ["192.0.2.10"] } != nil, "\(w.log)")
        #expect(Netns.ip(["netns", "del", ns.name]).status == 0)
        #expect(WatchCommandTests.waitFor(5) { !w.process.isRunning } != nil, "still running: \(w.log)")
        #expect(w.stop() == 1)
        #expect(WatchCommandTests.count("event=namespace-gone", in: w.log) == 1, "\(w.log)")
        #expect(w.log.contains("level=error event=namespace-gone message=\"network namespace '\(ns.name)' was deleted"))
        #expect(!w.log.contains("lock-failed"), "\(w.log)")
    }

    /// A watcher waiting for a lock another run holds still checks its namespace at least once a second: deleting
    /// the namespace ends the wait and the watcher exits 1 with `namespace-gone` within about a second, not when
    /// the lock is released.
    @Test func watchModeWaitingForTheLockNoticesItsNamespaceWasDeleted() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        let lock = try ApplyLock(namespace: try Self.identity(ns), label: "test", timeout: 0)
        let w = try WatchCommandTests.Watch(["apply", "-f", try dir.write("n.yaml", Self.desired), "--netns", ns.name,
                                             "--watch", "--lock-timeout", "60"], dir: dir)
        #expect(WatchCommandTests.waitFor(10) { Self.hasTheLockFileOpen(w.process.processIdentifier) } != nil)
        let deleted = Date()
        #expect(Netns.ip(["netns", "del", ns.name]).status == 0)
        let gone = WatchCommandTests.waitFor(5) { !w.process.isRunning }
        #expect(gone != nil, "still waiting for the lock 5 s after the namespace was deleted: \(w.log)")
        #expect(Date().timeIntervalSince(deleted) < 2.5, "\(w.log)")
        #expect(w.stop() == 1)
        #expect(WatchCommandTests.count("event=namespace-gone", in: w.log) == 1, "\(w.log)")
        #expect(!w.log.contains("lock-failed"), "\(w.log)")
        withExtendedLifetime(lock) {}
    }

    @Test func watchModeExitsNonZeroWhenItsNamespaceIsReplacedAndNeverWritesTheNewOne() throws {
        guard let ns = try cliNetns() else { return }
        let dir = try TempDir()
        let w = try WatchCommandTests.Watch(["apply", "-f", try dir.write("n.yaml", Self.desired), "--netns", ns.name,
                                             "--watch", "--debounce", "0s"], dir: dir)
        #expect(WatchCommandTests.waitFor(10) { Self.ours(ns) == ["192.0.2.10"] } != nil, "\(w.log)")
        #expect(Netns.ip(["netns", "del", ns.name]).status == 0)
        #expect(Netns.ip(["netns", "add", ns.name]).status == 0)
        try ns.check(["link", "add", "veth0", "type", "veth", "peer", "name", "veth1"])
        try ns.check(["link", "set", "veth0", "up"])
        #expect(WatchCommandTests.waitFor(5) { !w.process.isRunning } != nil, "still running: \(w.log)")
        #expect(w.stop() == 1)
        // It may have seen the name gone (between del and add) or already replaced: either way one line, exit 1.
        let lines = WatchCommandTests.count("event=namespace-gone", in: w.log)
            + WatchCommandTests.count("event=namespace-replaced", in: w.log)
        #expect(lines == 1, "\(w.log)")
        #expect(ns.neighbors().isEmpty, "the new namespace was written to: \(w.log)")
    }

    // MARK: Two writers with one owner protocol

    @Test func twoWatchersWithDifferentFilesStopFightingAndSaySo() throws {
        guard let ns = try cliNetns() else { return }
        let dirA = try TempDir(), dirB = try TempDir()
        let a = try dirA.write("a.yaml", Self.desired)
        let b = try dirB.write("b.yaml", Self.desired.replacingOccurrences(of: "192.0.2.10", with: "192.0.2.11")
            .replacingOccurrences(of: "00:10", with: "00:11"))
        let args = ["--netns", ns.name, "--watch", "--debounce", "10ms"]
        let wa = try WatchCommandTests.Watch(["apply", "-f", a] + args, dir: dirA)
        let wb = try WatchCommandTests.Watch(["apply", "-f", b] + args, dir: dirB)
        let seen = WatchCommandTests.waitFor(30) {
            wa.log.contains("event=oscillation") || wb.log.contains("event=oscillation")
        }
        #expect(seen != nil, "no oscillation line: \(wa.log)\n\(wb.log)")
        func writes() -> Int {
            [wa.log, wb.log].reduce(0) {
                $0 + WatchCommandTests.count("event=create", in: $1) + WatchCommandTests.count("event=delete", in: $1)
            }
        }
        // The writes stop: no new write for 2 s, reached within 10 s of the first oscillation line.
        var last = writes()
        var quietSince = Date()
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline && Date().timeIntervalSince(quietSince) < 2 {
            usleep(100_000)
            let now = writes()
            if now != last { last = now; quietSince = Date() }
        }
        #expect(Date().timeIntervalSince(quietSince) >= 2, "the watchers still fight: \(writes()) writes")
        let line = (wa.log + wb.log).split(separator: "\n").first { $0.contains("event=oscillation") }.map(String.init)
        #expect(line?.contains("level=error event=oscillation address=192.0.2.1") == true, "\(line ?? "")")
        #expect(line?.contains("another writer with the same owner protocol undoes neighsync's writes, e.g. a second "
                               + "neighsync with a different file") == true, "\(line ?? "")")
        #expect(line?.contains("action=\"not writing it for 10m (or until a reload)\"") == true, "\(line ?? "")")
        #expect(wa.stop() == 0)
        #expect(wb.stop() == 0)
    }
}
