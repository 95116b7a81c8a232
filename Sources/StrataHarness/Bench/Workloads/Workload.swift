import Synchronization

/// A family of workloads (DESIGN.md, "Harness").
public enum Suite: String, CaseIterable, Sendable, Codable {
    case store, document, spatial, ycsb
}

/// A named, seeded stream of operations, identical on every backend and mode.
///
/// The runner prepares the workload's dataset (untimed), makes one worker per
/// thread, times every operation a worker performs, and calls ``finish(_:)``
/// (untimed). Workers are made on their own threads and used only there.
public protocol Workload: Sendable {
    var suite: Suite { get }
    var name: String { get }
    /// The operation types, in the order `choose` numbers them.
    var operations: [String] { get }
    /// What the workload reads, loaded before timing; nil to start from an empty namespace.
    var dataset: (any Dataset)? { get }
    /// Whether running changes the dataset so that the next workload needs a fresh one.
    var consumesDataset: Bool { get }
    /// The dataset a run leaves behind in its namespace (fillseq leaves the store
    /// suite's records), kept for the workloads that read it instead of loading it again.
    var producesDataset: (any Dataset)? { get }
    /// The operation count when the run is bounded by count and the user gave none,
    /// or the exact count for a workload that must run to completion (a fill).
    func plannedOps(_ run: RunContext) -> Int
    /// Fills and loads ignore `--seconds`: they write exactly their planned operations.
    var runsToCompletion: Bool { get }
    /// A thread count the workload always uses (2 writers + 4 readers), overriding `--threads`.
    var fixedThreads: Int? { get }

    /// One thread's operations.
    func makeWorker(_ run: RunContext, thread: Int) throws -> any BenchWorker
    /// Work that runs beside the timed threads and is not measured (the writer of
    /// readwhilewriting); it returns when `stop()` turns true.
    func background(_ run: RunContext) -> (@Sendable (_ stop: @Sendable () -> Bool) throws -> Void)?
    /// Untimed work after the timed phase (flushing a write buffer).
    func finish(_ run: RunContext) throws
}

extension Workload {
    public var dataset: (any Dataset)? { nil }
    public var consumesDataset: Bool { false }
    public var producesDataset: (any Dataset)? { nil }
    public var runsToCompletion: Bool { false }
    public var fixedThreads: Int? { nil }
    public func background(_ run: RunContext) -> (@Sendable (_ stop: @Sendable () -> Bool) throws -> Void)? { nil }
    public func finish(_ run: RunContext) throws {}
}

/// One thread's operation stream.
public protocol BenchWorker {
    /// The type (index into ``Workload/operations``) of this thread's operation `i`.
    mutating func choose(_ i: Int) -> Int
    /// Performs the operation chosen for `i`.
    mutating func perform(_ op: Int, _ i: Int) throws
}

/// Data a workload needs before it is timed, loaded once and shared by the
/// workloads that read it until one consumes it.
public protocol Dataset: Sendable {
    /// Identifies the dataset: equal ids are interchangeable.
    var id: String { get }
    /// Loads the data into `run.namespace`.
    func load(_ run: RunContext) throws
}

extension Dataset {
    /// The seed of the dataset's contents: the run's seed mixed with the dataset's id,
    /// so that loading it and producing it by a workload give the same data.
    func seed(_ options: BenchOptions) -> UInt64 { mix(options.seed, fnv1a(id)) }
}

/// State the threads of one timed phase share (YCSB's insert counters).
public final class RunShared: Sendable {
    /// Inserts begun: the next new record number is `base + inserted`.
    let inserted = Atomic<Int>(0)
    /// Inserts finished.
    let acknowledged = Atomic<Int>(0)
    public init() {}
}

/// What one run of a workload knows.
public struct RunContext: Sendable {
    public let target: any BenchTarget
    public let options: BenchOptions
    /// Threads of the timed phase.
    public let threads: Int
    /// The column family, collection or tracker namespace the run works in.
    public let namespace: String
    /// The seed of this run's streams: the options' seed mixed with the workload's name,
    /// the same on every backend and mode.
    public let seed: UInt64
    /// Operations planned for the timed phase across all threads (when bounded by count).
    public let ops: Int
    /// Counters the phase's threads share.
    public var shared = RunShared()

    /// The share of `ops` of thread `thread`.
    public func share(of total: Int, thread: Int) -> Range<Int> {
        let per = total / threads
        let extra = total % threads
        let start = thread * per + min(thread, extra)
        return start..<(start + per + (thread < extra ? 1 : 0))
    }

    /// A generator for thread `thread`, seeded from the run's seed.
    public func random(thread: Int, stream: UInt64 = 0) -> StressRandom {
        StressRandom(seed: mix(seed, UInt64(thread) &* 0x9E37_79B9 &+ stream &* 0x85EB_CA6B))
    }
}

/// Mixes two 64-bit values into a seed (SplitMix64's finalizer).
func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
    var z = a ^ (b &+ 0x9E37_79B9_7F4A_7C15 &+ (a << 6) &+ (a >> 2))
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

/// FNV-1a of a string, to mix names into seeds.
func fnv1a(_ text: String) -> UInt64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
    return h
}
