import Foundation
import Testing
@testable import IpNet
import NetnsTesting
@testable import IpNetCore

/// Faults injected under `NetlinkSocket` through its `io` seam (`NetlinkIO`) while it talks to a real kernel in a
/// fresh namespace: failing sends, an error ack in the middle of a batch, NLM_F_DUMP_INTR, ENOBUFS during a dump,
/// truncated datagrams. Each checks the error, the retry where one is safe, and — with `ip -j neigh show` — that
/// no change was lost or made twice, and that `perform`'s results line up with the injected failures.
@Suite(.serialized) struct NetlinkFaultInjectionTests {
    static let rtmGetNeigh: UInt16 = 30
    static let rtmNewNeigh: UInt16 = 28

    /// `count` create operations for 192.0.2.(10+i) (IPv4) or 2001:db8::(10+i) on `index`, tagged protocol 245.
    func creates(_ count: Int, index: UInt32, ipv6: Bool = false) -> [NeighborOperation] {
        (0..<count).map { i in
            let a = IpAddress(ipv6 ? "2001:db8::\(String(10 + i, radix: 16))" : "192.0.2.\(10 + i)")!
            let mac = PhysicalAddress(String(format: "02:00:00:00:%02x:%02x", i / 256, i % 256))!
            return .create(IpNetRow2(address: a, interfaceIndex: index, physicalAddress: mac, state: .permanent,
                                     protocol: 245))
        }
    }

