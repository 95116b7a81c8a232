import Foundation
import Synchronization

/// How long a timed phase runs.
enum PhaseBound: Sendable {
    /// Exactly this many operations across all threads.
    case ops(Int)
    /// Until this many seconds have passed.
    case seconds(Double)
}

/// What one timed phase measured.
struct PhaseOutcome {
    var recorder: OperationRecorder
    var seconds: Double
}

/// Runs a workload's timed phase: one worker per thread, started together,
/// every operation timed into the thread's own recorder.
///
/// Closed loop (the default), an operation starts when the previous one ends,
/// so one clock read per operation serves as the end of one and the start of
/// the next. Open loop (`targetRate`), operation `i` of a thread is due at
/// `start + i × threads / rate`; the worker waits for that moment when it is
/// early, and the latency is measured from it even when the worker is late,
/// so a stall is charged to every operation it delayed (no coordinated omission).
enum Phase {
    /// A thread stops after this many errors in a row: the target is broken, not slow.
    static let errorStreakLimit = 1000

    static func run(
        _ workload: any Workload, _ run: RunContext, threads: Int, bound: PhaseBound, targetRate: Double?,
        warmupSeconds: Double = 0, progress: StressProgress? = nil
    ) throws -> PhaseOutcome {
        let ready = Atomic<Int>(0)
        let startTime = Atomic<UInt64>(0)
        let failures = Mutex<[String]>([])
        let recorders = Mutex<[OperationRecorder]>([])
        let stopBackground = Atomic<Bool>(false)
        let background = workload.background(run)
        let backgroundDone = DispatchGroup()
        if let background {
            backgroundDone.enter()
            Thread {
                do { try background { stopBackground.load(ordering: .relaxed) } } catch {
                    failures.withLock { $0.append("background writer: \(error)") }
                }
                backgroundDone.leave()
            }.start()
        }
        let operations = workload.operations
        let plannedCount: Int
        let deadlineNanos: UInt64?
        switch bound {
        case .ops(let n):
            plannedCount = n
            deadlineNanos = nil
        case .seconds(let s):
            plannedCount = .max
            deadlineNanos = UInt64(s * 1e9)
        }
        let interval = targetRate.map { Double(threads) / $0 * 1e9 }

        runThreads(threads) { t in
            var worker: any BenchWorker
            do { worker = try workload.makeWorker(run, thread: t) } catch {
                failures.withLock { $0.append("thread \(t): \(error)") }
                ready.add(1, ordering: .sequentiallyConsistent)
                return
            }
            var i = 0
            if warmupSeconds > 0 && !workload.runsToCompletion {
                let until = monotonicNanos() + UInt64(warmupSeconds * 1e9)
                while monotonicNanos() < until {
                    let op = worker.choose(i)
                    try? worker.perform(op, i)
                    i += 1
                }
                i = 0
            }
            ready.add(1, ordering: .sequentiallyConsistent)
            var start = startTime.load(ordering: .acquiring)
            while start == 0 {
                usleep(20)
                start = startTime.load(ordering: .acquiring)
            }
            let count = plannedCount == .max ? Int.max : run.share(of: plannedCount, thread: t).count
            let deadline = deadlineNanos.map { start + $0 } ?? .max
            var recorder = OperationRecorder(operations: operations, start: start)
            var streak = 0
            var last = monotonicNanos()
            while i < count && last < deadline {
                let op = worker.choose(i)
                var began = last
                if let interval {
                    let due = start + UInt64(Double(i) * interval)
                    while last < due {
                        let wait = due - last
                        if wait > 200_000 { usleep(UInt32(wait / 2000)) }
                        last = monotonicNanos()
                    }
                    began = due
                }
                do {
                    try worker.perform(op, i)
                    last = monotonicNanos()
                    recorder.record(op: op, nanos: last &- began, end: last)
                    streak = 0
                } catch {
                    last = monotonicNanos()
                    recorder.recordError(op: op, error)
                    streak += 1
                    if streak >= errorStreakLimit { break }
                }
                i += 1
                if i & 1023 == 0 { progress?.advance(by: 1024) }
            }
            recorders.withLock { $0.append(recorder) }
        } whenReady: {
            while ready.load(ordering: .sequentiallyConsistent) < threads { usleep(100) }
            startTime.store(monotonicNanos(), ordering: .releasing)
        }
        let end = monotonicNanos()
        stopBackground.store(true, ordering: .relaxed)
        backgroundDone.wait()
        let all = recorders.withLock { $0 }
        let problems = failures.withLock { $0 }
        guard var merged = all.first else {
            throw HarnessError("\(workload.name): no worker started: \(problems.joined(separator: "; "))")
        }
        if !problems.isEmpty { throw HarnessError("\(workload.name): \(problems.joined(separator: "; "))") }
        for r in all.dropFirst() { merged.merge(r) }
        let start = startTime.load(ordering: .relaxed)
        return PhaseOutcome(recorder: merged, seconds: Double(end - start) / 1e9)
    }
}

/// Runs `body(index)` on `count` threads of their own; `whenReady` runs on the
/// calling thread meanwhile (to start them together). Returns when all are done.
func runThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void, whenReady: () -> Void) {
    let done = DispatchGroup()
    for index in 0..<count {
        done.enter()
        let thread = Thread {
            body(index)
            done.leave()
        }
        thread.stackSize = 4 << 20
        thread.start()
    }
    whenReady()
    done.wait()
}
