/// Measures the harness's own cost per operation: a workload whose operation
/// does nothing, driven by the same timed loop (operation choice, one clock
/// read, histogram and time-series update) as every real workload.
enum Calibration {
    struct Noop: Workload {
        var suite: Suite { .store }
        var name: String { "noop" }
        var operations: [String] { ["noop"] }
        func plannedOps(_ run: RunContext) -> Int { 2_000_000 }
        func makeWorker(_ run: RunContext, thread: Int) throws -> any BenchWorker { NoopWorker() }
    }

    struct NoopWorker: BenchWorker {
        var sink = 0
        func choose(_ i: Int) -> Int { 0 }
        mutating func perform(_ op: Int, _ i: Int) throws { sink &+= i }
    }

    /// Runs the no-op workload on one thread; the best of three runs.
    static func measure(ops: Int = 2_000_000) -> Report.Calibration {
        var best = Double.infinity
        for _ in 0..<3 {
            let context = RunContext(
                target: NullTarget(), options: BenchOptions(), threads: 1, namespace: "", seed: 1, ops: ops)
            guard let outcome = try? Phase.run(Noop(), context, threads: 1, bound: .ops(ops), targetRate: nil) else {
                continue
            }
            best = min(best, outcome.seconds * 1e9 / Double(max(1, outcome.recorder.totalOps)))
        }
        return Report.Calibration(overheadNanosPerOp: best.isFinite ? best : 0, ops: ops)
    }
}

/// A target with nothing behind it, for calibration.
final class NullTarget: BenchTarget {
    var backend: String { "none" }
    var mode: BenchMode { .embedded }
    var dataPath: String { "" }
    var serverPID: Int32? { nil }
    func kv(_ cf: String) throws -> any KVSession { throw HarnessError("the null target has no store") }
    func dropKV(_ cf: String) throws {}
    func documents() throws -> any DocumentSession { throw HarnessError("the null target has no store") }
    func spatial() throws -> any SpatialSession { throw HarnessError("the null target has no store") }
    func close() throws {}
}
