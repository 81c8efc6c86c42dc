import IpNetCore

/// One entry of the desired state as written in the file, before its interface is resolved against a live or
/// snapshot link list: the address, the interface selector(s), the link-layer address, state and router flag, with
/// the position of its list item. `resolve(links:)` of `DesiredState` turns it into an `IpNetRow2`. iproute2
/// equivalent: one `neigh replace ADDR lladdr MAC dev DEV nud permanent` line of an `ip -batch` file.
public struct DesiredNeighbor: Hashable, Sendable {
    /// The neighbor address (IPv6 scope ids allowed).
    public var address: IpAddress
    /// The interface as the file names it (any of name, index, LUID; all given must agree).
    public var interface: InterfaceRef
    /// The link-layer address; empty for a `noarp` entry without one.
    public var physicalAddress: PhysicalAddress
    /// The desired state: `permanent` (default), `noarp`, or `DesiredRules.managedState` for `state: managed`.
    public var state: NeighborState
    /// The NTF_ROUTER flag.
    public var isRouter: Bool
    /// `optional: true`: while the entry's interface is absent (or its family unusable there), apply still
    /// succeeds; the entry stays pending and is written once it can be.
    public var isOptional: Bool
    /// True for an item of `proxies:` (a proxy entry, NTF_PROXY: no link-layer address, state or router flag).
    public var isProxy = false
    /// Where the list item starts in its file.
    public var mark: SourceMark
    /// Where each key of the item is, by key name (`address`, `physicalAddress`, …), for positioned errors on the
    /// value rather than the item. (Stored compactly; see `mark(of:)` for a single key without building the
    /// dictionary.)
    public var keyMarks: [String: SourceMark] {
        get { valueMarks.dictionary }
        set { valueMarks = ValueMarks(newValue) }
    }

    /// The position of one key's value (`"address"`, `"physicalAddress"`, `"interface"`, …), or nil when the entry
    /// does not write that key (and no default supplied it). Same as `keyMarks[key]`, without building the dictionary.
    public func mark(of key: String) -> SourceMark? { valueMarks.mark(key) }

    /// The compact storage behind `keyMarks`.
    var valueMarks: ValueMarks

    /// Builds an entry.
    public init(address: IpAddress, interface: InterfaceRef, physicalAddress: PhysicalAddress,
                state: NeighborState = .permanent, isRouter: Bool = false, isOptional: Bool = false,
                mark: SourceMark, keyMarks: [String: SourceMark] = [:]) {
        self.address = address
        self.interface = interface
        self.physicalAddress = physicalAddress
        self.state = state
        self.isRouter = isRouter
        self.isOptional = isOptional
        self.mark = mark
        self.valueMarks = ValueMarks(keyMarks)
    }

    /// The loader's initializer: marks already compact.
    package init(address: IpAddress, interface: InterfaceRef, physicalAddress: PhysicalAddress, state: NeighborState,
                 isRouter: Bool, isOptional: Bool, mark: SourceMark, valueMarks: ValueMarks) {
        self.address = address
        self.interface = interface
        self.physicalAddress = physicalAddress
        self.state = state
        self.isRouter = isRouter
        self.isOptional = isOptional
        self.mark = mark
        self.valueMarks = valueMarks
    }
}

/// How a desired entry names its interface: by name, index or LUID, any combination (they must agree). Windows
/// selects by `InterfaceLuid` when non-zero, else `InterfaceIndex`; a name is neighsync's addition and resolves to an
/// index. iproute2 equivalent: `dev NAME`.
public struct InterfaceRef: Hashable, Sendable, CustomStringConvertible {
    /// The interface name, e.g. `eth0`.
    public var name: String?
    /// The interface index.
    public var index: UInt32?
    /// The interface LUID.
    public var luid: NetLuid?

    /// Builds a selector.
    public init(name: String? = nil, index: UInt32? = nil, luid: NetLuid? = nil) {
        self.name = name
        self.index = index
        self.luid = luid
    }

    /// True when nothing selects an interface.
    public var isEmpty: Bool { name == nil && index == nil && luid == nil }

    /// `eth0`, `#3` or the LUID, whichever is set first in that order.
    public var description: String {
        if let name { return name }
        if let index { return "#\(index)" }
        if let luid { return luid.description }
        return "(none)"
    }
}
