/// How `RunLogger` writes its lines: `text` is logfmt (`ts=… level=info event=create address=192.0.2.10 …`, values
/// with spaces or quotes in double quotes), `json` is one JSON object per line with the same keys in the same order.
/// Equivalent: systemd-journald's `KEY=value` fields; iproute2 has `ip -j monitor` for JSON.
public enum LogFormat: String, Hashable, Sendable, CaseIterable {
    /// `key=value` pairs.
    case text
    /// One JSON object per line.
    case json
}
