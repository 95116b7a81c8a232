/// Everything a benchmark run is asked to do (the options of `strata bench`).
public struct BenchOptions: Sendable {
    /// Families to run; each contributes its default workloads.
    public var suites: [Suite] = Suite.allCases
    /// Only these workload names (empty: every workload of the chosen suites).
    public var workloads: [String] = []
    /// YCSB property files to run besides (or, with `--suite ycsb`, instead of) the shipped ones.
    public var workloadFiles: [String] = []
    /// YCSB properties that override every file's (`recordcount=100000`).
    public var ycsbOverrides: [String: String] = [:]
    public var backends: [String] = []
    public var modes: [BenchMode] = BenchMode.allCases
    public var threads: [Int] = [1]
    /// Records of the store suite's dataset.
    public var records = 100_000
    /// Documents of the document suite's dataset.
    public var documents = 10_000
    /// Moving objects of the spatial suite's fleet.
    public var objects = 10_000
    public var keySize = 16
    public var valueSize = 100
    /// Keys per write transaction in the fills.
    public var batchSize = 1
    /// Operations of each timed phase (nil: the workload's default, or `seconds`).
    public var ops: Int?
    /// Seconds of each timed phase, instead of a count.
    public var seconds: Double?
    /// Untimed seconds of operations before each timed phase.
    public var warmupSeconds: Double = 0
    public var repeats = 1
    /// Open loop: operations per second across all threads, latency measured from each
    /// operation's intended start (no coordinated omission).
    public var targetRate: Double?
    public var sync = false
    public var seed: UInt64 = 1
    /// Reference tools to run beside the backends (`db_bench`).
    public var references: [String] = []
    public var outDirectory = "results/run"
    /// The `strata` executable that `tcp` mode starts as `strata serve`.
    public var executable = "strata"
    public var showProgress = false
    /// Backend tuning passed to every store (`block_cache_mb=64`).
    public var tuning: [String: String] = [:]
    /// The allocator's own figures of this process (bytes allocated, bytes resident),
    /// when the executable links one that reports them (the `Jemalloc` trait).
    public var allocatorStats: (@Sendable () -> (allocated: UInt64, resident: UInt64))?

    public init() {}

    /// Checks the options, naming the first bad one.
    /// - Throws: `HarnessError`.
    public func validate() throws {
        func positive(_ value: Int, _ name: String) throws {
            guard value > 0 else { throw HarnessError("--\(name) must be positive, got \(value)") }
        }
        try positive(records, "records")
        try positive(documents, "documents")
        try positive(objects, "objects")
        try positive(valueSize, "value-size")
        try positive(batchSize, "batch-size")
        try positive(repeats, "repeats")
        for t in threads { try positive(t, "threads") }
        if let ops { try positive(ops, "ops") }
        if let seconds, !(seconds > 0 && seconds.isFinite) { throw HarnessError("--seconds must be positive, got \(seconds)") }
        if let targetRate, !(targetRate > 0 && targetRate.isFinite) {
            throw HarnessError("--target-rate must be positive, got \(targetRate)")
        }
        if !(warmupSeconds >= 0 && warmupSeconds.isFinite) { throw HarnessError("--warmup must be zero or more") }
        let digits = String(records * 2).count
        guard keySize >= digits, keySize <= 511 else {
            throw HarnessError("--key-size must be from \(digits) (the digits of 2 × --records) to 511, got \(keySize)")
        }
        if ops != nil && seconds != nil { throw HarnessError("give --ops or --seconds, not both") }
    }
}
