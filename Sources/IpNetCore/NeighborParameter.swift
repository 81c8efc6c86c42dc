/// One neighbor-table parameter neighsync manages, with its kernel home, unit and range. Pure: the names are the file
/// format's, the numbers and ranges those of `net/core/neighbour.c` (`nl_ntbl_parm_policy`, `nl_neightbl_policy`,
/// `neightbl_set`). Three homes in the kernel:
/// - per interface, in the interface's `neigh_parms` (`NDTA_PARMS` nesting `NDTPA_IFINDEX` + `NDTPA_*`): the timers and
///   probe counts; sysctl `net.ipv4.neigh.IF.*` / `net.ipv6.neigh.IF.*`;
/// - per interface, as a device sysctl: `proxyARP` (`net.ipv4.conf.IF.proxy_arp`), `proxyNDP`
///   (`net.ipv6.conf.IF.proxy_ndp`), which no netlink message sets;
/// - table-wide (`NDTA_THRESH1..3`, `NDTA_GC_INTERVAL`): `neightbl_set` refuses them with ENOENT in any namespace but
///   the initial one (`!net_eq(net, &init_net)`), and it does so after it has applied the `NDTA_PARMS` of the same
///   message, so they always travel in a message of their own.
///
/// Values are carried as `UInt64`: milliseconds for durations, a count, or 0/1. The kernel keeps durations in jiffies
/// (`nla_get_msecs` rounds up to the tick: 1001 ms reads back as 1004 ms at HZ=250), so a duration matches when the
/// kernel's value is the desired one rounded up by less than one tick at the coarsest HZ (100): see `matches`.
/// iproute2 equivalent: `ip ntable change name arp_cache|ndisc_cache [dev IF] …`, `ip ntable show`.
public enum NeighborParameter: String, CaseIterable, Sendable, Hashable, Comparable {
    /// `NDTPA_BASE_REACHABLE_TIME` (`base_reachable_time_ms`): an entry confirmed reachable stays REACHABLE for a
    /// random time between 0.5 and 1.5 times this.
    case baseReachableTime
    /// `NDTPA_RETRANS_TIME` (`retrans_time_ms`): the time between two solicitations while resolving.
    case retransTime
    /// `NDTPA_GC_STALETIME` (`gc_stale_time`): an unused STALE entry older than this may be garbage-collected.
    case gcStaleTime
    /// `NDTPA_DELAY_PROBE_TIME` (`delay_first_probe_time`): how long a STALE entry in use waits in DELAY before the
    /// first unicast probe.
    case delayFirstProbeTime
    /// `NDTPA_INTERVAL_PROBE_TIME_MS` (`interval_probe_time_ms`, Linux 5.19+): how often managed entries
    /// (NTF_EXT_MANAGED) are re-probed; the kernel's minimum is 1 ms (`.min = 1` in `nl_ntbl_parm_policy`).
    case intervalProbeTime
    /// `NDTPA_UCAST_PROBES` (`ucast_solicit`): unicast probes before an entry becomes FAILED.
    case ucastSolicit
    /// `NDTPA_MCAST_PROBES` (`mcast_solicit`): multicast (broadcast) solicitations while resolving.
    case mcastSolicit
    /// `net.ipv4.conf.IF.proxy_arp`: answer ARP requests for addresses routed through another interface.
    case proxyARP
    /// `net.ipv6.conf.IF.proxy_ndp`: answer neighbor solicitations for the addresses of proxy entries (`ip neigh add
    /// proxy ADDR dev IF`).
    case proxyNDP
    /// `NDTA_THRESH1` (`gc_thresh1`): below this many entries the garbage collector never runs. Table-wide.
    case gcThresh1
    /// `NDTA_THRESH2` (`gc_thresh2`): above this the collector runs after 5 s. Table-wide.
    case gcThresh2
    /// `NDTA_THRESH3` (`gc_thresh3`): the hard maximum of entries ("neighbour table overflow"). Table-wide.
    case gcThresh3
    /// `NDTA_GC_INTERVAL` (`gc_interval`): how often the collector runs. Table-wide.
    case gcInterval

    /// Where the kernel keeps a parameter.
    public enum Scope: Sendable, Hashable {
        /// In the interface's `neigh_parms`, written with `RTM_SETNEIGHTBL` + `NDTPA_IFINDEX`.
        case interface
        /// A device sysctl under `/proc/sys/net/…/conf/IF/`, written from a thread inside the namespace.
        case interfaceSysctl
        /// In the table itself, written with `RTM_SETNEIGHTBL` without `NDTA_PARMS`; initial namespace only.
        case table
    }

