import Foundation
import IpNet
import CoreTestSupport
import Testing
@testable import NeighSync
import IpNetCore
@testable import NeighSyncCore

/// `CoexistenceCheck` (pure) and `NetworkdLinkState` against fake networkd state files: each warning fires exactly
/// for its case, at the entry's position, and says the reason and the fix; what is not known is not checked.
@Suite struct CoexistenceCheckTests {
    static let links = RowFixtures.links + [Link(name: "veth2", index: 5, arphrdType: 1, hardwareAddressLength: 6)]

    static func entry(_ a: String, dev: UInt32 = 3, line: Int) -> DesiredRow {
        DesiredRow(row: RowFixtures.row(a, dev: dev, proto: 245), source: SourceMark(file: "n.yaml", line: line, column: 5))
    }

    static let entries = [entry("192.0.2.10", line: 4), entry("192.0.2.11", line: 6), entry("2001:db8::1", line: 8),
                          entry("192.0.2.1", line: 10), entry("192.0.2.1", dev: 4, line: 12),
                          entry("fe80::1", dev: 4, line: 14)]

    static func texts(_ ds: [Diagnostic]) -> [String] {
        ds.map { "\($0.mark?.description ?? "-") \($0.severity.rawValue): \($0.message)" }
    }

    @Test func anotherOwnersEntryIsATakeoverNamingTheOwner() {
        let current = [RowFixtures.row("192.0.2.10", proto: 11), RowFixtures.row("2001:db8::1", proto: 186),
                       RowFixtures.row("192.0.2.11", proto: 245), RowFixtures.row("192.0.2.1", proto: 0),
                       RowFixtures.row("192.0.2.99", proto: 11)]
        let w = CoexistenceCheck.warnings(entries: Self.entries, links: Self.links, ownerProtocol: 245,
                                          current: current)
        #expect(Self.texts(w) == [
            "n.yaml:4:5 warning: 192.0.2.10 on veth0 is held by protocol 11 (zebra); apply would take it over "
                + "(protocol 245) and that daemon may write it back, so the two would overwrite each other; remove "
                + "the entry from the file, or stop zebra managing it",
            "n.yaml:8:5 warning: 2001:db8::1 on veth0 is held by protocol 186 (bgp); apply would take it over "
                + "(protocol 245) and that daemon may write it back, so the two would overwrite each other; remove "
                + "the entry from the file, or stop bgp managing it",
        ])
        #expect(w.allSatisfy { !$0.isError })
        #expect(CoexistenceCheck.warnings(entries: Self.entries, links: Self.links, ownerProtocol: 11,
                                          current: current).count == 2, "245 and 186 are the others for owner 11")
    }

    @Test func anOwnAddressOnThatLinkIsNeverUsed() {
        let addresses = [InterfaceAddress(interfaceIndex: 3, address: IpAddress("192.0.2.1")!, prefixLength: 24),
                         InterfaceAddress(interfaceIndex: 4, address: IpAddress("fe80::1")!, prefixLength: 64),
                         InterfaceAddress(interfaceIndex: 3, address: IpAddress("198.51.100.1")!, prefixLength: 24)]
        let w = CoexistenceCheck.warnings(entries: Self.entries, links: Self.links, ownerProtocol: 245,
                                          addresses: addresses)
        #expect(Self.texts(w) == [
            "n.yaml:10:5 warning: 192.0.2.1 is veth0's own address; a neighbor entry for it is never used (the kernel "
                + "answers for its own addresses itself); remove the entry or fix the address",
            "n.yaml:14:5 warning: fe80::1 is veth1's own address; a neighbor entry for it is never used (the kernel "
                + "answers for its own addresses itself); remove the entry or fix the address",
        ], "192.0.2.1 on veth1 (line 12) is another link's address: an entry for it is used")
    }

    @Test func nothingKnownNothingChecked() {
        #expect(CoexistenceCheck.warnings(entries: Self.entries, links: Self.links, ownerProtocol: 245).isEmpty)
    }

    /// A fake `/run/systemd/netif/links`: one managed link without KeepConfiguration (one warning, at its first
    /// entry), one with `static`, one whose drop-in sets `yes`, one unmanaged, one whose state file is a FIFO, one
    /// oversized: only the first warns.
    @Test func networkdManagedLinksWithoutKeepConfigurationWarnOncePerLink() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("neighsync-nd-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/links", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func write(_ name: String, _ text: String) throws { try text.write(toFile: "\(dir)/\(name)", atomically: true, encoding: .utf8) }
        try write("10-veth0.network", "[Match]\nName=veth0\n[Network]\nAddress=192.0.2.2/24\n")
        try write("links/3", "# This is private data. Do not parse.\nADMIN_STATE=configured\nOPER_STATE=routable\n"
                  + "NETWORK_FILE=\(dir)/10-veth0.network\n")
        try write("20-veth1.network", "[Network]\n# KeepConfiguration=no\nKeepConfiguration=static\n")
        try write("links/4", "ADMIN_STATE=configuring\nNETWORK_FILE=\(dir)/20-veth1.network\n")
        try write("30-veth2.network", "[Network]\nKeepConfiguration=dhcp-on-stop\n")
        try write("30-veth2.conf", "[Network]\nKeepConfiguration=yes\n")
        try write("links/5", "ADMIN_STATE=configured\nNETWORK_FILE=\(dir)/30-veth2.network\n"
                  + "NETWORK_FILE_DROPINS=\"\(dir)/30-veth2.conf\"\n")
        try write("links/6", "ADMIN_STATE=unmanaged\n")
        #expect(mkfifo("\(dir)/links/7", 0o600) == 0)
        try write("links/8", "ADMIN_STATE=configured\n" + String(repeating: "#", count: 300_000) + "\n")
        // Managed, but its .network file cannot be read (a device): no claim about KeepConfiguration, a warning
        // that says what could not be checked.
        try write("links/10", "ADMIN_STATE=configured\nNETWORK_FILE=/dev/zero\n")

        let states = NetworkdLinkState.read(indexes: [3, 4, 5, 6, 7, 8, 9, 10], directory: dir + "/links")
        #expect(states[3] == NetworkdLinkState(isManaged: true, networkFile: "\(dir)/10-veth0.network",
                                               keepConfiguration: nil))
        #expect(states[4]?.keepConfiguration == "static" && states[4]?.keepsForeignEntries == true)
        #expect(states[5]?.keepConfiguration == "yes" && states[5]?.keepsForeignEntries == true)
        #expect(states[6]?.isManaged == false)
        #expect(states[7] == nil && states[8] == nil && states[9] == nil, "FIFO, oversized, missing: not read")
        #expect(NetworkdLinkState(isManaged: true, networkFile: nil, keepConfiguration: "dhcp-on-stop")
            .keepsForeignEntries == false)

        #expect(states[10]?.unreadableFiles == ["/dev/zero"] && states[10]?.keepsForeignEntries == false)
        let entries = Self.entries + [Self.entry("192.0.2.50", dev: 5, line: 16),
                                      Self.entry("192.0.2.51", dev: 10, line: 20)]
        let w = CoexistenceCheck.warnings(entries: entries, links: Self.links, ownerProtocol: 245, networkd: states)
        #expect(Self.texts(w) == [
            "n.yaml:4:5 warning: veth0 is managed by systemd-networkd (\(dir)/10-veth0.network) without "
                + "KeepConfiguration=static: networkd removes the neighbor entries it did not make whenever it "
                + "reconfigures the link (networkctl reload or reconfigure, a carrier change), until neighsync writes "
                + "them again; add KeepConfiguration=static to the [Network] section of \(dir)/10-veth0.network, or "
                + "write these entries there as [Neighbor] sections instead",
            "n.yaml:20:5 warning: if10 is managed by systemd-networkd, but neighsync could not read /dev/zero (not a "
                + "regular file, too large or missing) to see whether it keeps foreign neighbor entries; check that "
                + "the link's .network file has KeepConfiguration=static in [Network]",
        ])
    }
}
