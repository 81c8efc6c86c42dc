import Testing
import NeighSyncCore

/// The colour rule of the CLI (no-color.org): only a terminal gets colour, `--no-color` and a non-empty `NO_COLOR`
/// turn it off, an empty `NO_COLOR=` does not.
@Suite struct ColorPolicyTests {
    @Test func rule() {
        #expect(ColorPolicy.enabled(noColorFlag: false, environment: [:], isTerminal: true))
        #expect(ColorPolicy.enabled(noColorFlag: false, environment: ["NO_COLOR": ""], isTerminal: true))
        #expect(!ColorPolicy.enabled(noColorFlag: false, environment: ["NO_COLOR": "1"], isTerminal: true))
        #expect(!ColorPolicy.enabled(noColorFlag: false, environment: ["NO_COLOR": "0"], isTerminal: true))
        #expect(!ColorPolicy.enabled(noColorFlag: true, environment: [:], isTerminal: true))
        #expect(!ColorPolicy.enabled(noColorFlag: false, environment: [:], isTerminal: false))
    }
}
