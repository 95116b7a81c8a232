import StrataDB
import StrataDocument
import StrataQuery
import StrataStore
import Testing

/// `findRaw` (results left as raw BSON) against `find` (decoded): the same
/// records, in the same order, on every backend, for the differential
/// test's random collections and queries, with and without projections.
@Suite struct RawResultTests {
    static let columnChoices: [[String]?] = [
        nil, nil, ["a"], ["b", "s"], ["_id"], ["n.x"], ["a", "n.x", "a"], ["zz"],
    ]

    @Test(arguments: backends) func rawResultsDecodeToTheDecodedResults(backend: String) throws {
        try withStore(backend) { try rawAgainstDecoded($0, seed: 0x4A57_0000 &+ UInt64(backend.utf8.count)) }
    }

    func rawAgainstDecoded(_ store: some Store, seed: UInt64) throws {
        do {
            var rng = SeededRandom(seed: seed)
            let gen = DifferentialTests()
            let db = try Database(store: store)
            try db.createCollection("c", indexes: ["a", "b", "tags", "n.x"])
            _ = try db.write { tx in try tx.insert((0..<120).map { gen.randomDocument(id: $0, &rng) }, into: "c") }
            var nonEmpty = 0
            for round in 0..<600 {
                var query = gen.randomQuery(&rng)
                let columns = Self.columnChoices.randomElement(using: &rng)!
                query.columns = try columns.map { try $0.map { try FieldPath($0) } }
                let (raw, decoded) = try db.read { tx in (try tx.findRaw(query, in: "c"), try tx.find(query, in: "c")) }
                let rawDecoded = try raw.documents()
                #expect(
                    rawDecoded == decoded,
                    "seed \(seed) round \(round): \(query.filter.document.extendedJSON) columns \(String(describing: columns))"
                )
                if rawDecoded != decoded { return }
                if !raw.isEmpty { nonEmpty += 1 }
                // Field access on the raw bytes agrees with the decoded record.
                for (r, d) in zip(raw, decoded) {
                    #expect(try r.value(forKey: "_id")?.decode() == d["_id"])
                    #expect(try r.value(atPath: "n.x")?.decode() == d[path: "n.x"])
                }
            }
            #expect(nonEmpty > 200, "most random queries should return something")
            // By id, with and without columns, present and missing.
            try db.read { tx in
                for id in [Value.int32(3), .int32(77), .int32(500)] {
                    for columns in Self.columnChoices {
                        let paths = try columns.map { try $0.map { try FieldPath($0) } }
                        #expect(
                            try tx.findRawByID(id, columns: paths, in: "c")?.decode()
                                == tx.findByID(id, columns: paths, in: "c"))
                    }
                }
            }
        }
    }

    /// Raw results are values: writes later in the same transaction (which on
    /// the trie replace the very arrays the results share) do not change them.
    @Test(arguments: backends) func rawResultsSurviveLaterWritesInTheirTransaction(backend: String) throws {
        try withStore(backend) { try laterWrites($0) }
    }

    func laterWrites(_ store: some Store) throws {
        do {
            let db = try Database(store: store)
            try db.createCollection("c", indexes: ["a"])
            _ = try db.write { tx in
                try tx.insert((0..<50).map { ["_id": .int32(Int32($0)), "a": .int32(Int32($0 % 5))] }, into: "c")
            }
            try db.write { tx in
                let before = try tx.findRaw(Query(), in: "c")
                let one = try tx.findRawByID(.int32(7), in: "c")
                let decodedBefore = try before.documents()
                _ = try tx.update(
                    .all, try Update(["$set": ["a": "changed", "b": .array([1, 2, 3])]]), in: "c", many: true)
                _ = try tx.delete(try filter(#"{"_id": {"$lt": 25}}"#), in: "c", many: true)
                #expect(try before.documents() == decodedBefore)
                #expect(try one?.decode() == ["_id": .int32(7), "a": .int32(2)])
                #expect(try tx.findRaw(Query(), in: "c").documents() == tx.find(Query(), in: "c"))
                #expect(try tx.findRaw(Query(), in: "c").count == 25)
                #expect(try tx.count(in: "c") == 25)
            }
        }
    }

    /// A result set grows its buffer many times over; its records stay in
    /// order and intact, outlive the result set that held them (as copies),
    /// and dropping result sets releases each record once: the store's own
    /// arrays (shared on the trie) stay readable for later queries.
    @Test(arguments: backends) func largeResultSetsKeepTheirRecordsAndReleaseThemOnce(backend: String) throws {
        try withStore(backend) { try largeResults($0) }
    }

    func largeResults(_ store: some Store) throws {
        do {
            let db = try Database(store: store)
            try db.createCollection("c")
            let n = 1_000
            let records: [Document] = (0..<n).map { ["_id": .int32(Int32($0)), "v": .int32(Int32($0 * 3))] }
            _ = try db.write { tx in try tx.insert(records, into: "c") }
            var kept: [RawDocument] = []
            for round in 0..<5 {
                let results = try db.read { tx in try tx.findRaw(Query(), in: "c") }
                #expect(results.count == n)
                #expect(results.records.count == n)
                for (i, raw) in results.enumerated() where i % 97 == 0 || i == n - 1 {
                    #expect(try raw.value(forKey: "v")?.decode() == .int32(Int32(i * 3)), "round \(round) record \(i)")
                }
                if round == 0 { kept = results.records }
                let empty = try db.read { tx in try tx.findRaw(Query(filter: ["v": -1]), in: "c") }
                #expect(empty.isEmpty && empty.records.isEmpty)
            }
            #expect(kept.count == n)
            #expect(try kept.last?.decode() == ["_id": .int32(Int32(n - 1)), "v": .int32(Int32((n - 1) * 3))])
            #expect(try db.read { tx in try tx.find(Query(), in: "c") }.count == n)
        }
    }

    /// A large result read straight from the trie holds its snapshot, not its
    /// records (``ResultSet/holdsSnapshot``): it must still read exactly what
    /// was committed when it was read after later commits replace, delete and
    /// add records (whose writers must then copy what the snapshot holds),
    /// and after the store is closed. Small results, projections and other
    /// backends hold their records one by one, with the same answers.
    @Test(arguments: backends) func resultsHoldingTheirSnapshotOutliveLaterCommits(backend: String) throws {
        var held: [(ResultSet, [Document])] = []
        try withStore(backend) { held = try resultsAcrossCommits($0, backend: backend) }
        for (results, decoded) in held {
            #expect(try results.documents() == decoded, "after the store closed")
            #expect(results.records.count == decoded.count)
            if let last = results.last { #expect(try last.decode() == decoded.last) }
        }
    }

    /// The results of `resultsHoldingTheirSnapshotOutliveLaterCommits`, checked after each of three commits.
    func resultsAcrossCommits(_ store: some Store, backend: String) throws -> [(ResultSet, [Document])] {
        var held: [(ResultSet, [Document])] = []
        do {
            let db = try Database(store: store)
            try db.createCollection("c", indexes: ["g"])
            let n = 2_000
            _ = try db.write { tx in
                try tx.insert(
                    (0..<n).map { ["_id": .int32(Int32($0)), "g": .int32(Int32($0 % 4)), "s": .string("r\($0)")] },
                    into: "c")
            }
            let queries: [(Query, Bool)] = [
                (try Query(), true),  // the whole collection
                (try Query(filter: ["g": 1]), true),  // an index (500 records)
                (try Query(filter: ["s": ["$gte": "r5"]]), true),  // a filtered scan, no bound known
                (try Query(filter: ["_id": ["$lt": 100]]), false),  // fewer than SharedRecords.minimumCount
                (try Query(columns: [try FieldPath("s")]), false),  // a projection builds new records
            ]
            for (query, large) in queries {
                let (results, decoded) = try db.read { tx in
                    (try tx.findRaw(query, in: "c"), try tx.find(query, in: "c"))
                }
                #expect(results.holdsSnapshot == (large && backend == "trie"), "\(query.filter.document.extendedJSON)")
                #expect(try results.documents() == decoded)
                held.append((results, decoded))
            }
            for round in 0..<3 {
                _ = try db.write { tx in
                    _ = try tx.update(
                        .all, try Update(["$set": ["s": .string("changed \(round)")], "$inc": ["g": 1]]), in: "c",
                        many: true)
                    _ = try tx.delete(try filter(#"{"_id": {"$lt": 700}}"#), in: "c", many: true)
                    _ = try tx.insert(
                        (0..<300).map { ["_id": .int32(Int32(n * (round + 2) + $0)), "g": .int32(9)] }, into: "c")
                }
                for (results, decoded) in held {
                    #expect(try results.documents() == decoded, "after commit \(round)")
                }
            }
        }
        return held
    }
}
