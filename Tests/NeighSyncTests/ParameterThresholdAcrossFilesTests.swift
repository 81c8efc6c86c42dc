import Foundation
@testable import NeighSync
@testable import NeighSyncCore
import Testing

/// Issue 14, red-team finding 5: gcThresh1 ≤ gcThresh2 ≤ gcThresh3 holds over the merged files of a directory, the
/// error at the later file's key with a note at the other.
@Suite struct ParameterThresholdAcrossFilesTests {
    @Test func thresholdsOutOfOrderAcrossFilesAreRefusedAtTheLaterFilesKey() throws {
        let dir = "/tmp/nsx-params-thresh-\(UInt64.random(in: 0...UInt64.max))"
        try FileSystemHelper.write(dir + "/a.yaml", "version: 1\nneighbors: []\nparameters: { tables: { ipv4: { gcThresh1: 100 } } }\n")
        try FileSystemHelper.write(dir + "/b.yaml", "version: 1\nneighbors: []\nparameters: { tables: { ipv4: { gcThresh3: 50 } } }\n")
        try FileSystemHelper.write(dir + "/c.yaml", "version: 1\nneighbors: []\nparameters: { tables: { ipv6: { gcThresh3: 50 } } }\n")
        defer { FileSystemHelper.remove(dir) }
        guard case .failure(let list) = DesiredStateLoader.load(path: dir) else {
            Issue.record("must not load")
            return
        }
        #expect(list.diagnostics.map(\.description) == [
            "\(dir)/b.yaml:3:44: error: 'gcThresh3' (50) is below 'gcThresh1' (100); the garbage collector needs "
            + "gcThresh1 ≤ gcThresh2 ≤ gcThresh3 (across the files of the directory)",
        ])
        #expect(list.diagnostics.first?.notes.map(\.mark.file) == ["\(dir)/a.yaml"])
    }

    @Test func thresholdsInOrderAcrossFilesLoad() throws {
        let dir = "/tmp/nsx-params-thresh-\(UInt64.random(in: 0...UInt64.max))"
        try FileSystemHelper.write(dir + "/a.yaml", "version: 1\nneighbors: []\nparameters: { tables: { ipv4: { gcThresh1: 100 } } }\n")
        try FileSystemHelper.write(dir + "/b.yaml", "version: 1\nneighbors: []\nparameters: { tables: { ipv4: { gcThresh3: 500 } } }\n")
        defer { FileSystemHelper.remove(dir) }
        let state = try DesiredStateLoader.load(path: dir).get()
        #expect(state.parameters.map(\.value) == [100, 500])
    }
}
