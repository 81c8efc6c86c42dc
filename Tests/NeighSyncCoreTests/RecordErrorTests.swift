import Testing
import NeighSyncCore

/// `RecordError` says what is wrong, where (file, field) and what to do, as parts; the line the user reads is made
/// from them in one of two shapes, byte for byte the messages the readers printed as bare strings.
@Suite struct RecordErrorTests {
    @Test func theLineIsMadeFromTheParts() {
        let e = RecordError(file: "s.json", field: "item 3: parameters", "duplicate key 'family'")
        #expect(e.description == "s.json: item 3: parameters: duplicate key 'family'")
        #expect(e.file == "s.json" && e.field == "item 3: parameters" && e.problem == "duplicate key 'family'")
        #expect(e.remedy == nil && !e.fileIsSubject)
        #expect(RecordError(file: "p.json", "not a neighsync plan file (x)", remedy: "make one with 'neighsync plan'")
                    .description == "p.json: not a neighsync plan file (x); make one with 'neighsync plan'")
        let s = RecordError(subject: "/tmp", "is a directory, not a regular file", remedy: "give a file")
        #expect(s.description == "/tmp is a directory, not a regular file; give a file")
        #expect(s.file == "/tmp" && s.fileIsSubject)
        #expect(RecordError("invalid state 'x' for 192.0.2.1").description == "invalid state 'x' for 192.0.2.1")
        #expect(RecordError("invalid state 'x' for 192.0.2.1").file == nil)
    }
}
