import StrataStore
import Synchronization

/// A decorator over any store that injects faults on command: the negative
/// control of every integrity check. With ``FaultPlan/passThrough`` it forwards
/// everything and passes the conformance suite; with a fault in force, the
/// check built to catch that fault must fail.
///
/// ```
///            read/write                       read/write
///  caller ─────────────▶ FaultyStore ──(faults)──────────▶ Base store
///                          │  drop-writes: skip a put
///                          │  bit-flips / stale-reads: alter returned bytes
///                          │  ignore-conflicts: private snapshot + blind commit
///                          │  non-atomic-commit: one base commit per write
///                          └  crash-before-sync: hold acknowledged commits
/// ```
public final class FaultyStore<Base: Store>: Store {
    public let base: Base
    public let plan: FaultPlan
    let dice: Mutex<SeededDice>
    let operations = Atomic<Int>(0)
    /// Older values of overwritten keys, for stale reads (bounded).
    let history = Mutex<[HistoryKey: [UInt8]]>([:])
    /// Commits acknowledged but not yet applied (crash-before-sync).
    let held = Mutex<[[BufferedOp]]>([])
    private let injected = Atomic<Int>(0)

    public init(base: Base, plan: FaultPlan) {
        self.base = base
        self.plan = plan
        dice = Mutex(SeededDice(seed: plan.seed, rate: plan.rate))
    }

    public var backendName: String { base.backendName }
    /// The base's, less ``StoreCapabilities/countedPrefixes``: the decorator's
    /// transactions count prefixes with a cursor (the protocol's default).
    public var capabilities: StoreCapabilities { base.capabilities.subtracting(.countedPrefixes) }
    public var options: StoreOptions { base.options }
    /// How many faults have fired so far.
    public var injectedFaults: Int { injected.load(ordering: .relaxed) }

    public func columnFamily(_ name: String) throws -> ColumnFamily { try base.columnFamily(name) }
    public func createColumnFamily(_ name: String) throws -> ColumnFamily { try base.createColumnFamily(name) }
    public func dropColumnFamily(_ name: String) throws { try base.dropColumnFamily(name) }
    public func columnFamilyNames() throws -> [String] { try base.columnFamilyNames() }

    public func read<R>(_ body: (ReadTxn) throws -> R) throws -> R {
        try countOperation()
        return try base.read { txn in
            let faulty = ReadTxn(store: self, base: txn)
            defer { faulty.finished = true }
            return try body(faulty)
        }
    }

    public func writeOnce<R>(_ body: (WriteTxn) throws -> R) throws -> R {
        try countOperation()
        if plan.has(.ignoreConflicts) || plan.has(.nonAtomicCommit) || plan.has(.crashBeforeSync) {
            return try bufferedWrite(body)
        }
        return try base.writeOnce { txn in
            let faulty = WriteTxn(store: self, mode: .direct(txn))
            defer { faulty.finished = true }
            return try body(faulty)
        }
    }

    /// Runs the closure on a private snapshot with a buffer of writes, then
    /// commits the buffer as the plan says: blind and whole, piece by piece, or
    /// held back.
    private func bufferedWrite<R>(_ body: (WriteTxn) throws -> R) throws -> R {
        let (result, ops) = try base.read { snapshot in
            let faulty = WriteTxn(store: self, mode: .buffered(snapshot, Overlay()))
            defer { faulty.finished = true }
            let result = try body(faulty)
            return (result, faulty.bufferedOps)
        }
        guard !ops.isEmpty else { return result }
        if plan.has(.crashBeforeSync) {
            let ready: [[BufferedOp]] = held.withLock { pending in
                pending.append(ops)
                guard pending.count >= plan.commitsHeld else { return [] }
                defer { pending.removeAll() }
                return pending
            }
            if ready.isEmpty { noteInjected() }
            for commit in ready { try apply(commit) }
        } else if plan.has(.nonAtomicCommit) {
            noteInjected()
            for op in ops { try apply([op]) }
        } else {
            noteInjected()
            try apply(ops)
        }
        return result
    }

    func apply(_ ops: [BufferedOp]) throws {
        try base.writeOnce { txn in
            for op in ops { try op.apply(to: txn) }
        }
    }

    /// Applies commits held by crash-before-sync (a clean shutdown does this).
    public func flushHeldCommits() throws {
        let pending = held.withLock { p in defer { p.removeAll() }; return p }
        for commit in pending { try apply(commit) }
    }

    public func close() throws {
        try? flushHeldCommits()
        try base.close()
    }

    func countOperation() throws {
        guard plan.has(.failNthOperation) else { return }
        let n = operations.add(1, ordering: .relaxed).newValue
        if n == plan.failingOperation {
            noteInjected()
            throw StoreError(.io, "injected failure of operation \(n)")
        }
    }

    func roll(_ fault: Fault) -> Bool {
        guard plan.has(fault) else { return false }
        let hit = dice.withLock { $0.roll() }
        if hit { noteInjected() }
        return hit
    }

    func randomBit(below count: Int) -> Int { dice.withLock { $0.below(count) } }

    func noteInjected() { injected.add(1, ordering: .relaxed) }

    func remember(old value: [UInt8], key: [UInt8], cf: ColumnFamily) {
        history.withLock { h in
            if h.count > 100_000 { h.removeAll(keepingCapacity: true) }
            h[HistoryKey(cf: cf.id, key: key)] = value
        }
    }

    func stale(key: [UInt8], cf: ColumnFamily) -> [UInt8]? {
        guard plan.has(.staleReads) else { return nil }
        guard let old = history.withLock({ $0[HistoryKey(cf: cf.id, key: key)] }) else { return nil }
        return roll(.staleReads) ? old : nil
    }

    /// The bytes to return instead of `value` when a read fault fires (a stale
    /// older value, or the value with one bit flipped), nil otherwise.
    func alter(key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, cf: ColumnFamily) -> [UInt8]? {
        if plan.has(.staleReads), let old = stale(key: Array(key), cf: cf) { return old }
        if value.count > 0, roll(.bitFlips) {
            var copy = Array(value)
            let bit = randomBit(below: copy.count * 8)
            copy[bit / 8] ^= UInt8(1 << (bit % 8))
            return copy
        }
        return nil
    }

    /// Calls `body` with `value`, or with what a read fault replaces it by.
    func deliver<R>(
        key: UnsafeRawBufferPointer,
        value: UnsafeRawBufferPointer?,
        cf: ColumnFamily,
        _ body: (UnsafeRawBufferPointer?) throws -> R
    ) rethrows -> R {
        if let value, let replaced = alter(key: key, value: value, cf: cf) {
            return try replaced.withUnsafeBytes { try body($0) }
        }
        return try body(value)
    }
}

struct HistoryKey: Hashable {
    let cf: UInt64
    let key: [UInt8]
}

/// Seeded fault decisions.
struct SeededDice {
    var state: UInt64
    let threshold: UInt64
    init(seed: UInt64, rate: Double) {
        state = seed
        threshold = rate >= 1 ? .max : UInt64(rate * Double(UInt64.max))
    }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func roll() -> Bool { threshold == .max || next() < threshold }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
}

/// Wraps any store in a ``FaultyStore``; for code that holds an `any Store`.
public func injectFaults(into store: any Store, plan: FaultPlan) -> any Store {
    func wrap<S: Store>(_ s: S) -> any Store { FaultyStore(base: s, plan: plan) }
    return wrap(store)
}
