// libFuzzer target for the desired-state loader: compiled by .ci/fuzz.sh against libNeighSync.a, never by
// SwiftPM. Each input is one desired-state file.
import IpNet
@testable import NeighSync

/// Loads one fuzzer input as the file `fuzz.yaml` with the default limits and renders every diagnostic (the
/// caret snippet code runs too). Either outcome is fine; a crash, hang, sanitizer report or a failure without a
/// single diagnostic is a finding. libFuzzer equivalent: `LLVMFuzzerTestOneInput`.
@_cdecl("LLVMFuzzerTestOneInput")
public func neighsyncFuzzYAML(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = size > 0 && data != nil ? Array(UnsafeBufferPointer(start: data, count: size)) : []
    switch DesiredStateLoader.load(data: bytes, fileName: "fuzz.yaml") {
    case .success(let state):
        precondition(state.neighbors.count <= bytes.count, "more neighbors than input bytes")
    case .failure(let list):
        let text = list.rendered()
        precondition(!text.isEmpty, "a failed load without any diagnostic")
    }
    return 0
}
