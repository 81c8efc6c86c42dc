import Dispatch
import IpNet
import Testing

/// `BackgroundWork` runs its closure on another thread, hands the result over without keeping a reference (so a
/// 100,000-row result is freed with the caller's copy), and rethrows the closure's error.
@Suite struct BackgroundWorkTests {
    final class Payload: Sendable {
        let value: Int
        init(_ value: Int) { self.value = value }
    }

    struct Failure: Error, Equatable {}

    @Test func theClosureRunsBesideTheCaller() throws {
        let go = DispatchSemaphore(value: 0)
        // Run inline, the closure would wait out its 10 s here and report that it was never let go.
        let work = BackgroundWork { go.wait(timeout: .now() + 10) == .success }
        go.signal()
        #expect(try work.wait())
    }

    @Test func theResultIsHandedOverNotShared() throws {
        let work = BackgroundWork { Payload(7) }
        var payload = try work.wait()
        #expect(payload.value == 7)
        #expect(isKnownUniquelyReferenced(&payload), "BackgroundWork kept a reference to its result")
    }

    @Test func theClosuresErrorIsRethrown() {
        let work = BackgroundWork { () throws -> Int in throw Failure() }
        #expect(throws: Failure.self) { try work.wait() }
    }
}
