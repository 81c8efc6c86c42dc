import Testing
import IpNetCore

/// `Link.name(fromBytes:)` keeps the bytes of a name that is not UTF-8 (no two names decode alike) and marks it;
/// `DisplayText` prints those bytes as `\xHH`.
@Suite struct LinkNameTests {
    @Test func utf8NamesDecodeAsTheyAre() {
        #expect(Link.name(fromBytes: Array("veth0".utf8)) == "veth0")
        #expect(Link.name(fromBytes: Array("dévé".utf8)) == "dévé")
        let l = Link(name: Link.name(fromBytes: Array("dévé".utf8)), index: 3, arphrdType: 1, hardwareAddressLength: 6)
        #expect(l.isNameExact)
    }

    @Test func invalidBytesAreKeptAndMarked() {
        let ff = Link.name(fromBytes: [0x62, 0xff, 0x63])
        let fe = Link.name(fromBytes: [0x62, 0xfe, 0x63])
        #expect(ff != fe)
        #expect(ff != "b\u{FFFD}c")
        #expect(!Link(name: ff, index: 2, arphrdType: 1, hardwareAddressLength: 6).isNameExact)
        #expect(DisplayText.escaped(ff) == "b\\xffc")
        #expect(DisplayText.sanitized("no interface \(fe)") == "no interface b\\xfec")
        // A truncated sequence and valid text around it.
        let mixed = Link.name(fromBytes: [0xc3, 0xa9, 0xe2, 0x82, 0x41])
        #expect(DisplayText.escaped(mixed) == "é\\xe2\\x82A")
    }
}
