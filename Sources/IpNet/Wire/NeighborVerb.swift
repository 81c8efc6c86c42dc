import IpNetCore
/// Each neighbor call mapped, in this one place, to its netlink message type and header flags. Netlink
/// equivalent: the `nlmsg_type`/`nlmsg_flags` pairs iproute2 uses in ip/ipneigh.c (`ip neigh add` = NEWNEIGH
/// CREATE|EXCL, `change` = NEWNEIGH REPLACE, `replace` = NEWNEIGH CREATE|REPLACE, `del` = DELNEIGH, `get`,
/// `show` = GETNEIGH DUMP).
enum NeighborVerb: Sendable {
    /// `CreateIpNetEntry2`: RTM_NEWNEIGH, NLM_F_CREATE|NLM_F_EXCL (EEXIST when present).
    case create
    /// `SetIpNetEntry2`: RTM_NEWNEIGH, NLM_F_REPLACE without NLM_F_CREATE (ENOENT when absent).
    case set
    /// `DeleteIpNetEntry2`: RTM_DELNEIGH.
    case delete
    /// Create or replace (no Windows twin: `CreateIpNetEntry2` then `SetIpNetEntry2`): RTM_NEWNEIGH,
    /// NLM_F_CREATE|NLM_F_REPLACE (never EEXIST, never ENOENT).
    case upsert
    /// `GetIpNetEntry2`: RTM_GETNEIGH for one entry (NDA_DST + ifindex).
    case get
    /// `ResolveIpNetEntry2`: RTM_NEWNEIGH, NLM_F_CREATE|NLM_F_REPLACE, NUD_NONE, NTF_USE (starts a solicitation).
    case resolve

    /// The netlink message type.
    var messageType: UInt16 {
        switch self {
        case .create, .set, .upsert, .resolve: return NetlinkConstants.newNeigh
        case .delete: return NetlinkConstants.delNeigh
        case .get: return NetlinkConstants.getNeigh
        }
    }

    /// The header flags; every request asks for an ack so that each answer can be matched to it.
    var flags: UInt16 {
        let base = NetlinkConstants.request | NetlinkConstants.ack
        switch self {
        case .create: return base | NetlinkConstants.create | NetlinkConstants.exclusive
        case .set: return base | NetlinkConstants.replace
        case .delete, .get: return base
        case .upsert, .resolve: return base | NetlinkConstants.create | NetlinkConstants.replace
        }
    }

    /// True when the request carries the row's state, flags, link-layer address and protocol.
    var writesContent: Bool { self == .create || self == .set || self == .upsert }

    /// The verb of a batch operation.
    init(_ operation: NeighborOperation) {
        switch operation {
        case .create: self = .create
        case .set: self = .set
        case .delete: self = .delete
        case .upsert: self = .upsert
        }
    }
}
