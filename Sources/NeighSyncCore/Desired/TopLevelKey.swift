/// The keys of a desired-state file's top-level mapping, dispatched by name. JSON Schema equivalent: the
/// `properties` of the top level in `schema/`.
package enum TopLevelKey: CaseIterable {
    case version, owner, prune, maxDeletes, defaults, neighbors, parameters, proxies

    /// The key whose name is `b`, nil for any other name.
    package init?(bytes b: UnsafeBufferPointer<UInt8>) {
        for k in TopLevelKey.allCases where ScalarBytes.equals(b, k.staticName) {
            self = k
            return
        }
        return nil
    }

    /// The key name as a static string (compared as bytes, no allocation).
    package var staticName: StaticString {
        switch self {
        case .version: return "version"
        case .owner: return "owner"
        case .prune: return "prune"
        case .maxDeletes: return "maxDeletes"
        case .defaults: return "defaults"
        case .neighbors: return "neighbors"
        case .parameters: return "parameters"
        case .proxies: return "proxies"
        }
    }

    /// Every key name, in file order, for "expected one of …" and suggestions.
    package static let names = allCases.map { $0.staticName.description }
}
