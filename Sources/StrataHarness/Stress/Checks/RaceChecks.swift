import Foundation
import StrataStore
import Synchronization

/// The race checks: several threads against one store for `--seconds` each.
/// Each widens its race window (writers touch several keys per commit and
/// yield inside the transaction, readers spin) so that the fault it exists to
/// catch shows up even on two cores.
struct RaceChecks {
    let options: StressOptions
    let backend: String
    let progress: StressProgress

    var writers: Int { max(1, options.threads / 2) }
    var readers: Int { max(1, options.threads - writers) }

    /// `lost-update`: T threads each increment K shared counters through
    /// read-modify-write transactions; every counter must end at the number of
    /// committed increments.
    func lostUpdate(_ store: some Store) throws -> CheckOutcome {
        let cf = try store.createColumnFamily("counters")
        let counterCount = 8
        let keys = (0..<counterCount).map { StressRecord.key(prefix: "counter", $0) }
        try store.write { txn in for k in keys { try txn.put(k, encodeUInt64(0), in: cf) } }
        let findings = Findings()
        let committed = Atomic<Int>(0)
        let rejected = Atomic<Int>(0)
        let deadline = now() + options.seconds
        progress.begin("[\(backend)] lost-update")
        runThreads(max(2, options.threads)) { _ in
            while now() < deadline && !findings.stop.load(ordering: .relaxed) {
                do {
                    try store.write { txn in
                        var values: [UInt64] = []
                        for k in keys {
                            guard let v = try txn.withValue(forKey: k, in: cf, decodeUInt64) else {
                                throw HarnessError("counter \(printable(k)) is missing or not 8 bytes")
                            }
                            values.append(v)
                        }
                        sched_yield()
                        for (k, v) in zip(keys, values) { try txn.put(k, encodeUInt64(v + 1), in: cf) }
                    }
                    committed.add(1, ordering: .relaxed)
                    progress.advance()
                } catch StoreError.Code.conflict {
                    // Every retry lost to another writer: the commit rolled back and
                    // was never acknowledged, which is correct, not a lost update.
                    rejected.add(1, ordering: .relaxed)
                } catch {
                    findings.fail(error)
                }
            }
        }
        progress.end()
        let total = committed.load(ordering: .relaxed)
        let finals = try store.read { txn in try keys.map { try txn.withValue(forKey: $0, in: cf, decodeUInt64) } }
        for (k, v) in zip(keys, finals) where v != UInt64(total) {
            let lostText = v.map { Int64(total) - Int64(truncatingIfNeeded: $0) }.map { " (\($0) updates lost)" } ?? ""
            findings.report(
                "counter \(printable(k)): expected \(total), found \(v.map(String.init) ?? "nothing")\(lostText)")
        }
        var outcome = CheckOutcome(
            passed: findings.count == 0,
            detail: "\(max(2, options.threads)) threads, \(counterCount) counters, \(total) committed increments each",
            figures: [
                "commits": Double(total), "commits_per_s": Double(total) / options.seconds,
                "violations": Double(findings.count),
                "rejected_after_retries": Double(rejected.load(ordering: .relaxed)),
            ]
        )
        outcome.add(findings.summary("violations"))
        return outcome
    }

    /// `bank-invariant`: writers move amounts between accounts while readers
    /// sum every balance inside one snapshot; every snapshot must see the same
    /// total (read skew or a non-atomic commit breaks it).
    func bankInvariant(_ store: some Store) throws -> CheckOutcome {
        let cf = try store.createColumnFamily("bank")
        let accounts = 32
        let initial: Int64 = 1000
        let total = Int64(accounts) * initial
        let keys = (0..<accounts).map { StressRecord.key(prefix: "account", $0) }
        try store.write { txn in for k in keys { try txn.put(k, encodeUInt64(UInt64(bitPattern: initial)), in: cf) } }
        let findings = Findings()
        let transfers = Atomic<Int>(0)
        let snapshots = Atomic<Int>(0)
        let deadline = now() + options.seconds
        let writerCount = writers
        let seed = options.seed
        progress.begin("[\(backend)] bank-invariant")
        let rejected = Atomic<Int>(0)
        runThreads(writerCount + readers) { index in
            var rng = StressRandom(seed: seed &+ UInt64(index) &* 0x1000_0001)
            while now() < deadline && !findings.stop.load(ordering: .relaxed) {
                do {
                    if index < writerCount {
                        try store.write { txn in
                            for _ in 0..<3 {
                                let a = Int.random(in: 0..<accounts, using: &rng)
                                var b = Int.random(in: 0..<accounts - 1, using: &rng)
                                if b >= a { b += 1 }
                                let amount = Int64.random(in: 1...100, using: &rng)
                                guard let va = try txn.withValue(forKey: keys[a], in: cf, decodeUInt64),
                                    let vb = try txn.withValue(forKey: keys[b], in: cf, decodeUInt64)
                                else { throw HarnessError("an account is missing or not 8 bytes") }
                                try txn.put(
                                    keys[a], encodeUInt64(UInt64(bitPattern: Int64(bitPattern: va) - amount)), in: cf)
                                sched_yield()
                                try txn.put(
                                    keys[b], encodeUInt64(UInt64(bitPattern: Int64(bitPattern: vb) + amount)), in: cf)
                            }
                        }
                        transfers.add(3, ordering: .relaxed)
                    } else {
                        let (sum, count) = try store.read { txn in
                            var sum: Int64 = 0
                            let count = try txn.forEach(in: cf) { _, v in
                                sum &+= Int64(bitPattern: decodeUInt64(v) ?? 0)
                                return true
                            }
                            return (sum, count)
                        }
                        snapshots.add(1, ordering: .relaxed)
                        progress.advance()
                        if sum != total || count != accounts {
                            findings.report(
                                "snapshot summed \(count) accounts to \(sum), expected \(accounts) accounts summing to \(total)"
                            )
                        }
                    }
                } catch StoreError.Code.conflict {
                    // Every retry lost to another writer: the commit rolled back and
                    // was never acknowledged, which is correct, not a lost update.
                    rejected.add(1, ordering: .relaxed)
                } catch {
                    findings.fail(error)
                }
            }
        }
        progress.end()
        let finalSum = try store.read { txn in
            var sum: Int64 = 0
            try txn.forEach(in: cf) { _, v in
                sum &+= Int64(bitPattern: decodeUInt64(v) ?? 0)
                return true
            }
            return sum
        }
        if finalSum != total { findings.report("final total \(finalSum), expected \(total)") }
        let n = snapshots.load(ordering: .relaxed)
        var outcome = CheckOutcome(
            passed: findings.count == 0,
            detail:
                "\(writerCount) writers, \(readers) readers, \(accounts) accounts; \(transfers.load(ordering: .relaxed)) transfers, \(n) snapshots summed",
            figures: [
                "transfers": Double(transfers.load(ordering: .relaxed)), "snapshots": Double(n),
                "snapshots_per_s": Double(n) / options.seconds, "violations": Double(findings.count),
                "rejected_after_retries": Double(rejected.load(ordering: .relaxed)),
            ]
        )
        outcome.add(findings.summary("violations"))
        return outcome
    }
}
