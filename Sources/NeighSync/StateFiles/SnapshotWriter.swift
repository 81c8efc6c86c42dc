import IpNet
import IpNetCore
import NeighSyncCore

/// Writes a snapshot (`neighsync show --output json`) as text directly, one neighbor per line, so 100,000 rows take
/// a fraction of a second and little memory (a generic encoder builds a tree of every value first). The shape is
/// `Snapshot`'s, which `SnapshotReader` reads back; each row is a `RowRecord` (`appendJSONLine`), proxy entries
/// among them with the flag `proxy`. iproute2 equivalent: `ip -j neigh show` (`json_writer.c`).
public enum SnapshotWriter {
    /// The JSON text, ending with a newline.
    public static func json(links: [Link], rows: [IpNetRow2], parameters: [NeighborParameterSet]? = nil,
                            initialNamespace: Bool? = nil) -> String {
        var names: [UInt32: String] = [:]
        for l in links { names[l.index] = l.name }
        var out = "{\n  \"formatVersion\" : 1,\n  \"kind\" : \"neighsync-snapshot\",\n  \"links\" : ["
        out.reserveCapacity(rows.count * 200 + links.count * 160 + 128)
        for (i, l) in links.enumerated() {
            out += i == 0 ? "\n    " : ",\n    "
            out += "{\"name\": \(JSONText.quoted(l.name)), \"index\": \(l.index), \"arphrdType\": \(l.arphrdType), "
            out += "\"hardwareAddressLength\": \(l.hardwareAddressLength), \"ipv4Enabled\": \(l.ipv4Enabled), "
            out += "\"ipv6Enabled\": \(l.ipv6Enabled), \"isUp\": \(l.isUp)"
            // The link-type flags only when set, so snapshots of plain links read the same as before.
            if l.isLoopback { out += ", \"isLoopback\": true" }
            if l.isPointToPoint { out += ", \"isPointToPoint\": true" }
            if l.isNoArp { out += ", \"isNoArp\": true" }
            out += "}"
        }
        out += links.isEmpty ? "],\n  \"neighbors\" : [" : "\n  ],\n  \"neighbors\" : ["
        for (i, r) in rows.enumerated() {
            out += i == 0 ? "\n    " : ",\n    "
            // The one JSON shape of a row (`RowRecord`; a proxy entry carries the flag `proxy`).
            RowRecord(r, interfaceName: names[r.effectiveInterfaceIndex]).appendJSONLine(to: &out)
        }
        out += rows.isEmpty ? "]" : "\n  ]"
        if let initialNamespace { out += ",\n  \"initialNamespace\" : \(initialNamespace)" }
        if let parameters {
            // The neighbor-table parameters (`NeighborTableProtocol.parameters()`), one set per line.
            out += ",\n  \"parameters\" : ["
            for (i, s) in parameters.enumerated() {
                out += i == 0 ? "\n    " : ",\n    "
                out += "{\"family\": \"\(s.family.rawValue)\", \"interfaceIndex\": \(s.interfaceIndex), \"values\": {"
                out += s.values.keys.sorted().map { "\"\($0.rawValue)\": \(s.values[$0]!)" }.joined(separator: ", ")
                out += "}}"
            }
            out += parameters.isEmpty ? "]" : "\n  ]"
        }
        out += "\n}\n"
        return out
    }
}
