import FoundationEssentials

/// What systemd-networkd says about one link: whether it manages it, the `.network` file that configures it and
/// whether that file keeps foreign configuration (`[Network] KeepConfiguration=`). networkd removes neighbor entries
/// it did not make whenever it (re)configures a link it manages (`networkctl reload`/`reconfigure`, a carrier
/// change), unless `KeepConfiguration=` is `yes` or `static`. Read from `/run/systemd/netif/links/IFINDEX`
/// (`ADMIN_STATE=`, `NETWORK_FILE=`, `NETWORK_FILE_DROPINS=`), regular files only and size-capped, never written.
/// systemd equivalent: `link_save()` in `networkd-state-file.c`, `sd_network_link_get_*()`; `networkctl status`.
public struct NetworkdLinkState: Hashable, Sendable {
    /// `ADMIN_STATE=` is `configured` or `configuring`.
    public var isManaged: Bool
    /// `NETWORK_FILE=`, when networkd named one.
    public var networkFile: String?
    /// The effective `KeepConfiguration=` value of the file and its drop-ins (nil when unset or unreadable).
    public var keepConfiguration: String?
    /// The `.network` file or drop-ins named by networkd that could not be read (missing, not a regular file, too
    /// large): `keepConfiguration` then says nothing about them.
    public var unreadableFiles: [String] = []

    /// True when networkd keeps static entries it did not make on this link.
    public var keepsForeignEntries: Bool {
        guard let k = keepConfiguration?.lowercased() else { return false }
        return ["static", "yes", "y", "true", "t", "on", "1"].contains(k)
    }

    /// The directory networkd writes its link state to. `NEIGHSYNC_NETWORKD_STATE_DIR` replaces it, for tests only.
    public static var stateDirectory: String {
        let env = ProcessInfo.processInfo.environment["NEIGHSYNC_NETWORKD_STATE_DIR"] ?? ""
        return env.isEmpty ? "/run/systemd/netif/links" : env
    }

    /// The largest state or `.network` file read; networkd's are a few hundred bytes.
    static let sizeLimit = 256 << 10

    /// The state of link `index` from `directory`, nil when networkd has no file for it (not running, or the link
    /// is not its).
    public static func read(index: UInt32, directory: String = stateDirectory) -> NetworkdLinkState? {
        guard let text = readText(directory + "/\(index)") else { return nil }
        let keys = assignments(text, section: nil)
        let admin = keys["ADMIN_STATE"] ?? ""
        var state = NetworkdLinkState(isManaged: admin == "configured" || admin == "configuring",
                                      networkFile: keys["NETWORK_FILE"].flatMap { $0.isEmpty ? nil : $0 },
                                      keepConfiguration: nil)
        if let file = state.networkFile {
            let dropins = (keys["NETWORK_FILE_DROPINS"] ?? "").split(separator: " ").map {
                String($0.filter { $0 != "\"" })
            }
            for f in [file] + dropins where !f.isEmpty {
                guard let t = readText(f) else {
                    state.unreadableFiles.append(f)
                    continue
                }
                if let v = assignments(t, section: "Network")["KeepConfiguration"] {
                    state.keepConfiguration = v.isEmpty ? nil : v
                }
            }
        }
        return state
    }

    /// A regular file's text, nil when it is missing, not a regular file, too large or unreadable.
    static func readText(_ path: String) -> String? {
        guard case .success(let bytes) = BoundedFileReader.read(path, limit: sizeLimit) else {
            return nil
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The `KEY=value` lines of `text` (within `[section]` when given; the last assignment wins), comments (`#`,
    /// `;`) skipped, values unquoted when the whole value is in double quotes. systemd equivalent:
    /// `config_parse()` / `parse_env_file()`.
    static func assignments(_ text: String, section: String?) -> [String: String] {
        var out: [String: String] = [:]
        var current: String? = nil
        for raw in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let line = String(raw).trimmed
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                current = String(line.dropFirst().dropLast())
                continue
            }
            guard section == nil || current == section, let eq = line.firstIndex(of: "=") else { continue }
            let key = String(line[..<eq]).trimmed
            var value = String(line[line.index(after: eq)...]).trimmed
            if value.count >= 2 && value.hasPrefix("\"") && value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast())
            }
            out[key] = value
        }
        return out
    }
}
