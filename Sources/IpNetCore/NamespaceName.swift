/// The one validator of a network namespace NAME and the one place that turns it into its handle path,
/// `/run/netns/NAME`, as `ip netns add NAME` creates it. A name is refused when it is empty, `.` or `..`, contains a
/// slash or a NUL byte, or is longer than NAME_MAX (255 bytes): such a name would escape `/run/netns` (`..`,
/// `../../proc/self/ns/net`) or cannot be a file there. Every `--netns` is checked here before anything else is
/// done with it. iproute2 equivalent: `invalid_name()` in `ip/ipnetns.c` (the same rules), then `netns_switch()`
/// in `lib/namespace.c` opening `NETNS_RUN_DIR/NAME`.
public enum NamespaceName {
    /// The directory of named namespace handles. iproute2: `NETNS_RUN_DIR`.
    public static let directory = "/run/netns"
    /// The longest name, in bytes. C: `NAME_MAX`.
    public static let maxLength = 255

    /// Why `name` is not a namespace name, or nil when it is one. Pure.
    public static func problem(_ name: String) -> String? {
        let bytes = name.utf8
        if bytes.isEmpty { return "an empty name is not a namespace name" }
        if bytes.count > maxLength {
            return "a namespace name has at most \(maxLength) bytes, this one has \(bytes.count)"
        }
        if bytes.contains(0) { return "a namespace name cannot contain a NUL byte" }
        if name == "." || name == ".." || bytes.contains(UInt8(ascii: "/")) {
            return "'\(DisplayText.escaped(name))' is not a namespace name (it would point outside \(directory))"
        }
        return nil
    }

    /// `/run/netns/NAME`, or `invalidParameter` for a name that is not one (see `problem`).
    public static func path(_ name: String) throws(IpNetError) -> String {
        if let problem = problem(name) {
            throw .invalidParameter(.other("\(problem); give the NAME of \(directory)/NAME as 'ip netns list' "
                                           + "shows it"))
        }
        return "\(directory)/\(name)"
    }
}
