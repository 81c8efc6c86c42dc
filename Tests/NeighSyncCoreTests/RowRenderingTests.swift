import Testing
import IpNetCore
@testable import NeighSyncCore

/// One text rendering of a row: `show`/`entry` lines, plan change and pending lines and apply's lines all start with
/// `RowText.head` (address without scope, escaped interface name, MAC when there is one), so a hostile interface
/// name or a scoped address reads the same everywhere.
@Suite struct RowRenderingTests {
    static let name = "ev\u{1B}[31mil"
    static let mac = PhysicalAddress("02:00:00:00:00:10")!

    @Test(arguments: [("fe80::1%3", true), ("192.0.2.10", true), ("ff02::fb", false)])
    func everyRenderingStartsWithTheOneHead(address: String, withMac: Bool) {
        let row = IpNetRow2(address: IpAddress(address)!, interfaceIndex: 3,
                            physicalAddress: withMac ? Self.mac : .empty, state: withMac ? .permanent : .noarp, protocol: 245)
        let head = RowText.head(row.address, interfaceName: Self.name, physicalAddress: row.physicalAddress)
        #expect(head == "\(row.address.withoutScope) dev ev\\x1b[31mil" + (withMac ? " lladdr 02:00:00:00:00:10" : ""))
        let change = Change(action: .create, interfaceName: Self.name, before: nil, after: row)
        #expect(RowText.line(row, interfaceName: Self.name).hasPrefix(head + " "))
        #expect(PlanRenderer(color: false).line(change) == "  + " + head + " \(row.state.rawValue)  # absent")
        #expect(ApplyRenderer.appliedLines([change]) == "created " + head + "\n")
        let report = ApplyReport(changes: [change], results: [.failed(.notFound("gone"))], unchanged: 0)
        #expect(ApplyRenderer(verbose: false).render(report).errors
                    == ["error: ERROR_NOT_FOUND: create " + head + ": gone"])
    }
}
