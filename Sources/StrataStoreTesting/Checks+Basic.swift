import StrataStore

extension StoreConformance {
    static let basicChecks: [ConformanceCheck] = [
        ConformanceCheck("crud") { ctx in try crud(ctx, try ctx.open()) },
        ConformanceCheck("own-writes") { ctx in try ownWrites(ctx, try ctx.open()) },
        ConformanceCheck("put-batch") { ctx in try putBatch(ctx, try ctx.open()) },
        ConformanceCheck("column-families") { ctx in try columnFamilies(ctx, try ctx.open()) },
        ConformanceCheck("large-values") { ctx in try largeValues(ctx, try ctx.open()) },
        ConformanceCheck("key-sizes") { ctx in try keySizes(ctx, try ctx.open()) },
        ConformanceCheck("rollback") { ctx in try rollback(ctx, try ctx.open()) },
        ConformanceCheck("read-only") { ctx in try readOnly(ctx, try ctx.open()) },
        ConformanceCheck("finished-transaction") { ctx in try finishedTransaction(ctx, try ctx.open()) },
    ]
}

private func crud(_ ctx: ConformanceContext, _ store: some Store) throws {
    defer { try? store.close() }
    let cf = try store.defaultColumnFamily()
    try ctx.expect(try store.read { try $0.get(bytes("missing"), in: cf) } == nil, "missing key returned a value")
    try store.write { txn in
        try txn.put(bytes("a"), bytes("1"), in: cf)
        try txn.put(bytes("b"), bytes("2"), in: cf)
        try txn.put(bytes("c"), [], in: cf)
    }
    try store.read { txn in
        try ctx.expect(try txn.get(bytes("a"), in: cf) == bytes("1"), "get a")
        try ctx.expect(try txn.get(bytes("b"), in: cf) == bytes("2"), "get b")
        try ctx.expect(try txn.get(bytes("c"), in: cf) == [], "an empty value must read back as empty, not missing")
        try ctx.expect(try txn.contains(bytes("c"), in: cf), "contains c")
        let many = try txn.multiGet([bytes("b"), bytes("zz"), bytes("a")], in: cf)
        try ctx.expect(many == [bytes("2"), nil, bytes("1")], "multiGet returned \(many)")
        let borrowed = try txn.withValue(forKey: bytes("a"), in: cf) { $0.map { Array($0) } }
        try ctx.expect(borrowed == bytes("1"), "withValue a")
    }
    try store.write { txn in
        try txn.put(bytes("a"), bytes("one"), in: cf)
        try txn.delete(bytes("b"), in: cf)
        try txn.delete(bytes("never-there"), in: cf)
    }
    try store.read { txn in
        try ctx.expect(try txn.get(bytes("a"), in: cf) == bytes("one"), "overwrite a")
        try ctx.expect(try txn.get(bytes("b"), in: cf) == nil, "deleted b still present")
    }
    let returned = try store.write { _ in 42 }
    try ctx.expect(returned == 42, "write must return its closure's value")
}

private func ownWrites(_ ctx: ConformanceContext, _ store: some Store) throws {
    defer { try? store.close() }
    let cf = try store.defaultColumnFamily()
    try store.write { txn in
        for i in 0..<10 { try txn.put(bytes("k\(i)"), bytes("v\(i)"), in: cf) }
    }
    try store.write { txn in
        try txn.put(bytes("k3"), bytes("new"), in: cf)
        try txn.put(bytes("k31"), bytes("inserted"), in: cf)
        try txn.delete(bytes("k5"), in: cf)
        try ctx.expect(try txn.get(bytes("k3"), in: cf) == bytes("new"), "a write txn must see its own put")
        try ctx.expect(try txn.get(bytes("k5"), in: cf) == nil, "a write txn must see its own delete")
        let keys = try txn.scan(in: cf).map { String(decoding: $0.key, as: UTF8.self) }
        try ctx.expect(
            keys == ["k0", "k1", "k2", "k3", "k31", "k4", "k6", "k7", "k8", "k9"],
            "a scan in a write txn must see its own writes, got \(keys)"
        )
        try txn.deleteRange(KeyRange(lower: bytes("k6"), upper: bytes("k8")), in: cf)
        try ctx.expect(try txn.get(bytes("k7"), in: cf) == nil, "a write txn must see its own delete-range")
    }
}

