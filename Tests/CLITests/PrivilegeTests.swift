import Foundation
import NetnsTesting
import Testing
import NeighSyncCore

/// Privileges: `apply` without CAP_NET_ADMIN fails early with ERROR_ACCESS_DENIED and a hint, writing nothing;
/// `plan --state` and `validate --offline` work as nobody. Privileges are dropped with util-linux `setpriv` for the
/// child only; the namespace is always a fresh one.
@Suite struct PrivilegeTests {
    static let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let asNobody = ["--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all"]
    static let withoutNetAdmin = ["--inh-caps=-net_admin", "--bounding-set=-net_admin"]
    static let desired = "version: 1\nneighbors:\n  - address: 192.0.2.10\n    interface: veth0\n"
        + "    physicalAddress: \"02:00:00:00:00:10\"\n"

    /// Runs `setpriv FLAGS… ARGS…`, retrying while the copied binary is "Text file busy" (a parallel test forked
    /// while the copy's descriptor was open; the fork's copy of it closes at its exec).
    static func run(_ setpriv: String, _ args: [String]) throws -> ChildProcess.Outcome {
        var r = try ChildProcess.run(setpriv, args)
        for _ in 0..<50 where r.status == 126 && r.stderr.contains("Text file busy") {
            usleep(100_000)
            r = try ChildProcess.run(setpriv, args)
        }
        return r
    }

    /// The binary copied where nobody can run it (0755 in a 0755 directory), and a world-readable desired file.
    static func setup(_ dir: TempDir) throws -> (bin: String, file: String) {
        chmod(dir.path, 0o755)
        let bin = dir.path + "/neighsync"
        try FileManager.default.copyItem(atPath: try #require(NeighsyncBinary.path), toPath: bin)
        chmod(bin, 0o755)
        let file = try dir.write("n.yaml", desired)
        chmod(file, 0o644)
        return (bin, file)
    }

    @Test func applyAsNobodyIsAccessDeniedWithAHint() throws {
        guard let ns = try cliNetns() else { return }
        let setpriv = try #require(Self.setpriv, "setpriv (util-linux) is needed to drop privileges")
        let dir = try TempDir()
        let (bin, file) = try Self.setup(dir)
        let r = try Self.run(setpriv, Self.asNobody + [bin, "apply", "-f", file, "--netns", ns.name])
        #expect(r.status == 1)
        // Either the lock file or entering the namespace is refused first; both say so the Windows way.
        #expect(r.stderr.hasPrefix("error: ERROR_ACCESS_DENIED: "), "\(r.stderr)")
        #expect(r.stderr.contains("root"), "no hint: \(r.stderr)")
        #expect(ns.neighbors().isEmpty)
    }

    @Test func applyAsRootWithoutCapNetAdminFailsBeforeWriting() throws {
        guard let ns = try cliNetns() else { return }
        let setpriv = try #require(Self.setpriv, "setpriv (util-linux) is needed to drop privileges")
        let dir = try TempDir()
        let (bin, file) = try Self.setup(dir)
        let r = try Self.run(setpriv, Self.withoutNetAdmin + [bin, "apply", "-f", file, "--netns", ns.name])
        #expect(r.status == 1)
        #expect(r.stderr == "error: ERROR_ACCESS_DENIED: applying 1 changes needs CAP_NET_ADMIN; run as root, or "
                + "grant the capability (systemd: AmbientCapabilities=CAP_NET_ADMIN)\n", "\(r.stderr)")
        #expect(ns.neighbors().isEmpty)
        // With nothing to change there is nothing to refuse: a converged table is fine without the capability.
        #expect(try NeighsyncBinary.run(["apply", "-f", file, "--netns", ns.name]).status == 0)
        let again = try Self.run(setpriv, Self.withoutNetAdmin + [bin, "apply", "-f", file, "--netns", ns.name])
        #expect(again.status == 0, "\(again.stderr)")
    }

    @Test func planFromASnapshotAndOfflineValidateWorkAsNobody() throws {
        guard let ns = try cliNetns() else { return }
        let setpriv = try #require(Self.setpriv, "setpriv (util-linux) is needed to drop privileges")
        let dir = try TempDir()
        let (bin, file) = try Self.setup(dir)
        let neigh = try dir.write("neigh.json", ns.run(["-N", "-j", "neigh", "show", "nud", "all"]).stdout)
        let links = try dir.write("links.json", ns.run(["-j", "link", "show"]).stdout)
        chmod(neigh, 0o644)
        chmod(links, 0o644)
        let v = try Self.run(setpriv, Self.asNobody + [bin, "validate", "--offline", "-f", file])
        #expect(v.status == 0 && v.stdout == "ok: 1 neighbor on 1 interface\n", "\(v.stderr)")
        let p = try Self.run(setpriv, Self.asNobody + [bin, "plan", "-f", file, "--state", neigh, "--links", links,
                                                              "--detailed-exitcode"])
        #expect(p.status == 2, "\(p.stderr)")
        #expect(p.stdout.contains("+ 192.0.2.10 dev veth0 lladdr 02:00:00:00:00:10 permanent"), "\(p.stdout)")
    }
}
