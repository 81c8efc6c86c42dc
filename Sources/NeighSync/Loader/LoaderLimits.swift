/// The ceilings the desired-state loader enforces so a hostile or broken file cannot exhaust memory or bury the user
/// in messages: the largest file read, the deepest nesting followed, and the number of errors reported before
/// stopping. Aliases are refused outright, so alias expansion ("billion laughs") needs no limit.
public struct LoaderLimits: Hashable, Sendable {
    /// The largest file, in bytes, that is read (default 16 MiB, about 230,000 entries in the block style; a
    /// 100,000-entry file is about 7 MB). A bigger file is reported, not read. The limit keeps neighsync under 64 MiB
    /// peak RSS for every input it refuses: the bytes are in memory while libyaml copies a scalar (twice its length
    /// at worst) and the parser makes a String of it, so a 16 MiB one-scalar file costs about three times its size.
    public var maxFileSize: Int
    /// The deepest nesting of mappings and lists followed (default 32; a valid file needs 4). Deeper input stops
    /// that file with an error.
    public var maxDepth: Int
    /// How many errors are collected before the loader stops (default 100).
    public var maxErrors: Int

    /// 16 MiB, depth 32, 100 errors.
    public static let `default` = LoaderLimits()

    /// Builds limits; omitted ones take the defaults.
    public init(maxFileSize: Int = 16 << 20, maxDepth: Int = 32, maxErrors: Int = 100) {
        self.maxFileSize = maxFileSize
        self.maxDepth = maxDepth
        self.maxErrors = maxErrors
    }
}