    /// What a value means.
    public enum Unit: Sendable, Hashable {
        /// Milliseconds, written in the file as a duration (`30s`, `500ms`).
        case duration
        /// A plain count.
        case count
        /// 0 or 1, written `true`/`false`.
        case boolean
    }

    /// The parameters an `interfaces:` entry may hold, in the order they are shown.
    public static let interfaceKeys: [NeighborParameter] = allCases.filter { $0.scope != .table }
    /// The parameters a `tables:` entry may hold.
    public static let tableKeys: [NeighborParameter] = allCases.filter { $0.scope == .table }

    /// Where the kernel keeps it.
    public var scope: Scope {
        switch self {
        case .proxyARP, .proxyNDP: return .interfaceSysctl
        case .gcThresh1, .gcThresh2, .gcThresh3, .gcInterval: return .table
        default: return .interface
        }
    }

    /// What its value means.
    public var unit: Unit {
        switch self {
        case .baseReachableTime, .retransTime, .gcStaleTime, .delayFirstProbeTime, .intervalProbeTime, .gcInterval:
            return .duration
        case .proxyARP, .proxyNDP: return .boolean
        default: return .count
        }
    }

    /// The only family it exists for (proxy ARP is IPv4's, proxy NDP IPv6's), nil when both have it.
    public var onlyFamily: AddressFamily? {
        switch self {
        case .proxyARP: return .ipv4
        case .proxyNDP: return .ipv6
        default: return nil
        }
    }

    /// The values the kernel keeps exactly. Every value lands in an `int` (`NEIGH_VAR_SET`, `tbl->gc_thresh*`), so
    /// counts stop at 2^31-1 and durations at 2^31-1 ms (a larger u32 reads back negative, or wrapped);
    /// `interval_probe_time_ms` has the policy's minimum of 1 ms; the proxy sysctls are switches.
    public var range: ClosedRange<UInt64> {
        switch self {
        case .intervalProbeTime: return 1...UInt64(Int32.max)
        case .proxyARP, .proxyNDP: return 0...1
        default: return 0...UInt64(Int32.max)
        }
    }

    /// The values a kernel can report (RTM_NEWNEIGHTBL, the sysctls), wider than `range`: every netlink value reads
    /// back as a u32 (`jiffies_to_msecs` returns an unsigned int; the counts and thresholds are u32 attributes), and
    /// a duration is kept in jiffies, so `ip ntable change … retrans 4000000000` (or 2^31-1 ms rounded up to a tick,
    /// 2147483648) is held and read back above `range`. Snapshots accept these; the file keeps `range`.
    public var readableRange: ClosedRange<UInt64> {
        switch self {
        case .proxyARP, .proxyNDP: return 0...1
        default: return 0...UInt64(UInt32.max)
        }
    }

    /// The kernel's sysctl name, for messages and documentation (`base_reachable_time_ms`, `proxy_ndp`, …).
    public var sysctlName: String {
        switch self {
        case .baseReachableTime: return "base_reachable_time_ms"
        case .retransTime: return "retrans_time_ms"
        case .gcStaleTime: return "gc_stale_time"
        case .delayFirstProbeTime: return "delay_first_probe_time"
        case .intervalProbeTime: return "interval_probe_time_ms"
        case .ucastSolicit: return "ucast_solicit"
        case .mcastSolicit: return "mcast_solicit"
        case .proxyARP: return "proxy_arp"
        case .proxyNDP: return "proxy_ndp"
        case .gcThresh1: return "gc_thresh1"
        case .gcThresh2: return "gc_thresh2"
        case .gcThresh3: return "gc_thresh3"
        case .gcInterval: return "gc_interval"
        }
    }

    /// The largest amount (ms) the kernel may add to a duration when it rounds it up to a whole tick: one tick at
    /// HZ=100, the coarsest Linux tick, minus 1 ms.
    public static let tickSlackMilliseconds: UInt64 = 9

    /// Whether the kernel's `actual` value fulfils the desired `desired`: equal, or for a duration, the desired value
    /// rounded up to the kernel's tick (`msecs_to_jiffies` rounds up, `jiffies_to_msecs` is exact at HZ 100, 250,
    /// 1000). The one comparison of parameter values (planner, saved plans, watch).
    public func matches(desired: UInt64, actual: UInt64) -> Bool {
        if desired == actual { return true }
        guard unit == .duration, actual > desired else { return false }
        return actual - desired <= NeighborParameter.tickSlackMilliseconds
    }

    /// The order they are shown in: declaration order.
    public static func < (a: NeighborParameter, b: NeighborParameter) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
