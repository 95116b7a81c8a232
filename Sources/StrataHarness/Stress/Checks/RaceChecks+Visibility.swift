import Foundation
import StrataStore
import Synchronization

extension RaceChecks {
    /// `batch-atomicity`: writers set every key of a group to one new version
    /// in one commit; readers reading a whole group in one snapshot must never
    /// see two versions.
    func batchAtomicity(_ store: some Store) throws -> CheckOutcome {
        let cf = try store.createColumnFamily("batches")
        let groups = 4
        let groupSize = 256
        let seed = options.seed
        @Sendable func key(_ g: Int, _ i: Int) -> [UInt8] { StressRecord.key(prefix: "group\(g)/", i) }
        @Sendable func value(_ g: Int, _ i: Int, _ v: UInt64) -> [UInt8] {
            StressRecord.encode(key: key(g, i), version: v, seed: seed, valueSize: 64)
        }
        try store.write { txn in
            for g in 0..<groups { for i in 0..<groupSize { try txn.put(key(g, i), value(g, i, 1), in: cf) } }
        }
        let findings = Findings()
        let version = Atomic<UInt64>(1)
        let commits = Atomic<Int>(0)
        let reads = Atomic<Int>(0)
        // The group a writer is committing now: readers aim at it, which widens
        // the window in which a commit that is not atomic shows.
        let hot = Atomic<Int>(-1)
        @Sendable func readGroup(_ g: Int, ends: Bool) throws -> [String] {
            // A commit applied key by key shows between its first and last key,
            // so a quick read of just the ends takes more snapshots per commit.
            let members = ends ? [0, groupSize / 2, groupSize - 1] : Array(0..<groupSize)
            return try store.read { txn in
                try members.map { i in
                    let k = key(g, i)
                    return try txn.withValue(forKey: k, in: cf) { v in
                        guard let v else { return "missing" }
                        switch k.withUnsafeBytes({ StressRecord.verify(v, key: $0, seed: seed) }) {
                        case .valid(let version): return String(version)
                        case .invalid(let why): return why
                        }
                    }
                }
            }
        }
        let deadline = now() + options.seconds
        let writerCount = writers
        progress.begin("[\(backend)] batch-atomicity")
        runThreads(writerCount + readers) { index in
            var rng = StressRandom(seed: seed &+ UInt64(index) &* 0x2000_0003)
            while now() < deadline && !findings.stop.load(ordering: .relaxed) {
                var g = Int.random(in: 0..<groups, using: &rng)
                do {
                    if index < writerCount {
                        hot.store(g, ordering: .relaxed)
                        defer { hot.store(-1, ordering: .relaxed) }
                        sched_yield()
                        let v = version.add(1, ordering: .relaxed).newValue
                        try store.write { txn in
                            for i in 0..<groupSize {
                                try txn.put(key(g, i), value(g, i, v), in: cf)
                                if i == groupSize / 2 { sched_yield() }
                            }
                        }
                        commits.add(1, ordering: .relaxed)
                    } else {
                        let h = hot.load(ordering: .relaxed)
                        if h >= 0 { g = h }
                        // While a writer is on this group, keep reading it.
                        var rounds = 0
                        repeat {
                            let versions = try readGroup(g, ends: h >= 0 && rounds % 2 == 0)
                            reads.add(1, ordering: .relaxed)
                            progress.advance()
                            if Set(versions).count != 1 {
                                findings.report(
                                    "group \(g) read in one snapshot holds versions [\(versions.joined(separator: ", "))]"
                                )
                            }
                            rounds += 1
                        } while h >= 0 && rounds < 256 && hot.load(ordering: .relaxed) == h
                    }
                } catch {
                    findings.fail(error)
                }
            }
        }
        progress.end()
        let n = reads.load(ordering: .relaxed)
        var outcome = CheckOutcome(
            passed: findings.count == 0,
            detail:
                "\(groups) groups of \(groupSize) keys; \(commits.load(ordering: .relaxed)) group commits, \(n) group reads",
            figures: [
                "commits": Double(commits.load(ordering: .relaxed)), "reads": Double(n),
                "reads_per_s": Double(n) / options.seconds, "violations": Double(findings.count),
            ]
        )
        outcome.add(findings.summary("mixed groups"))
        return outcome
    }

