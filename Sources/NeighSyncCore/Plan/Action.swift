/// What a plan does to one entry, with Terraform's symbols: `+` create, `~` set, `-` delete. Windows equivalent:
/// the call that carries it out (`CreateIpNetEntry2`, `SetIpNetEntry2`, `DeleteIpNetEntry2`); netlink:
/// RTM_NEWNEIGH CREATE|EXCL, RTM_NEWNEIGH REPLACE, RTM_DELNEIGH; iproute2: `neigh add` / `neigh change` / `neigh del`.
public enum Action: String, Hashable, Sendable, Codable, CaseIterable {
    /// A desired entry that is absent (or only an INCOMPLETE/FAILED leftover).
    case create
    /// A desired entry that exists with other values, or without the owner tag (adoption).
    case set
    /// An owned static entry that the desired state no longer lists.
    case delete

    /// `+`, `~` or `-`.
    public var symbol: Character {
        switch self {
        case .create: return "+"
        case .set: return "~"
        case .delete: return "-"
        }
    }

    /// `created`, `set` or `deleted`: how apply's output and summary say it was done.
    public var pastTense: String {
        switch self {
        case .create: return "created"
        case .set: return "set"
        case .delete: return "deleted"
        }
    }
}