    /// The permanent entries of the namespace as (dst, lladdr) pairs, from `ip -j neigh show nud permanent`.
    func kernelEntries(_ ns: Netns) -> [String] {
        let r = ns.run(["-j", "neigh", "show", "nud", "permanent"])
        guard let arr = try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]] else { return [] }
        return arr.map { "\($0["dst"] as? String ?? "?") \($0["lladdr"] as? String ?? "-")" }.sorted()
    }

    func expected(_ ops: [NeighborOperation], except skipped: Set<Int> = []) -> [String] {
        ops.enumerated().filter { !skipped.contains($0.offset) }
            .map { "\($0.element.row.address) \($0.element.row.physicalAddress)" }.sorted()
    }

    /// Message types of every netlink message in a buffer being sent.
    static func types(_ bytes: UnsafeRawPointer, _ length: Int) -> [UInt16] {
        var out: [UInt16] = []
        NetlinkMessage.forEach(in: UnsafeRawBufferPointer(start: bytes, count: length)) { m in
            out.append(m.type)
            return true
        }
        return out
    }

    /// Whether the first message of datagram `i` in a receive buffer has type `type`.
    static func datagram(_ buffer: UnsafeMutableRawPointer, slot: Int, size: Int, isType type: UInt16) -> Bool {
        (buffer + slot * size).loadUnaligned(fromByteOffset: 4, as: UInt16.self) == type
    }

    @Test func transientSendFailuresAreRetriedOnce() throws {
        guard let ns = try freshNetns() else { return }
        let t = try NeighborTable(namespace: ns.name)
        let ops = creates(20, index: ns.index(of: "veth0"))
        let real = t.socket.io
        var failuresLeft = 2
        var batchSends = 0
        t.socket.io.send = { bytes, length in
            if Self.types(bytes, length).first == Self.rtmNewNeigh {
                batchSends += 1
                if failuresLeft > 0 {
                    failuresLeft -= 1
                    errno = failuresLeft == 1 ? ENOBUFS : EAGAIN
                    return -1
                }
            }
            return real.send(bytes, length)
        }
        let results = t.perform(ops)
        #expect(results.allSatisfy { $0 == nil }, "results: \(results)")
        #expect(batchSends == 3)  // two refused, then one that went through: each entry sent once
        #expect(kernelEntries(ns) == expected(ops))
    }

    @Test func persistentSendFailureFailsEveryOperationAndWritesNothing() throws {
        guard let ns = try freshNetns() else { return }
        let t = try NeighborTable(namespace: ns.name)
        let ops = creates(10, index: ns.index(of: "veth0"), ipv6: true)
        let real = t.socket.io
        for (code, expectedSends) in [(EPERM, 1), (ENOBUFS, 1 + NetlinkSocket.sendRetries)] {
            var sends = 0
            t.socket.io.send = { bytes, length in
                if Self.types(bytes, length).first == Self.rtmNewNeigh {
                    sends += 1
                    errno = code
                    return -1
                }
                return real.send(bytes, length)
            }
            let results = t.perform(ops)
            #expect(sends == expectedSends, "errno \(code): \(sends) sends")
            #expect(results.count == ops.count)
            for r in results {
                let e = try #require(r)
                if code == EPERM {
                    #expect(e.windowsName == "ERROR_ACCESS_DENIED")
                } else {
                    #expect(e.windowsName == "ERRNO_\(ENOBUFS)")
                    #expect(e.reason.contains("cannot send to the kernel"), "\(e.reason)")
                }
            }
            #expect(kernelEntries(ns).isEmpty)
        }
    }

    @Test func errorAckInTheMiddleOfABatchFailsOnlyThatOperation() throws {
        guard let ns = try freshNetns() else { return }
        let t = try NeighborTable(namespace: ns.name)
        let ops = creates(12, index: ns.index(of: "veth0"))
        let real = t.socket.io
        let victim = 5
        t.socket.io.send = { bytes, length in
            if Self.types(bytes, length).first == Self.rtmNewNeigh {
                // Point request `victim` at an interface that does not exist: the kernel acks it with ENODEV.
                var offset = 0, k = 0
                while offset < length {
                    let len = Int(bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
                    if k == victim {
                        UnsafeMutableRawPointer(mutating: bytes).storeBytes(of: Int32(999_999),
                                                                          toByteOffset: offset + 20, as: Int32.self)
                    }
                    offset += (len + 3) & ~3
                    k += 1
                }
            }
            return real.send(bytes, length)
        }
        let results = t.perform(ops)
        for (i, r) in results.enumerated() {
            if i == victim {
                #expect(r?.windowsName == "ERROR_NOT_FOUND", "operation \(i): \(String(describing: r))")
            } else {
                #expect(r == nil, "operation \(i): \(String(describing: r))")
            }
        }
        #expect(kernelEntries(ns) == expected(ops, except: [victim]))
        // Retrying just the failed operation (as a caller may) writes it, and nothing twice.
        t.socket.io = real
        #expect(t.perform([ops[victim]]) == [nil])
        #expect(kernelEntries(ns) == expected(ops))
    }

    /// Runs a neighbor dump with `inject` applied to received datagrams and returns the rows and how many
    /// RTM_GETNEIGH dumps were sent.
    func dump(_ t: NeighborTable, inject: @escaping (_ buffer: UnsafeMutableRawPointer, _ size: Int, _ n: Int32,
                                                     _ lengths: UnsafeMutablePointer<UInt32>) -> Int32)
        throws -> (rows: [IpNetRow2], dumps: Int) {
        let real = t.socket.io
        defer { t.socket.io = real }
        var dumps = 0
        t.socket.io.send = { bytes, length in
            if Self.types(bytes, length).first == Self.rtmGetNeigh { dumps += 1 }
            return real.send(bytes, length)
        }
        t.socket.io.receive = { buffer, size, count, lengths, flags in
            let n = real.receive(buffer, size, count, lengths, flags)
            return n > 0 ? inject(buffer, size, n, lengths) : n
        }
        let rows = try t.table(family: .unspecified)
        return (rows, dumps)
    }

    func populate(_ ns: Netns, _ t: NeighborTable) throws -> [NeighborOperation] {
        let ops = creates(40, index: ns.index(of: "veth0")) + creates(40, index: ns.index(of: "veth1"), ipv6: true)
        #expect(t.perform(ops).allSatisfy { $0 == nil })
        return ops
    }

    func permanent(_ rows: [IpNetRow2]) -> [String] {
        rows.filter { $0.state == .permanent }.map { "\($0.address) \($0.physicalAddress)" }.sorted()
    }

    @Test func interruptedDumpIsRestartedWithoutDuplicates() throws {
        guard let ns = try freshNetns() else { return }
        let t = try NeighborTable(namespace: ns.name)
        let ops = try populate(ns, t)
        var flagged = false
        let (rows, dumps) = try dump(t) { buffer, size, n, _ in
            if !flagged, Self.datagram(buffer, slot: 0, size: size, isType: Self.rtmNewNeigh) {
                flagged = true
                let flags = (buffer + 6).loadUnaligned(as: UInt16.self)
                (buffer + 6).storeBytes(of: flags | NetlinkConstants.dumpInterrupted, as: UInt16.self)
            }
            return n
        }
        #expect(flagged)
        #expect(dumps == 2)
        #expect(permanent(rows) == expected(ops))
        #expect(Set(rows.map(\.key)).count == rows.count)
    }

    @Test func alwaysInterruptedDumpGivesUpWithAClearError() throws {
        guard let ns = try freshNetns() else { return }
        let t = try NeighborTable(namespace: ns.name)
        _ = try populate(ns, t)
        var dumps = 0
        let e = #expect(throws: IpNetError.self) {
            (_, dumps) = try dump(t) { buffer, size, n, _ in
                if Self.datagram(buffer, slot: 0, size: size, isType: Self.rtmNewNeigh) {
                    let flags = (buffer + 6).loadUnaligned(as: UInt16.self)
                    (buffer + 6).storeBytes(of: flags | NetlinkConstants.dumpInterrupted, as: UInt16.self)
                }
                return n
            }
        }
        #expect(e?.windowsName == "ERRNO_\(EAGAIN)")
        #expect(e?.reason.contains("kept changing") == true, "\(String(describing: e))")
        _ = dumps
        // The socket is still usable afterwards.
        #expect(permanent(try t.table(family: .unspecified)).count == 80)
    }

    @Test func enobufsDuringADumpRestartsIt() throws {
        guard let ns = try freshNetns() else { return }
        let t = try NeighborTable(namespace: ns.name)
        let ops = try populate(ns, t)
        let real = t.socket.io
        var dumps = 0
        var injected = false
        var sinceDump = 0
        t.socket.io.send = { bytes, length in
            if Self.types(bytes, length).first == Self.rtmGetNeigh { dumps += 1; sinceDump = 0 }
            return real.send(bytes, length)
        }
        t.socket.io.receive = { buffer, size, count, lengths, flags in
            sinceDump += 1
            if dumps == 1 && !injected && sinceDump == 1 {
                injected = true
                errno = ENOBUFS  // the kernel dropped messages: the rest of this dump cannot be trusted
                return -1
            }
            return real.receive(buffer, size, count, lengths, flags)
        }
        let rows = try t.table(family: .unspecified)
        t.socket.io = real
        #expect(injected)
        #expect(dumps == 2)
        #expect(permanent(rows) == expected(ops))
        #expect(Set(rows.map(\.key)).count == rows.count)
    }

    @Test func truncatedDumpReplyIsAClearErrorAndTheSocketRecovers() throws {
        guard let ns = try freshNetns() else { return }
        let t = try NeighborTable(namespace: ns.name)
        let ops = try populate(ns, t)
        var cut = false
        let e = #expect(throws: IpNetError.self) {
            _ = try dump(t) { buffer, size, n, lengths in
                if !cut, Self.datagram(buffer, slot: 0, size: size, isType: Self.rtmNewNeigh), lengths[0] > 40 {
                    cut = true
                    lengths[0] -= 7  // the last message of the datagram loses its tail
                }
                return n
            }
        }
        #expect(cut)
        #expect(e?.windowsName == "ERRNO_\(EPROTO)")
        #expect(e?.reason.contains("truncated netlink message") == true, "\(String(describing: e))")
        // Leftovers of the broken dump are skipped by sequence number; the next dump is exact.
        let rows = try t.table(family: .unspecified)
        #expect(permanent(rows) == expected(ops))
    }

    @Test func truncatedAckReportsEveryUnackedOperationAsUncertain() throws {
        guard let ns = try freshNetns() else { return }
        let t = try NeighborTable(namespace: ns.name)
        let ops = creates(6, index: ns.index(of: "veth0"))
        let real = t.socket.io
        var cut = false
        t.socket.io.receive = { buffer, size, count, lengths, flags in
            let n = real.receive(buffer, size, count, lengths, flags)
            if n > 0, !cut, Self.datagram(buffer, slot: 0, size: size, isType: NetlinkConstants.error) {
                cut = true
                lengths[0] = 10  // shorter than a netlink header
            }
            return n
        }
        let results = t.perform(ops)
        t.socket.io = real
        #expect(cut)
        // The first ack was unreadable: that operation is reported failed, saying it may have been applied; the
        // others' acks arrive in the following datagrams only if they were in separate ones, so each result is
        // either nil or that uncertain failure, and at least one is the failure.
        let failures = results.compactMap { $0 }
        #expect(!failures.isEmpty)
        for f in failures {
            #expect(f.windowsName == "ERRNO_\(EPROTO)")
            #expect(f.reason.contains("may have been applied"), "\(f.reason)")
        }
        // Nothing was lost: the kernel did every write; the table tells the truth.
        #expect(kernelEntries(ns) == expected(ops))
    }

    @Test func lostAcksAreReportedAsUncertainAndARetryConverges() throws {
        guard let ns = try freshNetns() else { return }
        let t = try NeighborTable(namespace: ns.name)
        let ops = creates(8, index: ns.index(of: "veth0"), ipv6: true)
        let real = t.socket.io
        var batchSent = false
        var injected = false
        t.socket.io.send = { bytes, length in
            if Self.types(bytes, length).first == Self.rtmNewNeigh { batchSent = true }
            return real.send(bytes, length)
        }
        t.socket.io.receive = { buffer, size, count, lengths, flags in
            if batchSent && !injected {
                injected = true
                errno = ENOBUFS  // the kernel could not queue the acks: the writes happened, the answers are gone
                return -1
            }
            return real.receive(buffer, size, count, lengths, flags)
        }
        let results = t.perform(ops)
        t.socket.io = real
        #expect(injected)
        for r in results {
            let e = try #require(r, "a lost ack must not read as success")
            #expect(e.windowsName == "ERRNO_\(ENOBUFS)")
            #expect(e.reason.contains("the write may have been applied, re-read the table"), "\(e.reason)")
        }
        #expect(kernelEntries(ns) == expected(ops))
        // Retrying the creates finds each entry there (EEXIST), so nothing is written twice.
        #expect(t.perform(ops).allSatisfy { $0?.windowsName == "ERROR_OBJECT_ALREADY_EXISTS" })
        #expect(kernelEntries(ns) == expected(ops))
    }
}
