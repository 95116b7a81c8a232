import Foundation
import StrataStore

extension StoreConformance {
    static let modelChecks: [ConformanceCheck] = [
        ConformanceCheck("model-based") { ctx in try modelBased(ctx, try ctx.open(), operations: 10_000) }
    ]

    /// The seed of random checks: `STRATA_TEST_SEED` when set (to replay a
    /// failure), otherwise a fresh one that failure messages print.
    public static func testSeed() -> UInt64 {
        if let text = ProcessInfo.processInfo.environment["STRATA_TEST_SEED"], let seed = UInt64(text) { return seed }
        return UInt64.random(in: 0...UInt64.max)
    }
}

private struct PlannedRollback: Error {}

/// A sorted-dictionary reference model: the simplest thing that is obviously right.
private struct Model {
    var entries: [[UInt8]: [UInt8]] = [:]
    func sorted(in range: KeyRange, reverse: Bool) -> [(key: [UInt8], value: [UInt8])] {
        let keys = entries.keys.filter { range.contains($0) }.sorted(by: lexicographicallyPrecedes)
        let ordered = reverse ? Array(keys.reversed()) : keys
        return ordered.map { ($0, entries[$0]!) }
    }
}

private func modelBased<S: Store>(_ ctx: ConformanceContext, _ store: S, operations: Int) throws {
    let seed = StoreConformance.testSeed()
    var rng = SeededGenerator(seed: seed)
    var current = store
    defer { try? current.close() }
    var cf = try current.defaultColumnFamily()
    var model = Model()
    let alphabet: [UInt8] = [0x00, 0x01, 0x61, 0x62, 0xFE, 0xFF]
    func key() -> [UInt8] { (0..<Int.random(in: 1...3, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! } }
    func value() -> [UInt8] { (0..<Int.random(in: 0...8, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) } }
    func range() -> KeyRange {
        KeyRange(lower: Bool.random(using: &rng) ? key() : nil, upper: Bool.random(using: &rng) ? key() : nil)
    }
    func failure(_ step: Int, _ what: String) -> ConformanceFailure {
        ctx.fail("step \(step), seed \(seed) (replay with STRATA_TEST_SEED=\(seed)): \(what)")
    }

    var step = 0
    while step < operations {
        let dice = Int.random(in: 0..<100, using: &rng)
        switch dice {
        case 0..<45:
            // A write transaction of 1–6 operations, sometimes rolled back.
            var staged = model
            let count = Int.random(in: 1...6, using: &rng)
            let abort = Int.random(in: 0..<10, using: &rng) == 0
            var ops: [(kind: Int, key: [UInt8], value: [UInt8], range: KeyRange)] = []
            for _ in 0..<count { ops.append((Int.random(in: 0..<10, using: &rng), key(), value(), range())) }
            do {
                try current.write { txn in
                    for op in ops {
                        switch op.kind {
                        case 0..<6:
                            try txn.put(op.key, op.value, in: cf)
                            staged.entries[op.key] = op.value
                        case 6..<9:
                            try txn.delete(op.key, in: cf)
                            staged.entries[op.key] = nil
                        default:
                            try txn.deleteRange(op.range, in: cf)
                            staged.entries = staged.entries.filter { !op.range.contains($0.key) }
                        }
                        // Reads inside the transaction see its own writes.
                        let probe = op.key
                        if try txn.get(probe, in: cf) != staged.entries[probe] {
                            throw failure(step, "own write of \(hex(probe)) not visible in its transaction")
                        }
                    }
                    if abort { throw PlannedRollback() }
                }
                model = staged
            } catch is PlannedRollback {}
            step += count
        case 45..<70:
            let k = key()
            let got = try current.read { try $0.get(k, in: cf) }
            if got != model.entries[k] {
                throw failure(step, "get \(hex(k)) = \(hex(got)), model has \(hex(model.entries[k]))")
            }
            step += 1
        case 70..<95:
            let r = range()
            let reverse = Bool.random(using: &rng)
            let limit = Bool.random(using: &rng) ? Int.random(in: 1...5, using: &rng) : .max
            let got = try current.read { try $0.scan(in: cf, range: r, reverse: reverse, limit: limit) }
            let want = Array(model.sorted(in: r, reverse: reverse).prefix(limit))
            if got.map(\.key) != want.map(\.key) || got.map(\.value) != want.map(\.value) {
                throw failure(step, "scan \(r) reverse=\(reverse) limit=\(limit): got \(got.map { hex($0.key) }), want \(want.map { hex($0.key) })")
            }
            step += 1
        case 95 where ctx.factory.persistent && Int.random(in: 0..<20, using: &rng) == 0:
            // Reopen now and then (about every 2,000 steps) to mix recovery into the sequence.
            try current.close()
            guard let reopened = try ctx.open() as? S else { throw ctx.fail("the factory reopened a different store type") }
            current = reopened
            cf = try current.defaultColumnFamily()
            step += 1
        default:
            let keys = (0..<Int.random(in: 1...4, using: &rng)).map { _ in key() }
            let got = try current.read { try $0.multiGet(keys, in: cf) }
            if got != keys.map({ model.entries[$0] }) {
                throw failure(step, "multiGet \(keys.map(hex))")
            }
            step += 1
        }
    }
    let final = try current.read { try $0.scan(in: cf) }
    let want = model.sorted(in: .all, reverse: false)
    if final.map(\.key) != want.map(\.key) || final.map(\.value) != want.map(\.value) {
        throw failure(step, "final contents differ: \(final.count) entries, model \(want.count)")
    }
}
