import Testing
import NetnsTesting

/// A fresh namespace for one kernel test, or nil after skipping (printed) or failing (`CI=true`) the test when
/// kernel tests cannot run here.
func freshNetns(pairs: Int = 1) throws -> Netns? {
    switch KernelTests.decision() {
    case .run:
        return try Netns(pairs: pairs)
    case .skip(let reason):
        print("skipping kernel test: \(reason)")
        return nil
    case .fail(let reason):
        Issue.record(Comment(rawValue: reason))
        return nil
    }
}

/// Two joined namespaces for a resolve test, or nil after skipping/failing as `freshNetns` does.
func joinedNetns() throws -> (Netns, Netns)? {
    switch KernelTests.decision() {
    case .run:
        return try Netns.joinedPair()
    case .skip(let reason):
        print("skipping kernel test: \(reason)")
        return nil
    case .fail(let reason):
        Issue.record(Comment(rawValue: reason))
        return nil
    }
}
