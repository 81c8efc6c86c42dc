import Foundation
import NeighSync

/// Where the loader's fixtures live and how golden files are compared: a bad file `bad/foo.yaml` (or a bad directory
/// `bad-dirs/foo/`) has its expected rendered diagnostics in `foo.expected` beside it, with paths relative to the
/// Fixtures directory. `NEIGHSYNC_UPDATE_GOLDEN=1` rewrites the expected files in the source tree instead.
enum LoaderFixtures {
    /// The Fixtures directory in the test bundle.
    static let root: String = Bundle.module.resourceURL!.appendingPathComponent("Fixtures").path

    /// The Fixtures directory in the source tree (for updating golden files).
    static let sourceRoot: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures").path

    /// The repository root (for examples/ and schema/).
    static let repoRoot: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    /// `bad/*.yaml`, sorted.
    static func badFiles() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root + "/bad")) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted().map { "bad/" + $0 }
    }

    /// `bad-dirs/*/`, sorted.
    static func badDirectories() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root + "/bad-dirs")) ?? []
        return names.filter { n in
            var d: ObjCBool = false
            return FileManager.default.fileExists(atPath: root + "/bad-dirs/" + n, isDirectory: &d) && d.boolValue
        }.sorted().map { "bad-dirs/" + $0 }
    }

    /// The rendered diagnostics of loading `relative` (under Fixtures), paths made relative; nil when it loaded.
    static func rendered(_ relative: String) -> String? {
        switch DesiredStateLoader.load(path: root + "/" + relative) {
        case .success: return nil
        case .failure(let list): return list.rendered().replacingOccurrences(of: root + "/", with: "")
        }
    }

    /// The golden file path for a fixture (`bad/foo.yaml` → `bad/foo.expected`, `bad-dirs/foo` → `bad-dirs/foo.expected`).
    static func expectedPath(_ relative: String, in base: String) -> String {
        let stem = relative.hasSuffix(".yaml") ? String(relative.dropLast(5)) : relative
        return base + "/" + stem + ".expected"
    }

    /// The expected text, or (in update mode) writes `actual` into the source tree and returns it.
    static func expected(_ relative: String, actual: String) -> String? {
        if ProcessInfo.processInfo.environment["NEIGHSYNC_UPDATE_GOLDEN"] == "1" {
            try? actual.write(toFile: expectedPath(relative, in: sourceRoot), atomically: true, encoding: .utf8)
            return actual
        }
        return try? String(contentsOfFile: expectedPath(relative, in: root), encoding: .utf8)
    }
}