    /// `delete-range-vs-scanners`: writers insert whole ranges in one commit
    /// and remove them with one delete-range; scanners must see each range
    /// entirely (one version) or not at all.
    func deleteRangeVsScanners(_ store: some Store) throws -> CheckOutcome {
        let cf = try store.createColumnFamily("ranges")
        let slots = 8
        let perSlot = 32
        let seed = options.seed
        @Sendable func prefix(_ s: Int) -> [UInt8] { Array("slot\(s)/".utf8) }
        @Sendable func key(_ s: Int, _ i: Int) -> [UInt8] { StressRecord.key(prefix: "slot\(s)/", i) }
        let findings = Findings()
        let version = Atomic<UInt64>(0)
        let commits = Atomic<Int>(0)
        let scans = Atomic<Int>(0)
        let deadline = now() + options.seconds
        let writerCount = min(writers, slots)
        progress.begin("[\(backend)] delete-range-vs-scanners")
        runThreads(writerCount + readers) { index in
            var rng = StressRandom(seed: seed &+ UInt64(index) &* 0x3000_0005)
            let owned = Array(stride(from: index, to: slots, by: writerCount))
            var present = Set<Int>()
            while now() < deadline && !findings.stop.load(ordering: .relaxed) {
                do {
                    if index < writerCount {
                        let s = owned[Int.random(in: 0..<owned.count, using: &rng)]
                        if present.contains(s) {
                            try store.write { txn in try txn.deleteRange(.prefix(prefix(s)), in: cf) }
                            present.remove(s)
                        } else {
                            let v = version.add(1, ordering: .relaxed).newValue
                            try store.write { txn in
                                for i in 0..<perSlot {
                                    let k = key(s, i)
                                    try txn.put(
                                        k, StressRecord.encode(key: k, version: v, seed: seed, valueSize: 48), in: cf)
                                    if i == perSlot / 2 { sched_yield() }
                                }
                            }
                            present.insert(s)
                        }
                        commits.add(1, ordering: .relaxed)
                    } else {
                        var counts = [Int](repeating: 0, count: slots)
                        var versions = [Set<String>](repeating: [], count: slots)
                        _ = try store.read { txn in
                            try txn.forEach(in: cf) { k, v in
                                let text = String(decoding: k, as: UTF8.self)
                                guard text.hasPrefix("slot"), let slash = text.firstIndex(of: "/"),
                                    let s = Int(text[text.index(text.startIndex, offsetBy: 4)..<slash]), s < slots
                                else {
                                    findings.report("unexpected key \(printable(Array(k)))")
                                    return true
                                }
                                counts[s] += 1
                                switch StressRecord.verify(v, key: k, seed: seed) {
                                case .valid(let version): versions[s].insert(String(version))
                                case .invalid(let why): versions[s].insert(why)
                                }
                                return true
                            }
                        }
                        scans.add(1, ordering: .relaxed)
                        progress.advance()
                        for s in 0..<slots where (counts[s] != 0 && counts[s] != perSlot) || versions[s].count > 1 {
                            findings.report(
                                "range slot\(s)/ seen with \(counts[s]) of \(perSlot) keys, versions [\(versions[s].sorted().joined(separator: ", "))]"
                            )
                        }
                    }
                } catch {
                    findings.fail(error)
                }
            }
        }
        progress.end()
        let n = scans.load(ordering: .relaxed)
        var outcome = CheckOutcome(
            passed: findings.count == 0,
            detail:
                "\(slots) ranges of \(perSlot) keys; \(commits.load(ordering: .relaxed)) inserts and delete-ranges, \(n) full scans",
            figures: [
                "commits": Double(commits.load(ordering: .relaxed)), "scans": Double(n),
                "scans_per_s": Double(n) / options.seconds, "violations": Double(findings.count),
            ]
        )
        outcome.add(findings.summary("partial ranges"))
        return outcome
    }
}
