import Testing
import IpNetCore
import NeighSyncCore
@testable import NeighSync

/// `verify --metrics FILE` and the `neighsync_verify_results` family of apply's metrics in watch mode: golden text
/// with every result present, bounded labels (the five results, no address).
@Suite struct VerifyMetricsTests {
    static func entry(_ last: UInt32, _ outcome: VerifyOutcome) -> VerifyEntry {
        VerifyEntry(address: .v4(0xC633_6400 + last), interfaceName: "veth0", interfaceIndex: 2,
                    pinned: PhysicalAddress("02:00:00:00:00:10")!, outcome: outcome)
    }

    @Test func verifyRunGoldenText() {
        let report = VerifyReport(entries: [Self.entry(2, .mismatch), Self.entry(3, .silent), Self.entry(4, .confirmed),
                                            Self.entry(5, .skipped), Self.entry(6, .conflict)],
                                  timeout: .milliseconds(500), probesSent: 4)
        #expect(MetricsFile.render(verify: report, finishedAt: 1764112985.5, durationSeconds: 0.75) == """
            # HELP neighsync_verify_results Entries of the last verify run by result (confirmed, mismatch, conflict, silent, skipped).
            # TYPE neighsync_verify_results gauge
            neighsync_verify_results{result="confirmed"} 1
            neighsync_verify_results{result="mismatch"} 1
            neighsync_verify_results{result="conflict"} 1
            neighsync_verify_results{result="silent"} 1
            neighsync_verify_results{result="skipped"} 1
            # HELP neighsync_verify_last_run_timestamp_seconds When the last verify run ended (Unix time).
            # TYPE neighsync_verify_last_run_timestamp_seconds gauge
            neighsync_verify_last_run_timestamp_seconds 1764112985.500
            # HELP neighsync_verify_run_duration_seconds How long the last verify run took.
            # TYPE neighsync_verify_run_duration_seconds gauge
            neighsync_verify_run_duration_seconds 0.750000

            """)
    }

    @Test func watchModeAddsTheFamilyToApplysMetricsOnlyOnceAVerifyRan() {
        var m = RunMetrics(finishedAt: 1764112985, durationSeconds: 0.1, report: nil, converged: false,
                           previousSuccess: nil)
        #expect(!MetricsFile.render(m).contains("neighsync_verify_results"))
        m.verify = [.confirmed: 3, .mismatch: 1]
        let text = MetricsFile.render(m)
        #expect(text.contains("neighsync_verify_results{result=\"confirmed\"} 3\n"))
        #expect(text.contains("neighsync_verify_results{result=\"mismatch\"} 1\n"))
        #expect(text.contains("neighsync_verify_results{result=\"silent\"} 0\n"))
        #expect(text.components(separatedBy: "# TYPE neighsync_verify_results gauge").count == 2)
    }
}
