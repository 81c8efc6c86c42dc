import Foundation
import Testing
import NeighSync
import NetnsTesting

/// `schema/neighsync.schema.json` and the loader agree: every example passes both, and every bad fixture listed in
/// `Fixtures/bad/SCHEMA-REJECTS` (rules a schema can express) fails both. The schema side runs python3 with
/// jsonschema and PyYAML, reading YAML with the loader's scalar typing (only true/false are booleans, integers are
/// `-?(0|[1-9][0-9]*)` or `0x` hex, null is empty/`~`/`null`). Without python3/jsonschema the test skips, or fails
/// under CI=true.
@Suite("JSON Schema and loader agree")
struct SchemaConsistencyTests {
    static let script = #"""
    import json, re, sys
    import jsonschema, yaml
    class Loader(yaml.SafeLoader):
        pass
    Loader.yaml_implicit_resolvers = {}
    Loader.add_implicit_resolver('tag:yaml.org,2002:bool', re.compile(r'^(?:true|True|TRUE|false|False|FALSE)$'), list('tTfF'))
    Loader.add_implicit_resolver('tag:yaml.org,2002:null', re.compile(r'^(?:~|null|Null|NULL|)$'), ['~', 'n', 'N', ''])
    Loader.add_implicit_resolver('tag:yaml.org,2002:int', re.compile(r'^(?:-?(?:0|[1-9][0-9]*)|0x[0-9a-fA-F]+)$'), list('-0123456789'))
    Loader.add_implicit_resolver('tag:yaml.org,2002:float', re.compile(r'^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)(?:[eE][-+]?[0-9]+)?$'), list('-+.0123456789'))
    Loader.add_constructor('tag:yaml.org,2002:int', lambda l, n: int(l.construct_scalar(n), 0))
    schema = json.load(open(sys.argv[1]))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    result = {}
    for path in sys.argv[2:]:
        try:
            docs = list(yaml.load_all(open(path, 'rb'), Loader=Loader))
            data = docs[0] if docs else None
            errors = [e.message for e in validator.iter_errors(data)]
            result[path] = errors[0] if errors else None
        except Exception as e:
            result[path] = 'unreadable: ' + str(e).splitlines()[0]
    print(json.dumps(result))
    """#

    /// Runs the schema check over `files`: path → nil (valid) or the first error.
    static func schemaVerdicts(_ files: [String]) throws -> [String: String?]? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script, LoaderFixtures.repoRoot + "/schema/neighsync.schema.json"] + files
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        do { try p.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errText = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            if errText.contains("ModuleNotFoundError") || errText.contains("No such file") { return nil }
            Issue.record(Comment(rawValue: "the schema check failed: \(errText)"))
            return [:]
        }
        let json = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        return json.mapValues { $0 as? String }
    }

    /// Runs the check, or skips (fails under CI=true) when python3 with jsonschema and PyYAML is missing.
    static func verdicts(_ files: [String]) throws -> [String: String?]? {
        if let v = try schemaVerdicts(files) { return v }
        switch KernelTests.decide(unavailableReason: "python3 with jsonschema and PyYAML is not installed",
                                  environment: ProcessInfo.processInfo.environment) {
        case .fail(let reason): Issue.record(Comment(rawValue: reason))
        case .skip(let reason): print("skipping the schema check: \(reason)")
        case .run: break
        }
        return nil
    }

    static var exampleFiles: [String] {
        let root = LoaderFixtures.repoRoot + "/examples"
        let top = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).filter { $0.hasSuffix(".yaml") }
        let split = ((try? FileManager.default.contentsOfDirectory(atPath: root + "/split")) ?? [])
            .filter { $0.hasSuffix(".yaml") }
        return (top.map { root + "/" + $0 } + split.map { root + "/split/" + $0 }).sorted()
    }

    @Test("every example passes the schema and the loader")
    func examplesValid() throws {
        let files = Self.exampleFiles
        #expect(files.count >= 6)
        for f in files {
            if case .failure(let e) = DesiredStateLoader.load(path: f) { Issue.record(Comment(rawValue: e.rendered())) }
        }
        guard let v = try Self.verdicts(files) else { return }
        for f in files {
            #expect(v[f] != nil, "no schema verdict for \(f)")
            if let verdict = v[f], let message = verdict { Issue.record(Comment(rawValue: "\(f): schema says \(message)")) }
        }
    }

    @Test("the bad fixtures the schema can express are rejected by both")
    func badRejectedByBoth() throws {
        let listed = try String(contentsOfFile: LoaderFixtures.root + "/bad/SCHEMA-REJECTS", encoding: .utf8)
            .split(separator: "\n").map(String.init).filter { !$0.isEmpty && !$0.hasPrefix("#") }
        #expect(listed.count >= 15)
        let files = listed.map { LoaderFixtures.root + "/bad/" + $0 }
        for f in files {
            if case .success = DesiredStateLoader.load(path: f) { Issue.record("the loader accepts \(f)") }
        }
        guard let v = try Self.verdicts(files) else { return }
        for f in files {
            guard let verdict = v[f] else { Issue.record("no schema verdict for \(f)"); continue }
            #expect(verdict != nil, "the schema accepts \(f)")
            #expect(verdict?.hasPrefix("unreadable") != true, "PyYAML could not read \(f): \(verdict ?? "")")
        }
    }

    @Test("valid spellings the loader accepts also pass the schema")
    func validSpellingsAgree() throws {
        let dir = try TemporaryDirectory()
        let cases = [
            "macs.yaml": "version: 1\nneighbors:\n  - { address: 192.0.2.1, interface: veth0, physicalAddress: \"0200.0A0b.0010\" }\n"
                + "  - { address: 192.0.2.2, interface: veth0, physicalAddress: \"02-00-0a-0b-00-10\" }\n",
            "luid.yaml": "version: 1\nneighbors:\n  - { address: \"fe80::1%3\", interfaceLuid: 0x0006000003000000, "
                + "interfaceIndex: 3, physicalAddress: \"02:00:00:00:00:01\", isRouter: false }\n",
            "noarp.yaml": "version: 1\ndefaults: { interface: veth1, state: noarp }\nneighbors:\n  - address: 198.51.100.7\n",
            "empty.yaml": "version: 1\nneighbors: []\n",
            // A zone id alone selects the link; LUID 0 means "use the index"; a daemon's protocol only warns;
            // isRouter: false on IPv4 and the IPv4-translated (not mapped) ::ffff:0:0:0/96 are fine.
            "gaps.yaml": "version: 1\nowner: { protocol: 186 }\nneighbors:\n"
                + "  - { address: \"fe80::1%3\", physicalAddress: \"02:00:00:00:00:01\" }\n"
                + "  - { address: 192.0.2.5, interfaceIndex: 3, interfaceLuid: 0, isRouter: false, "
                + "physicalAddress: \"02:00:00:00:00:05\" }\n"
                + "  - { address: \"::ffff:0:c000:205\", interface: veth0, physicalAddress: \"02:00:00:00:00:06\" }\n",
        ]
        for (name, text) in cases { try dir.write(name, text) }
        let files = cases.keys.sorted().map { dir.path + "/" + $0 }
        for f in files {
            if case .failure(let e) = DesiredStateLoader.load(path: f) { Issue.record(Comment(rawValue: e.rendered())) }
        }
        guard let v = try Self.verdicts(files) else { return }
        for f in files {
            if let verdict = v[f], let message = verdict { Issue.record(Comment(rawValue: "\(f): schema says \(message)")) }
        }
    }
}
