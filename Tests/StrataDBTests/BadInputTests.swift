import StrataDB
import StrataDocument
import StrataQuery
import StrataStore
import Testing

@Suite struct BadInputTests {
    @Test(arguments: backends) func badInputIsRejectedAndLeavesDataUnchanged(backend: String) throws {
        try withStore(backend) { try run($0) }
    }

    func run(_ store: some Store) throws {
        let db = try Database(store: store)
        try db.createCollection("c", indexes: ["a"])
        _ = try db.write { tx in try tx.insert([["_id": 1, "a": 1], ["_id": 2, "a": "x"]], into: "c") }
        let before = try db.read { try $0.find(Query(), in: "c") }

        #expect(throws: QueryError.self) { try Filter(json: #"{"a": {"$regex": "x"}}"#) }
        #expect(throws: QueryError.self) { try Filter(json: #"{"a": {"$in": "x"}}"#) }
        #expect(throws: QueryError.self) { try Filter(json: #"{"a": "#) }

        let tooBig = Document([("_id", 3), ("blob", .string(String(repeating: "x", count: 16 * 1024 * 1024)))])
        let big = #expect(throws: DatabaseError.self) { try db.write { try $0.insert(tooBig, into: "c") } }
        #expect(big?.code == .tooLarge)

        var deep = Value.int32(1)
        for _ in 0..<150 { deep = .document(["d": deep]) }
        let tooDeep = #expect(throws: DatabaseError.self) {
            try db.write { try $0.insert(["_id": 4, "x": deep], into: "c") }
        }
        #expect(tooDeep?.code == .badRequest)

        let badUpdate = #expect(throws: DatabaseError.self) {
            try db.write { tx in try tx.update(Filter(["_id": 2]), Update(["$inc": ["a": 1]]), in: "c") }
        }
        #expect(badUpdate?.code == .badRequest)
        #expect(throws: DatabaseError.self) {
            try db.write { tx throws in
                _ = try tx.insert(["_id": 5, "a": 5], into: "c")
                _ = try tx.insert(["_id": 1], into: "c")
            }
        }
        #expect(throws: DatabaseError.self) { try db.write { try $0.insert(["_id": [1, 2]], into: "c") } }
        #expect(throws: DatabaseError.self) { try db.write { try $0.createIndex("a:b", in: "c") } }
        #expect(throws: DatabaseError.self) { try db.createCollection("bad/name") }
        #expect(throws: DatabaseError.self) { try db.write { try $0.insert(["_id": 9], into: "missing") } }

        #expect(try db.read { try $0.find(Query(), in: "c") } == before)
        #expect(try db.read { try $0.count(Filter(["a": ["$gte": 0]]), in: "c") } == 1)
    }
}
