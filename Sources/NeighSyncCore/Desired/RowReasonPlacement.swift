import IpNetCore

/// How a reason of the one row validator (`NeighborRowValidator`) is reported about a desired-state file: at the
/// value of the key it is about, in the file's words (the key named before an address problem, the link's index
/// after a foreign zone id, `defaults` offered where an interface is missing). The loader uses it when it finishes an
/// entry, `DesiredState.resolve(links:)` when it checks an entry against its link, so a reason reads and points
/// the same wherever it is found. Pure: no YAML, no IO.
package enum RowReasonPlacement {
    package typealias Field = NeighborFields.Field

    /// The key whose value `reason` is about; nil for the entry as a whole (reported at its list item).
    package static func field(of reason: InvalidParameterReason) -> Field? {
        switch reason {
        case .unspecifiedAddress, .broadcastAddress, .loopbackAddress, .ipv4MappedAddress, .zoneMismatch,
             .ipv4KeyedAsUnspecified, .noarpNeedsPhysicalAddress, .managedOnNonResolvingLink,
             .managedMulticast, .managedBroadcastRoute,
             .proxyWithoutNeighborDiscovery:
            return .address
        case .managedWithPhysicalAddress:
            return .physicalAddress
        case .managedWithRouterFlag:
            return .isRouter
        case .managedWithStaticState:
            return .state
        case .routerFlagOnIPv4:
            return .isRouter
        case .physicalAddressLength, .physicalAddressMissing:
            return .physicalAddress
        case .luidIndexMismatch, .luidTypeMismatch:
            return .interfaceLuid
        case .interfaceUnspecified, .proxyFields, .other:
            return nil
        }
    }

    /// The message for `reason` about the entry for `address`; `link` is the link the entry resolved to, when known.
    package static func message(_ reason: InvalidParameterReason, address: IpAddress, link: Link? = nil) -> String {
        switch reason {
        case .unspecifiedAddress, .broadcastAddress, .loopbackAddress, .ipv4MappedAddress:
            return "address \(reason)"
        case .zoneMismatch:
            return "address \(reason)" + (link.map { " (\($0.name) is index \($0.index))" } ?? "")
        case .interfaceUnspecified:
            return "no interface for \(address): give interface, interfaceIndex or interfaceLuid in the entry or "
                + "under defaults"
        default:
            return reason.description
        }
    }

    /// `reason` about the loaded entry `n`, positioned at the value it is about (else at the entry's list item).
    package static func diagnostic(_ reason: InvalidParameterReason, for n: DesiredNeighbor, link: Link? = nil) -> Diagnostic {
        let mark = field(of: reason).flatMap { n.mark(of: $0.name) } ?? n.mark
        return Diagnostic(mark: mark, message: message(reason, address: n.address, link: link))
    }
}
