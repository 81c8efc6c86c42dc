import Foundation
import NetnsTesting
import Testing

/// Finds and runs the built `neighsync` binary: next to the test bundle (works with any `--scratch-path`), or under
/// `.build*/debug` of the package when run otherwise.
enum NeighsyncBinary {
    static let path: String? = {
        let fm = FileManager.default
        var candidates: [URL] = []
        let me = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = me.deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(dir.appendingPathComponent("neighsync"))
            dir = dir.deletingLastPathComponent()
        }
        if let exe = Bundle.main.executableURL {
            candidates.append(exe.deletingLastPathComponent().appendingPathComponent("neighsync"))
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        if let entries = try? fm.contentsOfDirectory(atPath: root.path) {
            for e in entries.sorted() where e.hasPrefix(".build") {
                candidates.append(root.appendingPathComponent(e).appendingPathComponent("debug/neighsync"))
            }
        }
        return candidates.first { fm.isExecutableFile(atPath: $0.path) && !$0.hasDirectoryPath }?.path
    }()

    /// Runs `neighsync ARGS…` and returns its exit status and output; `environment` adds variables.
    static func run(_ args: [String], environment: [String: String] = [:]) throws
        -> (status: Int32, stdout: String, stderr: String) {
        let path = try #require(path, "the neighsync binary was not found next to the test bundle")
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        for (k, v) in environment { env[k] = v }
        return Netns.run(path, args, environment: env)
    }
}

/// A fresh namespace with a veth pair for one CLI kernel test, or nil after skipping (printed) or failing (CI=true).
func cliNetns(pairs: Int = 1) throws -> Netns? {
    switch KernelTests.decision() {
    case .run: return try Netns(pairs: pairs)
    case .skip(let reason): print("skipping CLI kernel test: \(reason)"); return nil
    case .fail(let reason): Issue.record(Comment(rawValue: reason)); return nil
    }
}

/// A temporary directory removed when the value is released.
final class TempDir {
    let path: String
    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("neighsync-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    /// Writes `text` to `name` inside the directory and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let p = "\(path)/\(name)"
        try text.write(toFile: p, atomically: true, encoding: .utf8)
        return p
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}
