import IpNetCore

/// The reconciler's view of a managed entry (NTF_EXT_MANAGED in NDA_FLAGS_EXT, `ip neigh add A dev D managed`,
/// Linux 5.16+): an entry someone configured, which the kernel resolves itself and keeps resolved, re-probing every
/// `interval_probe_time_ms`. Its MAC, resolution state (INCOMPLETE, REACHABLE, STALE, FAILED, …) and router flag
/// (learned by neighbor discovery) are the kernel's: they never make the entry differ from a desired one
/// (`CanonicalRow` folds them away), never make it a leftover, and a managed entry carrying the owner protocol is
/// pruned like a static one. Kernel: `neigh_update_managed()` and `neigh_managed_work()` in net/core/neighbour.c.
public enum ManagedEntry {
    /// True when the kernel resolves `row` and its MAC, state and router flag are the kernel's: a managed entry in
    /// a resolution state (anything but NOARP/PERMANENT; on a link that resolves no neighbors the kernel makes a
    /// managed entry NOARP, with a fixed address, and neighsync does not write managed entries there).
    @inline(__always)
    public static func isResolvedByKernel(_ row: IpNetRow2) -> Bool {
        row.flags.contains(.managed) && !row.state.isStatic
    }

    /// True when the reconciler counts `row` as absent: a non-static INCOMPLETE/FAILED/NONE leftover that is not
    /// managed (a managed entry in those states is still the configured entry, being resolved) and not a proxy entry
    /// (the kernel reports every proxy entry in NUD_NONE: `pneigh_fill_info()`).
    @inline(__always)
    public static func isLeftover(_ row: IpNetRow2) -> Bool {
        row.state.isLeftover && !row.state.isStatic && !row.flags.contains(.managed) && !row.flags.contains(.proxy)
    }

    /// True when `row` is of a kind the reconciler writes, and may therefore prune when it carries the owner
    /// protocol: static (permanent, noarp), managed, or the leftover of a refused write.
    @inline(__always)
    public static func isWrittenKind(_ row: IpNetRow2) -> Bool {
        row.state.isStatic || row.state.isLeftover || row.flags.contains(.managed)
    }

    /// True when `row` is a configured entry (static or managed): what `show` lists and bootstraps by default.
    @inline(__always)
    public static func isConfigured(_ row: IpNetRow2) -> Bool { row.state.isStatic || row.flags.contains(.managed) }
}
