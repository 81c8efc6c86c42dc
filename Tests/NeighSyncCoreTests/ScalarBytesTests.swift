import Testing
@testable import NeighSyncCore

/// The loader's byte-level scalar typing and key suggestions, which the error messages and the schema's Python
/// resolver both depend on.
@Suite("Scalar typing and key suggestions")
struct ScalarBytesTests {
    static func shape(_ s: String) -> ScalarBytes.Shape {
        var t = s
        return t.withUTF8 { ScalarBytes.shape($0) }
    }

    static func integer(_ s: String) -> ScalarBytes.IntegerValue {
        var t = s
        return t.withUTF8 { ScalarBytes.integer($0) }
    }

    @Test("plain scalars are typed like the schema's resolver",
          arguments: [("", ScalarBytes.Shape.null), ("~", .null), ("null", .null), ("true", .boolean),
                      ("FALSE", .boolean), ("yes", .string), ("off", .string), ("0", .integer), ("-12", .integer),
                      ("0x1F", .integer), ("010", .string), ("1.5", .number), ("-.5e3", .number), ("1e5", .string),
                      ("1e10::1", .string), ("192.0.2.1", .string), ("2001:db8::1", .string), ("veth0", .string),
                      ("02:00:00:00:00:10", .string), ("+5", .string)])
    func shapes(_ text: String, _ expected: ScalarBytes.Shape) {
        #expect(Self.shape(text) == expected)
    }

    @Test("integers: decimal, hex, negative, overflow, leading zero")
    func integers() {
        #expect(Self.integer("4294967296") == .value(4_294_967_296))
        #expect(Self.integer("0x0006000003000000") == .value(0x0006_0000_0300_0000))
        #expect(Self.integer("-1") == .negative(1))
        #expect(Self.integer("18446744073709551616") == .overflow)
        #expect(Self.integer("0x10000000000000000") == .overflow)
        #expect(Self.integer("007") == .leadingZero)
        #expect(Self.integer("0x") == .notInteger)
        #expect(Self.integer("12a") == .notInteger)
    }

    @Test("suggestions: close misspellings only")
    func suggestions() {
        let keys = ["address", "interface", "interfaceIndex", "physicalAddress", "state"]
        #expect(KeySuggester.suggestion(for: "physcialAddress", among: keys) == "physicalAddress")
        #expect(KeySuggester.suggestion(for: "adress", among: keys) == "address")
        #expect(KeySuggester.suggestion(for: "Interface", among: keys) == "interface")
        #expect(KeySuggester.suggestion(for: "colour", among: keys) == nil)
        #expect(KeySuggester.distance(Array("kitten"), Array("sitting")) == 3)
    }
}
