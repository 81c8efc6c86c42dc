import Foundation

/// Parses a metrics file with the Prometheus Python client's own text parser (`prometheus_client.parser
/// .text_string_to_metric_families`, `pip install prometheus-client`, installed by `make deps`), so the tests check
/// `neighsync --metrics` against a real consumer of the exposition format, not against our own reading of it.
public enum PrometheusText {
    /// One sample as the parser gives it.
    public struct Sample: Equatable, Sendable {
        /// The sample's name (`neighsync_passes_total` for a counter).
        public var name: String
        /// Its labels, unescaped.
        public var labels: [String: String]
        /// Its value.
        public var value: Double
    }

    /// One metric family as the parser gives it (for a counter the parser drops `_total` from the family name,
    /// the sample keeps it).
    public struct Family: Equatable, Sendable {
        /// The family name (without `_total` for a counter).
        public var name: String
        /// `gauge`, `counter`, …
        public var type: String
        /// The `# HELP` text.
        public var help: String
        /// The samples, in file order.
        public var samples: [Sample]
    }

    static let script = """
    import json, sys
    try:
        from prometheus_client.parser import text_string_to_metric_families
    except ImportError:
        print("NO-MODULE"); sys.exit(3)
    out = []
    for f in text_string_to_metric_families(open(sys.argv[1], encoding="utf-8").read()):
        out.append({"name": f.name, "type": f.type, "help": f.documentation,
                    "samples": [{"name": s.name, "labels": s.labels, "value": s.value} for s in f.samples]})
    print(json.dumps(out))
    """

    /// What went wrong: the parser is not installed (`unavailable`), or it refused the text (`refused`).
    public enum Failure: Error, CustomStringConvertible {
        /// python3 or prometheus-client is missing.
        case unavailable(String)
        /// The parser raised an error on the text.
        case refused(String)
        public var description: String {
            switch self {
            case .unavailable(let s): return s
            case .refused(let s): return "the Prometheus text parser refused the file: \(s)"
            }
        }
    }

    /// The families of the file at `path`, in file order.
    public static func parse(file path: String) throws -> [Family] {
        let r = Netns.run("/usr/bin/env", ["python3", "-c", script, path])
        if r.status == 3 || r.status == 127 || r.stdout.hasPrefix("NO-MODULE") {
            throw Failure.unavailable("python3 with prometheus-client is not installed (pip install prometheus-client)")
        }
        guard r.status == 0 else { throw Failure.refused(r.stderr) }
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]] ?? []
        return json.map { f in
            Family(name: f["name"] as? String ?? "", type: f["type"] as? String ?? "", help: f["help"] as? String ?? "",
                   samples: (f["samples"] as? [[String: Any]] ?? []).map { s in
                       Sample(name: s["name"] as? String ?? "", labels: s["labels"] as? [String: String] ?? [:],
                              value: (s["value"] as? NSNumber)?.doubleValue ?? .nan)
                   })
        }
    }

    /// `parse(file:)` of `text` (written to a temporary file).
    public static func parse(_ text: String) throws -> [Family] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("prom-\(UUID().uuidString).prom").path
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try parse(file: path)
    }

    /// Parses, or returns nil after skipping (printed) or recording a failure (`CI=true`) when the parser is not
    /// installed. A refusal by the parser throws.
    public static func parseOrSkip(file path: String) throws -> [Family]? {
        do { return try parse(file: path) } catch Failure.unavailable(let reason) {
            switch KernelTests.decide(unavailableReason: reason, environment: ProcessInfo.processInfo.environment) {
            case .fail(let why): throw Failure.unavailable(why)
            case .skip(let why): print("skipping the Prometheus parser check: \(why)"); return nil
            case .run: return nil
            }
        }
    }

    /// The value of the sample `name` with exactly `labels`, or nil.
    public static func value(_ families: [Family], _ name: String, _ labels: [String: String] = [:]) -> Double? {
        families.lazy.flatMap(\.samples).first { $0.name == name && $0.labels == labels }?.value
    }
}
