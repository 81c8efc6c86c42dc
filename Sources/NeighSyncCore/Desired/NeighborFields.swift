import IpNetCore

/// The keys of one neighbor entry (or of `defaults`) as read from a file, before defaults are applied and required
/// keys are checked: each value is nil when absent or invalid, each mark is the position of the value. The loader
/// turns it into a `DesiredNeighbor`. iproute2 equivalent: the words of one `neigh replace …` line before
/// `ipneigh_modify()` checks them.
package struct NeighborFields {
    /// The keys an entry may hold, in the order of `names`.
    package enum Field: Int, CaseIterable {
        case address, interface, interfaceIndex, interfaceLuid, physicalAddress, isRouter, state, optional

        /// The key names as written in a file.
        package static let names: [StaticString] = allCases.map(\.staticName)

        /// The field whose key name is `b`, by length then bytes (the names have distinct lengths).
        @inline(__always)
        package init?(bytes b: UnsafeBufferPointer<UInt8>) {
            let f: Field
            switch b.count {
            case 5: f = .state
            case 7: f = .address
            case 8: f = b.first == UInt8(ascii: "o") ? .optional : .isRouter
            case 9: f = .interface
            case 13: f = .interfaceLuid
            case 14: f = .interfaceIndex
            case 15: f = .physicalAddress
            default: return nil
            }
            guard ScalarBytes.equals(b, f.staticName) else { return nil }
            self = f
        }

        /// The key name as a static string (no array access on the hot path).
        package var staticName: StaticString {
            switch self {
            case .address: return "address"
            case .interface: return "interface"
            case .interfaceIndex: return "interfaceIndex"
            case .interfaceLuid: return "interfaceLuid"
            case .physicalAddress: return "physicalAddress"
            case .isRouter: return "isRouter"
            case .state: return "state"
            case .optional: return "optional"
            }
        }

        /// The key name.
        package var name: String { NeighborFields.Field.allNames[rawValue] }

        package static let allNames = names.map { $0.description }
    }

    package var address: IpAddress?
    package var name: String?
    package var index: UInt32?
    package var luid: NetLuid?
    package var physicalAddress: PhysicalAddress?
    package var isRouter: Bool?
    package var state: NeighborState?
    package var optional: Bool?
    /// True for an item of `proxies:`.
    package var isProxy = false

    /// Where the mapping starts (for an entry: the list item), packed as `Position`.
    package var mark = Position.none
    /// Position of each key's value; set when the key was present (even if invalid).
    package var positions = Positions()
    /// True when some value of this mapping was reported as an error.
    package var hadError = false

    package init() {}

    /// True when the key was written (valid or not).
    package func has(_ f: Field) -> Bool { positions[f] != .none }

    /// The position of a key's value in `file`.
    package func mark(_ f: Field, file: String) -> SourceMark? { positions[f].mark(file: file) }

    /// True when any interface selector key was written.
    package var hasSelector: Bool { has(.interface) || has(.interfaceIndex) || has(.interfaceLuid) }

    /// A 1-based line and column packed in 64 bits, so an entry's positions cost no allocation; `none` is absent.
    package struct Position: Hashable, Sendable {
        package var packed: UInt64

        package static let none = Position(packed: 0)

        /// From libyaml's 0-based line and column.
        package init(line0: Int, column0: Int) {
            packed = UInt64(line0 + 1) << 32 | UInt64(UInt32(truncatingIfNeeded: column0 + 1))
        }

        package init(packed: UInt64) { self.packed = packed }

        /// The mark in `file`, nil for `none`.
        package func mark(file: String) -> SourceMark? {
            packed == 0 ? nil : SourceMark(file: file, line: Int(packed >> 32), column: Int(packed & 0xffff_ffff))
        }
    }

    /// One `Position` per `Field`, stored inline.
    package struct Positions: Hashable, Sendable {
        private var p0 = Position.none, p1 = Position.none, p2 = Position.none, p3 = Position.none
        private var p4 = Position.none, p5 = Position.none, p6 = Position.none, p7 = Position.none

        package init() {}

        package subscript(f: Field) -> Position {
            get {
                switch f {
                case .address: return p0
                case .interface: return p1
                case .interfaceIndex: return p2
                case .interfaceLuid: return p3
                case .physicalAddress: return p4
                case .isRouter: return p5
                case .state: return p6
                case .optional: return p7
                }
            }
            set {
                switch f {
                case .address: p0 = newValue
                case .interface: p1 = newValue
                case .interfaceIndex: p2 = newValue
                case .interfaceLuid: p3 = newValue
                case .physicalAddress: p4 = newValue
                case .isRouter: p5 = newValue
                case .state: p6 = newValue
                case .optional: p7 = newValue
                }
            }
        }
    }
}
