import NeighSyncCore

extension RowRecord {
    /// Appends this record as one line of JSON object text, keys in `RowRecord`'s order (`address`, `interface` when
    /// known, `interfaceIndex`, `interfaceLuid` when non-zero, `physicalAddress`, `state`, `isRouter`,
    /// `isUnreachable`, `reachabilityTime` when known, `protocol`, `flags` when any): the snapshot writer's row, so
    /// the one JSON shape of a row (`RowRecord`) is also the one a snapshot holds, written without a generic encoder
    /// (100,000 rows in a fraction of a second). `SnapshotReader` reads it back. iproute2 equivalent: one object of
    /// `ip -j neigh show` (`json_writer.c`).
    func appendJSONLine(to out: inout String) {
        out += "{\"address\": \""
        out += address
        out += "\", "
        if let interface { out += "\"interface\": "; out += JSONText.quoted(interface); out += ", " }
        out += "\"interfaceIndex\": "
        out += String(interfaceIndex)
        if let interfaceLuid { out += ", \"interfaceLuid\": \""; out += interfaceLuid; out += "\"" }
        out += ", \"physicalAddress\": \""
        out += physicalAddress
        out += "\", \"state\": \""
        out += state
        out += isRouter ? "\", \"isRouter\": true" : "\", \"isRouter\": false"
        out += isUnreachable == true ? ", \"isUnreachable\": true" : ", \"isUnreachable\": false"
        if let reachabilityTime { out += ", \"reachabilityTime\": "; out += String(reachabilityTime) }
        out += ", \"protocol\": "
        out += String(self.protocol)
        if let flags, !flags.isEmpty {
            out += ", \"flags\": [" + flags.map { JSONText.quoted($0) }.joined(separator: ", ") + "]"
        }
        out += "}"
    }
}
