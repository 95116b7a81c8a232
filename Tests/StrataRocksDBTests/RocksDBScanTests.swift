#if RocksDB
    import StrataRocksDB
    import StrataStore
    import Testing

    @Suite("RocksDBStore scans")
    struct RocksDBScanTests {
        static let keys: [[UInt8]] = [
            [], [0x00], [0x00, 0x00], [0x00, 0xFF], [0x01], [0x61], [0x61, 0x00], [0x61, 0x62], [0x61, 0x62, 0x63],
            [0x61, 0xFF], [0x62], [0xFF], [0xFF, 0x00], [0xFF, 0xFF], [0xFF, 0xFF, 0xFF],
        ]

        /// The model: the keys of `range` in order, from the sorted list above.
        func expected(_ range: KeyRange, reverse: Bool) -> [[UInt8]] {
            let inRange = Self.keys.filter { range.contains($0) }
            return reverse ? inRange.reversed() : inRange
        }

        static let ranges: [KeyRange] = [
            .all,
            .prefix([0x61]),
            .prefix([0x61, 0x62]),
            .prefix([0xFF]),
            .prefix([0xFF, 0xFF]),
            .prefix([0x00]),
            .prefix([]),
            KeyRange(lower: [0x00], upper: [0x61, 0x62]),
            KeyRange(lower: [0x61, 0x00], upper: nil),
            KeyRange(lower: nil, upper: [0x01]),
            KeyRange(lower: [0x62], upper: [0x62]),  // empty
            KeyRange(lower: [0x63], upper: [0x62]),  // inverted: empty
            KeyRange(lower: [0x60], upper: [0x60, 0x01]),  // no keys inside
        ]

        @Test(arguments: ranges, [false, true])
        func scanMatchesModelInReadAndWriteTransactions(range: KeyRange, reverse: Bool) throws {
            try withStore { store, _ in
                let cf = try store.createColumnFamily("scan")
                // Half the keys committed, half written inside the scanning write transaction.
                try store.write { txn throws in
                    for (i, k) in Self.keys.enumerated() where i % 2 == 0 { try txn.put(k, [], in: cf) }
                }
                try store.write { txn throws in
                    for (i, k) in Self.keys.enumerated() where i % 2 == 1 { try txn.put(k, k + [0xEE], in: cf) }
                    let got = try txn.scan(in: cf, range: range, reverse: reverse).map(\.key)
                    #expect(got == expected(range, reverse: reverse), "write txn \(range) reverse=\(reverse)")
                }
                try store.read { txn throws in
                    let entries = try txn.scan(in: cf, range: range, reverse: reverse)
                    #expect(
                        entries.map(\.key) == expected(range, reverse: reverse), "read txn \(range) reverse=\(reverse)")
                    for e in entries {
                        let i = Self.keys.firstIndex(of: e.key)!
                        #expect(e.value == (i % 2 == 0 ? [] : e.key + [0xEE]))
                    }
                    let limited = try txn.scan(in: cf, range: range, reverse: reverse, limit: 2).map(\.key)
                    #expect(limited == Array(expected(range, reverse: reverse).prefix(2)))
                }
            }
        }

        @Test func cursorIsLazyAndStopsAtEnd() throws {
            try withStore { store, _ in
                let cf = try store.defaultColumnFamily()
                try store.write { txn throws in for i in 0..<10 { try txn.put([UInt8(i)], [UInt8(i)], in: cf) } }
                try store.read { txn throws in
                    var cursor = try txn.makeCursor(in: cf, range: KeyRange(lower: [3], upper: [6]), reverse: true)
                    var seen: [UInt8] = []
                    while try cursor.next() {
                        cursor.withEntry { k, v in
                            seen.append(k[0]); #expect(v[0] == k[0])
                        }
                    }
                    #expect(seen == [5, 4, 3])
                    #expect(try cursor.next() == false)
                    var it = try txn.entries(in: cf, range: .prefix([7]))
                    #expect(try it.next()?.key == [7])
                    #expect(try it.next() == nil)
                }
            }
        }
    }
#endif
