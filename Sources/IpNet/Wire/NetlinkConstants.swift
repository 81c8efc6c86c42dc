internal import CNetlink

/// The netlink numbers IpNet uses, typed once from the kernel headers (via CNetlink) so the wire code needs no
/// casts. Netlink equivalent: the `RTM_*`, `NLM_F_*`, `NDA_*`, `IFLA_*`, `NTF_*` constants of `<linux/rtnetlink.h>`,
/// `<linux/neighbour.h>` and `<linux/if_link.h>`.
enum NetlinkConstants {
    // Message types.
    static let newNeigh = UInt16(RTM_NEWNEIGH)
    static let delNeigh = UInt16(RTM_DELNEIGH)
    static let getNeigh = UInt16(RTM_GETNEIGH)
    static let newLink = UInt16(RTM_NEWLINK)
    static let getLink = UInt16(RTM_GETLINK)
    static let delLink = UInt16(RTM_DELLINK)
    static let newAddr = UInt16(RTM_NEWADDR)
    static let delAddr = UInt16(RTM_DELADDR)
    static let getAddr = UInt16(RTM_GETADDR)
    static let newRoute = UInt16(RTM_NEWROUTE)
    static let delRoute = UInt16(RTM_DELROUTE)
    static let getRoute = UInt16(RTM_GETROUTE)
    /// `struct rtmsg` (12 bytes) and the route attributes read: RTA_DST, RTA_OIF, RTA_TABLE; RT_TABLE_LOCAL (255).
    static let rtmsgSize = MemoryLayout<rtmsg>.size
    static let rtaDst = UInt16(RTA_DST.rawValue)
    static let rtaOif = UInt16(RTA_OIF.rawValue)
    static let rtaTable = UInt16(RTA_TABLE.rawValue)
    static let rtaMultipath = UInt16(RTA_MULTIPATH.rawValue)
    /// RTNH_F_DEAD: a nexthop (or, in `rtm_flags`, the route's only nexthop) that the lookup skips.
    static let nexthopDead: UInt32 = 1
    /// `struct rtnexthop`: rtnh_len (u16), rtnh_flags (u8), rtnh_hops (u8), rtnh_ifindex (i32).
    static let rtnexthopSize = 8
    static let tableLocal = UInt32(RT_TABLE_LOCAL.rawValue)
    static let error = UInt16(NLMSG_ERROR)
    static let done = UInt16(NLMSG_DONE)

    // Header flags.
    static let request = UInt16(NLM_F_REQUEST)
    static let multi = UInt16(NLM_F_MULTI)
    static let ack = UInt16(NLM_F_ACK)
    static let dump = UInt16(NLM_F_DUMP)
    static let dumpInterrupted = UInt16(NLM_F_DUMP_INTR)
    static let create = UInt16(NLM_F_CREATE)
    static let exclusive = UInt16(NLM_F_EXCL)
    static let replace = UInt16(NLM_F_REPLACE)
    static let capped = UInt16(NLM_F_CAPPED)
    static let ackTlvs = UInt16(NLM_F_ACK_TLVS)
    static let errAttrMessage = UInt16(NLMSGERR_ATTR_MSG.rawValue)

    // Neighbor attributes and flags.
    static let ndaDestination = UInt16(NDA_DST)
    static let ndaLinkLayerAddress = UInt16(NDA_LLADDR)
    static let ndaCacheInfo = UInt16(NDA_CACHEINFO)
    static let ndaProtocol = UInt16(NDA_PROTOCOL)
    static let ndaFlagsExtended = UInt16(NDA_FLAGS_EXT)
    static let ntfUse = UInt8(NTF_USE)
    static let ntfProxy = UInt8(NTF_PROXY)
    static let ntfRouter = UInt8(NTF_ROUTER)
    /// `sizeof(struct ndmsg)` = 12.
    static let ndmsgSize = MemoryLayout<ndmsg>.size

