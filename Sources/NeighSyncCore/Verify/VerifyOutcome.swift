/// What `neighsync verify` found for one desired entry: the network agrees with the pinned MAC (`confirmed`),
/// another MAC answered (`mismatch`), several did (`conflict`), none did within the window (`silent`), or the entry
/// was not probed (`skipped`, with the reason). The raw values are the JSON `result` and the
/// `neighsync_verify_results{result}` label. (`arping` prints replies one by one).
public enum VerifyOutcome: String, Hashable, Sendable, CaseIterable, Codable {
    case confirmed, mismatch, conflict, silent, skipped

    /// True for the outcomes that make `verify` exit 2: `mismatch`, `conflict`, and with `--strict` `silent`.
    public func fails(strict: Bool) -> Bool {
        switch self {
        case .mismatch, .conflict: return true
        case .silent: return strict
        case .confirmed, .skipped: return false
        }
    }
}
