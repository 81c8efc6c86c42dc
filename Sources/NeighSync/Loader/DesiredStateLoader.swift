import FoundationEssentials
import Glibc
import IpNet
import NeighSyncCore

/// Reads desired-state YAML (format version 1, DESIGN.md § File format) into a `DesiredState`, or returns every
/// problem found as a `DiagnosticList`. `load(path:)` takes a file, or a directory whose `*.yaml` / `*.yml` files
/// (not hidden, not recursive) are read in name order and merged; a directory without any is an error, so an empty
/// checkout cannot prune every owned entry. Every file, alone or in a directory, must say `version: 1` and
/// `neighbors` (`neighbors: []` for none): a file that is empty, only comments, `{}` or cut short before its list is
/// an error, never "zero neighbors" (which would prune every owned entry). A directory entry that cannot be read (a
/// dangling symlink, a FIFO, a directory named x.yaml, no permission) fails the whole load. In a directory,
/// `defaults` apply only to the entries of their own file (so `veth0.yaml` and `veth1.yaml` can each default their
/// interface); `owner.protocol`, `prune` and `maxDeletes` may be written in several files but must then agree. An
/// entry (interface, address; scope id ignored) may appear once across all files. iproute2 equivalent: `ip -batch FILE`
/// (stops at the first error, where this collects them all).
public enum DesiredStateLoader {
    /// The name diagnostics give standard input (`-f -`).
    public static let standardInputName = "<stdin>"

