import Foundation
import Testing

@testable import StrataHarness

/// A workload whose first operation stalls for 100 ms and whose others return at once.
struct StallingWorkload: Workload {
    var suite: Suite { .store }
    var name: String { "stall" }
    var operations: [String] { ["op", "other"] }
    func plannedOps(_ run: RunContext) -> Int { 100 }
    func makeWorker(_ run: RunContext, thread: Int) throws -> any BenchWorker { Worker() }
    struct Worker: BenchWorker {
        func choose(_ i: Int) -> Int { i % 2 }
        func perform(_ op: Int, _ i: Int) throws {
            if i == 0 { usleep(100_000) }
            if i == 99 { throw HarnessError("the last operation fails") }
        }
    }
}

@Suite("timed phases")
struct PhaseTests {
    func run(rate: Double?) throws -> PhaseOutcome {
        let context = RunContext(target: NullTarget(), options: BenchOptions(), threads: 1, namespace: "", seed: 1, ops: 100)
        return try Phase.run(StallingWorkload(), context, threads: 1, bound: .ops(100), targetRate: rate)
    }

    /// Open loop charges the stall to every operation it delayed (no coordinated
    /// omission); closed loop charges it to one operation only.
    @Test func openLoopMeasuresFromTheIntendedStart() throws {
        let open = try run(rate: 1000)
        let closed = try run(rate: nil)
        // 100 operations due 1 ms apart all wait behind the 100 ms stall: the median waits ~50 ms.
        #expect(open.recorder.overall.valueAtPercentile(50) > 20_000_000)
        #expect(closed.recorder.overall.valueAtPercentile(50) < 20_000_000)
        #expect(closed.recorder.overall.max >= 100_000_000)
    }

    @Test func operationsAndErrorsAreCountedPerType() throws {
        let outcome = try run(rate: nil)
        let r = outcome.recorder
        #expect(r.totalOps == 99)
        #expect(r.totalErrors == 1)
        #expect(Int(r.histograms[0].totalCount) == 50)
        #expect(Int(r.histograms[1].totalCount) == 49)
        #expect(r.errors == [0, 1])
        #expect(r.firstErrors.first?.contains("the last operation fails") == true)
        #expect(r.perWindow.reduce(0, +) == 99)
    }

    @Test func secondsBoundStopsOnTime() throws {
        let context = RunContext(target: NullTarget(), options: BenchOptions(), threads: 2, namespace: "", seed: 1, ops: 0)
        let outcome = try Phase.run(Calibration.Noop(), context, threads: 2, bound: .seconds(0.2), targetRate: nil)
        #expect(outcome.seconds >= 0.2 && outcome.seconds < 5)
        #expect(outcome.recorder.totalOps > 0)
    }

    @Test func sharesCoverEveryOperationOnce() {
        let context = RunContext(target: NullTarget(), options: BenchOptions(), threads: 3, namespace: "", seed: 1, ops: 10)
        let shares = (0..<3).map { context.share(of: 10, thread: $0) }
        #expect(shares == [0..<4, 4..<7, 7..<10])
    }
}
