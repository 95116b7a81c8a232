import StrataStore

/// A fault the ``FaultyStore`` can inject. The names are the `--inject` values.
public enum Fault: String, CaseIterable, Sendable, CustomStringConvertible {
    /// Acknowledge a fraction of puts and deletes without applying them.
    case dropWrites = "drop-writes"
    /// Apply a commit's writes one at a time, so readers see it in pieces
    /// (and concurrent writers interleave).
    case nonAtomicCommit = "non-atomic-commit"
    /// Serve a fraction of reads from an older value of the key.
    case staleReads = "stale-reads"
    /// Flip one bit in a fraction of the values returned.
    case bitFlips = "bit-flips"
    /// Run writers on private snapshots and commit without conflict detection,
    /// so concurrent read-modify-writes lose updates.
    case ignoreConflicts = "ignore-conflicts"
    /// Acknowledge commits before applying them: they are held in process memory
    /// and applied in groups, so a crash loses acknowledged commits.
    case crashBeforeSync = "crash-before-sync"
    /// Throw an `io` error from the Nth operation.
    case failNthOperation = "fail-nth-operation"

    public var description: String { rawValue }

    /// Parses an `--inject` value, naming the valid ones when it is unknown.
    public static func parse(_ text: String) throws -> Fault {
        guard let fault = Fault(rawValue: text) else {
            throw StoreError(
                .invalidArgument,
                "unknown fault '\(text)'; valid: \(Fault.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        return fault
    }
}

/// Which faults to inject and how often.
public struct FaultPlan: Sendable, Hashable {
    /// The faults in force; empty means pass-through.
    public var faults: Set<Fault>
    /// The chance that one eligible operation is faulted (drop, stale, flip).
    public var rate: Double
    /// For ``Fault/failNthOperation``: which operation (1-based) fails.
    public var failingOperation: Int
    /// For ``Fault/crashBeforeSync``: how many commits are held before they are applied.
    public var commitsHeld: Int
    /// Seeds the fault decisions so a failing run can be replayed.
    public var seed: UInt64

    public init(
        _ faults: Set<Fault> = [],
        rate: Double = 0.01,
        failingOperation: Int = 1000,
        commitsHeld: Int = 32,
        seed: UInt64 = 0x5EED
    ) {
        precondition((0...1).contains(rate), "rate must be in 0...1")
        self.faults = faults
        self.rate = rate
        self.failingOperation = failingOperation
        self.commitsHeld = commitsHeld
        self.seed = seed
    }

    /// No faults: the decorator forwards everything unchanged.
    public static let passThrough = FaultPlan()

    public func has(_ fault: Fault) -> Bool { faults.contains(fault) }

    /// Whether a fault may change the bytes a read returns.
    public var altersReads: Bool { has(.bitFlips) || has(.staleReads) }
}
