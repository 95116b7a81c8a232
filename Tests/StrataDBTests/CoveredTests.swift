import StrataDocument
import StrataQuery
import StrataStore
import Testing

@testable import StrataDB

/// Covered plans: a query that touches only one scalar index's field and
/// `_id` is answered from the index entries, and must return exactly what
/// reading the records returns, types included (int32, int64 and double
/// share an index key; the entry keeps which one the record held).
@Suite struct CoveredTests {
    /// Values of mixed numeric types that encode to the same keys, strings,
    /// nulls and missing fields; never arrays, so the indexes stay scalar.
    static func scalarValue(_ rng: inout SeededRandom) -> Value? {
        switch Int.random(in: 0..<9, using: &rng) {
        case 0: return nil
        case 1: return .null
        case 2: return .int32(Int32.random(in: -3...3, using: &rng))
        case 3: return .int64(Int64.random(in: -3...3, using: &rng))
        case 4: return .double(Double(Int.random(in: -6...6, using: &rng)) / 2)
        case 5: return .bool(Bool.random(using: &rng))
        case 6: return .document(["k": .int32(Int32.random(in: 0...2, using: &rng))])
        default: return .string(["x", "y", "ab", ""].randomElement(using: &rng)!)
        }
    }

    static func randomDocument(id: Int, _ rng: inout SeededRandom) -> Document {
        // Ids of three numeric types too: the key folds them, the entry must not.
        let ids: [Value] = [.int32(Int32(id)), .int64(Int64(id) + 1000), .double(Double(id) + 2000.5)]
        var d: Document = ["_id": ids[id % 3]]
        if let v = scalarValue(&rng) { d.append("a", v) }
        if Bool.random(using: &rng) { d.append("z", .int32(1)) }
        if let v = scalarValue(&rng) { d.append("n", .document(["x": v, "y": .int32(7)])) }
        return d
    }

    static func randomPredicate(field: String, _ rng: inout SeededRandom) -> Document {
        let v = scalarValue(&rng) ?? .null
        switch Int.random(in: 0..<8, using: &rng) {
        case 0, 1: return [field: v]
        case 2: return [field: ["$gte": v]]
        case 3: return [field: ["$lt": v]]
        case 4: return [field: ["$in": .array([v, scalarValue(&rng) ?? .int32(0)])]]
        case 5: return [field: ["$gt": v, "$lte": scalarValue(&rng) ?? .int32(2)]]
        case 6: return [field: ["$ne": v]]
        default: return [field: ["$exists": .bool(Bool.random(using: &rng))]]
        }
    }

    @Test(arguments: backends) func coveredResultsEqualRecordReads(backend: String) throws {
        try withStore(backend) { try differential($0, seed: 0xC0_7E4E_D000 &+ UInt64(backend.utf8.count)) }
    }

