#if LMDB
    import Foundation
    import StrataStore
    import Testing

    @testable import StrataLMDB

    /// Keys that trip byte-order mistakes: 0x00 and 0xFF at both ends, prefixes of one another.
    private let edgeKeys: [[UInt8]] = [
        [0x00], [0x00, 0x00], [0x00, 0xFF], [0x01], [0x61], [0x61, 0x00], [0x61, 0x62], [0x61, 0xFF],
        [0x61, 0xFF, 0x00], [0x62], [0x7F], [0x80], [0xFE, 0xFF], [0xFF], [0xFF, 0x00], [0xFF, 0xFF],
        [0xFF, 0xFF, 0xFF],
    ]

    private func sorted(_ keys: some Sequence<[UInt8]>) -> [[UInt8]] { keys.sorted(by: lexicographicallyPrecedes) }

    @Suite("LMDBStore scans")
    struct LMDBScanTests {
        @Test("prefix, range and reverse scans over 0x00/0xFF keys and empty values")
        func edgeScans() throws {
            let dir = try TestDirectory("scan")
            defer { dir.remove() }
            let store = try dir.open()
            defer { try? store.close() }
            let cf = try store.createColumnFamily("scan")
            let neighbour = try store.createColumnFamily("neighbour")
            try store.write { txn throws in
                for (i, k) in edgeKeys.enumerated() { try txn.put(k, i % 2 == 0 ? [] : k, in: cf) }
                try txn.put([0x61], b("other"), in: neighbour)
            }
            let all = sorted(edgeKeys)
            try store.read { txn throws in
                #expect(try txn.scan(in: cf).map(\.key) == all)
                #expect(try txn.scan(in: cf, reverse: true).map(\.key) == all.reversed())
                for entry in try txn.scan(in: cf) {
                    let i = edgeKeys.firstIndex(of: entry.key)!
                    #expect(entry.value == (i % 2 == 0 ? [] : entry.key))
                }
                for prefix: [UInt8] in [[], [0x00], [0x61], [0x61, 0xFF], [0xFF], [0xFF, 0xFF], [0x42]] {
                    let want = all.filter { $0.starts(with: prefix) }
                    #expect(try txn.scan(in: cf, range: .prefix(prefix)).map(\.key) == want, "prefix \(prefix)")
                    #expect(
                        try txn.scan(in: cf, range: .prefix(prefix), reverse: true).map(\.key) == want.reversed(),
                        "reverse prefix \(prefix)"
                    )
                }
                let bounds: [[UInt8]?] = [
                    nil, [], [0x00], [0x00, 0x01], [0x61], [0x61, 0xFF], [0x62], [0xFF], [0xFF, 0xFF, 0xFF, 0x00],
                ]
                for lower in bounds {
                    for upper in bounds {
                        let range = KeyRange(lower: lower, upper: upper)
                        let want = all.filter { range.contains($0) }
                        #expect(try txn.scan(in: cf, range: range).map(\.key) == want, "\(range)")
                        #expect(
                            try txn.scan(in: cf, range: range, reverse: true).map(\.key) == want.reversed(),
                            "reverse \(range)")
                    }
                }
                let cursor = try txn.makeCursor(in: cf, range: .prefix([0x62]), reverse: false)
                #expect(try cursor.next())
                cursor.withEntry { k, _ in #expect(Array(k) == [0x62]) }
                #expect(try !cursor.next())
                #expect(try !cursor.next())
            }
        }

        @Test("bounds longer than LMDB's key limit still bound the scan")
        func longBounds() throws {
            let dir = try TestDirectory("longbounds")
            defer { dir.remove() }
            let store = try dir.open()
            defer { try? store.close() }
            let cf = try store.defaultColumnFamily()
            let base = [UInt8](repeating: 0x61, count: 511)
            let keys = [base, Array(base.prefix(510)) + [0x62], [0x62]]
            try store.write { txn throws in for k in keys { try txn.put(k, [], in: cf) } }
            let long = base + [0x00]  // sorts just after `base`
            try store.read { txn throws in
                #expect(
                    try txn.scan(in: cf, range: KeyRange(lower: long)).map(\.key)
                        == sorted(keys).filter { !$0.lexicographicallyPrecedes(long) })
                #expect(try txn.scan(in: cf, range: KeyRange(upper: long), reverse: true).map(\.key) == [base])
                #expect(try txn.scan(in: cf, range: KeyRange(upper: long)).map(\.key) == [base])
            }
        }

        @Test("a write transaction's cursors see its own writes and are closed by commit")
        func writeCursors() throws {
            let dir = try TestDirectory("wcursor")
            defer { dir.remove() }
            let store = try dir.open()
            defer { try? store.close() }
            let cf = try store.defaultColumnFamily()
            try store.write { txn throws in
                for i in 0..<100 { try txn.put(b(String(format: "k%03d", i)), b("v"), in: cf) }
                // Left open on purpose: commit must close it exactly once.
                let open = try txn.makeCursor(in: cf, range: .all, reverse: false)
                #expect(try open.next())
                #expect(try txn.scan(in: cf, range: .prefix(b("k05"))).count == 10)
            }
            for _ in 0..<3 {
                try store.read { txn throws in
                    let c = try txn.makeCursor(in: cf, range: .all, reverse: true)
                    #expect(try c.next())
                }
            }
            #expect(try store.read { try $0.scan(in: cf).count } == 100)
        }

        @Test("delete-range removes exactly the range, in both write and model")
        func deleteRange() throws {
            let dir = try TestDirectory("delrange")
            defer { dir.remove() }
            let store = try dir.open()
            defer { try? store.close() }
            let cf = try store.defaultColumnFamily()
            try store.write { txn throws in for k in edgeKeys { try txn.put(k, k, in: cf) } }
            var model = Set(edgeKeys)
            for range in [
                KeyRange(lower: [0x61], upper: [0x61, 0xFF]),
                KeyRange(lower: [0xFF, 0x00], upper: nil),
                KeyRange(lower: nil, upper: [0x00, 0xFF]),
                KeyRange(lower: [0x70], upper: [0x70]),
                KeyRange(lower: [0x80], upper: [0x7F]),
            ] {
                try store.write { try $0.deleteRange(range, in: cf) }
                model = model.filter { !range.contains($0) }
                #expect(try store.read { try $0.scan(in: cf).map(\.key) } == sorted(model), "after \(range)")
            }
            // Many pages' worth, so the walk crosses page boundaries and rebalances.
            try store.write { txn throws in
                for i in 0..<20_000 {
                    try txn.put(b(String(format: "p%06d", i)), [UInt8](repeating: 1, count: 50), in: cf)
                }
            }
            try store.write { try $0.deleteRange(KeyRange(lower: b("p000100"), upper: b("p019900")), in: cf) }
            let left = try store.read { try $0.scan(in: cf, range: .prefix(b("p"))).count }
            #expect(left == 200)
            try store.write { try $0.deleteRange(.all, in: cf) }
            #expect(try store.read { try $0.scan(in: cf).isEmpty })
        }

        @Test("random operations agree with a sorted-dictionary model")
        func modelBased() throws {
            let seed = UInt64.random(in: 0...UInt64.max)
            var rng = SplitMix(seed)
            let dir = try TestDirectory("model")
            defer { dir.remove() }
            var store = try dir.open(tuning: ["map_size_mb": "1"])
            defer { try? store.close() }
            let cf = try store.defaultColumnFamily()
            var model: [[UInt8]: [UInt8]] = [:]
            let alphabet: [UInt8] = [0x00, 0x01, 0x61, 0xFE, 0xFF]
            func key() -> [UInt8] {
                (0..<Int.random(in: 1...3, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            }
            for step in 0..<2000 {
                let dice = Int.random(in: 0..<100, using: &rng)
                if dice < 50 {
                    var staged = model
                    let abort = dice < 5
                    do {
                        try store.write { txn throws in
                            for _ in 0..<Int.random(in: 1...5, using: &rng) {
                                let k = key()
                                switch Int.random(in: 0..<10, using: &rng) {
                                case 0..<6:
                                    let v = (0..<Int.random(in: 0...6, using: &rng)).map { _ in
                                        UInt8.random(in: 0...255, using: &rng)
                                    }
                                    try txn.put(k, v, in: cf)
                                    staged[k] = v
                                case 6..<9:
                                    try txn.delete(k, in: cf)
                                    staged[k] = nil
                                default:
                                    let range = KeyRange(lower: k, upper: key())
                                    try txn.deleteRange(range, in: cf)
                                    staged = staged.filter { !range.contains($0.key) }
                                }
                            }
                            if abort { throw CancellationError() }
                        }
                        model = staged
                    } catch is CancellationError {}
                } else if dice < 95 {
                    let range = KeyRange(
                        lower: Bool.random(using: &rng) ? key() : nil, upper: Bool.random(using: &rng) ? key() : nil)
                    let reverse = Bool.random(using: &rng)
                    var want = sorted(model.keys.filter { range.contains($0) })
                    if reverse { want.reverse() }
                    let got = try store.read { try $0.scan(in: cf, range: range, reverse: reverse) }
                    #expect(got.map(\.key) == want, "seed \(seed) step \(step) \(range) reverse \(reverse)")
                    #expect(got.allSatisfy { model[$0.key] == $0.value }, "seed \(seed) step \(step)")
                    if got.map(\.key) != want { return }
                } else {
                    try store.close()
                    store = try dir.open()
                }
            }
        }
    }

    /// SplitMix64, so a failing run can be replayed from its printed seed.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        init(_ seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
#endif
