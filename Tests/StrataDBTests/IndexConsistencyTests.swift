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
        #expect(try db.read { try $0.listIndexes("c") } == ["a", "tags", "n.x"])
        let problems = try IndexConsistencyTests.problems(db)
        #expect(problems.isEmpty, "seed \(seed): \(problems.prefix(5))")
    }

    /// Negative control: the check must notice a lost, a stray and an orphaned index entry.
    @Test(arguments: backends) func checkNoticesDamagedIndexes(backend: String) throws {
        try withStore(backend) { try damaged($0) }
    }

    func damaged(_ store: some Store) throws {
        let db = try Database(store: store)
        try db.createCollection("c", indexes: ["a"])
        _ = try db.write { tx in try tx.insert([["_id": 1, "a": 5], ["_id": 2, "a": 6]], into: "c") }
        #expect(try Self.problems(db).isEmpty)
        let cf = try store.columnFamily(Catalog.columnFamilyName(forCollection: "c"))
        try store.write { txn in try txn.delete(KeyLayout.indexKey(field: "a", value: 5, id: 1), in: cf) }
        #expect(try Self.problems(db).count == 1)
        try store.write { txn in try txn.put(KeyLayout.indexKey(field: "a", value: 7, id: 2), [], in: cf) }
        #expect(try Self.problems(db).count == 2)
        try store.write { txn in try txn.put(KeyLayout.indexKey(field: "zz", value: 1, id: 1), [], in: cf) }
        #expect(try Self.problems(db).count == 3, "an entry of a field without an index is stray")
    }

    /// Every disagreement between the records and the index entries of
    /// collection `c`: the library's own check, which the stress suite runs too.
    static func problems(_ db: Database<some Store>) throws -> [String] {
        try db.read { try $0.indexProblems(in: "c") }
    }
}
