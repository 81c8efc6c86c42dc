import Glibc
import NeighSync
import Synchronization
import Testing

/// `OrderedParallelMap` hands every result back once, in item order, whatever the scheduling, and really uses more
/// than one thread.
@Suite struct OrderedParallelMapTests {
    @Test(arguments: [(count: 0, workers: 4, window: 5), (count: 1, workers: 4, window: 5),
                      (count: 100, workers: 1, window: 7), (count: 100, workers: 4, window: 7),
                      (count: 37, workers: 8, window: 100)])
    func resultsComeBackInOrder(_ count: Int, _ workers: Int, _ window: Int) {
        var emitted: [Int] = []
        OrderedParallelMap.run(count: count, workers: workers, window: window, work: { i in
            // Later items finish first within a window, so the order must come from the map, not the timing.
            usleep(UInt32((count - i) % 5) * 200)
            return i * i
        }, emit: { i, square in
            #expect(square == i * i)
            emitted.append(i)
        })
        #expect(emitted == Array(0..<count))
    }

    @Test func workersRunAtTheSameTime() {
        // (`Synchronization.Atomic`: this test target has a class of its own named `Atomic`.)
        // Each of two items waits until both have started: both get there only when two threads run them at once.
        // Run one after the other, the first gives up after 10 s (a failure, never a hang).
        let started = Synchronization.Atomic<Int>(0), together = Synchronization.Atomic<Int>(0)
        OrderedParallelMap.run(count: 2, workers: 2, window: 2, work: { _ in
            started.add(1, ordering: .sequentiallyConsistent)
            let deadline = ContinuousClock.now + .seconds(10)
            while started.load(ordering: .sequentiallyConsistent) < 2 && ContinuousClock.now < deadline {
                usleep(1000)
            }
            if started.load(ordering: .sequentiallyConsistent) == 2 { together.add(1, ordering: .relaxed) }
            return 0
        }, emit: { _, _ in })
        #expect(together.load(ordering: .relaxed) == 2)
    }
}
