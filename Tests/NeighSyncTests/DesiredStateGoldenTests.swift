import Foundation
import Testing
import NeighSync

/// Golden tests of the exact error text: every fixture under `Fixtures/bad` and `Fixtures/bad-dirs` must fail to
/// load, and its rendered diagnostics (header, source line, caret, notes) must equal the `.expected` file beside it.
@Suite("Desired-state loader: golden error text")
struct DesiredStateGoldenTests {
    @Test("bad file is rejected with the expected diagnostics", arguments: LoaderFixtures.badFiles())
    func badFile(_ relative: String) throws {
        let actual = try #require(LoaderFixtures.rendered(relative), "\(relative) must not load")
        let expected = try #require(LoaderFixtures.expected(relative, actual: actual),
                                    "missing \(LoaderFixtures.expectedPath(relative, in: "Fixtures"))")
        #expect(actual == expected)
    }

    @Test("bad directory is rejected with the expected diagnostics", arguments: LoaderFixtures.badDirectories())
    func badDirectory(_ relative: String) throws {
        let actual = try #require(LoaderFixtures.rendered(relative), "\(relative) must not load")
        let expected = try #require(LoaderFixtures.expected(relative, actual: actual),
                                    "missing \(LoaderFixtures.expectedPath(relative, in: "Fixtures"))")
        #expect(actual == expected)
    }

    @Test("there are golden fixtures to run")
    func fixturesPresent() {
        #expect(LoaderFixtures.badFiles().count >= 30)
        #expect(LoaderFixtures.badDirectories().count >= 2)
    }
}
