import Foundation
import Testing
import IpNet
@testable import NeighSync
@testable import NeighSyncCore

/// A desired state that is empty by accident must never load as "zero neighbors" (which would prune every owned
/// entry): a 0-byte, comment-only, `---`, `{}` or truncated file, a file without `version` or without `neighbors`,
/// a directory file that cannot be read (dangling symlink, FIFO, directory named `x.yaml`). Only an explicit
/// `version: 1` + `neighbors: []` asks for no entries. Also: reading never maps the file (truncation while loading is
/// at worst a parse error), a UTF-8 BOM is skipped, and `-f -` reads standard input.
@Suite("Desired-state loader: accidentally empty input")
struct AccidentallyEmptyStateTests {
    static let emptyMessage = "the file is empty (no 'version' key); an empty file would delete every owned entry. "
        + "To want no entries, write 'version: 1' and 'neighbors: []'"

    static func failure(_ text: String, name: String = "neighbors.yaml") -> DiagnosticList? {
        if case .failure(let e) = DesiredStateLoader.load(text: text, fileName: name) { return e }
        return nil
    }

    @Test("a file with no content is an error at 1:1, never zero neighbors",
          arguments: ["", "# only a comment\n", "---\n", "--- # a comment\n...\n", "\n\n\n", "~\n"])
    func emptyFileIsAnError(_ text: String) throws {
        let e = try #require(Self.failure(text), "an empty file must not load")
        #expect(e.description == "neighbors.yaml:1:1: error: " + Self.emptyMessage)
    }

