import IpNet

/// Reads the JSON that iproute2 prints (`ip -j link show`, `ip -j neigh show`) into links and rows, so CI can plan
/// from a snapshot taken with stock tools. Protocol names (`static`, `zebra`, …) are mapped back to numbers; use
/// `ip -N -j neigh show` to get numbers directly. iproute2 equivalent: the reverse of `print_neigh()` in
/// `ip/ipneigh.c` and `print_linkinfo()` in `ip/ipaddress.c`.
public enum IprouteImport {
    /// ARPHRD numbers for the `link_type` names iproute2 prints (`ll_type_n2a`).
    static let linkTypes: [String: UInt16] = [
        "ether": 1, "loopback": 772, "none": 65534, "void": 65535, "ieee802.11": 801, "ipip": 768, "tunnel6": 769,
        "sit": 776, "gre": 778, "ip6gre": 823, "infiniband": 32, "ppp": 512, "can": 280,
    ]

    /// Protocol numbers for the names in iproute2's `rt_protos`.
    static let protocols: [String: UInt8] = [
        "unspec": 0, "redirect": 1, "kernel": 2, "boot": 3, "static": 4, "gated": 8, "ra": 9, "mrt": 10,
        "zebra": 11, "bird": 12, "dnrouted": 13, "xorp": 14, "ntk": 15, "dhcp": 16, "keepalived": 18,
        "babel": 42, "openr": 99, "bgp": 186, "isis": 187, "ospf": 188, "rip": 189, "eigrp": 192,
    ]

    /// The links of an `ip -j link show` array. iproute2: `ip -j link show`.
    public static func links(_ json: [Any], file: String) throws -> [Link] {
        var out: [Link] = []
        for (i, item) in json.enumerated() {
            guard let o = item as? [String: Any], let name = o["ifname"] as? String,
                  let index = uint32(o["ifindex"]) else {
                throw RecordError("\(file): item \(i) has no ifname/ifindex; give 'ip -j link show' output")
            }
            let typeName = o["link_type"] as? String ?? "ether"
            let type = linkTypes[typeName] ?? 65535
            let hwLen = (o["address"] as? String).flatMap { PhysicalAddress($0)?.count } ?? 0
            let flags = o["flags"] as? [String] ?? []
            out.append(Link(name: name, index: index, arphrdType: type, hardwareAddressLength: hwLen,
                            ipv4Enabled: true, ipv6Enabled: true, isUp: flags.contains("UP")))
        }
        return out
    }

    /// The rows of an `ip -j neigh show` array, with `dev` names resolved against `links`. iproute2:
    /// `ip -j neigh show`.
    public static func neighbors(_ json: [Any], links: [Link], file: String) throws -> [IpNetRow2] {
        var byName: [String: Link] = [:]
        for l in links { byName[l.name] = l }
        var out: [IpNetRow2] = []
        out.reserveCapacity(json.count)
        for (i, item) in json.enumerated() {
            guard let o = item as? [String: Any], let dst = o["dst"] as? String, let addr = IpAddress(dst) else {
                throw RecordError("\(file): item \(i) has no valid 'dst'; give 'ip -j neigh show' output")
            }
            guard let dev = o["dev"] as? String, let link = byName[dev] else {
                throw RecordError("\(file): item \(i) (\(dst)) names device '\(o["dev"] ?? "")' that the links "
                                  + "file does not list; take both files from the same namespace")
            }
            var mac = PhysicalAddress.empty
            if let t = o["lladdr"] as? String {
                guard let m = PhysicalAddress(t) else {
                    throw RecordError("\(file): item \(i) (\(dst)) has an invalid lladdr '\(t)'")
                }
                mac = m
            }
            let states = (o["state"] as? [String] ?? []).compactMap { NeighborState(name: $0) }
            let state = states.max { rank($0) < rank($1) } ?? .none
            var proto: UInt8 = 0
            if let p = o["protocol"] {
                if let n = uint32(p), n <= 255 { proto = UInt8(n) }
                else if let s = p as? String, let n = UInt8(s) ?? protocols[s] { proto = n }
                else {
                    throw RecordError("\(file): item \(i) (\(dst)) has protocol '\(p)' that is not a known name; "
                                      + "take the snapshot with 'ip -N -j neigh show' for numbers")
                }
            }
            out.append(IpNetRow2(address: addr, interfaceIndex: link.index, interfaceLuid: link.luid,
                                 physicalAddress: mac, state: state, isRouter: o.keys.contains("router"),
                                 isUnreachable: state == .unreachable, protocol: proto))
        }
        return out
    }

    /// Strength order when iproute2 lists several states: static states win, as `NeighborState(nudValue:)` does.
    static func rank(_ s: NeighborState) -> Int {
        [.none, .incomplete, .unreachable, .probe, .delay, .stale, .reachable, .noarp, .permanent]
            .firstIndex(of: s) ?? 0
    }
}

/// A JSON number as Foundation decodes it (an NSNumber that bridges to Int), as UInt32 when whole and in range.
func uint32(_ any: Any?) -> UInt32? {
    if any is String { return nil }
    if let i = any as? Int { return UInt32(exactly: i) }
    return nil
}
