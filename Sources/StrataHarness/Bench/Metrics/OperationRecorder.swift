import Foundation
import Histogram

/// Nanoseconds on the monotonic clock (vDSO, no system call).
@inline(__always)
func monotonicNanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

/// The latencies, errors and completions of one thread's operations, kept per
/// operation type. Each worker thread owns one; the runner merges them after
/// the threads have finished, so recording takes no lock.
///
/// Latencies are nanoseconds in an HDR histogram (3 significant digits,
/// 1 ns to 1 hour). Completions are counted per ``window`` since the run
/// began, which gives the throughput time series.
struct OperationRecorder {
    static let highestTrackable: UInt64 = 3_600_000_000_000
    /// The width of one time-series bucket: 100 ms.
    static let window: UInt64 = 100_000_000

    let names: [String]
    private(set) var histograms: [Histogram<UInt64>]
    private(set) var errors: [Int]
    private(set) var firstErrors: [String] = []
    private(set) var perWindow: [Int] = []
    let start: UInt64

    init(operations names: [String], start: UInt64) {
        self.names = names
        self.start = start
        histograms = names.map { _ in
            Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: Self.highestTrackable, numberOfSignificantValueDigits: .three)
        }
        errors = Array(repeating: 0, count: names.count)
        perWindow.reserveCapacity(128)
    }

    /// Records one finished operation of type `op` that took `nanos` and ended at `end`.
    @inline(__always)
    mutating func record(op: Int, nanos: UInt64, end: UInt64) {
        _ = histograms[op].record(min(max(nanos, 1), Self.highestTrackable))
        let bucket = Int((end &- start) / Self.window)
        while perWindow.count <= bucket { perWindow.append(0) }
        perWindow[bucket] &+= 1
    }

    /// Records a failed operation; the first few messages are kept for the report.
    mutating func recordError(op: Int, _ error: any Error) {
        errors[op] += 1
        if firstErrors.count < 3 { firstErrors.append("\(names[op]): \(error)") }
    }

    /// Adds another thread's recordings (same operation names).
    mutating func merge(_ other: OperationRecorder) {
        precondition(other.names == names, "merging recorders of different workloads")
        for i in histograms.indices { histograms[i].add(other.histograms[i]) }
        for i in errors.indices { errors[i] += other.errors[i] }
        for e in other.firstErrors where firstErrors.count < 3 { firstErrors.append(e) }
        let offset = Int((other.start &- start) / Self.window)
        for (s, n) in other.perWindow.enumerated() {
            let at = s + offset
            while perWindow.count <= at { perWindow.append(0) }
            perWindow[at] += n
        }
    }

    /// Every operation type's histogram merged into one.
    var overall: Histogram<UInt64> {
        var all = histograms[0]
        for h in histograms.dropFirst() { all.add(h) }
        return all
    }

    /// Operations per second in each whole window of a phase that lasted
    /// `seconds` (the last, partial window is left out).
    func timeline(seconds: Double) -> [Int] {
        let whole = Int(seconds * 1e9 / Double(Self.window))
        let scale = 1e9 / Double(Self.window)
        return perWindow.prefix(whole).map { Int(Double($0) * scale) }
    }

    var totalOps: Int { histograms.reduce(0) { $0 + Int($1.totalCount) } }
    var totalErrors: Int { errors.reduce(0, +) }
}

extension Report.Latency {
    /// Mean and percentiles of a nanosecond histogram, in microseconds.
    init(nanoseconds h: Histogram<UInt64>) {
        guard h.totalCount > 0 else {
            self = .zero
            return
        }
        func us(_ v: UInt64) -> Double { Double(v) / 1000 }
        self.init(
            mean: h.mean / 1000, p50: us(h.valueAtPercentile(50)), p90: us(h.valueAtPercentile(90)),
            p99: us(h.valueAtPercentile(99)), p999: us(h.valueAtPercentile(99.9)), max: us(h.max))
        min = us(h.min)
        p95 = us(h.valueAtPercentile(95))
    }
}

extension Report.CurvePoint {
    /// The percentiles the HTML report draws as a latency curve.
    static let percentiles: [Double] = [0, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.99, 100]

    /// The latency curve of a nanosecond histogram, in microseconds.
    static func curve(_ h: Histogram<UInt64>) -> [Report.CurvePoint] {
        guard h.totalCount > 0 else { return [] }
        return percentiles.map { p in
            Report.CurvePoint(percentile: p, micros: Double(p >= 100 ? h.max : h.valueAtPercentile(p)) / 1000)
        }
    }
}