    // Link attributes.
    static let iflaAddress = UInt16(IFLA_ADDRESS)
    static let iflaName = UInt16(IFLA_IFNAME)
    static let iflaAfSpec = UInt16(IFLA_AF_SPEC)
    static let iflaExtMask = UInt16(IFLA_EXT_MASK)
    static let iflaInet6Conf = UInt16(IFLA_INET6_CONF)
    static let devconfDisableIpv6 = Int(DEVCONF_DISABLE_IPV6)
    static let iffUp = UInt32(IFF_UP)
    static let iffLoopback = UInt32(IFF_LOOPBACK)
    static let iffPointToPoint = UInt32(IFF_POINTOPOINT)
    static let iffNoArp = UInt32(IFF_NOARP)
    /// `IFF_LOWER_UP` (linux/if.h, not in glibc's net/if.h): the driver reports carrier (`ip link`: LOWER_UP).
    static let iffLowerUp: UInt32 = 0x10000
    /// `sizeof(struct ifinfomsg)` = 16.
    static let ifinfomsgSize = MemoryLayout<ifinfomsg>.size
    static let ifaddrmsgSize = MemoryLayout<ifaddrmsg>.size
    static let ifaAddress = UInt16(IFA_ADDRESS)
    static let ifaLocal = UInt16(IFA_LOCAL)
    /// `IFA_FLAGS` (u32, supersedes `ifa_flags`), `IFA_F_TENTATIVE`, `IFA_F_DADFAILED` (linux/if_addr.h).
    static let ifaFlags: UInt16 = 8
    static let ifaBroadcast = UInt16(IFA_BROADCAST)
    static let ifaFlagTentative: UInt32 = 0x40
    static let ifaFlagDadFailed: UInt32 = 0x08

    // Multicast groups (`RTNLGRP_*`, joined with NETLINK_ADD_MEMBERSHIP).
    static let groupLink = UInt32(RTNLGRP_LINK.rawValue)
    static let groupNeigh = UInt32(RTNLGRP_NEIGH.rawValue)
    static let groupIpv4Address = UInt32(RTNLGRP_IPV4_IFADDR.rawValue)
    static let groupIpv6Address = UInt32(RTNLGRP_IPV6_IFADDR.rawValue)
    static let groupIpv4Route = UInt32(RTNLGRP_IPV4_ROUTE.rawValue)

    /// USER_HZ: the unit of `nda_cacheinfo` times is 1/100 s on every Linux architecture.
    static let userHz: UInt32 = 100
}

/// The neighbor-table (ntable) numbers: message types, `NDTA_*` and `NDTPA_*` of `<linux/neighbour.h>`.
extension NetlinkConstants {
    static let newNeighTable = UInt16(RTM_NEWNEIGHTBL)
    static let getNeighTable = UInt16(RTM_GETNEIGHTBL)
    static let setNeighTable = UInt16(RTM_SETNEIGHTBL)
    static let ndtaName = UInt16(NDTA_NAME)
    static let ndtaThresh1 = UInt16(NDTA_THRESH1)
    static let ndtaThresh2 = UInt16(NDTA_THRESH2)
    static let ndtaThresh3 = UInt16(NDTA_THRESH3)
    static let ndtaParms = UInt16(NDTA_PARMS)
    static let ndtaGcInterval = UInt16(NDTA_GC_INTERVAL)
    static let ndtpaIfindex = UInt16(NDTPA_IFINDEX)
    static let ndtpaBaseReachableTime = UInt16(NDTPA_BASE_REACHABLE_TIME)
    static let ndtpaRetransTime = UInt16(NDTPA_RETRANS_TIME)
    static let ndtpaGcStaleTime = UInt16(NDTPA_GC_STALETIME)
    static let ndtpaDelayProbeTime = UInt16(NDTPA_DELAY_PROBE_TIME)
    static let ndtpaUcastProbes = UInt16(NDTPA_UCAST_PROBES)
    static let ndtpaMcastProbes = UInt16(NDTPA_MCAST_PROBES)
    static let ndtpaIntervalProbeTime = UInt16(NDTPA_INTERVAL_PROBE_TIME_MS)
    /// `sizeof(struct ndtmsg)` = 4.
    static let ndtmsgSize = MemoryLayout<ndtmsg>.size
}
