import StrataDB
import StrataDocument
import StrataQuery
import StrataStore
import Testing

/// Random collections and queries: every plan the planner picks must return
/// exactly what an unindexed scan with the same filter returns, in the same order.
@Suite struct DifferentialTests {
    static let fields = ["a", "b", "tags", "n.x", "s"]

    @Test(arguments: backends) func everyPlanAgreesWithAFullScan(backend: String) throws {
        try withStore(backend) { try differential($0, seed: 0xD1FF_0000 &+ UInt64(backend.utf8.count)) }
    }

    /// Enough records for the planner to weigh an index against a scan, with
    /// `s` indexed, skewed and queried for its own values: "Alpha" is on most
    /// records, so those plans become scans chosen by cost (on backends with
    /// counted prefixes).
    @Test(arguments: backends) func weighedPlansAgreeWithAFullScan(backend: String) throws {
        try withStore(backend) { store in
            try differential(
                store, seed: 0xD1FF_1000 &+ UInt64(backend.utf8.count), records: 1_200, rounds: 250, weighed: true)
        }
    }

    func differential(
        _ store: some Store, seed: UInt64, records: Int = 120, rounds: Int = 1_000, weighed: Bool = false
    ) throws {
        var rng = SeededRandom(seed: seed)
        let db = try Database(store: store)
        try db.createCollection("c", indexes: ["a", "b", "tags", "n.x"] + (weighed ? ["s"] : []))
        let docs = (0..<records).map { i in randomDocument(id: i, &rng, skewed: weighed) }
        _ = try db.write { tx in try tx.insert(docs, into: "c") }
        var indexedPlans = 0
        var scansByCost = 0
        for round in 0..<rounds {
            let query = randomQuery(&rng, skewed: weighed)
            let (planned, scanned, plan) = try db.read { tx throws in
                (
                    try tx.find(query, in: "c"), try tx.find(query, in: "c", hint: .collectionScan),
                    try tx.explain(query, in: "c")
                )
            }
            if !"\(plan)".contains("\"Scan\"") { indexedPlans += 1 }
            if "\(plan)".contains("insteadOf") { scansByCost += 1 }
            let same = planned == scanned
            #expect(
                same,
                "ids \(planned.compactMap { $0["_id"] }) vs scan \(scanned.compactMap { $0["_id"] }); seed \(seed) round \(round): \(query.filter.document.extendedJSON) sort \(query.sort.fields) skip \(query.skip) take \(String(describing: query.take)) plan \(plan.extendedJSON)"
            )
            if !same { return }
            let count = try db.read { try $0.count(query.filter, in: "c") }
            let all = try db.read { try $0.find(Query(filter: query.filter), in: "c", hint: .collectionScan) }
            #expect(count == all.count, "seed \(seed) round \(round): count")
        }
        if weighed {
            let weighs = store.capabilities.contains(.countedPrefixes)
            #expect(weighs ? scansByCost > 0 : scansByCost == 0, "\(scansByCost) scans chosen by cost")
            #expect(indexedPlans > rounds / 4, "many random queries should still use an index")
        } else {
            #expect(indexedPlans > 300, "most random queries should use an index")
        }
    }

    func randomValue(_ rng: inout SeededRandom) -> Value {
        switch Int.random(in: 0..<10, using: &rng) {
        case 0: return .null
        case 1, 2: return .int32(Int32.random(in: -5...5, using: &rng))
        case 3: return .int64(Int64.random(in: -5...5, using: &rng))
        case 4: return .double(Double(Int.random(in: -10...10, using: &rng)) / 2)
        case 5, 6: return .string(["x", "y", "Yz", "ab", "abc", ""].randomElement(using: &rng)!)
        case 7: return .bool(Bool.random(using: &rng))
        case 8:
            return .array(
                (0..<Int.random(in: 0...3, using: &rng)).map { _ in .int32(Int32.random(in: -3...3, using: &rng)) })
        default: return .string("s\(Int.random(in: 0...3, using: &rng))")
        }
    }

    /// With `skewed`, `s` is "Alpha" on about 5 records in 8.
    func randomDocument(id: Int, _ rng: inout SeededRandom, skewed: Bool = false) -> Document {
        var d: Document = ["_id": .int32(Int32(id))]
        if Int.random(in: 0..<6, using: &rng) > 0 { d.append("a", randomValue(&rng)) }
        if Int.random(in: 0..<4, using: &rng) > 0 { d.append("b", .int32(Int32.random(in: 0...9, using: &rng))) }
        if Bool.random(using: &rng) {
            d.append(
                "tags",
                .array(
                    (0..<Int.random(in: 0...3, using: &rng)).map { _ in
                        .string(["red", "green", "blue", "Red"].randomElement(using: &rng)!)
                    }))
        }
        switch Int.random(in: 0..<3, using: &rng) {
        case 0: d.append("n", .document(["x": randomValue(&rng)]))
        case 1: d.append("n", .array([.document(["x": randomValue(&rng)]), .document(["x": randomValue(&rng)])]))
        default: break
        }
        let values = ["Alpha", "beta", "GAMMA", "alphabet"]
        d.append("s", .string(skewed && Bool.random(using: &rng) ? "Alpha" : values.randomElement(using: &rng)!))
        return d
    }

    /// With `skewed`, half the predicates are on `s`, with `s`'s own values
    /// ("Alpha", the common one, half the time).
    func randomPredicate(_ rng: inout SeededRandom, depth: Int = 0, skewed: Bool = false) -> Document {
        if depth < 2, Int.random(in: 0..<6, using: &rng) == 0 {
            let op = Bool.random(using: &rng) ? "$or" : "$and"
            return [
                op: .array(
                    (0..<Int.random(in: 1...3, using: &rng)).map { _ in
                        .document(randomPredicate(&rng, depth: depth + 1, skewed: skewed))
                    })
            ]
        }
        let field = skewed && Bool.random(using: &rng) ? "s" : Self.fields.randomElement(using: &rng)!
        let sValues = ["Alpha", "Alpha", "Alpha", "beta", "GAMMA", "alphabet"]
        let v =
            field == "tags"
            ? Value.string(["red", "green", "blue"].randomElement(using: &rng)!)
            : skewed && field == "s" ? Value.string(sValues.randomElement(using: &rng)!) : randomValue(&rng)
        switch Int.random(in: 0..<12, using: &rng) {
        case 0, 1: return [field: v]
        case 2: return [field: ["$ne": v]]
        case 3: return [field: ["$gt": v]]
        case 4: return [field: ["$gte": v]]
        case 5: return [field: ["$lt": v]]
        case 6: return [field: ["$lte": v]]
        case 7:
            let other = skewed && field == "s" ? Value.string(sValues.randomElement(using: &rng)!) : randomValue(&rng)
            return [field: ["$in": .array([v, other])]]
        case 8: return [field: ["$nin": .array([v])]]
        case 9: return [field: ["$exists": .bool(Bool.random(using: &rng))]]
        case 10: return [field: ["$gt": v, "$lte": randomValue(&rng)]]
        default: return [field: ["$istartswith": .string(["a", "AL", "g", "r"].randomElement(using: &rng)!)]]
        }
    }

    func randomQuery(_ rng: inout SeededRandom, skewed: Bool = false) -> Query {
        var filter = Document()
        for _ in 0..<Int.random(in: 0...2, using: &rng) {
            for (k, v) in randomPredicate(&rng, skewed: skewed) where filter[k] == nil { filter.append(k, v) }
        }
        var sort: [String] = []
        for _ in 0..<Int.random(in: 0...2, using: &rng) {
            sort.append((Bool.random(using: &rng) ? "-" : "") + Self.fields.randomElement(using: &rng)!)
        }
        let skip = Int.random(in: 0..<4, using: &rng) == 0 ? Int.random(in: 0...10, using: &rng) : 0
        let take = Bool.random(using: &rng) ? Int.random(in: 0...15, using: &rng) : nil
        return try! Query(filter: filter, sort: sort, skip: skip, take: take)
    }
}