/// A batch in no particular order, with repeated keys, is the same as its
/// puts one by one: the later entry for a key wins.
private func putBatch(_ ctx: ConformanceContext, _ store: some Store) throws {
    defer { try? store.close() }
    let cf = try store.defaultColumnFamily()
    try store.write { txn in
        try txn.put(bytes("m"), bytes("old"), in: cf)
        try txn.put(bytes("z"), bytes("kept"), in: cf)
    }
    var model: [[UInt8]: [UInt8]] = [bytes("m"): bytes("old"), bytes("z"): bytes("kept")]
    var batch: [(key: [UInt8], value: [UInt8])] = []
    for i in [7, 3, 9, 3, 0, 12, 7, 5, 3] {
        let entry = (key: bytes("k\(i)"), value: bytes("v\(i)-\(batch.count)"))
        batch.append(entry)
        model[entry.key] = entry.value
    }
    batch.append((bytes("m"), []))
    model[bytes("m")] = []
    batch.append((bytes("a"), bytes("first")))
    model[bytes("a")] = bytes("first")
    let expected = model.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map { [$0.key, $0.value] }
    try store.write { txn in
        try txn.putBatch([], in: cf)
        try txn.putBatch(batch, in: cf)
        let seen = try txn.scan(in: cf).map { [$0.key, $0.value] }
        try ctx.expect(seen == expected, "a write txn must see its batch as puts in batch order, got \(seen)")
    }
    let stored = try store.read { try $0.scan(in: cf).map { [$0.key, $0.value] } }
    try ctx.expect(stored == expected, "a committed batch must read back as its puts in batch order, got \(stored)")
}

private func columnFamilies(_ ctx: ConformanceContext, _ store: some Store) throws {
    defer { try? store.close() }
    try ctx.expect(try store.columnFamilyNames().contains(ColumnFamily.defaultName), "no default column family")
    let users = try store.createColumnFamily("users")
    let orders = try store.createColumnFamily("orders")
    let again = try store.createColumnFamily("users")
    try ctx.expect(again.name == "users", "creating an existing column family must return it")
    let names = try store.columnFamilyNames()
    try ctx.expect(names == names.sorted(), "column family names must be sorted: \(names)")
    try ctx.expect(Set(names).isSuperset(of: ["default", "users", "orders"]), "names: \(names)")
    let def = try store.defaultColumnFamily()
    try store.write { txn in
        try txn.put(bytes("k"), bytes("users"), in: users)
        try txn.put(bytes("k"), bytes("orders"), in: orders)
        try txn.put(bytes("k"), bytes("default"), in: def)
    }
    try store.read { txn in
        try ctx.expect(try txn.get(bytes("k"), in: users) == bytes("users"), "column families must be separate keyspaces")
        try ctx.expect(try txn.get(bytes("k"), in: orders) == bytes("orders"), "column families must be separate keyspaces")
        try ctx.expect(try txn.scan(in: users).count == 1, "scan of one column family saw another's keys")
    }
    try ctx.expectError(.notFound, "columnFamily of a missing name") { try store.columnFamily("nope") }
    try ctx.expectError(.notFound, "dropping a missing column family") { try store.dropColumnFamily("nope") }
    try ctx.expectError(.invalidArgument, "dropping the default column family") {
        try store.dropColumnFamily(ColumnFamily.defaultName)
    }
    try ctx.expectError(.invalidArgument, "an empty column family name") { try store.createColumnFamily("") }

    try store.dropColumnFamily("users")
    try ctx.expect(!(try store.columnFamilyNames().contains("users")), "dropped column family still listed")
    try ctx.expectError(.notFound, "reading through a dropped column family's handle") {
        try store.read { try $0.get(bytes("k"), in: users) }
    }
    try ctx.expectError(.notFound, "writing through a dropped column family's handle") {
        try store.write { try $0.put(bytes("k"), bytes("x"), in: users) }
    }
    let recreated = try store.createColumnFamily("users")
    try ctx.expect(try store.read { try $0.get(bytes("k"), in: recreated) } == nil, "dropping must remove the data")
    try ctx.expect(try store.read { try $0.get(bytes("k"), in: orders) } == bytes("orders"), "drop touched another cf")
}