    /// Loads a file or a directory of files; `-` reads standard input (shown as `<stdin>`). With `regularOnly`
    /// (watch mode, at start and on every SIGHUP reload) the path itself, when it is not a directory, must be a regular
    /// file like every directory entry: it is opened non-blocking and judged by `fstat` on that descriptor, so a FIFO,
    /// a device or a symlink to one is refused at once (`not a regular file (a FIFO)`) instead of blocking on a
    /// writer that never closes or reading /dev/zero up to the size limit. iproute2 equivalent: `ip -batch FILE`
    /// (`ip -batch -` for standard input).
    public static func load(path: String, limits: LoaderLimits = .default,
                            regularOnly: Bool = false) -> Result<DesiredState, DiagnosticList> {
        if path == "-" {
            if regularOnly {
                return .failure(DiagnosticList([Diagnostic(mark: nil, message: "cannot read \(standardInputName): "
                                                           + "not a regular file (standard input); "
                                                           + regularOnlyAdvice)]))
            }
            switch FileStatus.read(fd: 0, limit: limits.maxFileSize) {
            case .success(let bytes): return load(data: bytes, fileName: standardInputName, limits: limits)
            case .failure(let f):
                return .failure(DiagnosticList([Merger.readFailure(f, path: standardInputName, limits: limits,
                                                                   inDirectory: false)]))
            }
        }
        guard let status = FileStatus(path: path) else {
            // stat follows symlinks: a dangling one lands here too; lstat tells the two apart.
            var st = stat()
            let dangling = lstat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFLNK
            return .failure(DiagnosticList([Diagnostic(mark: nil, message: "cannot read \(path): "
                                                       + (dangling ? "a dangling symlink" : "no such file or directory")
                                                       + "; check the path given with -f")]))
        }
        var files: [String] = [path]
        if status.kind == .directory {
            let names: [String]
            do { names = try FileManager.default.contentsOfDirectory(atPath: path) } catch {
                return .failure(DiagnosticList([Diagnostic(mark: nil, message: "cannot list the directory \(path); "
                                                           + "check its permissions")]))
            }
            let base = path.hasSuffix("/") ? path : path + "/"
            // Every matching name is read, whatever it is: one that cannot be read (a dangling symlink, a FIFO, a
            // directory named x.yaml) fails the whole load instead of silently dropping its entries.
            files = names.filter { !$0.hasPrefix(".") && ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) }
                .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
                .map { base + $0 }
            if files.isEmpty {
                return .failure(DiagnosticList([Diagnostic(mark: nil, message: "no *.yaml or *.yml files in the "
                                                           + "directory \(path); to want no entries, add a file "
                                                           + "with 'version: 1' and 'neighbors: []'")]))
            }
        }
        var merger = Merger(limits: limits)
        merger.expectedFiles = files.count
        if files.count == 1 {
            merger.read(file: files[0], inDirectory: status.kind == .directory,
                        regularOnly: regularOnly || status.kind == .directory)
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
            pending.append(BackgroundWork { Merger.parseFile(path, limits: limits, budget: limits.maxErrors,
                                                             inDirectory: true, regularOnly: true) })
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

    /// What to do about a `-f` refused by `load(path:regularOnly: true)`.
    static let regularOnlyAdvice = "watch mode re-reads -f on SIGHUP, so it must be a regular file or a directory "
        + "of them; write the desired state to a file and give its path"

    /// Why `path` cannot be reloaded on SIGHUP in watch mode, nil when it can (a regular file or a directory,
    /// symlinks followed). Standard input (`-`), a pipe such as `/dev/stdin` or a device would be at its end on the
    /// reload and read as empty. C equivalent: `stat(2)` and `S_ISREG` / `S_ISDIR`.
    public static func reloadProblem(path: String) -> String? {
        let what: String
        if path == "-" {
            what = "standard input"
        } else {
            var st = stat()
            guard stat(path, &st) == 0 else { return nil }  // a missing path gets the loader's own message
            let kind = st.st_mode & S_IFMT
            if kind == S_IFREG || kind == S_IFDIR { return nil }
            what = "\(path), \(FileStatus.describe(mode: st.st_mode))"
        }
        return "watch mode needs -f to be a regular file or a directory, not \(what): SIGHUP re-reads it, and a "
            + "pipe or standard input is at its end by then. Write the desired state to a file and give its path"
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
        /// Snippets cut while a file's bytes were in memory, by position.
        var snippets: [SourceMark: String] = [:]
        var files: [String] = []
        var neighbors: [DesiredNeighbor] = []
        var parameters: [DesiredParameter] = []
        /// Where each merged parameter was set, by `DesiredParameter.path`.
        var parameterIndex: [String: Int] = [:]
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

        mutating func read(file path: String, inDirectory: Bool, regularOnly: Bool) {
            absorb(Merger.parseFile(path, limits: limits, budget: limits.maxErrors - diagnostics.count,
                                    inDirectory: inDirectory, regularOnly: regularOnly))
        }

        /// One file read and parsed on its own, on any thread: what `absorb` needs to merge it.
        struct FileParse: Sendable {
            var path: String
            /// A failure before parsing (too large, unreadable); nothing was parsed.
            var early: Diagnostic?
            /// Whether the path is listed among the files read.
            var listed: Bool
            var file: ParsedFile?
            var diagnostics: [Diagnostic] = []
            var warnings: [Diagnostic] = []
            /// The snippets of the positions the parser's diagnostics and warnings point at, cut while the bytes
            /// were here.
            var snippets: [SourceMark: String] = [:]
        }

        /// Reads and parses `path` with an error budget; touches no merger state, so files can be parsed in
        /// parallel and merged in order.
        static func parseFile(_ path: String, limits: LoaderLimits, budget: Int, inDirectory: Bool,
                              regularOnly: Bool) -> FileParse {
            // Read into memory, never mapped: a file truncated meanwhile gives fewer bytes (a parse error at
            // worst), not SIGBUS. The buffer is sized from fstat, so a regular file takes one read(2).
            switch FileStatus.readFile(path, limit: limits.maxFileSize, regularOnly: regularOnly) {
            case .success(let bytes):
                return bytes.withUnsafeBufferPointer { parseBuffer($0, path: path, limits: limits, budget: budget) }
            case .failure(let f):
                return FileParse(path: path, early: readFailure(f, path: path, limits: limits,
                                                                inDirectory: inDirectory),
                                 listed: f.size != nil)
            }
        }

        /// The diagnostic for a file that could not be read (so nothing of it was parsed).
        static func readFailure(_ f: FileStatus.ReadFailure, path: String, limits: LoaderLimits,
                                inDirectory: Bool) -> Diagnostic {
            if f.errno == EFBIG {
                if let size = f.size {
                    return Diagnostic(mark: nil, message: "\(path) is \(size) bytes, over the limit of "
                                      + "\(limits.maxFileSize) bytes; split it into a directory of smaller files or "
                                      + "raise the limit")
                }
                // A pipe is read only up to the limit.
                return Diagnostic(mark: nil, message: "\(path) is over the limit of \(limits.maxFileSize) bytes "
                                  + "(stopped reading there); split it into a directory of smaller files or raise "
                                  + "the limit")
            }
            var reason = f.description
            if f.errno == ENOENT || f.errno == ELOOP {
                var st = stat()
                if lstat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFLNK { reason += " (a dangling symlink?)" }
            }
            let next: String
            if inDirectory {
                next = f.notRegular != nil ? "every *.yaml / *.yml file of the directory must be a regular file, "
                    + "or be removed" : "every *.yaml / *.yml file of the directory must be readable, or be removed"
            } else if f.notRegular != nil {
                next = regularOnlyAdvice
            } else {
                next = "check that it is a readable file"
            }
            return Diagnostic(mark: nil, message: "cannot read \(path): \(reason); \(next)")
        }

        /// Parses bytes already in memory.
        static func parseBuffer(_ input: UnsafeBufferPointer<UInt8>, path: String, limits: LoaderLimits,
                                budget: Int) -> FileParse {
            let text = withoutByteOrderMark(input)
            let parser = DesiredFileParser(path: path, input: text, limits: limits, budget: budget)
            let file = parser.parse()
            let marks = DiagnosticList(parser.diagnostics + parser.warnings).marks.filter { $0.file == path }
            return FileParse(path: path, early: nil, listed: true, file: file, diagnostics: parser.diagnostics,
                             warnings: parser.warnings, snippets: SourceExcerpt.snippets(for: marks, in: text))
        }

        /// `input` without a leading UTF-8 byte order mark (EF BB BF): it is not part of the text, and libyaml, told
        /// the encoding, would read it as a character. Line 1's columns then count from the first real character.
        static func withoutByteOrderMark(_ input: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
            guard input.count >= 3, input[0] == 0xEF, input[1] == 0xBB, input[2] == 0xBF else { return input }
            return UnsafeBufferPointer(rebasing: input[3...])
        }

        /// Merges one parsed file (in name order).
        mutating func absorb(_ r: FileParse) {
            if r.listed { files.append(r.path) }
            if let early = r.early {
                add(early)
                return
            }
            guard let file = r.file else { return }
            for d in r.diagnostics { add(d) }
            warnings += r.warnings
            snippets.merge(r.snippets) { a, _ in a }
            merge(file)
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
            // Merging can add problems (duplicates) too; an in-memory file cannot be re-read, so cut their snippets
            // now.
            if diagnostics.count != before {
                let marks = DiagnosticList(Array(diagnostics[before...])).marks
                    .filter { $0.file == path && snippets[$0] == nil }
                snippets.merge(SourceExcerpt.snippets(for: marks, in: Merger.withoutByteOrderMark(input))) { a, _ in a }
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
                                           index: ref.luid?.netLuidIndex ?? ref.index, isProxy: list[k].isProxy,
                                           id: offset + k) {
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
                add(Diagnostic(mark: am, message: "duplicate \(n.isProxy ? "proxy" : "neighbor") \(n.address.withoutScope) on "
                               + "\(DesiredStateLoader.describe(n.interface)); each (interface, address) may "
                               + "appear once, so remove one",
                               notes: [Diagnostic.Note(mark: fm, message: "first defined here")]))
            }
            mergeParameters(file.parameters)
            // Every entry is kept so ids stay list positions; duplicates make the load fail anyway.
            if neighbors.isEmpty && expectedFiles == 1 { neighbors = file.neighbors } else { neighbors += file.neighbors }
        }

        /// Adds a file's parameters: one key of one family at one place may be set in one file only.
        mutating func mergeParameters(_ list: [DesiredParameter]) {
            for p in list {
                if let i = parameterIndex[p.path] {
                    let first = parameters[i]
                    var notes: [Diagnostic.Note] = []
                    if let m = first.source { notes.append(Diagnostic.Note(mark: m, message: "first set here")) }
                    add(Diagnostic(mark: p.source, message: "'\(p.path)' is set in two files; set each parameter "
                                   + "once", notes: notes))
                    continue
                }
                parameterIndex[p.path] = parameters.count
                parameters.append(p)
            }
            // The thresholds' order over the files merged so far: the pairs this file completes (each file's own
            // pairs were checked when it was read), positioned at this file's key.
            let mine = Set(list.compactMap { $0.source?.file })
            for d in DesiredParameter.thresholdOrderProblems(parameters, acrossFilesOnly: true)
            where d.mark.map({ mine.contains($0.file) }) ?? false {
                add(d)
            }
        }

        mutating func finish() -> Result<DesiredState, DiagnosticList> {
            if diagnostics.count >= limits.maxErrors {
                diagnostics.append(Diagnostic(mark: nil, message: "too many errors (\(limits.maxErrors)); stopped "
                                              + "reading, fix these and run again"))
            }
            // Keep the snippets of the positions the list points at.
            func list(_ ds: [Diagnostic]) -> DiagnosticList {
                let all = DiagnosticList(ds)
                var keep: [SourceMark: String] = [:]
                for m in all.marks { keep[m] = snippets[m] }
                return DiagnosticList(ds, snippets: keep)
            }
            guard diagnostics.isEmpty else { return .failure(list(diagnostics + warnings)) }
            var state = DesiredState(version: 1,
                                     ownerProtocol: ownerProtocol?.value ?? DesiredState.defaultOwnerProtocol,
                                     prune: prune?.value ?? .owned,
                                     maxDeletes: maxDeletes?.value ?? DesiredState.defaultMaxDeletes,
                                     neighbors: neighbors, files: files)
            if !warnings.isEmpty { state.warnings = list(warnings) }
            state.parameters = parameters
            return .success(state)
        }
    }
}
