/// A position in a desired-state file: path and 1-based line and column, as compilers print them. Built from
/// libyaml's 0-based `yaml_mark_t`. iproute2 equivalent: the line number `ip -batch` prints on an error.
public struct SourceMark: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The file path as given on the command line (or found in the directory).
    public var file: String
    /// 1-based line.
    public var line: Int
    /// 1-based column.
    public var column: Int

    /// Builds a mark from 1-based line and column.
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// Orders by file, then line, then column.
    public static func < (a: SourceMark, b: SourceMark) -> Bool {
        (a.file, a.line, a.column) < (b.file, b.line, b.column)
    }

    /// `file:line:col`.
    public var description: String { "\(file):\(line):\(column)" }

    /// Parses `file:line:col` (the file may itself contain colons).
    package init?(parsing text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 3, let c = Int(parts[parts.count - 1]), let l = Int(parts[parts.count - 2]) else {
            return nil
        }
        self.init(file: parts.dropLast(2).joined(separator: ":"), line: l, column: c)
    }
}
