// libFuzzer target for the saved-plan reader (`apply PLANFILE`): compiled by .ci/fuzz.sh against libNeighSync.a
// (built with -enable-testing), never by SwiftPM. Each input is one plan file.
import FoundationEssentials
import IpNet
@testable import NeighSync
import NeighSyncCore

/// Reads one fuzzer input as a plan file. A rejection must be a `RecordError` naming the file; an accepted plan
/// must be one `apply` can carry out safely: an owner protocol in 1…255, a known prune mode, desired rows in a
/// desired state carrying the owner protocol, every change row convertible, and it must write back and read back
/// the same. Anything else, or a crash, hang or sanitizer report, is a finding. libFuzzer equivalent:
/// `LLVMFuzzerTestOneInput`.
@_cdecl("LLVMFuzzerTestOneInput")
public func neighsyncFuzzPlanFile(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = size > 0 && data != nil ? Array(UnsafeBufferPointer(start: data, count: size)) : []
    let plan: PlanFile
    do {
        plan = try PlanFileReader.read(bytes, file: "fuzz.json")
    } catch let e as RecordError {
        precondition(e.description.hasPrefix("fuzz.json"), "an error that does not name the file: \(e)")
        return 0
    } catch {
        preconditionFailure("not a RecordError: \(error)")
    }
    precondition(plan.ownerProtocol >= 1 && plan.pruneMode != nil, "accepted owner \(plan.ownerProtocol) / \(plan.prune)")
    do {
        for d in try plan.desiredRows() {
            precondition(DesiredRules.states.contains(d.row.state) && d.row.protocol == plan.ownerProtocol,
                         "accepted a desired row apply must not write: \(d.row)")
        }
        _ = try plan.plan.changes.map(CanonicalChange.init)
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        let back = try PlanFileReader.read(Array(try enc.encode(plan)), file: "fuzz.json")
        precondition(back == plan, "the plan does not read back the same")
    } catch {
        preconditionFailure("an accepted plan fails later: \(error)")
    }
    return 0
}
