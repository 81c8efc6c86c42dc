import Glibc
import NeighSyncCore

/// One host of a GitOps fleet directory for `plan --hosts DIR`: `DIR/NAME/neighbors.yaml` (or a `neighbors/`
/// directory of `*.yaml`) and `DIR/NAME/state.json` (the host's `neighsync show --output json`). A host whose
/// directory lacks one of them, or holds something else under those names, carries the `problem`, reported as that
/// host's error; the other hosts are still planned.
public struct FleetHost: Sendable, Hashable {
    /// The directory name (the host name), as it is; print it through `DisplayText.escaped`.
    public var name: String
    /// The desired-state file or directory, for `DesiredStateLoader.load(path:)`.
    public var neighborsPath: String
    /// The snapshot, for `Snapshot.load(path:linksPath:)`.
    public var statePath: String
    /// Why this host cannot be planned, nil when it can.
    public var problem: String?

    /// The hosts of `directory`, sorted by name bytes: every entry that is a directory (symlinks followed, as for
    /// every other path neighsync reads), except dot-directories. Other entries (a README, a regular file) are not
    /// hosts and are skipped; a dangling symlink is a host with a problem (it was meant to be one). Throws
    /// `RecordError` when `directory` itself cannot be listed. C equivalent: `opendir`/`readdir` + `stat`.
    public static func discover(directory: String) throws -> [FleetHost] {
        guard let status = FileStatus(path: directory), status.kind == .directory else {
            throw RecordError(file: "--hosts \(directory)", "not a directory",
                              remedy: "give the directory that holds one directory per host (NAME/neighbors.yaml and "
                                  + "NAME/state.json)")
        }
        guard let names = entries(directory) else {
            throw RecordError(file: "--hosts \(directory)", "cannot list the directory",
                              remedy: "check its permissions")
        }
        let base = directory.hasSuffix("/") ? directory : directory + "/"
        var hosts: [FleetHost] = []
        for bytes in names.sorted(by: { $0.lexicographicallyPrecedes($1) }) where bytes.first != UInt8(ascii: ".") {
            guard let name = String(validating: bytes, as: UTF8.self) else {
                // Never dropped silently: a host nobody sees planned is worse than an error.
                let shown = String(decoding: bytes, as: UTF8.self)
                hosts.append(FleetHost(name: shown, neighborsPath: "", statePath: "",
                                       problem: "the host directory name \(shown) is not UTF-8; rename it"))
                continue
            }
            let dir = base + name
            if let s = FileStatus(path: dir) {
                guard s.kind == .directory else { continue }
                hosts.append(host(name: name, directory: dir))
            } else {
                var st = stat()
                guard lstat(dir, &st) == 0, st.st_mode & S_IFMT == S_IFLNK else { continue }
                hosts.append(FleetHost(name: name, neighborsPath: dir + "/neighbors.yaml",
                                       statePath: dir + "/state.json",
                                       problem: "\(dir) is a dangling symlink; point it at the host's directory "
                                           + "or remove it"))
            }
        }
        return hosts
    }

    /// The host in `dir`: which desired-state path it uses and whether its two inputs are there.
    static func host(name: String, directory dir: String) -> FleetHost {
        let file = dir + "/neighbors.yaml", folder = dir + "/neighbors", state = dir + "/state.json"
        var host = FleetHost(name: name, neighborsPath: file, statePath: state, problem: nil)
        let fileStatus = FileStatus(path: file), folderStatus = FileStatus(path: folder)
        switch (fileStatus?.kind, folderStatus?.kind) {
        case (.some, .some(.directory)):
            host.problem = "\(dir) has both neighbors.yaml and neighbors/; keep one of them"
        case (.some(.regular), _):
            break
        case (.some(let kind), _):
            host.problem = "\(file) is \(kind == .directory ? "a directory" : "not a regular file"); the desired "
                + "state is the file neighbors.yaml or the directory neighbors/"
        case (nil, .some(.directory)):
            host.neighborsPath = folder
        default:
            host.problem = "\(dir) has no neighbors.yaml (nor a neighbors/ directory); add the host's desired state "
                + "or remove the directory"
        }
        guard host.problem == nil else { return host }
        // Anything but a regular file (a FIFO, a directory) is refused by the snapshot reader itself.
        if FileStatus(path: state) == nil {
            host.problem = "\(dir) has no state.json; save the host's snapshot there with "
                + "'neighsync show --output json > \(state)' (on the host)"
        }
        return host
    }

    /// The raw names in `directory` (`.` and `..` left out), nil when it cannot be opened. Raw bytes, so a name that
    /// is not UTF-8 is seen (and reported) instead of skipped. C equivalent: `opendir`/`readdir`.
    static func entries(_ directory: String) -> [[UInt8]]? {
        guard let d = opendir(directory) else { return nil }
        defer { closedir(d) }
        var out: [[UInt8]] = []
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            if name != [0x2e] && name != [0x2e, 0x2e] { out.append(name) }
        }
        return out
    }
}