private func largeValues(_ ctx: ConformanceContext, _ store: some Store) throws {
    defer { try? store.close() }
    let cf = try store.defaultColumnFamily()
    // A pattern that no prefix or period repeats exactly, cheap to make in debug builds.
    var big = [UInt8](repeating: 0, count: (16 << 20) + 3)
    big.withUnsafeMutableBufferPointer { b in
        var x: UInt32 = 0x9E37_79B9
        for i in b.indices {
            x ^= x << 13
            x ^= x >> 17
            x ^= x << 5
            b[i] = UInt8(truncatingIfNeeded: x)
        }
    }
    try store.write { try $0.put(bytes("big"), big, in: cf) }
    let back = try store.read { try $0.get(bytes("big"), in: cf) }
    try ctx.expect(back == big, "a 16 MiB value did not read back intact (\(back?.count ?? -1) bytes)")
    let length = try store.read { txn in try txn.withValue(forKey: bytes("big"), in: cf) { $0?.count } }
    try ctx.expect(length == big.count, "borrowed read of a 16 MiB value")
}

private func keySizes(_ ctx: ConformanceContext, _ store: some Store) throws {
    defer { try? store.close() }
    // The contract's portable key sizes are 1 to 511 bytes (LMDB's limit).
    let cf = try store.defaultColumnFamily()
    let keys: [[UInt8]] = [[0x00], [0xFF], [0x00, 0x00], [UInt8](repeating: 0xFF, count: 511), [UInt8](repeating: 0x00, count: 511)]
    try store.write { txn in
        for (i, k) in keys.enumerated() { try txn.put(k, [UInt8(i)], in: cf) }
    }
    try store.read { txn in
        for (i, k) in keys.enumerated() {
            try ctx.expect(try txn.get(k, in: cf) == [UInt8(i)], "key of \(k.count) bytes \(hex(k))")
        }
    }
}

private struct Abort: Error {}

private func rollback(_ ctx: ConformanceContext, _ store: some Store) throws {
    defer { try? store.close() }
    let cf = try store.defaultColumnFamily()
    try store.write { try $0.put(bytes("kept"), bytes("1"), in: cf) }
    do {
        try store.write { txn in
            try txn.put(bytes("kept"), bytes("2"), in: cf)
            try txn.put(bytes("new"), bytes("x"), in: cf)
            try txn.delete(bytes("kept"), in: cf)
            throw Abort()
        }
        throw ctx.fail("write did not rethrow the closure's error")
    } catch is Abort {}
    try store.read { txn in
        try ctx.expect(try txn.get(bytes("kept"), in: cf) == bytes("1"), "a throwing write must roll back")
        try ctx.expect(try txn.get(bytes("new"), in: cf) == nil, "a throwing write must roll back its puts")
    }
}

private func readOnly(_ ctx: ConformanceContext, _ store: some Store) throws {
    defer { try? store.close() }
    let cf = try store.defaultColumnFamily()
    try store.read { txn in
        // The type system already keeps writes out of read transactions; a backend
        // whose read transaction type can also write must refuse at run time.
        if let writable = txn as? any WriteTransaction {
            try ctx.expectError(.readOnly, "put in a read transaction") { try writable.put(bytes("k"), bytes("v"), in: cf) }
        }
    }
    try ctx.expect(try store.read { try $0.get(bytes("k"), in: cf) } == nil, "a read transaction wrote")
}

private func finishedTransaction(_ ctx: ConformanceContext, _ store: some Store) throws {
    defer { try? store.close() }
    let cf = try store.defaultColumnFamily()
    try store.write { try $0.put(bytes("k"), bytes("v"), in: cf) }
    try useAfterFinish(ctx, store, cf)
}

private func useAfterFinish<S: Store>(_ ctx: ConformanceContext, _ store: S, _ cf: ColumnFamily) throws {
    var read: S.ReadTxn?
    var cursor: S.ReadTxn.Cursor?
    try store.read { txn in
        read = txn
        cursor = try txn.makeCursor(in: cf, range: .all, reverse: false)
    }
    var write: S.WriteTxn?
    try store.write { write = $0 }
    try ctx.expectError(.transactionFinished, "get on a read transaction after its closure") {
        try read!.get(bytes("k"), in: cf)
    }
    try ctx.expectError(.transactionFinished, "a cursor after its transaction ended") { try cursor!.next() }
    try ctx.expectError(.transactionFinished, "put on a write transaction after its closure") {
        try write!.put(bytes("k"), bytes("x"), in: cf)
    }
    try ctx.expect(try store.read { try $0.get(bytes("k"), in: cf) } == bytes("v"), "a finished transaction wrote")
}
