import IpNetCore
import NeighSyncCore

/// The check that a kernel keeps managed entries before any of them is planned or written: asked once per table
/// (`NeighborTableProtocol.managedEntriesSupported()`) and only when the desired state has managed entries. On a
/// kernel without NTF_EXT_MANAGED (before Linux 5.16) each managed entry is an `ERROR_NOT_SUPPORTED` error at its
/// position, and the run stops before writing anything: such a kernel would store a NONE entry without the flag,
/// which it never resolves, never a managed one. An unknown answer lets the run go on (the writes tell).
/// Windows equivalent: `ERROR_NOT_SUPPORTED` of `CreateIpNetEntry2`; iproute2: none.
public enum ManagedSupportCheck {
    /// The text of each entry's error.
    public static let message = "ERROR_NOT_SUPPORTED: this kernel does not keep managed neighbor entries "
        + "(NTF_EXT_MANAGED in NDA_FLAGS_EXT needs Linux 5.16 or later); write state: permanent with the neighbor's "
        + "physicalAddress instead, or run on a newer kernel"

    /// The errors for the managed rows of `desired` when `table`'s kernel does not keep managed entries, else nil.
    public static func problems(desired: [DesiredRow], table: NeighborTableProtocol) -> DiagnosticList? {
        let managed = desired.filter { $0.row.flags.contains(.managed) }
        guard !managed.isEmpty, table.managedEntriesSupported() == false else { return nil }
        return DiagnosticList(managed.map { Diagnostic(mark: $0.source, message: message) })
    }
}
