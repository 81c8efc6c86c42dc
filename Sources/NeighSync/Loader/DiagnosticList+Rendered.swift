import NeighSyncCore

/// The part of `DiagnosticList`'s rendering that reads files: snippets the loader did not keep are cut from the file on
/// disk, which the pure core cannot do.
extension DiagnosticList {
    /// The compiler-style text of every diagnostic (header, source line, caret, notes), snippets from `snippets` or,
    /// failing that, cut from the file on disk; after `renderedLimit` positioned diagnostics, one line counts the
    /// rest.
    public func rendered() -> String {
        var all = snippets
        let missing = marks.filter { all[$0] == nil && $0.file != DesiredStateLoader.standardInputName }
        for file in Set(missing.map(\.file)) {
            // Only a regular file is read again: a pipe (/dev/stdin) would block or give other bytes.
            guard case .success(let bytes) = FileStatus.readFile(file, limit: LoaderLimits.default.maxFileSize,
                                                                  regularOnly: true) else { continue }
            var text = bytes[...]
            if text.starts(with: [0xEF, 0xBB, 0xBF]) { text = text.dropFirst(3) }
            let found = text.withUnsafeBufferPointer {
                SourceExcerpt.snippets(for: missing.filter { $0.file == file }, in: $0)
            }
            all.merge(found) { a, _ in a }
        }
        var out = ""
        var shown = 0
        var hidden: [Diagnostic] = []
        for d in diagnostics {
            if d.mark != nil {
                if shown >= DiagnosticList.renderedLimit {
                    hidden.append(d)
                    continue
                }
                shown += 1
            }
            out += d.rendered { all[$0] }
        }
        if !hidden.isEmpty {
            let e = hidden.reduce(0) { $0 + ($1.isError ? 1 : 0) }, w = hidden.count - e
            var parts: [String] = []
            if e > 0 { parts.append("\(e) more error\(e == 1 ? "" : "s")") }
            if w > 0 { parts.append("\(w) more warning\(w == 1 ? "" : "s")") }
            out += "… and \(parts.joined(separator: " and ")) not shown\n"
        }
        return out
    }
}
