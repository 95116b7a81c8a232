/// The parts of a report that only benchmark runs fill in.
extension Report {
    /// One operation type within a result.
    public struct Operation: Codable, Sendable, Equatable {
        public var name: String
        public var ops: Int
        public var errors: Int
        public var latencyMicros: Latency

        public init(name: String, ops: Int, errors: Int, latencyMicros: Latency) {
            self.name = name
            self.ops = ops
            self.errors = errors
            self.latencyMicros = latencyMicros
        }

        enum CodingKeys: String, CodingKey {
            case name, ops, errors
            case latencyMicros = "latency_us"
        }
    }

    /// A point of a latency-percentile curve.
    public struct CurvePoint: Codable, Sendable, Equatable {
        public var percentile: Double
        public var micros: Double

        public init(percentile: Double, micros: Double) {
            self.percentile = percentile
            self.micros = micros
        }

        enum CodingKeys: String, CodingKey {
            case percentile
            case micros = "us"
        }
    }

    /// What the server process used during a `tcp` result (already included in the totals).
    public struct ServerFigures: Codable, Sendable, Equatable {
        public var cpuUserSeconds: Double
        public var cpuSystemSeconds: Double
        public var peakRSSBytes: UInt64
        public var bytesWritten: UInt64

        public init(cpuUserSeconds: Double, cpuSystemSeconds: Double, peakRSSBytes: UInt64, bytesWritten: UInt64) {
            self.cpuUserSeconds = cpuUserSeconds
            self.cpuSystemSeconds = cpuSystemSeconds
            self.peakRSSBytes = peakRSSBytes
            self.bytesWritten = bytesWritten
        }

        enum CodingKeys: String, CodingKey {
            case cpuUserSeconds = "cpu_user_s"
            case cpuSystemSeconds = "cpu_sys_s"
            case peakRSSBytes = "peak_rss_bytes"
            case bytesWritten = "bytes_written"
        }
    }

    /// What the process allocator reports (jemalloc's `stats.allocated` and `stats.resident`).
    public struct AllocatorFigures: Codable, Sendable, Equatable {
        public var allocatedBytes: UInt64
        public var residentBytes: UInt64

        public init(allocatedBytes: UInt64, residentBytes: UInt64) {
            self.allocatedBytes = allocatedBytes
            self.residentBytes = residentBytes
        }

        enum CodingKeys: String, CodingKey {
            case allocatedBytes = "allocated_bytes"
            case residentBytes = "resident_bytes"
        }
    }

    /// The harness's own cost: an operation that does nothing, timed as every
    /// workload's operations are.
    public struct Calibration: Codable, Sendable, Equatable {
        /// Nanoseconds the harness spends per operation (clock reads, histogram, dispatch).
        public var overheadNanosPerOp: Double
        /// Operations the calibration ran.
        public var ops: Int

        public init(overheadNanosPerOp: Double, ops: Int) {
            self.overheadNanosPerOp = overheadNanosPerOp
            self.ops = ops
        }

        enum CodingKeys: String, CodingKey {
            case ops
            case overheadNanosPerOp = "overhead_ns_per_op"
        }
    }

    /// The key that pairs results across reports: suite, workload, backend, mode, threads.
    public struct ResultKey: Hashable, Sendable, Comparable, CustomStringConvertible {
        public var suite: String
        public var workload: String
        public var backend: String
        public var mode: String
        public var threads: Int

        public static func < (a: Self, b: Self) -> Bool {
            (a.suite, a.workload, a.backend, a.mode, a.threads) < (b.suite, b.workload, b.backend, b.mode, b.threads)
        }

        public var description: String { "\(suite)/\(workload) \(backend) \(mode) t\(threads)" }
    }
}

extension Report.Result {
    /// The pairing key of this result.
    public var key: Report.ResultKey {
        Report.ResultKey(suite: suite, workload: workload, backend: backend, mode: mode, threads: threads)
    }
}