    func differential(_ store: some Store, seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        let db = try Database(store: store)
        try db.createCollection("c", indexes: ["a"])
        let docs = (0..<150).map { Self.randomDocument(id: $0, &rng) }
        _ = try db.write { tx in try tx.insert(docs, into: "c") }
        // Backfilled after the records, unlike "a": both ways must write typed entries.
        try db.write { try $0.createIndex("n.x", in: "c") }
        var covered = 0
        for round in 0..<600 {
            let field = Bool.random(using: &rng) ? "a" : "n.x"
            var filter = Self.randomPredicate(field: field, &rng)
            if Int.random(in: 0..<5, using: &rng) == 0 { filter.append("_id", ["$gte": .int32(40)]) }
            let sort = [[], [field], ["-" + field], ["-_id"]][Int.random(in: 0..<4, using: &rng)]
            let columns = [[field], ["_id"], [field, "_id"], []][Int.random(in: 0..<4, using: &rng)]
            let take = Bool.random(using: &rng) ? Int.random(in: 0...12, using: &rng) : nil
            let skip = Int.random(in: 0..<4, using: &rng) == 0 ? Int.random(in: 0...5, using: &rng) : 0
            let query = try Query(filter: filter, sort: sort, skip: skip, take: take, columns: columns)
            let (planned, scanned, plan) = try db.read { tx throws in
                (
                    try tx.find(query, in: "c"), try tx.find(query, in: "c", hint: .collectionScan),
                    try tx.explain(query, in: "c")
                )
            }
            if "\(plan)".contains("Covered") { covered += 1 }
            // `==` on documents is structural: int32 1 differs from double 1.0.
            #expect(
                planned == scanned,
                "seed \(seed) round \(round): \(filter.extendedJSON) sort \(sort) columns \(columns) skip \(skip) take \(String(describing: take)) plan \(plan.extendedJSON)\n\(planned.prefix(5))\nvs\n\(scanned.prefix(5))"
            )
            if planned != scanned { return }
            let count = try db.read { try $0.count(query.filter, in: "c") }
            let all = try db.read { try $0.find(Query(filter: query.filter), in: "c", hint: .collectionScan) }
            #expect(count == all.count, "seed \(seed) round \(round): count")
            let distinct = try db.read { try $0.distinct(field, filter: query.filter, in: "c") }
            #expect(distinct.map { "\($0)" } == distinctByScan(all, field).map { "\($0)" }, "round \(round): distinct")
        }
        #expect(covered > 200, "most of these queries should be covered")
        #expect(try db.read { try $0.indexProblems(in: "c") }.isEmpty)
    }

    /// The reference distinct: values of `field` in decoded records (scalar here), by key.
    func distinctByScan(_ docs: [Document], _ field: String) -> [Value] {
        var seen = Set<[UInt8]>()
        var out: [Value] = []
        for d in docs {
            let values = FieldValues(path: try! FieldPath(field), in: d)
            for (v, expanded) in values.entries where !expanded && seen.insert(IndexKey.encode(v)).inserted {
                out.append(v)
            }
        }
        return out.sorted { Value.compare($0, $1) < 0 }
    }

    @Test(arguments: backends) func explainShowsCoveredOnlyWhenTheIndexSuffices(backend: String) throws {
        try withStore(backend) { try explain($0) }
    }

    func explain(_ store: some Store) throws {
        let db = try Database(store: store)
        try db.createCollection("c", indexes: ["a", "tags"])
        _ = try db.write { tx in
            try tx.insert([["_id": 1, "a": .int64(5), "b": 1, "tags": ["x"]], ["_id": 2, "a": 5.0, "b": 2]], into: "c")
        }
        func plan(_ f: Document, _ columns: [String]?) throws -> String {
            "\(try db.read { tx in try tx.explain(Query(filter: f, columns: columns), in: "c") })"
        }
        #expect(try plan(["a": 5], ["a"]).contains(#""Covered""#))
        #expect(try plan(["a": 5], ["_id"]).contains(#""Covered""#))
        #expect(!(try plan(["a": 5], nil).contains("Covered")), "whole records are not in the index")
        #expect(!(try plan(["a": 5], ["a", "b"]).contains("Covered")), "b is not in the index")
        #expect(!(try plan(["a": 5, "b": 1], ["a"]).contains("Covered")), "the filter reads b")
        #expect(!(try plan(["tags": "x"], ["tags"]).contains("Covered")), "an array makes the index not scalar")
        let found = try db.read { tx in try tx.find(Query(filter: ["a": 5], columns: ["a"]), in: "c") }
        #expect(found == [["_id": 1, "a": .int64(5)], ["_id": 2, "a": 5.0]])

        // The first array value clears `scalar` for good; plans stop being covered.
        _ = try db.write { tx in try tx.insert(["_id": 3, "a": [5, 6]], into: "c") }
        #expect(!(try plan(["a": 5], ["a"]).contains("Covered")))
        let after = try db.read { tx in try tx.find(Query(filter: ["a": 5], columns: ["a"]), in: "c") }
        #expect(after == [["_id": 1, "a": .int64(5)], ["_id": 2, "a": 5.0], ["_id": 3, "a": [5, 6]]])
        #expect(try db.read { try $0.indexProblems(in: "c") }.isEmpty)
    }

    @Test(arguments: backends) func updatesKeepEntryTypes(backend: String) throws {
        try withStore(backend) { try updates($0) }
    }

    func updates(_ store: some Store) throws {
        let db = try Database(store: store)
        try db.createCollection("c", indexes: ["a"])
        _ = try db.write { tx in try tx.insert([["_id": 1, "a": .int32(5)], ["_id": 2, "a": .int32(6)]], into: "c") }
        // Same key (5 == 5.0), another type: the entry must follow the record.
        _ = try db.write { tx in try tx.update(Filter(["_id": 1]), Update(["$set": ["a": 5.0]]), in: "c") }
        let q = try Query(filter: ["a": ["$gte": 0]], columns: ["a"])
        #expect(try db.read { try $0.find(q, in: "c") } == [["_id": 1, "a": 5.0], ["_id": 2, "a": .int32(6)]])
        _ = try db.write { tx in try tx.update(Filter(["_id": 2]), Update(["$unset": ["a": ""]]), in: "c") }
        _ = try db.write { tx in try tx.delete(Filter(["_id": 1]), in: "c") }
        #expect(try db.read { try $0.find(try Query(filter: ["a": .null], columns: ["a"]), in: "c") } == [["_id": 2]])
        #expect(try db.read { try $0.indexProblems(in: "c") }.isEmpty)
    }

    /// Negative control: an entry whose typed value disagrees with its record
    /// (same key, other type) is a problem the check reports.
    @Test(arguments: backends) func checkNoticesAnEntryOfTheWrongType(backend: String) throws {
        try withStore(backend) { try wrongType($0) }
    }

    func wrongType(_ store: some Store) throws {
        let db = try Database(store: store)
        try db.createCollection("c", indexes: ["a"])
        _ = try db.write { tx in try tx.insert(["_id": 1, "a": .int32(5)], into: "c") }
        #expect(try db.read { try $0.indexProblems(in: "c") }.isEmpty)
        let cf = try store.columnFamily(Catalog.columnFamilyName(forCollection: "c"))
        let index = CollectionInfo.Index(field: "a", multikey: false, scalar: true)
        try store.write { txn in
            try txn.put(
                KeyLayout.indexKey(field: "a", value: .int32(5), id: 1),
                try KeyLayout.indexEntryValue(index, value: .double(5), id: 1), in: cf)
        }
        let problems = try db.read { try $0.indexProblems(in: "c") }
        #expect(problems.count == 1, "\(problems)")
        try store.write { txn in try txn.put(KeyLayout.indexKey(field: "a", value: .int32(5), id: 1), [], in: cf) }
        #expect(try db.read { try $0.indexProblems(in: "c") }.count == 1, "an empty value is wrong in format 2")
    }

    /// An index recorded before typed entries (format 1: empty values, no
    /// `scalar`) still reads, checks and updates consistently, and is never covered.
    @Test(arguments: backends) func formatOneIndexesStillWork(backend: String) throws {
        try withStore(backend) { try formatOne($0) }
    }

    func formatOne(_ store: some Store) throws {
        let db = try Database(store: store)
        try db.createCollection("c")
        let cf = try store.columnFamily(Catalog.columnFamilyName(forCollection: "c"))
        let sys = try store.columnFamily(Catalog.columnFamilyName)
        try store.write { txn in
            let record: Document = ["_id": 1, "a": .int32(5)]
            try txn.put(KeyLayout.recordKey(id: 1), try BSONEncoder().encode(record), in: cf)
            try txn.put(KeyLayout.indexKey(field: "a", value: 5, id: 1), [], in: cf)
            let entry: Document = [
                "name": "c", "cf": .string(cf.name), "indexes": [["field": "a", "multikey": false]],
            ]
            try txn.put(Catalog.key("c"), try BSONEncoder().encode(entry), in: sys)
        }
        let info = try #require(try store.read { txn in try Catalog.load("c", txn: txn, in: sys) })
        #expect(info.indexes == [CollectionInfo.Index(field: "a", multikey: false, scalar: false, format: 1)])
        #expect(try db.read { try $0.indexProblems(in: "c") }.isEmpty)
        _ = try db.write { tx in try tx.insert(["_id": 2, "a": .int64(5)], into: "c") }
        let q = try Query(filter: ["a": 5], columns: ["a"])
        #expect(!"\(try db.read { try $0.explain(q, in: "c") })".contains("Covered"))
        #expect(try db.read { try $0.find(q, in: "c") } == [["_id": 1, "a": .int32(5)], ["_id": 2, "a": .int64(5)]])
        #expect(try db.read { try $0.indexProblems(in: "c") }.isEmpty)
    }
}
