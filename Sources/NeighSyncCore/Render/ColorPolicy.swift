/// When the CLI may print colour: on a terminal, unless `--no-color` is given or `NO_COLOR` holds a non-empty value.
/// An empty `NO_COLOR=` does not count (no-color.org: "when present and not an empty string"). Pure, so the rule is
/// tested without a terminal. iproute2 equivalent: `ip -color=auto` (which also honours NO_COLOR).
public enum ColorPolicy {
    /// True when colour may be used.
    public static func enabled(noColorFlag: Bool, environment: [String: String], isTerminal: Bool) -> Bool {
        if noColorFlag || !isTerminal { return false }
        if let v = environment["NO_COLOR"], !v.isEmpty { return false }
        return true
    }
}
