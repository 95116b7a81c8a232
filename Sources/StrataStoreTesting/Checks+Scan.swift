import StrataStore

extension StoreConformance {
    static let scanChecks: [ConformanceCheck] = [
        ConformanceCheck("scans") { ctx in try scans(ctx, try ctx.open()) },
        ConformanceCheck("delete-range") { ctx in try deleteRange(ctx, try ctx.open()) },
    ]
}

/// Keys chosen to trip byte-order mistakes: 0x00 and 0xFF inside and at the
/// ends, prefixes of one another, and an empty value.
private let edgeKeys: [[UInt8]] = [
    [0x00], [0x00, 0x00], [0x00, 0xFF], [0x01], [0x61], [0x61, 0x00], [0x61, 0x62], [0x61, 0x62, 0x63],
    [0x61, 0xFF], [0x61, 0xFF, 0x00], [0x62], [0x7F], [0x80], [0xFE, 0xFF], [0xFF], [0xFF, 0x00], [0xFF, 0xFF],
    [0xFF, 0xFF, 0xFF],
]

private func sortedKeys(_ keys: [[UInt8]]) -> [[UInt8]] { keys.sorted(by: lexicographicallyPrecedes) }

private func scans(_ ctx: ConformanceContext, _ store: some Store) throws {
    defer { try? store.close() }
    let cf = try store.createColumnFamily("scan")
    let other = try store.createColumnFamily("scan-neighbour")
    try store.write { txn in
        for (i, k) in edgeKeys.enumerated() { try txn.put(k, i % 3 == 0 ? [] : k + [UInt8(i)], in: cf) }
        try txn.put([0x61], bytes("other cf"), in: other)
    }
    let all = sortedKeys(edgeKeys)
    try store.read { txn in
        let forward = try txn.scan(in: cf).map(\.key)
        try ctx.expect(forward == all, "full scan order: got \(forward.map(hex))")
        let backward = try txn.scan(in: cf, reverse: true).map(\.key)
        try ctx.expect(backward == all.reversed(), "reverse scan order: got \(backward.map(hex))")
        for (i, entry) in try txn.scan(in: cf).enumerated() {
            let original = edgeKeys.firstIndex(of: entry.key)!
            let expected = original % 3 == 0 ? [] : entry.key + [UInt8(original)]
            try ctx.expect(entry.value == expected, "value of entry \(i) \(hex(entry.key))")
        }

        // Prefixes, including ones ending in 0xFF and the empty prefix.
        for prefix in [[], [0x61], [0x61, 0xFF], [0xFF], [0xFF, 0xFF], [0x00], [0x42]] as [[UInt8]] {
            let expected = all.filter { $0.starts(with: prefix) }
            let got = try txn.scan(in: cf, range: .prefix(prefix)).map(\.key)
            try ctx.expect(got == expected, "prefix \(hex(prefix)): got \(got.map(hex)), want \(expected.map(hex))")
            let gotReverse = try txn.scan(in: cf, range: .prefix(prefix), reverse: true).map(\.key)
            try ctx.expect(gotReverse == expected.reversed(), "reverse prefix \(hex(prefix)): got \(gotReverse.map(hex))")
        }

        // Ranges: every pair of bounds drawn from the keys and from between them.
        // The empty bound: as a lower bound it admits every key, as an upper bound none.
        let bounds: [[UInt8]?] = [nil, [], [0x00], [0x00, 0x01], [0x61], [0x61, 0x62], [0x62], [0xFF], [0xFF, 0xFF], [0xFF, 0xFF, 0xFF, 0x00]]
        for lower in bounds {
            for upper in bounds {
                let range = KeyRange(lower: lower, upper: upper)
                let expected = all.filter { range.contains($0) }
                let got = try txn.scan(in: cf, range: range).map(\.key)
                try ctx.expect(got == expected, "range \(range): got \(got.map(hex)), want \(expected.map(hex))")
                let gotReverse = try txn.scan(in: cf, range: range, reverse: true).map(\.key)
                try ctx.expect(gotReverse == expected.reversed(), "reverse range \(range): got \(gotReverse.map(hex))")
            }
        }

        // Limits and early stop.
        let firstThree = try txn.scan(in: cf, limit: 3).map(\.key)
        try ctx.expect(firstThree == Array(all.prefix(3)), "limit 3")
        try ctx.expect(try txn.scan(in: cf, limit: 0).isEmpty, "limit 0")
        var visited = 0
        try txn.forEach(in: cf) { _, _ in visited += 1; return visited < 5 }
        try ctx.expect(visited == 5, "forEach must stop when the body returns false (visited \(visited))")

        // The lazy iterator.
        var iterator = try txn.entries(in: cf, range: .prefix([0x61]))
        var lazy: [[UInt8]] = []
        while let entry = try iterator.next() { lazy.append(entry.key) }
        try ctx.expect(lazy == all.filter { $0.starts(with: [0x61]) }, "entries iterator")

        // A cursor at its end stays at its end.
        var cursor = try txn.makeCursor(in: cf, range: .prefix([0x62]), reverse: false)
        try ctx.expect(try cursor.next(), "cursor over [0x62]")
        try ctx.expect(!(try cursor.next()), "cursor past the end")
        try ctx.expect(!(try cursor.next()), "cursor past the end, again")
    }
    let empty = try store.createColumnFamily("scan-empty")
    try store.read { txn in
        try ctx.expect(try txn.scan(in: empty).isEmpty, "scan of an empty column family")
        try ctx.expect(try txn.scan(in: empty, reverse: true).isEmpty, "reverse scan of an empty column family")
    }
}

private func deleteRange(_ ctx: ConformanceContext, _ store: some Store) throws {
    defer { try? store.close() }
    let cf = try store.defaultColumnFamily()
    try store.write { txn in for k in edgeKeys { try txn.put(k, k, in: cf) } }
    var model = Set(edgeKeys)
    let ranges = [
        KeyRange(lower: [0x61], upper: [0x61, 0xFF]),
        KeyRange(lower: [0xFF, 0x00], upper: nil),
        KeyRange(lower: nil, upper: [0x00, 0xFF]),
        KeyRange(lower: [0x70], upper: [0x70]),
        KeyRange(lower: nil, upper: []),
        KeyRange(lower: [0x62], upper: []),
    ]
    for range in ranges {
        try store.write { try $0.deleteRange(range, in: cf) }
        model = model.filter { !range.contains($0) }
        let got = try store.read { try $0.scan(in: cf).map(\.key) }
        try ctx.expect(got == sortedKeys(Array(model)), "after deleting \(range): \(got.map(hex))")
    }
    try store.write { try $0.deleteRange(.all, in: cf) }
    try ctx.expect(try store.read { try $0.scan(in: cf).isEmpty }, "delete-range of everything left keys")
}
