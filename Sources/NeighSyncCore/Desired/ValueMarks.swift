/// The positions of an entry's values (`address`, `physicalAddress`, …), stored without a dictionary: one file name
/// and eight packed line/column pairs, so 100,000 loaded entries cost no per-entry allocation for them.
/// `DesiredNeighbor.keyMarks` presents it as a `[String: SourceMark]`. Marks that do not fit that shape (other key
/// names, several files) are kept in `other`. The representation is canonical, so equality is equality of the
/// dictionaries.
package struct ValueMarks: Hashable, Sendable {
    package typealias Field = NeighborFields.Field

    /// The file all `positions` are in; nil when there are none.
    private var file: String?
    private var positions = NeighborFields.Positions()
    private var other: [String: SourceMark]?

    /// No marks.
    package init() {}

    /// Marks of the known fields in one file.
    package init(file: String, positions: NeighborFields.Positions) {
        self.file = file
        self.positions = positions
        if Field.allCases.allSatisfy({ positions[$0] == .none }) { self.file = nil }
    }

    /// Marks from a dictionary, stored compactly when they fit.
    package init(_ marks: [String: SourceMark]) {
        guard let first = marks.first?.value else { return }
        var p = NeighborFields.Positions()
        for (k, m) in marks {
            guard m.file == first.file, let i = Field.allNames.firstIndex(of: k), let f = Field(rawValue: i),
                  m.line >= 1, m.line <= Int(UInt32.max), m.column >= 1, m.column <= Int(UInt32.max) else {
                other = marks
                return
            }
            p[f] = NeighborFields.Position(line0: m.line - 1, column0: m.column - 1)
        }
        file = first.file
        positions = p
    }

    /// The mark of one key's value.
    package func mark(_ key: String) -> SourceMark? {
        if let other { return other[key] }
        guard let file, let i = Field.allNames.firstIndex(of: key), let f = Field(rawValue: i) else { return nil }
        return positions[f].mark(file: file)
    }

    /// All marks by key name.
    package var dictionary: [String: SourceMark] {
        if let other { return other }
        guard let file else { return [:] }
        var d: [String: SourceMark] = [:]
        for f in Field.allCases { if let m = positions[f].mark(file: file) { d[f.name] = m } }
        return d
    }
}
