/// The flags of a neighbor entry other than `NTF_ROUTER` (which `IpNetRow2.isRouter` holds), in the kernel's own
/// layout: the `ndm_flags` byte in bits 0–7 and the `NDA_FLAGS_EXT` word shifted left by 8 (`NTF_EXT_SHIFT`, as
/// `neigh->flags` stores them). No Windows twin. Netlink equivalent: `ndm_flags` + `NDA_FLAGS_EXT`; iproute2: the
/// words `print_neigh()` prints (`extern_learn`, `offload`, `managed`, …).
public struct NeighborFlags: OptionSet, Hashable, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `NTF_USE` (a request flag: "use this entry", as `ip neigh … use`).
    public static let use = NeighborFlags(rawValue: 1 << 0)
    /// `NTF_SELF` (bridge FDB: the device's own table).
    public static let `self` = NeighborFlags(rawValue: 1 << 1)
    /// `NTF_MASTER` (bridge FDB: the master's table).
    public static let master = NeighborFlags(rawValue: 1 << 2)
    /// `NTF_PROXY` (a proxy entry, `ip neigh add proxy`).
    public static let proxy = NeighborFlags(rawValue: 1 << 3)
    /// `NTF_EXT_LEARNED`: learned by a control plane (FRR EVPN), never garbage-collected. iproute2: `extern_learn`.
    public static let externallyLearned = NeighborFlags(rawValue: 1 << 4)
    /// `NTF_OFFLOADED`: offloaded to hardware. iproute2: `offload`.
    public static let offloaded = NeighborFlags(rawValue: 1 << 5)
    /// `NTF_STICKY` (bridge FDB).
    public static let sticky = NeighborFlags(rawValue: 1 << 6)
    /// `NTF_EXT_MANAGED` in `NDA_FLAGS_EXT`: the kernel keeps the entry resolved. iproute2: `managed`.
    public static let managed = NeighborFlags(rawValue: 1 << 8)
    /// `NTF_EXT_LOCKED` in `NDA_FLAGS_EXT` (bridge FDB: a locked port). iproute2: `locked`.
    public static let locked = NeighborFlags(rawValue: 1 << 9)
    /// `NTF_EXT_EXT_VALIDATED` in `NDA_FLAGS_EXT`: validated by a control plane, kept but not invalidated by the
    /// kernel (Linux 6.17). iproute2: `extern_valid`.
    public static let externallyValidated = NeighborFlags(rawValue: 1 << 10)

    /// `NTF_ROUTER`, which is not a member: it lives in `IpNetRow2.isRouter`.
    static let ndmRouter: UInt8 = 1 << 7

    /// Every flag with the word iproute2 prints and parses, in the order of `print_neigh()` (`router` comes first,
    /// from `isRouter`).
    public static let names: [(flag: NeighborFlags, name: String)] = [
        (.use, "use"), (.self, "self"), (.master, "master"), (.proxy, "proxy"), (.managed, "managed"),
        (.externallyLearned, "extern_learn"), (.offloaded, "offload"), (.externallyValidated, "extern_valid"),
        (.sticky, "sticky"), (.locked, "locked"),
    ]

    /// The flags that an `RTM_NEWNEIGH` with `NLM_F_REPLACE` clears when the request does not carry them:
    /// `NTF_EXT_LEARNED` and `NTF_EXT_MANAGED` (`neigh_update_ext_learned()` / `neigh_update_managed()` in
    /// `net/core/neighbour.c`). A write of neighsync's, which carries neither, drops these.
    public static let clearedByReplace: NeighborFlags = [.externallyLearned, .managed]

    /// The flags a create/set request carries when the row has them: those `neigh_add()` in
    /// `net/core/neighbour.c` stores from a request (NTF_EXT_LEARNED, NTF_EXT_MANAGED, NTF_EXT_EXT_VALIDATED). The
    /// others are request verbs (NTF_USE, NTF_PROXY), bridge-FDB flags or set by drivers (NTF_OFFLOADED), never sent.
    public static let writable: NeighborFlags = [.externallyLearned, .managed, .externallyValidated]

    /// The flags from the `ndm_flags` byte (without `NTF_ROUTER`) and the `NDA_FLAGS_EXT` word.
    public init(ndmFlags: UInt8, extended: UInt32) {
        rawValue = UInt32(ndmFlags & ~Self.ndmRouter) | (extended & 0x00ff_ffff) << 8
    }

    /// The iproute2 words, in iproute2's order (`["extern_learn"]`); unknown bits as `0x…`.
    public var words: [String] {
        var out = Self.names.filter { contains($0.flag) }.map(\.name)
        let known = Self.names.reduce(NeighborFlags()) { $0.union($1.flag) }
        let rest = subtracting(known).rawValue
        if rest != 0 { out.append("0x" + String(rest, radix: 16)) }
        return out
    }

    /// What is wrong with one word of a flag list being read (`add(word:)`).
    public enum WordProblem: Sendable, Equatable {
        /// Not a flag word (`init?(word:)` knows it not).
        case unknown
        /// A flag the list already holds (`["managed", "managed"]`): a list names each flag once.
        case repeated
    }

    /// Adds the flag of one word of a list (`["extern_learn", "managed"]`) as `init?(word:)` parses it; the problem
    /// when the word is unknown or names a flag already added. The one reader of flag lists in files (plan files,
    /// snapshots): a repeated flag is refused, not folded, since nothing neighsync writes repeats one.
    public mutating func add(word: String) -> WordProblem? {
        guard let f = NeighborFlags(word: word) else { return .unknown }
        if !isDisjoint(with: f) { return .repeated }
        formUnion(f)
        return nil
    }

    /// Parses one iproute2 word (`extern_learn`, `offloaded` as the FDB code spells it, `0x…` as `words` writes
    /// unknown bits); nil when unknown.
    public init?(word: String) {
        if word == "offloaded" { self = .offloaded; return }
        if word.hasPrefix("0x"), let v = UInt32(word.dropFirst(2), radix: 16) { self.init(rawValue: v); return }
        guard let f = Self.names.first(where: { $0.name == word }) else { return nil }
        self = f.flag
    }
}