    @Test("a mapping without 'version' is an error, whatever else it holds",
          arguments: ["{}\n", "neighbors: []\n", "prune: none\n",
                      "neighbors:\n  - { address: 192.0.2.1, interface: veth0, physicalAddress: \"02:00:00:00:00:01\" }\n"])
    func missingVersion(_ text: String) throws {
        let e = try #require(Self.failure(text), "a file without version must not load")
        #expect(e.count == 1)
        #expect(e.description == "neighbors.yaml:1:1: error: missing key 'version' at the top level; without it the "
                + "file may be incomplete and would delete owned entries it does not list. Write 'version: 1' as its "
                + "first line")
    }

    @Test("'version' without 'neighbors' is an error (a file truncated before its list cannot prune)",
          arguments: ["version: 1\n", "version: 1\nprune: owned\nmaxDeletes: 5\n"])
    func missingNeighbors(_ text: String) throws {
        let e = try #require(Self.failure(text), "a file without neighbors must not load")
        #expect(e.description == "neighbors.yaml:1:1: error: missing key 'neighbors' at the top level; a file without "
                + "it would delete every owned entry. List the entries, or write 'neighbors: []' to want none")
    }

    @Test("'neighbors:' with an empty (null) value is an error: a file cut after 'neighbors:' cannot prune",
          arguments: ["version: 1\nneighbors:\n", "version: 1\nneighbors: ~\n", "version: 1\nneighbors: null\n"])
    func nullNeighbors(_ text: String) throws {
        let e = try #require(Self.failure(text))
        #expect(e.count == 1)
        #expect(e.diagnostics.first?.message == "'neighbors' has no value; a file cut short after 'neighbors:' "
                + "would delete every owned entry. List the entries, or write 'neighbors: []' to want none")
        #expect(e.diagnostics.first?.mark?.line == 2)
    }

    @Test("only an explicit 'version: 1' and 'neighbors: []' wants no entries",
          arguments: ["version: 1\nneighbors: []\n", "neighbors: []\nversion: 1\n", "{version: 1, neighbors: []}\n",
                      "version: 1\ndefaults: ~\nneighbors: []\n"])
    func explicitEmptyList(_ text: String) throws {
        let s = try #require(try? DesiredStateLoader.load(text: text, fileName: "e.yaml").get())
        #expect(s == DesiredState(files: ["e.yaml"]))
    }

    @Test("a file with a syntax error gets only its syntax error, not also a missing-key one")
    func syntaxErrorIsEnough() throws {
        let e = try #require(Self.failure("version: 1\nneighbors: [\n"))
        #expect(e.count == 1)
        #expect(e.diagnostics[0].message.hasPrefix("YAML syntax error"))
    }

    @Test("a truncated file is an error at every cut point, never a smaller valid state that prunes")
    func everyTruncationIsAnErrorOrTheWhole() throws {
        let full = "version: 1\nprune: owned\nneighbors:\n  - address: 192.0.2.1\n    interface: veth0\n"
            + "    physicalAddress: \"02:00:00:00:00:01\"\n"
        let bytes = Array(full.utf8)
        // A cut inside the last entry may leave a valid entry (e.g. a shorter MAC is an error, a cut address a
        // different address): what must never happen is a load with no neighbors at all.
        for n in 0..<bytes.count {
            if case .success(let s) = DesiredStateLoader.load(data: Array(bytes[0..<n]), fileName: "t.yaml") {
                #expect(!s.neighbors.isEmpty, "cut at \(n) loaded with no neighbors")
            }
        }
    }

    // MARK: - Directories

    @Test("in a directory every file needs its own 'version'; a settings-only file says 'neighbors: []'")
    func directoryFilesEachNeedVersion() throws {
        let dir = try TemporaryDirectory()
        try dir.write("00-settings.yaml", "version: 1\nprune: owned\nneighbors: []\n")
        try dir.write("veth0.yaml", "neighbors:\n  - { address: 192.0.2.1, interface: veth0, "
                      + "physicalAddress: \"02:00:00:00:00:01\" }\n")
        try dir.write("veth1.yaml", "")
        guard case .failure(let e) = DesiredStateLoader.load(path: dir.path) else {
            Issue.record("a directory with an empty file must not load"); return
        }
        #expect(e.description == """
            \(dir.path)/veth0.yaml:1:1: error: missing key 'version' at the top level; without it the file may be \
            incomplete and would delete owned entries it does not list. Write 'version: 1' as its first line
            \(dir.path)/veth1.yaml:1:1: error: \(Self.emptyMessage)
            """)
    }

    @Test("a dangling *.yaml symlink in a directory is an error for the whole run")
    func danglingSymlink() throws {
        let dir = try TemporaryDirectory()
        try dir.write("a.yaml", "version: 1\nneighbors: []\n")
        #expect(symlink(dir.path + "/gone.yaml", dir.path + "/b.yaml") == 0)
        guard case .failure(let e) = DesiredStateLoader.load(path: dir.path) else {
            Issue.record("a dangling symlink must not be skipped"); return
        }
        #expect(e.description == "error: cannot read \(dir.path)/b.yaml: No such file or directory (a dangling "
                + "symlink?); every *.yaml / *.yml file of the directory must be readable, or be removed")
    }

    @Test("a FIFO named x.yaml in a directory is an error at once, never a hang")
    func fifoInDirectory() throws {
        let dir = try TemporaryDirectory()
        try dir.write("a.yaml", "version: 1\nneighbors: []\n")
        #expect(mkfifo(dir.path + "/b.yaml", 0o600) == 0)
        let start = Date()
        guard case .failure(let e) = DesiredStateLoader.load(path: dir.path) else {
            Issue.record("a FIFO must not be read as an empty file"); return
        }
        #expect(Date().timeIntervalSince(start) < 5)
        #expect(e.description == "error: cannot read \(dir.path)/b.yaml: not a regular file (a FIFO); every *.yaml / "
                + "*.yml file of the directory must be a regular file, or be removed")
    }

    @Test("a directory named x.yaml inside a -f directory is an error, not skipped")
    func directoryNamedYaml() throws {
        let dir = try TemporaryDirectory()
        try dir.write("a.yaml", "version: 1\nneighbors: []\n")
        try FileManager.default.createDirectory(atPath: dir.path + "/b.yaml", withIntermediateDirectories: false)
        guard case .failure(let e) = DesiredStateLoader.load(path: dir.path) else {
            Issue.record("a directory named b.yaml must not be skipped"); return
        }
        #expect(e.description == "error: cannot read \(dir.path)/b.yaml: not a regular file (a directory); every "
                + "*.yaml / *.yml file of the directory must be a regular file, or be removed")
    }

    @Test("the examples' split directory stays valid under the per-file rule")
    func splitExampleStillLoads() throws {
        let s = try DesiredStateLoader.load(path: LoaderFixtures.repoRoot + "/examples/split").get()
        #expect(s.neighbors.count == 8 && s.files.count == 3)
    }

    // MARK: - Reading

    @Test("a big file truncated by another thread in the middle of loads never crashes (no mmap, no SIGBUS)")
    func truncationWhileLoading() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path + "/big.yaml"
        var text = "version: 1\ndefaults: { interface: veth0 }\nneighbors:\n"
        for i in 0..<200_000 {
            text += "  - { address: 2001:db8::\(String(i, radix: 16)), physicalAddress: \"02:00:00:00:00:01\" }\n"
        }
        let bytes = Array(text.utf8)
        #expect(bytes.count > 12 << 20)
        let stop = Atomic(false)
        let truncator = Thread {
            var round = 0
            while !stop.value {
                let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
                _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                usleep(UInt32(1_000 + (round % 7) * 1_500))
                _ = ftruncate(fd, off_t(round % 3 == 0 ? 0 : 100 + (round * 7919) % bytes.count))
                close(fd)
                round += 1
            }
        }
        try? Data(bytes).write(to: URL(fileURLWithPath: path))
        truncator.start()
        var outcomes = 0
        for _ in 0..<30 {
            switch DesiredStateLoader.load(path: path) {
            case .success(let s): #expect(!s.neighbors.isEmpty)
            case .failure(let e): #expect(!e.diagnostics.isEmpty)
            }
            outcomes += 1
        }
        stop.value = true
        #expect(outcomes == 30)
    }

    @Test("a UTF-8 BOM is skipped and columns on the first line stay right")
    func byteOrderMark() throws {
        let ok = [0xEF, 0xBB, 0xBF] + Array("version: 1\nneighbors: []\n".utf8)
        #expect((try? DesiredStateLoader.load(data: ok, fileName: "b.yaml").get()) != nil)
        let bad = [0xEF, 0xBB, 0xBF] + Array("versoin: 1\nneighbors: []\n".utf8)
        guard case .failure(let e) = DesiredStateLoader.load(data: bad, fileName: "b.yaml") else {
            Issue.record("an unknown key must not load"); return
        }
        #expect(e.rendered() == """
            b.yaml:1:1: error: unknown key 'versoin' at the top level; did you mean 'version'?
              versoin: 1
              ^
            b.yaml:1:1: error: missing key 'version' at the top level; without it the file may be incomplete and \
            would delete owned entries it does not list. Write 'version: 1' as its first line
              versoin: 1
              ^

            """)
        let late = [0xEF, 0xBB, 0xBF] + Array("version: 1\nprune: nope\nneighbors: []\n".utf8)
        let l = try #require(DesiredStateLoader.load(data: late, fileName: "b.yaml").failureValue)
        #expect(l.diagnostics.first?.mark == SourceMark(file: "b.yaml", line: 2, column: 8))
        let first = [0xEF, 0xBB, 0xBF] + Array("version: 2\nneighbors: []\n".utf8)
        let f = try #require(DesiredStateLoader.load(data: first, fileName: "b.yaml").failureValue)
        #expect(f.diagnostics.first?.mark == SourceMark(file: "b.yaml", line: 1, column: 10))
    }

    @Test("'-f -' reads standard input, named <stdin> in diagnostics, bounded by the size limit")
    func standardInput() throws {
        let r = FileStatus.read(fd: try Self.pipe("version: 1\nprune: nope\nneighbors: []\n"),
                                   limit: 1 << 20)
        let bytes = try r.get()
        guard case .failure(let e) = DesiredStateLoader.load(data: bytes, fileName: "<stdin>") else {
            Issue.record("must not load"); return
        }
        #expect(e.diagnostics.first?.mark?.description == "<stdin>:2:8")
        let big = FileStatus.read(fd: try Self.pipe(String(repeating: "#\n", count: 600)),
                                     limit: 1000)
        #expect(big.failureValue?.errno == EFBIG)
    }

    /// A pipe's read end already holding `text` (small enough for the pipe buffer), its write end closed.
    static func pipe(_ text: String) throws -> Int32 {
        var fds: [Int32] = [0, 0]
        #expect(Glibc.pipe(&fds) == 0)
        _ = Array(text.utf8).withUnsafeBytes { write(fds[1], $0.baseAddress, $0.count) }
        close(fds[1])
        return fds[0]
    }
}

extension Result {
    /// The failure, nil on success.
    var failureValue: Failure? {
        if case .failure(let f) = self { return f }
        return nil
    }
}

/// A flag shared between the test and its helper thread.
final class Atomic<T>: @unchecked Sendable {
    // Written by one thread, read by another; a lock makes each access whole.
    private let lock = NSLock()
    private var stored: T
    init(_ v: T) { stored = v }
    var value: T {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); stored = newValue; lock.unlock() }
    }
}
