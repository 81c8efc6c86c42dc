import Foundation
import Testing
import NetnsTesting

/// The operations files: every example under examples/ is checked (systemd units with `systemd-analyze verify`,
/// YAML parsed, the crontab line's fields and subcommand, every neighsync command line the examples run accepted
/// by the built binary's parser), `--version`, completions, and `make install-files` into a temporary prefix.
@Suite struct OperationsExamplesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func read(_ relative: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(relative), encoding: .utf8)
    }

    static let units = ["examples/systemd/neighsync.service", "examples/systemd/neighsync-apply.service",
                        "examples/systemd/neighsync-apply.timer", "examples/systemd/neighsync-verify.service",
                        "examples/systemd/neighsync-verify.timer"]

    /// `systemd-analyze`, or nil (printed reason) when systemd's tools are not installed.
    static let systemdAnalyze: String? = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(arguments: units)
    func systemdUnitVerifies(_ unit: String) throws {
        let text = try Self.read(unit)
        // Structure, always: sections and Key=Value lines only.
        var sections: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) where !line.hasPrefix("#") {
            if line.hasPrefix("[") { sections.append(String(line)); continue }
            #expect(line.contains("="), "\(unit): '\(line)' is neither a section nor Key=Value")
        }
        #expect(sections.first == "[Unit]", "\(unit)")
        if unit.hasSuffix(".service") {
            #expect(sections.contains("[Service]"))
            // verify only sends probes (CAP_NET_RAW); every other unit writes the table (CAP_NET_ADMIN).
            let capability = unit.contains("verify") ? "CAP_NET_RAW" : "CAP_NET_ADMIN"
            #expect(text.contains("CapabilityBoundingSet=\(capability)\n"), "\(unit)")
            #expect(text.contains("AmbientCapabilities=\(capability)\n"), "\(unit)")
        }
        guard let analyze = Self.systemdAnalyze else {
            print("skipping systemd-analyze verify for \(unit): systemd-analyze is not installed")
            return
        }
        // Verify a copy whose ExecStart points at the built binary (verify checks that the command exists).
        let bin = try #require(NeighsyncBinary.path, "the neighsync binary was not found")
        let dir = try TempDir()
        let name = URL(fileURLWithPath: unit).lastPathComponent
        try dir.write(name, text.replacingOccurrences(of: "/usr/local/bin/neighsync", with: bin))
        if name.hasSuffix(".timer") {
            let service = name.replacingOccurrences(of: ".timer", with: ".service")
            try dir.write(service, try Self.read("examples/systemd/" + service)
                .replacingOccurrences(of: "/usr/local/bin/neighsync", with: bin))
        }
        let r = Netns.run(analyze, ["verify", "--man=no", "\(dir.path)/\(name)"])
        #expect(r.status == 0, "systemd-analyze verify \(unit): \(r.stdout)\(r.stderr)")
        #expect(!r.stderr.contains(name), "systemd-analyze complained about \(unit): \(r.stderr)")
    }

    /// Runs an example's neighsync arguments with the desired-state path replaced by a missing file and an absent
    /// namespace added, so nothing is touched: the parser and `validate()` must accept every option (no usage
    /// error), and the run must then fail only on the missing file or namespace.
    static func expectAccepted(_ args: [String]) throws {
        var a = args
        if let i = a.firstIndex(of: "-f"), i + 1 < a.count { a[i + 1] = "/nonexistent/neighsync-test.yaml" }
        // The unit's metrics directory is made by systemd (StateDirectory=); verify checks it before probing, so
        // the test points --metrics into a directory that exists here.
        if let i = a.firstIndex(of: "--metrics"), i + 1 < a.count { a[i + 1] = "/tmp/neighsync-test-metrics.prom" }
        a += ["--netns", "neighsync-test-absent"]
        let r = try NeighsyncBinary.run(a)
        #expect(r.status == 1, "\(args): \(r.stderr)")
        #expect(!r.stderr.contains("Usage:") && !r.stderr.contains("Error: "), "\(args) was rejected: \(r.stderr)")
        #expect(r.stderr.contains("nonexistent") || r.stderr.contains("neighsync-test-absent"), "\(r.stderr)")
    }

    /// The neighsync argument vectors of the watch unit's ExecStart and of the DaemonSet are accepted.
    @Test func watchUnitAndDaemonSetArgumentsParse() throws {
        let unit = try Self.read("examples/systemd/neighsync.service")
        let exec = try #require(unit.split(separator: "\n").first { $0.hasPrefix("ExecStart=") })
        var args = exec.dropFirst("ExecStart=".count).split(separator: " ").map(String.init)
        #expect(args.removeFirst() == "/usr/local/bin/neighsync")
        #expect(args.contains("--watch"))
        try Self.expectAccepted(args)
        // The verify unit's command line too.
        let verify = try Self.read("examples/systemd/neighsync-verify.service")
        let verifyExec = try #require(verify.split(separator: "\n").first { $0.hasPrefix("ExecStart=") })
        var verifyArgs = verifyExec.dropFirst("ExecStart=".count).split(separator: " ").map(String.init)
        #expect(verifyArgs.removeFirst() == "/usr/local/bin/neighsync")
        #expect(verifyArgs.first == "verify")
        try Self.expectAccepted(verifyArgs)
        let ds = try Self.yaml("examples/kubernetes/daemonset.yaml")
        try Self.expectAccepted(try #require(ds.first?["args"] as? [String]))
    }

    /// Parses YAML documents with python3's yaml.safe_load_all and returns, for the DaemonSet, its containers.
    static func yaml(_ relative: String) throws -> [[String: Any]] {
        let script = """
            import json, sys, yaml
            docs = list(yaml.safe_load_all(open(sys.argv[1])))
            out = []
            for d in docs:
                if d and d.get("kind") == "DaemonSet":
                    out += d["spec"]["template"]["spec"]["containers"]
            print(json.dumps({"count": len(docs), "containers": out}))
            """
        let r = Netns.run("/usr/bin/python3", ["-c", script, root.appendingPathComponent(relative).path])
        try #require(r.status == 0, "\(relative) does not parse as YAML: \(r.stderr)")
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect((obj["count"] as? Int ?? 0) >= 1)
        return obj["containers"] as? [[String: Any]] ?? []
    }

    @Test(arguments: ["examples/kubernetes/daemonset.yaml", "examples/kubernetes/configmap.yaml",
                      "examples/ci/github-actions.yml", "examples/ci/gitlab-ci.yml"])
    func yamlExampleParses(_ file: String) throws {
        _ = try Self.yaml(file)
    }

    /// Every neighsync command line of the CI examples (comments aside) runs against a generated fleet directory
    /// standing in for `hosts`: accepted by the parser, planning every host (exit 0 or 2, never a usage error), and
    /// they plan the whole fleet with `plan --hosts`.
    @Test(arguments: ["examples/ci/github-actions.yml", "examples/ci/gitlab-ci.yml"])
    func ciExampleCommandsRunOnAFleet(_ file: String) throws {
        let fleet = try FleetPlanTests.fleet(["edge1": FleetPlanTests.changes, "edge2": FleetPlanTests.converged])
        var commands: [[String]] = []
        for line in try Self.read(file).split(separator: "\n") {
            var code = String(line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0])
                .trimmingCharacters(in: .whitespaces)
            for prefix in ["- ", "run: "] where code.hasPrefix(prefix) { code.removeFirst(prefix.count) }
            guard code.hasPrefix("neighsync ") else { continue }
            var words: [String] = []
            for w in code.dropFirst("neighsync ".count).split(separator: " ") {
                if ["|", ">", "||", "&&", ";"].contains(w) { break }
                words.append(w == "hosts" ? fleet.path : String(w))
            }
            commands.append(words)
        }
        #expect(!commands.isEmpty && commands.allSatisfy { $0.starts(with: ["plan", "--hosts"]) }, "\(commands)")
        for args in commands {
            let r = try NeighsyncBinary.run(args)
            #expect(r.status == 0 || r.status == 2, "\(file): \(args): \(r.stderr)")
            #expect(!r.stderr.contains("Usage:"), "\(args) was rejected: \(r.stderr)")
            #expect(r.stdout.contains("edge1") && r.stdout.contains("edge2"), "\(args): \(r.stdout)")
        }
    }

    @Test func daemonSetIsHostNetworkNetAdminOnlyPerNodeFile() throws {
        let text = try Self.read("examples/kubernetes/daemonset.yaml")
        #expect(text.contains("hostNetwork: true"))
        let c = try #require(try Self.yaml("examples/kubernetes/daemonset.yaml").first)
        let caps = (c["securityContext"] as? [String: Any])?["capabilities"] as? [String: Any]
        #expect(caps?["add"] as? [String] == ["NET_ADMIN"])
        #expect(caps?["drop"] as? [String] == ["ALL"])
        let args = c["args"] as? [String] ?? []
        #expect(args.contains("/etc/neighsync/$(NODE_NAME).yaml"))
        #expect(args.contains("--watch"))
        let env = c["env"] as? [[String: Any]] ?? []
        #expect(env.contains { $0["name"] as? String == "NODE_NAME" && "\($0)".contains("spec.nodeName") })
    }

    /// The Kubernetes version whose schemas the manifests are checked against (kubernetes-validate ships them).
    static let kubernetesVersion = "1.31"

    /// Runs `python3 -m kubernetes_validate --strict -k VERSION FILES…` (strict: unknown fields are errors), or
    /// returns nil after skipping (printed) or failing (CI=true) when the module is not installed.
    static func kubernetesValidate(_ files: [String]) throws -> (status: Int32, output: String)? {
        let r = Netns.run("/usr/bin/env", ["python3", "-m", "kubernetes_validate", "--strict",
                                           "--kubernetes-version", kubernetesVersion] + files)
        if r.stderr.contains("No module named kubernetes_validate") || r.status == 127 {
            switch KernelTests.decide(unavailableReason: "python3 with kubernetes-validate is not installed "
                                      + "(make test installs it: pip install kubernetes-validate)",
                                      environment: ProcessInfo.processInfo.environment) {
            case .fail(let reason): Issue.record(Comment(rawValue: reason))
            case .skip(let reason): print("skipping the Kubernetes schema check: \(reason)")
            case .run: break
            }
            return nil
        }
        return (r.status, r.stdout + r.stderr)
    }

    /// Every manifest under examples/kubernetes validates against the pinned Kubernetes version's schemas, and the
    /// check is real: a copy of the DaemonSet with a misspelled field and one with a wrongly typed value both fail.
    @Test func kubernetesManifestsValidateAgainstTheSchemas() throws {
        let dir = Self.root.appendingPathComponent("examples/kubernetes")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".yaml") }
            .sorted().map { dir.appendingPathComponent($0).path }
        #expect(files.count >= 2)
        guard let r = try Self.kubernetesValidate(files) else { return }
        #expect(r.status == 0, "\(r.output)")
        for f in files {
            #expect(r.output.contains("INFO \(f) passed for resource"), "\(f) not validated: \(r.output)")
        }
        #expect(!r.output.contains("ERROR") && !r.output.contains("WARN"), "\(r.output)")

        let ds = try Self.read("examples/kubernetes/daemonset.yaml")
        let tmp = try TempDir()
        for (name, from, to, message) in [
            ("misspelled.yaml", "hostNetwork: true", "hostNetwrk: true", "'hostNetwrk' was unexpected"),
            ("mistyped.yaml", "hostNetwork: true", "hostNetwork: \"yes\"", "'yes' is not of type 'boolean'"),
        ] {
            #expect(ds.contains(from))
            let bad = try tmp.write(name, ds.replacingOccurrences(of: from, with: to))
            let b = try #require(try Self.kubernetesValidate([bad]))
            #expect(b.status != 0, "\(name) passed: \(b.output)")
            #expect(b.output.contains(message), "\(name): \(b.output)")
        }
    }

    /// The DaemonSet runs the image `make image` builds: its tag is the binary's version, and it relies on the
    /// image's entrypoint (no `command:` naming a path the image does not have).
    @Test func daemonSetUsesTheBuiltImage() throws {
        let c = try #require(try Self.yaml("examples/kubernetes/daemonset.yaml").first)
        let image = try #require(c["image"] as? String)
        let version = try NeighsyncBinary.run(["--version"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(image.hasSuffix("/neighsync:\(version)"), "\(image) is not neighsync:\(version)")
        #expect(c["command"] == nil, "the image's entrypoint is /usr/sbin/neighsync; command: \(c["command"] ?? "")")
    }

    /// Each per-node file in the ConfigMap is a valid desired-state file (`neighsync validate --offline`).
    @Test func configMapNodeFilesValidate() throws {
        let script = """
            import sys, yaml, os
            d = yaml.safe_load(open(sys.argv[1]))
            for k, v in d["data"].items():
                open(os.path.join(sys.argv[2], k), "w").write(v)
                print(k)
            """
        let dir = try TempDir()
        let r = Netns.run("/usr/bin/python3", ["-c", script,
                                               Self.root.appendingPathComponent("examples/kubernetes/configmap.yaml").path,
                                               dir.path])
        try #require(r.status == 0, "\(r.stderr)")
        let names = r.stdout.split(separator: "\n")
        #expect(names.count >= 2)
        for n in names {
            let v = try NeighsyncBinary.run(["validate", "-f", "\(dir.path)/\(n)", "--offline"])
            #expect(v.status == 0, "\(n): \(v.stdout)\(v.stderr)")
        }
    }

    @Test func crontabLineHasFiveTimeFieldsUserAndASubcommand() throws {
        let lines = try Self.read("examples/cron/neighsync.crontab").split(separator: "\n")
            .filter { !$0.hasPrefix("#") && !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        #expect(lines.count == 1)
        let fields = try #require(lines.first).split(separator: " ").map(String.init)
        try #require(fields.count >= 8, "\(fields)")
        let time = fields[0..<5]
        #expect(time.allSatisfy { $0.range(of: #"^[0-9*/,\-]+$"#, options: .regularExpression) != nil }, "\(time)")
        #expect(fields[5] == "root")
        #expect(fields[6].hasSuffix("/neighsync"))
        let sub = fields[7]
        let help = try NeighsyncBinary.run(["help", sub])
        #expect(help.status == 0, "'\(sub)' is not a neighsync subcommand: \(help.stderr)")
        try Self.expectAccepted(Array(fields[7...]))
    }

    @Test func versionAndCompletions() throws {
        let v = try NeighsyncBinary.run(["--version"])
        #expect(v.status == 0)
        #expect(v.stdout.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil, "\(v.stdout)")
        for shell in ["bash", "zsh", "fish"] {
            let c = try NeighsyncBinary.run(["--generate-completion-script", shell])
            #expect(c.status == 0)
            #expect(c.stdout.contains("apply"), "\(shell) completion lacks the apply subcommand")
            #expect(c.stdout.contains("watch"), "\(shell) completion lacks --watch")
        }
    }

    /// `make install-files` into a temporary DESTDIR: binary, three completions, man page. The man page comes from
    /// the generate-manual plugin run (`make man`, done by `make test`); without one this skips, or fails under CI.
    @Test func makeInstallPutsEverythingUnderThePrefix() throws {
        let bin = try #require(NeighsyncBinary.path, "the neighsync binary was not found")
        let scratch = URL(fileURLWithPath: bin).resolvingSymlinksInPath().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let man = scratch.appendingPathComponent("plugins/GenerateManual/outputs/neighsync/neighsync.8").path
        guard FileManager.default.fileExists(atPath: man) else {
            let reason = "no generated man page at \(man); run 'make man' (make test does)"
            if ProcessInfo.processInfo.environment["CI"]?.lowercased() == "true" { Issue.record(Comment(rawValue: reason)) }
            else { print("skipping make install test: \(reason)") }
            return
        }
        let dest = try TempDir()
        let make = ["/usr/bin/make", "/bin/make"].first { FileManager.default.isExecutableFile(atPath: $0) }
        let makePath = try #require(make, "make is not installed")
        let r = Netns.run(makePath, ["-C", Self.root.path, "install-files", "NEIGHSYNC=\(bin)", "MANPAGE=\(man)",
                                     "PREFIX=/usr/local", "DESTDIR=\(dest.path)"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        let p = dest.path + "/usr/local"
        for f in ["bin/neighsync", "share/bash-completion/completions/neighsync", "share/zsh/site-functions/_neighsync",
                  "share/fish/vendor_completions.d/neighsync.fish", "share/man/man8/neighsync.8"] {
            let attrs = try? FileManager.default.attributesOfItem(atPath: "\(p)/\(f)")
            #expect(((attrs?[.size] as? NSNumber)?.intValue ?? 0) > 0, "\(f) missing or empty")
        }
        #expect(FileManager.default.isExecutableFile(atPath: "\(p)/bin/neighsync"))
        let page = try String(contentsOfFile: "\(p)/share/man/man8/neighsync.8", encoding: .utf8)
        #expect(page.contains(".Dt NEIGHSYNC 8"))
        #expect(page.contains("watch"))
        let installed = Netns.run("\(p)/bin/neighsync", ["--version"])
        #expect(installed.stdout == (try NeighsyncBinary.run(["--version"])).stdout)
    }
}
