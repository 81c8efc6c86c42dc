internal import CNetlink

/// Process-wide allocator tuning for large tables. glibc raises its mmap threshold each time a large block is freed,
/// after which big arrays come from the heap and their memory is kept after `free`; a run that builds and drops a
/// few 100,000-row arrays then holds far more memory than it uses. A fixed threshold keeps big blocks in their own
/// mappings, returned to the kernel at once. C equivalent: `mallopt(M_MMAP_THRESHOLD, bytes)`.
public enum Allocator {
    /// Fixes the mmap threshold (default 128 KiB, glibc's starting value). Call once at process start.
    public static func useFixedMmapThreshold(bytes: Int32 = 128 * 1024) {
        _ = neighsync_fixed_mmap_threshold(bytes)
    }
}
