import IpNet
import IpNetCore
import NeighSyncCore

extension Reconciliation {
    /// `CoexistenceCheck` over this run's desired and current rows (the other-owner check works offline from a
    /// snapshot too), with the host's own addresses and networkd's link states when the caller has them.
    public func coexistenceWarnings(addresses: [InterfaceAddress]? = nil,
                                    networkd: [UInt32: NetworkdLinkState]? = nil) -> [Diagnostic] {
        CoexistenceCheck.warnings(entries: desired, links: links, ownerProtocol: state.ownerProtocol,
                                  current: current, addresses: addresses, networkd: networkd)
    }

    /// The file's warnings followed by `extra`, one list for printing.
    public func warnings(adding extra: [Diagnostic]) -> DiagnosticList {
        extra.isEmpty ? state.warnings
            : DiagnosticList(state.warnings.diagnostics + extra, snippets: state.warnings.snippets)
    }
}

extension NetworkdLinkState {
    /// networkd's state of each link in `indexes` that it has a file for, read from `directory`. Only meaningful in
    /// the initial network namespace, where networkd runs.
    public static func read(indexes: some Sequence<UInt32>,
                            directory: String = stateDirectory) -> [UInt32: NetworkdLinkState] {
        var out: [UInt32: NetworkdLinkState] = [:]
        for i in Set(indexes) { if let s = read(index: i, directory: directory) { out[i] = s } }
        return out
    }
}
