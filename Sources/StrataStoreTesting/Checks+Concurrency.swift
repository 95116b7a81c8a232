import Foundation
import StrataStore
import Synchronization

extension StoreConformance {
    static let concurrencyChecks: [ConformanceCheck] = [
        ConformanceCheck("snapshot-isolation") { ctx in try snapshotIsolation(ctx, try ctx.open()) },
        ConformanceCheck("atomic-visibility") { ctx in try atomicVisibility(ctx, try ctx.open()) },
        ConformanceCheck("no-lost-update") { ctx in try noLostUpdate(ctx, try ctx.open()) },
    ]
}

private func snapshotIsolation(_ ctx: ConformanceContext, _ store: some Store) throws {
    defer { try? store.close() }
    let cf = try store.defaultColumnFamily()
    try store.write { txn in
        for i in 0..<10 { try txn.put(bytes("k\(i)"), bytes("old"), in: cf) }
    }
    try store.read { txn in
        let before = try txn.scan(in: cf)
        // Another thread commits while this snapshot is open; it must not block
        // on the reader, and the reader must not see it.
        let committed = DispatchSemaphore(value: 0)
        let failure = Mutex<(any Error)?>(nil)
        Thread {
            do {
                try store.write { w in
                    for i in 0..<10 { try w.put(bytes("k\(i)"), bytes("new"), in: cf) }
                    try w.put(bytes("k99"), bytes("added"), in: cf)
                    try w.delete(bytes("k0"), in: cf)
                }
            } catch { failure.withLock { $0 = error } }
            committed.signal()
        }.start()
        guard committed.wait(timeout: .now() + 30) == .success else {
            throw ctx.fail("a writer blocked for 30 s behind an open read transaction")
        }
        if let error = failure.withLock({ $0 }) { throw error }
        let after = try txn.scan(in: cf)
        try ctx.expect(after.map(\.key) == before.map(\.key), "a snapshot saw a later commit's keys")
        try ctx.expect(after.map(\.value) == before.map(\.value), "a snapshot saw a later commit's values")
        try ctx.expect(try txn.get(bytes("k3"), in: cf) == bytes("old"), "a snapshot's get saw a later commit")
        try ctx.expect(try txn.get(bytes("k0"), in: cf) == bytes("old"), "a snapshot saw a later delete")
    }
    try store.read { txn in
        try ctx.expect(try txn.get(bytes("k3"), in: cf) == bytes("new"), "a new snapshot must see the commit")
        try ctx.expect(try txn.get(bytes("k0"), in: cf) == nil, "a new snapshot must see the delete")
    }
}

private func atomicVisibility(_ ctx: ConformanceContext, _ store: some Store) throws {
    defer { try? store.close() }
    // The group spans two column families: a commit is atomic across them too.
    let first = try store.defaultColumnFamily()
    let second = try store.createColumnFamily("atomic-second")
    let group = (0..<8).map { bytes("group-\($0)") }
    @Sendable func family(_ i: Int) -> ColumnFamily { i % 2 == 0 ? first : second }
    try store.write { txn in for (i, k) in group.enumerated() { try txn.put(k, encodeCounter(0), in: family(i)) } }
    let writersDone = Flag()
    let commitsPerWriter = 300
    let violations = Mutex<[String]>([])
    let observed = Atomic<Int>(0)
    let writersRunning = Atomic<Int>(2)
    try runConcurrently(4) { worker in
        if worker < 2 {
            defer { if writersRunning.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 { writersDone.set() } }
            // A fast backend can finish every commit before a reader is scheduled;
            // start writing only once both readers have taken a snapshot.
            let patience = ContinuousClock.now + .seconds(10)
            while observed.load(ordering: .acquiring) < 2, ContinuousClock.now < patience { sched_yield() }
            for i in 1...commitsPerWriter {
                let version = encodeCounter(UInt64(worker * 1_000_000 + i))
                try store.write { txn in for (i, k) in group.enumerated() { try txn.put(k, version, in: family(i)) } }
            }
        } else {
            while !writersDone.isSet {
                try store.read { txn in
                    let byGet = try group.enumerated().map { try txn.get($1, in: family($0)) }
                    let byScan = try txn.scan(in: first, range: .prefix(bytes("group-"))).map(\.value)
                        + txn.scan(in: second, range: .prefix(bytes("group-"))).map(\.value)
                    if Set(byGet.map { decodeCounter($0) ?? .max }).count != 1
                        || Set(byScan.map { decodeCounter($0) ?? .max }) != Set(byGet.map { decodeCounter($0) ?? .max }) {
                        violations.withLock { $0.append("mixed versions \(byGet.map { decodeCounter($0) ?? 0 })") }
                    }
                }
                observed.add(1, ordering: .relaxed)
            }
        }
    }
    let seen = violations.withLock { $0 }
    try ctx.expect(seen.isEmpty, "a reader saw part of a commit (\(seen.count) times), first: \(seen.first ?? "")")
    try ctx.expect(observed.load(ordering: .relaxed) > 0, "the readers never ran")
}

private func noLostUpdate(_ ctx: ConformanceContext, _ store: some Store) throws {
    defer { try? store.close() }
    let cf = try store.defaultColumnFamily()
    let threads = 4
    let increments = 150
    let counters = (0..<4).map { bytes("counter-\($0)") }
    try runConcurrently(threads) { thread in
        for i in 0..<increments {
            for key in counters.rotated(by: i) {
                try store.write { txn in
                    if thread % 2 == 0 {
                        let value = decodeCounter(try txn.get(key, in: cf)) ?? 0
                        try txn.put(key, encodeCounter(value + 1), in: cf)
                    } else {
                        // The same read-modify-write through a scan and a batch put:
                        // a backend must detect this conflict too.
                        let value = decodeCounter(try txn.scan(in: cf, range: .prefix(key), limit: 1).first?.value) ?? 0
                        try txn.putBatch([(key, encodeCounter(value + 1))], in: cf)
                    }
                }
            }
        }
    }
    let finals = try store.read { txn in try counters.map { decodeCounter(try txn.get($0, in: cf)) ?? 0 } }
    let expected = UInt64(threads * increments)
    try ctx.expect(finals.allSatisfy { $0 == expected }, "lost updates: counters \(finals), each should be \(expected)")
}

extension Array {
    fileprivate func rotated(by n: Int) -> [Element] {
        guard !isEmpty else { return self }
        let k = n % count
        return Array(self[k...] + self[..<k])
    }
}
