import StrataDocument
import StrataQuery
import StrataStore
import Testing

@testable import StrataDB

/// Random interleavings of inserts, updates and deletes; afterwards every
/// index entry points to a record holding that value and every record is
/// indexed under every value it holds.
@Suite struct IndexConsistencyTests {
    @Test(arguments: backends) func indexesStayExact(backend: String) throws {
        try withStore(backend) { try run($0, seed: 0x1DE5 &+ UInt64(backend.utf8.count)) }
    }

    func run(_ store: some Store, seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        let db = try Database(store: store)
        let indexed = ["a", "tags", "n.x"]
        try db.createCollection("c", indexes: ["a", "tags"])
        for step in 0..<300 {
            let id = Value.int32(Int32.random(in: 0..<40, using: &rng))
            let value = Value.int32(Int32.random(in: 0..<5, using: &rng))
            try? db.write { tx in
                switch Int.random(in: 0..<6, using: &rng) {
                case 0, 1:
                    _ = try tx.insert(
                        [
                            "_id": id, "a": value, "tags": [value, .int32(Int32.random(in: 0..<5, using: &rng))],
                            "n": ["x": value],
                        ],
                        into: "c")
                case 2:
                    _ = try tx.update(
                        Filter(["_id": id]), Update(["$set": ["a": .array([value, "s"])], "$push": ["tags": value]]),
                        in: "c")
                case 3:
                    _ = try tx.update(
                        Filter(["a": ["$gte": value]]), Update(["$unset": ["tags": ""], "$inc": ["n.x": 1]]), in: "c",
                        many: true)
                case 4:
                    _ = try tx.replace(Filter(["_id": id]), with: ["a": value], in: "c", upsert: true)
                default:
                    _ = try tx.delete(Filter(["tags": value]), in: "c", many: Bool.random(using: &rng))
                }
            }
            if step == 150 { try db.write { try $0.createIndex("n.x", in: "c") } }
        }
        let problems = try IndexConsistencyTests.problems(db, fields: indexed)
        #expect(problems.isEmpty, "seed \(seed): \(problems.prefix(5))")
    }

    /// Negative control: the check must notice a lost and a stray index entry.
    @Test(arguments: backends) func checkNoticesDamagedIndexes(backend: String) throws {
        try withStore(backend) { try damaged($0) }
    }

    func damaged(_ store: some Store) throws {
        let db = try Database(store: store)
        try db.createCollection("c", indexes: ["a"])
        _ = try db.write { tx in try tx.insert([["_id": 1, "a": 5], ["_id": 2, "a": 6]], into: "c") }
        #expect(try Self.problems(db, fields: ["a"]).isEmpty)
        let cf = try store.columnFamily(Catalog.columnFamilyName(forCollection: "c"))
        try store.write { txn in try txn.delete(KeyLayout.indexKey(field: "a", value: 5, id: 1), in: cf) }
        #expect(try Self.problems(db, fields: ["a"]).count == 1)
        try store.write { txn in try txn.put(KeyLayout.indexKey(field: "a", value: 7, id: 2), [], in: cf) }
        #expect(try Self.problems(db, fields: ["a"]).count == 2)
    }

    /// Every disagreement between the records and the index entries of `fields`.
    static func problems(_ db: Database<some Store>, fields: [String]) throws -> [String] {
        var problems: [String] = []
        let cf = try db.store.columnFamily(Catalog.columnFamilyName(forCollection: "c"))
        try db.store.read { txn in
            var records: [[UInt8]: Document] = [:]
            try txn.forEach(in: cf, range: .prefix(KeyLayout.recordPrefix)) { k, v in
                records[Array(k.dropFirst(2))] = try Document(bson: Array(v))
                return true
            }
            for field in fields {
                let prefix = KeyLayout.indexPrefix(field: field)
                var entries = Set<[UInt8]>()
                try txn.forEach(in: cf, range: .prefix(prefix)) { k, _ in
                    let key = Array(k)
                    let (value, id) = try KeyLayout.splitIndexKey(key, prefixLength: prefix.count)
                    entries.insert(key)
                    guard let doc = records[Array(id)] else {
                        problems.append("index \(field) entry points to a missing record")
                        return true
                    }
                    let held = FieldValues(path: try FieldPath(field), in: doc).keyValues.map { IndexKey.encode($0) }
                    if !held.contains(Array(value)) {
                        problems.append("index \(field) entry holds a value the record lacks")
                    }
                    return true
                }
                for (id, doc) in records {
                    for v in FieldValues(path: try FieldPath(field), in: doc).keyValues {
                        if !entries.contains(KeyLayout.indexValuePrefix(field: field, value: v) + [0x3A] + id) {
                            problems.append("record not indexed under \(field) value \(v)")
                        }
                    }
                }
            }
        }
        return problems
    }
}
