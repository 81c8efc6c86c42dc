import Testing
import NeighSync
import NeighSyncCore

/// libyaml runs on a thread of its own and hands events to the parser in batches (`YAMLEventReader`). These feed
/// the cases where the two sides part: the parser stops while libyaml is far ahead (a depth error on line 2 of a
/// 100,000-entry file, the error budget spent), libyaml stops while the parser is behind (a syntax error after many
/// batches), and many loads at once. Each must give the same positioned diagnostics as a single-threaded read, and
/// never hang (a reader that did not let its libyaml thread go would block the load forever).
@Suite("Desired-state loader: libyaml on its own thread")
struct YAMLEventPipelineTests {
    static func entries(_ n: Int) -> String {
        var t = ""
        for i in 0..<n { t += "  - {address: 198.18.\(i / 250).\(i % 250 + 1), physicalAddress: \"02:00:00:00:00:01\"}\n" }
        return t
    }

    @Test("a depth error on line 2 of a 100,000-entry file stops the load at once, 20 times in a row")
    func parserStopsEarly() throws {
        let text = "version: 1\nextra: " + String(repeating: "[", count: 40) + String(repeating: "]", count: 40)
            + "\ndefaults: { interface: veth0 }\nneighbors:\n" + Self.entries(100_000)
        for _ in 0..<20 {
            let list = try #require(HostileInputTests.failure(Array(text.utf8)))
            let deep = try #require(list.diagnostics.first { $0.message.hasPrefix("nesting deeper than 32 levels") })
            #expect(deep.mark?.line == 2)
        }
    }

    @Test("the error budget spent on the first entries of a large file ends the load with the budget's message")
    func budgetSpent() throws {
        var text = "version: 1\ndefaults: { interface: veth0 }\nneighbors:\n"
        for _ in 0..<500 { text += "  - {address: 010.0.0.1, physicalAddress: \"02:00:00:00:00:01\"}\n" }
        text += Self.entries(50_000)
        let list = try #require(HostileInputTests.failure(Array(text.utf8)))
        #expect(list.diagnostics.count > 10)
        #expect(list.diagnostics.allSatisfy { ($0.mark?.line ?? 0) <= 503 })
    }

    @Test("a syntax error after 20,000 entries (many batches) is reported at its line, after the problems before it")
    func syntaxErrorLate() throws {
        let text = "version: 1\ndefaults: { interface: veth0 }\nneighbors:\n" + Self.entries(20_000)
            + "  - {address: 192.0.2.1, physicalAddress: [\n"
        let list = try #require(HostileInputTests.failure(Array(text.utf8)))
        // As read single-threaded: the list where a MAC belongs (line 20,004), then libyaml's error at the end.
        #expect(list.diagnostics.map(\.mark?.line) == [20_004, 20_005])
        #expect(list.diagnostics.last?.message == "YAML syntax error: did not find expected node content")
    }

    @Test("a file that ends inside the first batch, and an empty one, read the same as before")
    func shortInputs() throws {
        let ok = "version: 1\nneighbors: []\n"
        guard case .success(let s) = DesiredStateLoader.load(data: Array(ok.utf8), fileName: "s.yaml") else {
            Issue.record("a two-line file did not load"); return
        }
        #expect(s.neighbors.isEmpty)
        let empty = try #require(HostileInputTests.failure([]))
        #expect(empty.diagnostics.count == 1)
    }

    @Test("eight loads of a 20,000-entry file at once each give all 20,000 entries")
    func concurrentLoads() async throws {
        let text = Array(("version: 1\ndefaults: { interface: veth0 }\nneighbors:\n" + Self.entries(20_000)).utf8)
        let counts = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    if case .success(let s) = DesiredStateLoader.load(data: text, fileName: "c.yaml") {
                        return s.neighbors.count
                    }
                    return -1
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(counts == Array(repeating: 20_000, count: 8))
    }
}
