import StrataFaults

/// What one `strata stress` run does.
public struct StressOptions: Sendable {
    /// The backends to check, by registry name.
    public var backends: [String]
    /// Records written and verified by the load.
    public var records = 500_000
    /// Bytes per record value.
    public var valueSize = 1024
    /// Threads of each race check.
    public var threads = 4
    /// How long each race check runs.
    public var seconds: Double = 5
    /// Kill-and-recover cycles of the crash check.
    public var crashCycles = 20
    /// Whether the crash child commits with `sync` (off: lost commits are reported, not failed).
    public var crashSync = true
    /// The fault to inject (a negative control), or nil.
    public var inject: Fault?
    /// Seeds every random choice of the run.
    public var seed: UInt64 = 1
    /// Where the report and the data directories go.
    public var outDirectory: String
    /// Keep the data directories after the run.
    public var keepData = false
    /// Records per write transaction in the load.
    public var batchSize = 1000
    /// Only these checks (by name); nil runs all of them.
    public var checks: Set<String>?
    /// The `strata` executable the crash check starts as its child.
    public var childExecutable: String?
    /// Show progress on stderr.
    public var showProgress = false

    public init(backends: [String], outDirectory: String) {
        self.backends = backends
        self.outDirectory = outDirectory
    }

    /// Whether check `name` is selected.
    public func runs(_ name: String) -> Bool { checks?.contains(name) ?? true }

    /// The fault plan that makes `fault` fire reliably at small sizes.
    public static func plan(for fault: Fault, seed: UInt64) -> FaultPlan {
        switch fault {
        case .dropWrites, .bitFlips: return FaultPlan([fault], rate: 0.01, seed: seed)
        case .staleReads: return FaultPlan([fault], rate: 0.3, seed: seed)
        case .failNthOperation: return FaultPlan([fault], failingOperation: 1000, seed: seed)
        case .crashBeforeSync: return FaultPlan([fault], commitsHeld: 32, seed: seed)
        case .nonAtomicCommit, .ignoreConflicts: return FaultPlan([fault], seed: seed)
        }
    }
}

/// The names of the checks, in the order they run. These are the contract of
/// the report.
public enum StressCheck: String, CaseIterable, Sendable {
    case loadVerify = "load-verify"
    case orderedScan = "ordered-scan"
    case reopenVerify = "reopen-verify"
    case lostUpdate = "lost-update"
    case bankInvariant = "bank-invariant"
    case batchAtomicity = "batch-atomicity"
    case deleteRangeVsScanners = "delete-range-vs-scanners"
    case expectedState = "expected-state"
    case documentIndexConsistency = "document-index-consistency"
    case trackerHotCold = "tracker-hot-cold"
    case crashRecovery = "crash-recovery"
}
