import Testing
@testable import NeighSyncCore

/// `--debounce` / `--resync` values.
@Suite struct DurationTextTests {
    @Test(arguments: [("200ms", Int64(200)), ("30s", 30_000), ("5m", 300_000), ("1h", 3_600_000),
                      ("1h30m", 5_400_000), ("1.5s", 1500), ("0s", 0), ("2m10s", 130_000)])
    func parses(_ text: String, _ ms: Int64) {
        #expect(DurationText.parse(text) == .milliseconds(ms))
    }

    @Test(arguments: ["", "5", "m", "5x", "-5s", "5 m", "s5", "1.2.3s", "5min", "99999999999h"])
    func rejects(_ text: String) {
        #expect(DurationText.parse(text) == nil)
    }

    @Test func formatsShortestExactText() {
        #expect(DurationText.format(.milliseconds(200)) == "200ms")
        #expect(DurationText.format(.seconds(30)) == "30s")
        #expect(DurationText.format(.seconds(300)) == "5m")
        #expect(DurationText.format(.seconds(5400)) == "1h30m")
        #expect(DurationText.format(.milliseconds(1500)) == "1500ms")
        #expect(DurationText.format(.zero) == "0s")
        for t in ["200ms", "30s", "5m", "1h", "1h30m"] {
            #expect(DurationText.format(DurationText.parse(t)!) == t)
        }
    }
}
