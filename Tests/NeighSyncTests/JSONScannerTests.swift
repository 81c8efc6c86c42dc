import Foundation
import IpNet
import Testing
@testable import NeighSync
import IpNetCore
@testable import NeighSyncCore

/// The one JSON reader of snapshots, `--links` files and plan files: strict RFC 8259 strings and numbers, one
/// document per file, errors with the byte offset.
@Suite struct JSONScannerTests {
    /// The first string of `json`, decoded, or the scanner's error text.
    static func string(_ json: String) -> Result<String, JSONScanner.Failure> {
        Array(json.utf8).withUnsafeBytes { raw in
            var s = JSONScanner(raw)
            do { return .success(try s.text()) } catch { return .failure(error as! JSONScanner.Failure) }
        }
    }

    static func error(_ json: String) -> String? {
        if case .failure(let f) = string(json) { return f.description }
        return nil
    }

    @Test func validEscapesDecode() throws {
        #expect(try Self.string(#""a\"b\\c\/d\be\ff\ng\rh\ti\u00e9\u0041""#).get() == "a\"b\\c/d\u{8}e\u{c}f\ng\rh\ti\u{e9}A")
    }

    @Test func aSurrogatePairIsOneScalar() throws {
        #expect(try Self.string(#""\ud83d\ude00""#).get() == "😀")
        #expect(try Self.string(#""v\uD83D\uDE00x""#).get() == "v😀x")
    }

    @Test func loneSurrogatesAreRejectedWithTheirOffset() {
        #expect(Self.error(#""ab\ud83d""#) == "invalid JSON at byte 3: lone high surrogate \\uD83D (a low surrogate "
                + "\\uDC00…\\uDFFF must follow)")
        #expect(Self.error(#""\ud83d\u0041""#) == "invalid JSON at byte 1: lone high surrogate \\uD83D (a low "
                + "surrogate \\uDC00…\\uDFFF must follow)")
        #expect(Self.error(#""\ude00""#) == "invalid JSON at byte 1: lone low surrogate \\uDE00 (not after a high "
                + "surrogate)")
    }

    @Test func unknownAndMalformedEscapesAreRejected() {
        #expect(Self.error(#""a\qb""#) == "invalid JSON at byte 2: unknown escape '\\q' (JSON has \\\" \\\\ \\/ \\b "
                + "\\f \\n \\r \\t \\uXXXX)")
        #expect(Self.error(#""\u12""#) == "invalid JSON at byte 1: bad \\u escape (\\u needs four hex digits)")
        #expect(Self.error(#""\u+123""#) == "invalid JSON at byte 1: bad \\u escape (\\u needs four hex digits)")
        #expect(Self.error(#""\x41""#) == "invalid JSON at byte 1: unknown escape '\\x' (JSON has \\\" \\\\ \\/ \\b "
                + "\\f \\n \\r \\t \\uXXXX)")
    }

    @Test func invalidUTF8AndControlCharactersAreRejected() {
        let bad: [UInt8] = [0x22, 0x61, 0xC3, 0x28, 0x22]
        let r: String? = bad.withUnsafeBytes { raw in
            var s = JSONScanner(raw)
            do { _ = try s.string(); return nil } catch { return "\(error)" }
        }
        #expect(r == "invalid JSON at byte 1: invalid UTF-8 in a string; JSON text is UTF-8")
        #expect(Self.error("\"a\u{1}b\"") == "invalid JSON at byte 2: control character in a string (escape it as \\u0001)")
    }

    @Test func numbersFollowTheGrammar() {
        func integer(_ t: String) -> String {
            Array(t.utf8).withUnsafeBytes { raw in
                var s = JSONScanner(raw)
                do { return (try s.integer()).map { "\($0)" } ?? "nil" } catch { return "\(error)" }
            }
        }
        #expect(integer("0") == "0")
        #expect(integer("-9223372036854775808") == "-9223372036854775808")
        #expect(integer("9223372036854775808") == "nil")
        #expect(integer("1.5") == "nil")
        #expect(integer("1e3") == "nil")
        #expect(integer("01") == "invalid JSON at byte 0: number with a leading zero")
        #expect(integer("1.") == "invalid JSON at byte 2: expected a digit after '.'")
        #expect(integer("1e") == "invalid JSON at byte 2: expected a digit in the exponent")
        #expect(integer("-") == "invalid JSON at byte 0: expected a number")
    }

    static func load(_ text: String, links: String? = nil) -> Result<(links: [Link], rows: [IpNetRow2]), RecordError> {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scan-\(UUID())").path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        FileManager.default.createFile(atPath: dir + "/s.json", contents: Data(text.utf8))
        if let links { FileManager.default.createFile(atPath: dir + "/l.json", contents: Data(links.utf8)) }
        do {
            return .success(try SnapshotReader.load(path: dir + "/s.json", linksPath: links.map { _ in dir + "/l.json" }))
        } catch let e as RecordError {
            return .failure(RecordError(e.description.replacingOccurrences(of: dir + "/", with: "")))
        } catch { return .failure(RecordError("\(error)")) }
    }

    static let snapshot = #"{"formatVersion": 1, "kind": "neighsync-snapshot", "links": [{"name": "v\ud83d\ude00", "index": 3}], "neighbors": []}"#

    @Test func aSnapshotLinkNameWithASurrogatePairIsFound() throws {
        let (links, _) = try Self.load(Self.snapshot).get()
        #expect(links.map(\.name) == ["v😀"])
    }

    @Test func trailingDataAfterTheDocumentIsRejected() {
        let n = Self.snapshot.utf8.count
        #expect(throws: Never.self) { try Self.load(Self.snapshot + " \n").get() }
        for junk in ["x", "{}", ",", "]"] {
            guard case .failure(let e) = Self.load(Self.snapshot + " " + junk) else {
                Issue.record("\(junk) accepted")
                continue
            }
            #expect(e.description == "s.json: invalid JSON at byte \(n + 1): unexpected data after the end of the "
                    + "JSON document")
        }
        guard case .failure(let e) = Self.load("[] []", links: "[]") else { Issue.record("accepted"); return }
        #expect(e.description == "s.json: invalid JSON at byte 3: unexpected data after the end of the JSON document")
        guard case .failure(let l) = Self.load("[]", links: "[]x") else { Issue.record("accepted"); return }
        #expect(l.description == "l.json: invalid JSON at byte 2: unexpected data after the end of the JSON document")
    }
}
