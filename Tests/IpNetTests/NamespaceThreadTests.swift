import Glibc
import Testing
@testable import IpNet
@testable import IpNetCore
import NetnsTesting

/// The one thread that enters another network namespace (`NamespaceThread`), and the three callers that word its
/// failures (the netlink socket, the sysctls, the probe sockets): the closure runs in the target namespace, the
/// caller's thread never moves, and a missing or wrong namespace says which, in each caller's words.
@Suite struct NamespaceThreadTests {
    static let missing = "/run/netns/nsx-E-no-such-namespace"

    @Test func runsInTheTargetNamespaceAndTheCallerStaysHome() throws {
        guard let ns = try freshNetns() else { return }
        defer { ns.close() }
        let path = "/run/netns/\(ns.name)"
        let home = NamespaceIdentity.ofCurrentThread()
        let target = NamespaceIdentity.of(path: path)
        #expect(home != nil && target != nil && home != target)
        let seen = NamespaceThread.run(in: path) { NamespaceIdentity.ofCurrentThread() }
        #expect(seen == .success(target))
        #expect(NamespaceIdentity.ofCurrentThread() == home)
        // A socket made there stays there; one namespace check of the sysctls passes, another one refuses.
        let socket = try NetlinkSocket.open(namespacePath: path)
        #expect(socket.namespace == target)
        #expect(try NamespaceSysctl.run(in: path, expected: target) { 7 } == 7)
        #expect(throws: IpNetError.notFound("network namespace \(path) is not the one neighsync opened any more; "
                                            + "nothing was written")) {
            try NamespaceSysctl.run(in: path, expected: home) { 7 }
        }
        #expect(NamespaceIdentity.ofCurrentThread() == home)
    }

    @Test func aMissingNamespaceIsNamedInEachCallersWords() throws {
        #expect(NamespaceThread.run(in: Self.missing) { 1 } == .failure(.open(ENOENT)))
        do {
            _ = try NetlinkSocket.open(namespacePath: Self.missing)
            Issue.record("opened a socket in a namespace that does not exist")
        } catch {
            #expect(error.errno == ENOENT && error.message == "cannot open network namespace \(Self.missing)")
        }
        #expect(throws: IpNetError.notFound("cannot open network namespace \(Self.missing)")) {
            try NamespaceSysctl.run(in: Self.missing, expected: nil) { 1 }
        }
        #expect(throws: IpNetError.notFound("no network namespace 'nsx-E-no-such-namespace' (\(Self.missing) does not "
                                            + "exist); create it with 'ip netns add NAME' or check the name with "
                                            + "'ip netns list'")) {
            try Prober.probe([], namespace: "nsx-E-no-such-namespace", rate: 1, window: .zero, maxAnswers: 1)
        }
    }

    @Test func aFileThatIsNoNamespaceIsNotEntered() throws {
        guard geteuid() == 0 else { return }
        let file = "/tmp/nsx-E-not-a-namespace-\(getpid())"
        let fd = open(file, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
        #expect(fd >= 0)
        close(fd)
        defer { unlink(file) }
        let home = NamespaceIdentity.ofCurrentThread()
        #expect(NamespaceThread.run(in: file) { 1 } == .failure(.enter(EINVAL)))
        #expect(throws: IpNetError.system(errno: EINVAL, message: "cannot enter network namespace \(file)")) {
            try NamespaceSysctl.run(in: file, expected: nil) { 1 }
        }
        do {
            _ = try NetlinkSocket.open(namespacePath: file)
            Issue.record("opened a socket in a file that is not a namespace")
        } catch {
            #expect(error.errno == EINVAL && error.message == "cannot enter network namespace \(file)")
        }
        #expect(NamespaceIdentity.ofCurrentThread() == home)
    }
}
