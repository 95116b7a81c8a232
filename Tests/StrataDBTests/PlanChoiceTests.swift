import StrataDB
import StrataDocument
import StrataQuery
import StrataStore
import Testing

/// The planner's choice between an equality index scan and a full scan from
/// the store's counts (``StoreCapabilities/countedPrefixes``): a value held by
/// a large share of the records is read with a scan, a rare one through the
/// index, and either way the results and their order are the scan's.
@Suite struct PlanChoiceTests {
    /// Records in the test collection: enough for the planner to weigh the plans.
    static let records = 1_500

    /// `s` is "common" on 9 records in 10 and "rare" on the rest; `k` is a
    /// string index that is always selective.
    static func record(_ i: Int) -> Document {
        [
            "_id": .int32(Int32(i)), "s": .string(i % 10 == 0 ? "rare" : "common"),
            "k": .string("k\(i % 97)"), "n": .int32(Int32(i % 7)),
        ]
    }

    /// A database over `store` holding the test collection `c`, indexed on
    /// `s` and `k`, with every record.
    static func loaded<S: Store>(_ store: S) throws -> Database<S> {
        let db = try Database(store: store)
        try db.createCollection("c", indexes: ["s", "k"])
        _ = try db.write { tx in try tx.insert((0..<records).map(record), into: "c") }
        return db
    }

    static func stages(_ d: Document) -> [String] {
        var out: [String] = []
        var node: Document? = d
        while let n = node {
            if case .string(let s)? = n["stage"] { out.append(s) }
            node = n["input"]?.documentValue
        }
        return out
    }

    /// The innermost stage (the source).
    static func source(_ d: Document) -> Document {
        var node = d
        while let input = node["input"]?.documentValue { node = input }
        return node
    }

    @Test(arguments: backends) func aCommonValueIsScannedARareOneLookedUp(backend: String) throws {
        try withStore(backend) { try choose($0) }
    }

    func choose(_ store: some Store) throws {
        let weighs = store.capabilities.contains(.countedPrefixes)
        let db = try Self.loaded(store)
        try db.read { tx throws in
            let common = try tx.explain(Query(filter: filter(#"{"s": "common"}"#)), in: "c")
            let scan = Self.source(common)
            if weighs {
                #expect(Self.stages(common) == ["Filter", "ReadRecord", "Scan"], "\(common.extendedJSON)")
                // Explain says why: the index it did not use and the counts.
                #expect(scan["insteadOf"]?.documentValue?["stage"] == "IndexScan")
                #expect(scan["insteadOf"]?.documentValue?["field"] == "s")
                #expect(scan["candidates"] == .int64(Int64(Self.records - Self.records / 10)))
                #expect(scan["records"] == .int64(Int64(Self.records)))
            } else {
                // Without cheap counts the planner does not weigh: the index is used.
                #expect(Self.stages(common).last == "IndexScan", "\(common.extendedJSON)")
            }
            let rare = try tx.explain(Query(filter: filter(#"{"s": "rare"}"#)), in: "c")
            #expect(Self.stages(rare).last == "IndexScan", "\(rare.extendedJSON)")
            #expect(Self.source(rare)["insteadOf"] == nil)
            // Both values together are every record.
            let both = try tx.explain(Query(filter: filter(#"{"s": {"$in": ["rare", "common"]}}"#)), in: "c")
            #expect(Self.stages(both).last == (weighs ? "Scan" : "IndexScan"), "\(both.extendedJSON)")
            // A covered plan reads no records, so it stays on the index.
            let covered = try tx.explain(Query(filter: filter(#"{"s": "common"}"#), columns: [FieldPath("s")]), in: "c")
            #expect(Self.stages(covered).suffix(2) == ["Covered", "IndexScan"], "\(covered.extendedJSON)")
            // An index-ordered sort keeps its index.
            let ordered = try tx.explain(
                Query(filter: filter(#"{"s": "common"}"#), sort: Sort(fields: ["s"]), take: 5), in: "c")
            #expect(Self.source(ordered)["order"] == "asc", "\(ordered.extendedJSON)")
            // The hint still forces a scan, and says nothing about a choice.
            let forced = try tx.explain(Query(filter: filter(#"{"s": "rare"}"#)), in: "c", hint: .collectionScan)
            #expect(Self.stages(forced).last == "Scan")
            #expect(Self.source(forced)["insteadOf"] == nil)
        }
        // Whatever was chosen returns what a scan returns, in the same order.
        let queries: [Query] = [
            try Query(filter: filter(#"{"s": "common"}"#)),
            try Query(filter: filter(#"{"s": "common", "n": 3}"#)),
            try Query(filter: filter(#"{"s": "common"}"#), skip: 7, take: 30),
            try Query(filter: filter(#"{"s": "common"}"#), sort: Sort(fields: ["-n"]), take: 40),
            try Query(filter: filter(#"{"s": {"$in": ["common", "rare"]}}"#), sort: Sort(fields: ["n", "-k"])),
            try Query(filter: filter(#"{"s": "rare"}"#)),
            try Query(filter: filter(#"{"k": "k5"}"#)),
            try Query(filter: filter(#"{"s": "common"}"#), columns: [FieldPath("n")]),
        ]
        for query in queries {
            let (planned, raw, scanned) = try db.read { tx throws in
                (
                    try tx.find(query, in: "c"), try tx.findRaw(query, in: "c").documents(),
                    try tx.find(query, in: "c", hint: .collectionScan)
                )
            }
            #expect(planned == scanned, "\(query.filter.document.extendedJSON)")
            #expect(raw == scanned, "\(query.filter.document.extendedJSON)")
        }
        #expect(try db.read { try $0.count(filter(#"{"s": "common", "n": 3}"#), in: "c") } == Self.expected(3))
        // Writes plan the same way: delete_one takes the first match in `_id`
        // order, update_many every match.
        #expect(try db.write { try $0.delete(filter(#"{"s": "common"}"#), in: "c", many: false) } == 1)
        #expect(try db.read { try $0.findByID(.int32(1), in: "c") } == nil)
        #expect(try db.read { try $0.findByID(.int32(2), in: "c") } != nil)
        let updated = try db.write { tx in
            try tx.update(filter(#"{"s": "common", "n": 3}"#), Update(["$set": ["n": 100]]), in: "c", many: true)
        }
        #expect(updated.matched == Self.expected(3) - (Self.record(1)["n"] == .int32(3) ? 1 : 0))
        #expect(try db.read { try $0.indexProblems(in: "c") }.isEmpty)
    }

    /// The records with `s` "common" and `n` equal to `n`.
    static func expected(_ n: Int32) -> Int {
        (0..<records).filter { record($0)["s"] == "common" && record($0)["n"] == .int32(n) }.count
    }

    /// Below ``Planner``'s minimum the index is kept whatever the share: on a
    /// few records either plan takes microseconds.
    @Test func aSmallCollectionKeepsItsIndex() throws {
        try withStore("trie") { try small($0) }
    }

    func small(_ store: some Store) throws {
        do {
            let db = try Database(store: store)
            try db.createCollection("c", indexes: ["s"])
            _ = try db.write { tx in try tx.insert((0..<50).map(Self.record), into: "c") }
            let plan = try db.read { tx in try tx.explain(Query(filter: filter(#"{"s": "common"}"#)), in: "c") }
            #expect(Self.stages(plan).last == "IndexScan", "\(plan.extendedJSON)")
        }
    }
}
