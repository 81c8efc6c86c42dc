/// A small YAML tree for sections read apart from the streaming walk (`parameters`): scalars with their text and
/// position, mappings with their keys in file order (duplicates kept, so the reader can report both positions),
/// lists. Aliases and tags were already reported by the event walk and become `.invalid`. Equivalent: a Yams `Node`.
package indirect enum YAMLNode {
    /// One key of a mapping, with the key's position.
    package struct Entry {
        package var key: String
        package var mark: SourceMark
        package var value: YAMLNode

        package init(key: String, mark: SourceMark, value: YAMLNode) {
            self.key = key
            self.mark = mark
            self.value = value
        }
    }

    /// A scalar: its text, whether it was plain (unquoted), its position.
    case scalar(String, plain: Bool, mark: SourceMark)
    /// A mapping, keys in file order.
    case mapping([Entry], mark: SourceMark)
    /// A list.
    case sequence([YAMLNode], mark: SourceMark)
    /// A node already reported (alias, tag, a key that was not a name).
    case invalid

    /// Where the node starts (nil for `.invalid`).
    var mark: SourceMark? {
        switch self {
        case .scalar(_, _, let m), .mapping(_, let m), .sequence(_, let m): return m
        case .invalid: return nil
        }
    }

    /// `a mapping`, `a list`, `a quoted string`, `'x'`, for "found …".
    var shape: String {
        switch self {
        case .scalar(let s, let plain, _):
            guard plain else { return "a quoted string" }
            return s.isEmpty || s == "~" || s == "null" ? "nothing" : ScalarBytes.quoted(s)
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .invalid: return "an invalid node"
        }
    }
}
