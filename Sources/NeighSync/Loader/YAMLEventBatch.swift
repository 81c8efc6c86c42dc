import Glibc

/// A run of YAML events copied out of libyaml's memory, so that libyaml can go on parsing on its own thread while
/// the reader's caller works through these: each event's fields, and the scalar values and tags in one byte arena.
/// Built by the libyaml thread (`append`), handed over through `YAMLEventQueue`, then only read (`event(at:)`); the
/// events' `bytes` and `tag` point into the arena, which lives as long as the batch. A scalar longer than
/// `stealAbove` is not copied: the batch takes libyaml's own buffer and frees it (a 16 MiB scalar, the most a file
/// may hold, would otherwise be in memory three times: libyaml's, the copy, the caller's string). libyaml
/// equivalent: a run of `yaml_event_t`s, each already `yaml_event_delete`d.
///
/// `@unchecked Sendable`: a batch is written by one thread before `YAMLEventQueue.put` and read by one other thread
/// after `take`, never both; the queue's mutex orders the two, so no access is concurrent.
final class YAMLEventBatch: @unchecked Sendable {
    /// Events in the first batch: small, so that the caller starts on a file's head at once.
    static let firstSize = 64
    /// Events in every later batch.
    static let size = 1024
    /// Scalars longer than this (bytes) are taken over from libyaml rather than copied.
    static let stealAbove = 4096

    private struct Stored {
        var kind: YAMLEventReader.Kind
        var plain: Bool
        var line: Int
        var column: Int
        /// Where the value starts in the arena; for a value taken over, `-1 - i` with `i` its index in `owned`.
        var start: Int
        var length: Int
        /// Where the NUL-terminated tag starts in the arena, -1 when none.
        var tag: Int
        var endIndex: Int
    }

    // One thread at a time (see above), so Swift's run-time exclusivity checks on class properties, a call per
    // access and 45M instructions at 100,000 entries, are dropped for these.
    @exclusivity(unchecked) private var stored: [Stored] = []
    @exclusivity(unchecked) private var arena: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var arenaCapacity: Int
    @exclusivity(unchecked) private var used = 0
    /// Scalar buffers taken over from libyaml (`malloc`ed by it), freed with the batch.
    @exclusivity(unchecked) private var owned: [UnsafeMutablePointer<UInt8>] = []
    /// True for the batch that ends the stream (with `streamEnd`, or with `failure`).
    var isLast = false
    /// The error that stopped libyaml after these events, if one did.
    var failure: YAMLEventReader.SyntaxError?

    init(capacity: Int) {
        stored.reserveCapacity(capacity)
        arenaCapacity = capacity * 24
        arena = .allocate(capacity: arenaCapacity)
    }

    deinit {
        arena.deallocate()
        for p in owned { free(p) }
    }

    /// The number of events.
    var count: Int { stored.count }

    /// Copies one event in: its kind and start mark, its scalar value, its tag (NUL-terminated C string) and the end
    /// of its source range. With `taking`, the value is not copied: the batch keeps that `malloc`ed buffer (which
    /// holds the value) and frees it.
    func append(kind: YAMLEventReader.Kind, line: Int, column: Int, value: UnsafePointer<UInt8>?, length: Int,
                plain: Bool, tag: UnsafePointer<UInt8>?, endIndex: Int,
                taking buffer: UnsafeMutablePointer<UInt8>? = nil) {
        var start: Int
        if let buffer {
            owned.append(buffer)
            start = -owned.count
        } else {
            start = copy(value, length, terminated: false)
        }
        var tagStart = -1
        if let tag {
            var n = 0
            while tag[n] != 0 { n += 1 }
            tagStart = copy(tag, n, terminated: true)
        }
        stored.append(Stored(kind: kind, plain: plain, line: line, column: column, start: start, length: length,
                             tag: tagStart, endIndex: endIndex))
    }

    /// Event `i`, its bytes and tag lent from the arena.
    func event(at i: Int) -> YAMLEventReader.Event {
        let s = stored[i]
        return YAMLEventReader.Event(kind: s.kind, line: s.line, column: s.column,
                                     bytes: UnsafeBufferPointer(start: s.start >= 0 ? UnsafePointer(arena + s.start)
                                                                    : UnsafePointer(owned[-1 - s.start]),
                                                                count: s.length),
                                     plain: s.plain, tag: s.tag < 0 ? nil : UnsafePointer(arena + s.tag))
    }

    /// The byte offset where event `i` ends (libyaml's `end_mark.index`).
    func endIndex(at i: Int) -> Int { stored[i].endIndex }

    private func copy(_ bytes: UnsafePointer<UInt8>?, _ count: Int, terminated: Bool) -> Int {
        let need = count + (terminated ? 1 : 0)
        if used + need > arenaCapacity {
            let grown = max(arenaCapacity * 2, used + need)
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
            bigger.update(from: arena, count: used)
            arena.deallocate()
            arena = bigger
            arenaCapacity = grown
        }
        let start = used
        if let bytes, count > 0 { (arena + start).update(from: bytes, count: count) }
        if terminated { arena[start + count] = 0 }
        used += need
        return start
    }
}
