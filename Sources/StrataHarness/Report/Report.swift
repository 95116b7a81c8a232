/// A run's report, schema `strata-report/1` (DESIGN.md, "Report schema").
/// Field names are the contract that tools rely on; the Codable keys below
/// spell them exactly.
public struct Report: Codable, Sendable, Equatable {
    public static let schemaName = "strata-report/1"

    public var schema: String
    public var id: String
    public var created: String
    public var environment: Environment
    public var config: Config
    public var results: [Result]
    public var checks: [Check]
    /// The harness's own cost per operation, measured before the run.
    public var calibration: Calibration?

    public init(id: String, created: String, environment: Environment, config: Config, results: [Result] = [], checks: [Check] = []) {
        self.schema = Self.schemaName
        self.id = id
        self.created = created
        self.environment = environment
        self.config = config
        self.results = results
        self.checks = checks
    }

    /// Where and on what a run happened.
    public struct Environment: Codable, Sendable, Equatable {
        public var cpus: Int
        public var cpuModel: String
        public var memoryBytes: UInt64
        public var os: String
        public var kernel: String
        public var swift: String
        public var gitCommit: String
        public var backends: [String: String]
        /// The process's allocator (`jemalloc 5.3.0-…`, `glibc 2.36`): it
        /// decides where a backend's objects lie, and so how fast a scan
        /// over them runs. Absent in reports written before it was recorded.
        public var allocator: String?

        public init(
            cpus: Int, cpuModel: String, memoryBytes: UInt64, os: String, kernel: String, swift: String, gitCommit: String,
            backends: [String: String], allocator: String? = nil
        ) {
            self.cpus = cpus
            self.cpuModel = cpuModel
            self.memoryBytes = memoryBytes
            self.os = os
            self.kernel = kernel
            self.swift = swift
            self.gitCommit = gitCommit
            self.backends = backends
            self.allocator = allocator
        }

        enum CodingKeys: String, CodingKey {
            case cpus, os, kernel, swift, backends, allocator
            case cpuModel = "cpu_model"
            case memoryBytes = "memory_bytes"
            case gitCommit = "git_commit"
        }
    }

    /// What the run was asked to do.
    public struct Config: Codable, Sendable, Equatable {
        public var records: Int
        public var valueSize: Int
        public var threads: [Int]
        public var repeats: Int
        public var sync: Bool
        public var seed: UInt64
        /// Everything else the run was given, as text (command-line options).
        public var options: [String: String]

        public init(records: Int, valueSize: Int, threads: [Int], repeats: Int, sync: Bool, seed: UInt64, options: [String: String] = [:]) {
            self.records = records
            self.valueSize = valueSize
            self.threads = threads
            self.repeats = repeats
            self.sync = sync
            self.seed = seed
            self.options = options
        }

        enum CodingKeys: String, CodingKey {
            case records, threads, repeats, sync, seed, options
            case valueSize = "value_size"
        }
    }

    /// One measured workload on one backend, mode and thread count.
    public struct Result: Codable, Sendable, Equatable {
        public var suite: String
        public var workload: String
        public var backend: String
        public var mode: String
        public var threads: Int
        public var ops: Int
        public var errors: Int
        public var durationSeconds: Double
        public var throughput: Double
        public var latencyMicros: Latency
        public var cpuUserSeconds: Double
        public var cpuSystemSeconds: Double
        public var peakRSSBytes: UInt64
        public var diskBytes: UInt64
        public var bytesWritten: UInt64
        /// Throughput of each repeat, for medians and spreads.
        public var repeats: [Double]
        /// Each operation type of the workload on its own (reads and updates of YCSB A, the queries of the
        /// document suite); nil for single-operation workloads written before this field existed.
        public var operations: [Operation]?
        /// Throughput in operations per second over each 100 ms of the run (the first repeat), for
        /// throughput over time.
        public var timeline: [Int]?
        /// Latency at a few percentiles from 0 to 100, for the latency-percentile curve.
        public var latencyCurve: [CurvePoint]?
        /// The server process's share of the figures above, in `tcp` mode.
        public var server: ServerFigures?
        /// The open-loop target rate in operations per second; nil for closed loop.
        public var targetRate: Double?
        /// The first errors seen, when there were any.
        public var errorSamples: [String]?
        /// jemalloc's figures for the harness process after the run (builds with the `Jemalloc` trait).
        public var allocator: AllocatorFigures?

        public init(
            suite: String, workload: String, backend: String, mode: String, threads: Int, ops: Int, errors: Int,
            durationSeconds: Double, throughput: Double, latencyMicros: Latency, cpuUserSeconds: Double,
            cpuSystemSeconds: Double, peakRSSBytes: UInt64, diskBytes: UInt64, bytesWritten: UInt64, repeats: [Double]
        ) {
            self.suite = suite
            self.workload = workload
            self.backend = backend
            self.mode = mode
            self.threads = threads
            self.ops = ops
            self.errors = errors
            self.durationSeconds = durationSeconds
            self.throughput = throughput
            self.latencyMicros = latencyMicros
            self.cpuUserSeconds = cpuUserSeconds
            self.cpuSystemSeconds = cpuSystemSeconds
            self.peakRSSBytes = peakRSSBytes
            self.diskBytes = diskBytes
            self.bytesWritten = bytesWritten
            self.repeats = repeats
        }

        enum CodingKeys: String, CodingKey {
            case suite, workload, backend, mode, threads, ops, errors, repeats
            case operations, timeline, server, allocator
            case latencyCurve = "latency_curve_us"
            case targetRate = "target_rate_ops_s"
            case errorSamples = "error_samples"
            case durationSeconds = "duration_s"
            case throughput = "throughput_ops_s"
            case latencyMicros = "latency_us"
            case cpuUserSeconds = "cpu_user_s"
            case cpuSystemSeconds = "cpu_sys_s"
            case peakRSSBytes = "peak_rss_bytes"
            case diskBytes = "disk_bytes"
            case bytesWritten = "bytes_written"
        }
    }

    /// Latency percentiles in microseconds.
    public struct Latency: Codable, Sendable, Equatable {
        public var mean: Double
        public var p50: Double
        public var p90: Double
        public var p99: Double
        public var p999: Double
        public var max: Double
        /// The smallest and the 95th-percentile latency (YCSB's output has both); nil in older reports.
        public var min: Double?
        public var p95: Double?

        public init(mean: Double, p50: Double, p90: Double, p99: Double, p999: Double, max: Double) {
            self.mean = mean
            self.p50 = p50
            self.p90 = p90
            self.p99 = p99
            self.p999 = p999
            self.max = max
        }

        public static let zero = Latency(mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0)
    }

    /// One integrity or race check on one backend.
    public struct Check: Codable, Sendable, Equatable {
        public var name: String
        public var backend: String
        public var passed: Bool
        public var detail: String
        public var durationSeconds: Double
        /// Named figures of the check (records, rate, lost, corrupt, …).
        public var figures: [String: Double]

        public init(name: String, backend: String, passed: Bool, detail: String, durationSeconds: Double = 0, figures: [String: Double] = [:]) {
            self.name = name
            self.backend = backend
            self.passed = passed
            self.detail = detail
            self.durationSeconds = durationSeconds
            self.figures = figures
        }

        enum CodingKeys: String, CodingKey {
            case name, backend, passed, detail, figures
            case durationSeconds = "duration_s"
        }
    }
}
