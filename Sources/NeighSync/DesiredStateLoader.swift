import FoundationEssentials
import Glibc
import IpNet

/// Reads desired-state YAML (format version 1, DESIGN.md § File format) into a `DesiredState`, or returns every
/// problem found as a `DiagnosticList`. `load(path:)` takes a file, or a directory whose `*.yaml` / `*.yml` files
/// (not hidden, not recursive) are read in name order and merged; a directory without any is an error, so an empty
/// checkout cannot prune every owned entry. In a directory, `defaults` apply only to the entries of their own file
/// (so `veth0.yaml` and `veth1.yaml` can each default their interface); `owner.protocol`, `prune` and `maxDeletes` may
/// be written in several files but must then agree; `version`, when written, must be 1 in each file. An entry
/// (interface, address; scope id ignored) may appear once across all files. iproute2 equivalent: `ip -batch FILE`
/// (stops at the first error, where this collects them all).
public enum DesiredStateLoader {
    /// Loads a file or a directory of files. iproute2 equivalent: `ip -batch FILE`.
    public static func load(path: String, limits: LoaderLimits = .default) -> Result<DesiredState, DiagnosticList> {
        guard let status = FileStatus(path: path) else {
            return .failure(DiagnosticList([Diagnostic(mark: nil, message: "cannot read \(path): no such file or "
                                                       + "directory; check the path given with -f")]))
        }
        var files: [String] = [path]
        if status.kind == .directory {
            let names: [String]
            do { names = try FileManager.default.contentsOfDirectory(atPath: path) } catch {
                return .failure(DiagnosticList([Diagnostic(mark: nil, message: "cannot list the directory \(path); "
                                                           + "check its permissions")]))
            }
            let base = path.hasSuffix("/") ? path : path + "/"
            files = names.filter { !$0.hasPrefix(".") && ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) }
                .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
                .map { base + $0 }
                .filter { FileStatus(path: $0).map { $0.kind != .directory } ?? false }
            if files.isEmpty {
                return .failure(DiagnosticList([Diagnostic(mark: nil, message: "no *.yaml or *.yml files in the "
                                                           + "directory \(path); an empty desired state must be an "
                                                           + "explicit empty file")]))
            }
        }
        var merger = Merger(limits: limits)
        merger.expectedFiles = files.count
        if files.count == 1 {
            merger.read(file: files[0])
            return merger.finish()
        }
        // A directory: files are parsed two at a time on worker threads and merged in name order here, so a
        // 1,000,000-entry directory uses both cores. At most two parsed files wait to be merged.
        var pending: [BackgroundWork<Merger.FileParse>] = []
        var next = 0
        func startNext() {
            guard next < files.count else { return }
            let path = files[next]
            next += 1
            pending.append(BackgroundWork { Merger.parseFile(path, limits: limits, budget: limits.maxErrors) })
        }
        startNext()
        startNext()
        while !pending.isEmpty {
            let work = pending.removeFirst()
            guard let parsed = try? work.wait() else { continue }
            if !merger.stopped { startNext() }
            if !merger.stopped { merger.absorb(parsed) }
        }
        return merger.finish()
    }

    /// Loads in-memory text as if it were the file `fileName` (for tests and stdin). iproute2 equivalent:
    /// `ip -batch -` reading standard input.
    public static func load(data: [UInt8], fileName: String,
                            limits: LoaderLimits = .default) -> Result<DesiredState, DiagnosticList> {
        var merger = Merger(limits: limits)
        merger.parse(data, path: fileName)
        return merger.finish()
    }

    /// Loads in-memory text given as a String, shown as `fileName` in diagnostics (see `load(data:fileName:limits:)`).
    /// iproute2 equivalent: `echo … | ip -batch -`.
    public static func load(text: String, fileName: String,
                            limits: LoaderLimits = .default) -> Result<DesiredState, DiagnosticList> {
        load(data: Array(text.utf8), fileName: fileName, limits: limits)
    }

    /// `veth0`, `interface index 3` or `interface LUID 0x…`, for messages.
    static func describe(_ ref: InterfaceRef) -> String {
        if let name = ref.name { return name }
        if let index = ref.index { return "interface index \(index)" }
        if let luid = ref.luid { return "interface LUID \(luid)" }
        return "no interface"
    }

    /// Reads the files one by one, merges settings and checks duplicates across them.
    struct Merger {
        let limits: LoaderLimits
        var diagnostics: [Diagnostic] = []
        /// Warnings of every file read (they never stop a load).
        var warnings: [Diagnostic] = []
        var sources: [String: String] = [:]
        var files: [String] = []
        var neighbors: [DesiredNeighbor] = []
        var ownerProtocol: ParsedFile.Setting<UInt8>?
        var prune: ParsedFile.Setting<PruneMode>?
        var maxDeletes: ParsedFile.Setting<Int>?
        var seen = DuplicateIndex()
        var stopped = false
        /// How many files the load will merge (a directory's), to size the lists once instead of regrowing them.
        var expectedFiles = 1
        /// Files merged so far.
        var merged = 0

        init(limits: LoaderLimits) { self.limits = limits }

        mutating func read(file path: String) {
            absorb(Merger.parseFile(path, limits: limits, budget: limits.maxErrors - diagnostics.count))
        }

        /// One file read and parsed on its own, on any thread: what `absorb` needs to merge it.
        struct FileParse: @unchecked Sendable {
            var path: String
            /// A failure before parsing (too large, unreadable); nothing was parsed.
            var early: Diagnostic?
            /// Whether the path is listed among the files read.
            var listed: Bool
            var file: ParsedFile?
            var diagnostics: [Diagnostic] = []
            var warnings: [Diagnostic] = []
            /// The text, kept only when the parser found problems in it.
            var source: String?
        }

        /// Reads and parses `path` with an error budget; touches no merger state, so files can be parsed in
        /// parallel and merged in order.
        static func parseFile(_ path: String, limits: LoaderLimits, budget: Int) -> FileParse {
            let status = FileStatus(path: path)
            let size = status?.size ?? 0
            if size > limits.maxFileSize {
                return FileParse(path: path, early: Diagnostic(mark: nil, message: "\(path) is \(size) bytes, over the "
                                 + "limit of \(limits.maxFileSize) bytes; split it into a directory of smaller files or "
                                 + "raise the limit"), listed: true)
            }
            // A regular file is mapped rather than copied (the parser reads it once); a pipe or /proc file is read.
            let regular = status?.kind == .regular
            var readFailure: FileStatus.ReadFailure? = nil
            let data: Data?
            if regular {
                data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
            } else {
                switch FileStatus.readAll(path, limit: limits.maxFileSize) {
                case .success(let bytes): data = Data(bytes)
                case .failure(let f): data = nil; readFailure = f
                }
            }
            guard let data else {
                if readFailure?.errno == EFBIG {  // a pipe is read only up to the limit
                    return FileParse(path: path, early: Diagnostic(mark: nil, message: "\(path) is over the limit of "
                                     + "\(limits.maxFileSize) bytes (stopped reading there); split it into a directory "
                                     + "of smaller files or raise the limit"), listed: false)
                }
                return FileParse(path: path, early: Diagnostic(mark: nil, message: "cannot read \(path)"
                                 + (readFailure.map { ": \($0)" } ?? "") + "; check that it is a readable file"),
                                 listed: false)
            }
            guard data.count <= limits.maxFileSize else {
                return FileParse(path: path, early: Diagnostic(mark: nil, message: "\(path) is over the limit of "
                                 + "\(limits.maxFileSize) bytes"), listed: false)
            }
            return data.withUnsafeBytes { raw in
                parseBuffer(raw.bindMemory(to: UInt8.self), path: path, limits: limits, budget: budget)
            }
        }

        /// Parses bytes already in memory.
        static func parseBuffer(_ input: UnsafeBufferPointer<UInt8>, path: String, limits: LoaderLimits,
                                budget: Int) -> FileParse {
            let parser = DesiredFileParser(path: path, input: input, limits: limits, budget: budget)
            let file = parser.parse()
            let quiet = parser.diagnostics.isEmpty && parser.warnings.isEmpty
            return FileParse(path: path, early: nil, listed: true, file: file, diagnostics: parser.diagnostics,
                             warnings: parser.warnings,
                             source: quiet ? nil : String(decoding: input, as: UTF8.self))
        }

        /// Merges one parsed file (in name order).
        mutating func absorb(_ r: FileParse) {
            if r.listed { files.append(r.path) }
            if let early = r.early {
                add(early)
                return
            }
            guard let file = r.file else { return }
            let before = diagnostics.count
            for d in r.diagnostics { add(d) }
            warnings += r.warnings
            merge(file)
            if diagnostics.count != before || !r.warnings.isEmpty, let source = r.source { sources[r.path] = source }
        }

        mutating func parse(_ data: [UInt8], path: String) {
            guard data.count <= limits.maxFileSize else {
                add(Diagnostic(mark: nil, message: "\(path) is \(data.count) bytes, over the limit of "
                               + "\(limits.maxFileSize) bytes; split it into a directory of smaller files or raise "
                               + "the limit"))
                return
            }
            data.withUnsafeBufferPointer { parse($0, path: path) }
        }

        mutating func parse(_ input: UnsafeBufferPointer<UInt8>, path: String) {
            let r = Merger.parseBuffer(input, path: path, limits: limits, budget: limits.maxErrors - diagnostics.count)
            let before = diagnostics.count
            absorb(r)
            // Merging can add problems (duplicates) too; an in-memory file cannot be re-read, so keep its text.
            if diagnostics.count != before && sources[path] == nil {
                sources[path] = String(decoding: input, as: UTF8.self)
            }
        }

        mutating func add(_ d: Diagnostic) {
            guard !stopped else { return }
            diagnostics.append(d)
            if diagnostics.count >= limits.maxErrors { stopped = true }
        }

        /// The setting after merging `theirs` into `mine`, and the diagnostic when they disagree.
        static func agree<V: Equatable>(_ mine: ParsedFile.Setting<V>?, _ theirs: ParsedFile.Setting<V>?,
                                        name: String, show: (V) -> String) -> (ParsedFile.Setting<V>?, Diagnostic?) {
            guard let t = theirs else { return (mine, nil) }
            guard let m = mine else { return (t, nil) }
            guard m.value != t.value else { return (m, nil) }
            return (m, Diagnostic(mark: t.mark, message: "'\(name)' is \(show(t.value)) here but \(show(m.value)) "
                                  + "in \(m.mark.file); the files of a directory must agree on settings",
                                  notes: [Diagnostic.Note(mark: m.mark, message: "'\(name)' first set here")]))
        }

        mutating func merge(_ file: ParsedFile) {
            let o = Merger.agree(ownerProtocol, file.ownerProtocol, name: "owner.protocol") { "\($0)" }
            let p = Merger.agree(prune, file.prune, name: "prune") { $0.rawValue }
            let m = Merger.agree(maxDeletes, file.maxDeletes, name: "maxDeletes") { "\($0)" }
            (ownerProtocol, prune, maxDeletes) = (o.0, p.0, m.0)
            for d in [o.1, p.1, m.1] { if let d { add(d) } }
            // Size the list and the duplicate index for the whole directory, estimated from the files so far:
            // regrowing a 1,000,000-entry list copies it again each time. Untouched capacity costs no memory.
            merged += 1
            let estimate = (neighbors.count + file.neighbors.count) * max(expectedFiles, merged) / merged
            if neighbors.capacity < neighbors.count + file.neighbors.count {
                neighbors.reserveCapacity(max(neighbors.count + file.neighbors.count, estimate + estimate / 8))
            }
            seen.reserve(max(file.neighbors.count, estimate - neighbors.count))
            let offset = neighbors.count
            var found: [(Int, Int)] = []
            file.neighbors.withUnsafeBufferPointer { list in
                // Fields are read in place: copying 100,000 entries out of the list costs more than the lookups.
                for k in list.indices {
                    let ref = list[k].interface
                    if let i = seen.insert(address: list[k].address, name: ref.name,
                                           index: ref.luid?.netLuidIndex ?? ref.index, id: offset + k) {
                        found.append((k, i))
                        if found.count >= limits.maxErrors { break }
                    }
                }
            }
            for (k, i) in found {
                if stopped { break }
                let n = file.neighbors[k]
                let first = i >= offset ? file.neighbors[i - offset] : neighbors[i]
                let am = n.mark(of: "address") ?? n.mark
                let fm = first.mark(of: "address") ?? first.mark
                add(Diagnostic(mark: am, message: "duplicate neighbor \(n.address.withoutScope) on "
                               + "\(DesiredStateLoader.describe(n.interface)); each (interface, address) may "
                               + "appear once, so remove one",
                               notes: [Diagnostic.Note(mark: fm, message: "first defined here")]))
            }
            // Every entry is kept so ids stay list positions; duplicates make the load fail anyway.
            if neighbors.isEmpty && expectedFiles == 1 { neighbors = file.neighbors } else { neighbors += file.neighbors }
        }

        mutating func finish() -> Result<DesiredState, DiagnosticList> {
            if diagnostics.count >= limits.maxErrors {
                diagnostics.append(Diagnostic(mark: nil, message: "too many errors (\(limits.maxErrors)); stopped "
                                              + "reading, fix these and run again"))
            }
            // Keep the text only of files that diagnostics point into.
            func list(_ ds: [Diagnostic]) -> DiagnosticList {
                let used = Set(ds.flatMap { d in [d.mark?.file].compactMap { $0 } + d.notes.map(\.mark.file) })
                var keep: [String: String] = [:]
                for (k, v) in sources where used.contains(k) { keep[k] = v }
                return DiagnosticList(ds, sources: keep)
            }
            guard diagnostics.isEmpty else { return .failure(list(diagnostics + warnings)) }
            var state = DesiredState(version: 1,
                                     ownerProtocol: ownerProtocol?.value ?? DesiredState.defaultOwnerProtocol,
                                     prune: prune?.value ?? .owned,
                                     maxDeletes: maxDeletes?.value ?? DesiredState.defaultMaxDeletes,
                                     neighbors: neighbors, files: files)
            if !warnings.isEmpty { state.warnings = list(warnings) }
            return .success(state)
        }
    }
}
