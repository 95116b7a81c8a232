import Foundation
import StrataStore
import Synchronization

/// One writer lock of the striped set (`@unchecked` is not needed: `Mutex` is `Sendable`).
final class Stripe: Sendable {
    let lock = Mutex<Int>(0)
}

extension RaceChecks {
    /// `expected-state`, db_stress's method: for every key the harness keeps the
    /// version it holds and the version being written. Writers (one per key at a
    /// time, through striped locks) record the pending version before they commit
    /// and settle it after; readers take the window before and after their read,
    /// and a version read outside it (older than the first, newer than the last)
    /// is a violation: a stale or phantom read.
    func expectedState(_ store: some Store) throws -> CheckOutcome {
        let cf = try store.createColumnFamily("expected")
        let keyCount = 512
        let seed = options.seed
        let keys = (0..<keyCount).map { StressRecord.key(prefix: "expected", $0) }
        @Sendable func value(_ k: Int, _ v: UInt64) -> [UInt8] {
            StressRecord.encode(key: keys[k], version: v, seed: seed, valueSize: 64)
        }
        try store.write { txn in for k in 0..<keyCount { try txn.put(keys[k], value(k, 1), in: cf) } }
        // state[k] = (committed, pending); pending 0 means none.
        let state = Mutex<[(committed: UInt64, pending: UInt64)]>(Array(repeating: (1, 0), count: keyCount))
        let stripes = (0..<64).map { _ in Stripe() }
        let version = Atomic<UInt64>(1)
        let findings = Findings()
        let writes = Atomic<Int>(0)
        let reads = Atomic<Int>(0)
        let deadline = now() + options.seconds
        let writerCount = writers
        progress.begin("[\(backend)] expected-state")
        runThreads(writerCount + readers) { index in
            var rng = StressRandom(seed: seed &+ UInt64(index) &* 0x4000_0007)
            while now() < deadline && !findings.stop.load(ordering: .relaxed) {
                let k = Int.random(in: 0..<keyCount, using: &rng)
                do {
                    if index < writerCount {
                        try stripes[k % stripes.count].lock.withLock { _ in
                            let v = version.add(1, ordering: .relaxed).newValue
                            state.withLock { $0[k].pending = v }
                            try store.write { txn in try txn.put(keys[k], value(k, v), in: cf) }
                            state.withLock { $0[k] = (v, 0) }
                        }
                        writes.add(1, ordering: .relaxed)
                    } else {
                        let before = state.withLock { $0[k] }
                        let verdict: StressRecord.Verdict? = try store.read { txn in
                            try txn.withValue(forKey: keys[k], in: cf) { v in
                                v.map { v in keys[k].withUnsafeBytes { StressRecord.verify(v, key: $0, seed: seed) } }
                            }
                        }
                        let after = state.withLock { $0[k] }
                        reads.add(1, ordering: .relaxed)
                        progress.advance()
                        let low = before.committed
                        let high = max(after.committed, after.pending)
                        switch verdict {
                        case nil:
                            findings.report(
                                "key \(printable(keys[k])): expected a version in \(low)...\(high), found nothing")
                        case .invalid(let why)?:
                            findings.report(
                                "key \(printable(keys[k])): expected a version in \(low)...\(high), found \(why)")
                        case .valid(let v)? where v < low || v > high:
                            findings.report(
                                "key \(printable(keys[k])): expected a version in \(low)...\(high), found \(v)")
                        case .valid?: break
                        }
                    }
                } catch {
                    findings.fail(error)
                }
            }
        }
        progress.end()
        // Settled: every key holds exactly its committed version.
        let settled = state.withLock { $0 }
        try store.read { txn in
            for k in 0..<keyCount {
                if let why = StressRecord.problem(
                    try txn.get(keys[k], in: cf), key: keys[k], version: settled[k].committed, seed: seed)
                {
                    findings.report("key \(printable(keys[k])) after the run: \(why)")
                }
            }
        }
        let n = reads.load(ordering: .relaxed)
        var outcome = CheckOutcome(
            passed: findings.count == 0,
            detail:
                "\(writerCount) writers, \(readers) readers, \(keyCount) keys; \(writes.load(ordering: .relaxed)) writes, \(n) reads checked against the expected window",
            figures: [
                "writes": Double(writes.load(ordering: .relaxed)), "reads": Double(n),
                "reads_per_s": Double(n) / options.seconds, "violations": Double(findings.count),
            ]
        )
        outcome.add(findings.summary("reads outside the expected window"))
        return outcome
    }
}
