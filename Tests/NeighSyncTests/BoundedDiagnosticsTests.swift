import Foundation
import Testing
@testable import NeighSync
@testable import NeighSyncCore

/// What a hostile file can make neighsync print is bounded: each snippet is a window of at most
/// `SourceExcerpt.width` columns around the caret (the caret still under the right character), values quoted in
/// messages are cut, control characters are escaped, and at most `DiagnosticList.renderedLimit` positioned
/// diagnostics are printed. The golden text of a clipped snippet is `Fixtures/bad/long-line.expected`; the
/// process-level bounds (stderr size, peak RSS) are in `CLITests/HostileFileTests`.
@Suite("Diagnostics: bounded output")
struct BoundedDiagnosticsTests {
    /// A one-line flow file of about `size` bytes in which every 100th entry, `bad` times, has a bad address.
    static func oneLine(size: Int, bad: Int) -> [UInt8] {
        var text = "{version: 1, neighbors: ["
        var i = 0
        var bads = 0
        while text.utf8.count < size {
            let isBad = bads < bad && i % 100 == 0
            if isBad { bads += 1 }
            text += "{address: \(isBad ? "192.0.2.\(300 + i % 600)" : "2001:db8::\(String(i, radix: 16))"), "
                + "interface: veth0, physicalAddress: \"02:00:00:00:00:01\"}, "
            i += 1
        }
        return Array((text + "]}\n").utf8)
    }

    @Test("a 1 MB one-line file with 100 bad addresses renders 100 short diagnostics, not 100 copies of the line")
    func oneMegabyteOneLine() throws {
        let bytes = Self.oneLine(size: 1 << 20, bad: 100)
        guard case .failure(let e) = DesiredStateLoader.load(data: bytes, fileName: "one-line.yaml") else {
            Issue.record("must not load"); return
        }
        let text = e.rendered()
        // 100 errors reach the loader's maxErrors: it stops there and says so.
        #expect(e.count == 101 && e.diagnostics.last?.message.hasPrefix("too many errors (100)") == true)
        #expect(text.utf8.count < 100 * 600, "rendered \(text.utf8.count) bytes")
        // Every snippet line is at most the window plus the two cut marks and the indent.
        for line in text.split(separator: "\n") where line.hasPrefix("  ") {
            #expect(line.count <= SourceExcerpt.width + 4, "\(line.prefix(200))")
        }
    }

    @Test("the caret stays under the reported column in a clipped window, at the start, middle and end of a line")
    func caretUnderTheColumn() throws {
        let line = Array((String(repeating: "abcdefghij", count: 50) + "Z" + String(repeating: "0123456789", count: 50)).utf8)
        for column in [1, 30, 501, 990, 1001] {
            let s = line.withUnsafeBufferPointer { SourceExcerpt.snippet(line: $0, column: column) }
            let parts = s.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0.unicodeScalars) }
            let caretAt = try #require(parts[1].firstIndex(of: "^"))
            let expected = line.count >= column ? Unicode.Scalar(line[column - 1]) : nil
            #expect(parts[0].count <= SourceExcerpt.width + 4)
            if let expected { #expect(parts[0][caretAt] == expected, "column \(column): \(s)") }
        }
        // Multi-byte characters before the caret count as one column each.
        let wide = Array((String(repeating: "é", count: 300) + "X" + String(repeating: "ü", count: 300)).utf8)
        let s = wide.withUnsafeBufferPointer { SourceExcerpt.snippet(line: $0, column: 301) }
        let parts = s.split(separator: "\n").map { Array($0.unicodeScalars) }
        #expect(parts[0][try #require(parts[1].firstIndex(of: "^"))] == "X")
        #expect(s.hasPrefix("  …") && s.contains("…\n"))
    }

    @Test("a value quoted in a message is cut to 40 characters; control characters are escaped")
    func quotedValuesAreCut() throws {
        // libyaml takes keys up to 1,024 characters; values have no such limit.
        let key = String(repeating: "k", count: 1_000), value = String(repeating: "k", count: 10_000)
        let text = "version: 1\nneighbors:\n  - address: 192.0.2.1\n    interface: veth0\n"
            + "    physicalAddress: \"02:00:00:00:00:01\"\n    \"\(key)\": 1\n  - { address: \"\(value)\", interface: veth0, "
            + "physicalAddress: \"02:00:00:00:00:02\" }\n  - { address: \"\\e[2J\", interface: veth0 }\n"
        guard case .failure(let e) = DesiredStateLoader.load(text: text, fileName: "q.yaml") else {
            Issue.record("must not load"); return
        }
        let cut = String(repeating: "k", count: 40) + "…"
        #expect(e.diagnostics[0].message.hasPrefix("unknown key '\(cut)' in a neighbor entry"))
        #expect(e.diagnostics[1].message.hasPrefix("invalid address '\(cut)'"))
        #expect(e.description.contains("invalid address '\\x1b[2J'"))
        #expect(!e.rendered().unicodeScalars.contains { $0.value == 0x1B })
        #expect(e.rendered().utf8.count < 2_000)
    }

    @Test("file names with control characters are escaped in headers and notes")
    func fileNamesEscaped() throws {
        guard case .failure(let e) = DesiredStateLoader.load(text: "version: 1\n", fileName: "a\u{1B}]0;x\u{07}.yaml")
        else { Issue.record("must not load"); return }
        #expect(e.rendered().hasPrefix("a\\x1b]0;x\\x07.yaml:1:1: error: missing key 'neighbors'"))
    }

    @Test("at most 100 positioned diagnostics are printed, then one line counts the rest")
    func renderedCap() throws {
        let list = DiagnosticList((1...150).map {
            Diagnostic(mark: SourceMark(file: "c.yaml", line: $0, column: 1), message: "problem \($0)")
        } + [Diagnostic(mark: nil, message: "too many errors")])
        let text = list.rendered()
        #expect(text.contains("c.yaml:100:1: error: problem 100\n"))
        #expect(!text.contains("c.yaml:101:1:"))
        #expect(text.hasSuffix("error: too many errors\n… and 50 more errors not shown\n"))
    }
}
