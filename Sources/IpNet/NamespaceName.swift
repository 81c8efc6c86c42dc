/// The handle path of a named network namespace, `/run/netns/NAME`, as `ip netns add NAME` creates it. Rejects
/// names that would escape that directory (empty, `.`, `..`, or with a slash). iproute2 equivalent:
/// `netns_switch()` in `lib/namespace.c` opening `NETNS_RUN_DIR/NAME`.
enum NamespaceName {
    /// `/run/netns/NAME`, or `invalidParameter` for a name that is not one.
    static func path(_ name: String) throws(IpNetError) -> String {
        guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
            throw .invalidParameter(.other("'\(name)' is not a namespace name; give the NAME of /run/netns/NAME"))
        }
        return "/run/netns/\(name)"
    }
}
