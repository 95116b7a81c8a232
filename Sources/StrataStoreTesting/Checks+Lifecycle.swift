import StrataStore

extension StoreConformance {
    static let lifecycleChecks: [ConformanceCheck] = [
        ConformanceCheck("reopen") { ctx in try reopen(ctx) },
        ConformanceCheck("close") { ctx in try closeTwice(ctx, try ctx.open()) },
    ]
}

private func reopen(_ ctx: ConformanceContext) throws {
    var expected: [String: [[UInt8]: [UInt8]]] = [:]
    do {
        let store = try ctx.open()
        try fill(store, into: &expected)
        try store.close()
    }
    let reopened = try ctx.open()
    defer { try? reopened.close() }
    if ctx.factory.persistent {
        try verify(ctx, reopened, expected)
        try append(reopened, into: &expected)
        try reopened.close()
        let third = try ctx.open()
        defer { try? third.close() }
        try verify(ctx, third, expected)
    } else {
        let names = try reopened.columnFamilyNames()
        try ctx.expect(names == [ColumnFamily.defaultName], "a new in-memory store must start empty: \(names)")
    }
}

private func fill(_ store: some Store, into expected: inout [String: [[UInt8]: [UInt8]]]) throws {
    let a = try store.createColumnFamily("alpha")
    let b = try store.createColumnFamily("beta")
    let gone = try store.createColumnFamily("dropped")
    try store.write { txn in
        for i in 0..<500 {
            try txn.put(bytes("a\(i)"), bytes("va\(i)"), in: a)
            try txn.put(bytes("b\(i)"), bytes("vb\(i)"), in: b)
            try txn.put(bytes("g\(i)"), bytes("x"), in: gone)
        }
    }
    try store.write { txn in
        for i in stride(from: 0, to: 500, by: 7) { try txn.delete(bytes("a\(i)"), in: a) }
        try txn.deleteRange(KeyRange(lower: bytes("b1"), upper: bytes("b2")), in: b)
    }
    try store.dropColumnFamily("dropped")
    expected["alpha"] = Dictionary(uniqueKeysWithValues: (0..<500).filter { $0 % 7 != 0 }.map { (bytes("a\($0)"), bytes("va\($0)")) })
    expected["beta"] = Dictionary(
        uniqueKeysWithValues: (0..<500).filter { !String($0).hasPrefix("1") }.map { (bytes("b\($0)"), bytes("vb\($0)")) }
    )
    expected["default"] = [:]
}

private func append(_ store: some Store, into expected: inout [String: [[UInt8]: [UInt8]]]) throws {
    let a = try store.columnFamily("alpha")
    try store.write { txn in
        for i in 500..<600 { try txn.put(bytes("a\(i)"), bytes("late\(i)"), in: a) }
    }
    for i in 500..<600 { expected["alpha"]![bytes("a\(i)")] = bytes("late\(i)") }
}

private func verify(_ ctx: ConformanceContext, _ store: some Store, _ expected: [String: [[UInt8]: [UInt8]]]) throws {
    let names = try store.columnFamilyNames()
    try ctx.expect(names == expected.keys.sorted(), "column families after reopen: \(names)")
    for (name, contents) in expected {
        let cf = try store.columnFamily(name)
        let got = try store.read { try $0.scan(in: cf) }
        try ctx.expect(got.count == contents.count, "\(name): \(got.count) entries after reopen, want \(contents.count)")
        for entry in got {
            try ctx.expect(contents[entry.key] == entry.value, "\(name): \(hex(entry.key)) after reopen")
        }
    }
}

private func closeTwice(_ ctx: ConformanceContext, _ store: some Store) throws {
    let cf = try store.defaultColumnFamily()
    try store.write { try $0.put(bytes("k"), bytes("v"), in: cf) }
    try store.close()
    try store.close()
    try ctx.expectError(.closed, "read after close") { try store.read { try $0.get(bytes("k"), in: cf) } }
    try ctx.expectError(.closed, "write after close") { try store.write { try $0.put(bytes("k"), bytes("v"), in: cf) } }
    try ctx.expectError(.closed, "columnFamily after close") { try store.columnFamily("default") }
}
