// libFuzzer target for the state-file reader (`plan --state`, `--links`): compiled by .ci/fuzz.sh against
// libNeighSync.a (built with -enable-testing), never by SwiftPM. Each input is one state file.
import IpNet
@testable import NeighSync
import NeighSyncCore

/// The links an `ip -j neigh show` input is resolved against.
let fuzzLinks = Array(#"[{"ifindex":3,"ifname":"veth0","link_type":"ether","address":"02:00:00:00:00:01","flags":["UP"]}]"#.utf8)

/// Reads one fuzzer input as a snapshot (an object) or `ip -j neigh show` output (an array, with fixed links),
/// and again as an `ip -j link show` file. Either outcome is fine; a crash, hang, sanitizer report, an error that
/// is not a `RecordError` naming the file, or rows without a state are findings. libFuzzer equivalent:
/// `LLVMFuzzerTestOneInput`.
@_cdecl("LLVMFuzzerTestOneInput")
public func neighsyncFuzzSnapshot(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = size > 0 && data != nil ? Array(UnsafeBufferPointer(start: data, count: size)) : []
    do {
        let (_, rows) = try SnapshotReader.parse(bytes, path: "fuzz.json", linksPath: "links.json") { _ in fuzzLinks }
        precondition(rows.count <= bytes.count, "more rows than input bytes")
    } catch let e as RecordError {
        precondition(e.description.hasPrefix("fuzz.json"), "an error that does not name the file: \(e)")
    } catch {
        preconditionFailure("not a RecordError: \(error)")
    }
    do {
        _ = try SnapshotReader.parse(Array("[]".utf8), path: "neigh.json", linksPath: "fuzz-links.json") { _ in bytes }
    } catch let e as RecordError {
        precondition(e.description.hasPrefix("fuzz-links.json"), "an error that does not name the file: \(e)")
    } catch {
        preconditionFailure("not a RecordError: \(error)")
    }
    return 0
}
