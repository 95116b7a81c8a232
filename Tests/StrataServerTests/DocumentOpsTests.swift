import StrataClient
import StrataDocument
import StrataServer
import StrataWire
import StrataWireDocument
import Testing

/// The document ops over a real loopback connection, on every backend.
@Suite("Document ops over loopback, on every backend")
struct DocumentOpsTests {
    /// Five users; `age` indexed, `status` not.
    private func seed(_ client: Client) throws {
        try client.createCollection("users", indexes: ["age"])
        let ids = try client.insertMany(
            [
                ["_id": "u1", "name": "Ada", "age": 36, "status": "active", "tags": ["math", "code"]],
                ["_id": "u2", "name": "Bob", "age": 25, "status": "idle"],
                ["_id": "u3", "name": "Cy", "age": 41, "status": "active", "tags": ["code"]],
                ["_id": "u4", "name": "Di", "age": 30, "status": "active"],
                ["_id": "u5", "name": "Ed", "age": 19, "status": "banned"],
            ], into: "users")
        #expect(ids == ["u1", "u2", "u3", "u4", "u5"])
    }

    @Test("create, list and drop collections; indexes given at creation are listed", arguments: allBackends)
    func collections(backend: String) throws {
        try withServer(backend: backend) { server in
            let client = try server.connect()
            #expect(try client.call(op: "create_collection", arguments: [("collection", "a")]) == .bool(true))
            try client.createCollection("b", indexes: ["x", "y.z"])
            #expect(try client.listCollections() == ["a", "b"])
            #expect(try client.listIndexes(in: "b").sorted() == ["x", "y.z"])
            #expect(try client.listIndexes(in: "a") == [])
            expectError(.exists) { try client.createCollection("a") }
            try client.dropCollection("a")
            #expect(try client.call(op: "list_collections") == .array(["b"]))
            expectError(.notFound) { try client.dropCollection("a") }
            expectError(.notFound) { try client.listIndexes(in: "a") }
        }
    }

    @Test("insert_one returns the given or a generated id; values keep their types", arguments: allBackends)
    func insertAndTypes(backend: String) throws {
        try withServer(backend: backend) { server in
            let client = try server.connect()
            try client.createCollection("t")
            let raw = try client.call(
                op: "insert_one",
                arguments: [
                    ("collection", "t"),
                    (
                        "doc",
                        [
                            "_id": 7, "i": -5, "big": .uint(1 << 40), "f": 1.5, "f32": .float32(0.25), "s": "text",
                            "b": .binary([0, 1, 255]),
                            "t": .timestamp(seconds: 1_700_000_000, nanoseconds: 123_000_000),
                            "n": nil, "ok": true, "arr": [1, "two", [3]], "map": ["inner": ["deep": 1]],
                        ]
                    ),
                ])
            #expect(raw == ["id": 7])
            let stored = try client.call(op: "find_by_id", arguments: [("collection", "t"), ("_id", 7)])
            #expect(
                stored == [
                    "_id": 7, "i": -5, "big": .int(1 << 40), "f": 1.5, "f32": 0.25, "s": "text",
                    "b": .binary([0, 1, 255]), "t": .timestamp(seconds: 1_700_000_000, nanoseconds: 123_000_000),
                    "n": nil, "ok": true, "arr": [1, "two", [3]], "map": ["inner": ["deep": 1]],
                ])
            // The typed client sees BSON values: int → int64, timestamp → datetime (ms).
            let typed = try #require(try client.findByID(.int64(7), in: "t"))
            #expect(typed["i"] == .int64(-5))
            #expect(typed["t"] == .datetime(1_700_000_000_123))
            #expect(typed["b"] == .binary(Binary(bytes: [0, 1, 255])))
            #expect(typed[path: "map.inner.deep"] == .int64(1))

            let generated = try client.insertOne(["name": "no id"], into: "t")
            #expect(generated.stringValue?.count == 36)
            #expect(try client.findByID(generated, in: "t")?["name"] == "no id")
            #expect(try client.findByID("missing", in: "t") == nil)
            #expect(try client.call(op: "find_by_id", arguments: [("collection", "t"), ("_id", "missing")]) == .nil)
        }
    }

    @Test("find with filter, sort, skip, take and columns; find_one; find_by_id with columns", arguments: allBackends)
    func find(backend: String) throws {
        try withServer(backend: backend) { server in
            let client = try server.connect()
            try seed(client)
            let active = try client.find(in: "users", FindOptions(filter: ["status": "active"], sort: ["-age"]))
            #expect(active.map { $0["_id"] } == ["u3", "u1", "u4"])
            let window = try client.find(in: "users", FindOptions(sort: ["age"], skip: 1, take: 2, columns: ["name"]))
            #expect(window == [["_id": "u2", "name": "Bob"], ["_id": "u4", "name": "Di"]])
            let grownUps = try client.find(
                in: "users", FindOptions(filter: ["age": ["$gte": 30], "tags": "code"], sort: ["name"]))
            #expect(grownUps.map { $0["name"] } == ["Ada", "Cy"])
            let either = try client.find(
                in: "users", FindOptions(filter: ["$or": [["age": ["$lt": 20]], ["name": ["$istartswith": "b"]]]]))
            #expect(Set(either.compactMap { $0["_id"]?.stringValue }) == ["u2", "u5"])
            #expect(try client.find(in: "users").count == 5)

            #expect(try client.findOne(in: "users", FindOptions(filter: ["status": "idle"]))?["name"] == "Bob")
            #expect(try client.findOne(in: "users", FindOptions(filter: ["status": "gone"])) == nil)
            #expect(try client.findOne(in: "users", FindOptions(sort: ["-age"], skip: 1))?["_id"] == "u1")
            #expect(try client.findByID("u3", in: "users", columns: ["age"]) == ["_id": "u3", "age": .int64(41)])
        }
    }

    @Test("count, distinct and explain; explain uses the index", arguments: allBackends)
    func countDistinctExplain(backend: String) throws {
        try withServer(backend: backend) { server in
            let client = try server.connect()
            try seed(client)
            #expect(try client.count(in: "users") == 5)
            #expect(try client.count(in: "users", filter: ["status": "active"]) == 3)
            #expect(
                try client.call(op: "count", arguments: [("collection", "users"), ("filter", ["age": ["$gt": 100]])])
                    == 0)
            #expect(try client.distinct("status", in: "users") == ["active", "banned", "idle"])
            #expect(try client.distinct("tags", in: "users", filter: ["status": "active"]) == ["code", "math"])

            let plan = try client.call(
                op: "explain", arguments: [("collection", "users"), ("filter", ["age": ["$gte": 30]]), ("take", 1)])
            #expect(stages(of: plan).contains("IndexScan"), "\(plan)")
            #expect(plan["stage"] == "Limit")
            let scan = try client.explain(in: "users", FindOptions(filter: ["status": "active"]))
            #expect(stages(of: DocumentValueMapping.messagePack(scan)).contains("Scan"))
        }
    }

    @Test("update_one, update_many, upsert, replace_one", arguments: allBackends)
    func updates(backend: String) throws {
        try withServer(backend: backend) { server in
            let client = try server.connect()
            try seed(client)
            let one = try client.call(
                op: "update_one",
                arguments: [("collection", "users"), ("filter", ["_id": "u2"]), ("update", ["$inc": ["age": 1]])])
            #expect(one == ["matched": 1, "modified": 1])
            #expect(try client.findByID("u2", in: "users")?["age"] == .int64(26))

            let many = try client.update(
                in: "users", filter: ["status": "active"], update: ["$set": ["level": "gold"]], many: true)
            #expect(many == UpdateOutcome(matched: 3, modified: 3))
            #expect(try client.count(in: "users", filter: ["level": "gold"]) == 3)
            #expect(try client.update(in: "users", filter: ["status": "gone"], update: ["$set": ["x": 1]]).matched == 0)

            let upserted = try client.update(
                in: "users", filter: ["_id": "u9"], update: ["$set": ["name": "New"]], upsert: true)
            #expect(upserted.upsertedID == "u9")
            #expect(try client.findByID("u9", in: "users")?["name"] == "New")

            let replaced = try client.replaceOne(in: "users", filter: ["_id": "u5"], with: ["name": "Eve", "age": 20])
            #expect(replaced == UpdateOutcome(matched: 1, modified: 1))
            #expect(try client.findByID("u5", in: "users") == ["_id": "u5", "name": "Eve", "age": .int64(20)])
            let raw = try client.call(
                op: "replace_one",
                arguments: [
                    ("collection", "users"), ("filter", ["name": "Zed"]), ("doc", ["name": "Zed"]), ("upsert", true),
                ])
            #expect(raw["matched"] == 0)
            #expect(raw["upserted_id"]?.stringValue != nil)
            #expect(try client.count(in: "users") == 7)
        }
    }

    @Test("delete_one and delete_many", arguments: allBackends)
    func deletes(backend: String) throws {
        try withServer(backend: backend) { server in
            let client = try server.connect()
            try seed(client)
            let one = try client.call(
                op: "delete_one", arguments: [("collection", "users"), ("filter", ["status": "active"])])
            #expect(one == ["deleted": 1])
            #expect(try client.count(in: "users", filter: ["status": "active"]) == 2)
            #expect(try client.delete(in: "users", filter: ["age": ["$lt": 30]], many: true) == 2)
            #expect(try client.delete(in: "users", filter: ["status": "gone"], many: true) == 0)
            #expect(try client.delete(in: "users", filter: [:], many: true) == 2)
            #expect(try client.count(in: "users") == 0)
        }
    }

    @Test("create_index backfills, list_indexes, drop_index; duplicates and missing ones", arguments: allBackends)
    func indexes(backend: String) throws {
        try withServer(backend: backend) { server in
            let client = try server.connect()
            try seed(client)
            #expect(
                try client.call(op: "create_index", arguments: [("collection", "users"), ("field", "status")]) == true)
            #expect(try client.listIndexes(in: "users").sorted() == ["age", "status"])
            expectError(.exists) { try client.createIndex("status", in: "users") }
            let plan = try client.explain(in: "users", FindOptions(filter: ["status": "active"]))
            #expect(stages(of: DocumentValueMapping.messagePack(plan)).contains("IndexScan"))
            #expect(try client.count(in: "users", filter: ["status": "active"]) == 3)
            try client.dropIndex("status", in: "users")
            #expect(try client.call(op: "list_indexes", arguments: [("collection", "users")]) == ["age"])
            expectError(.notFound) { try client.dropIndex("status", in: "users") }
        }
    }

    @Test("find_by_id, insert_one and their results pipeline in order", arguments: allBackends)
    func pipelined(backend: String) throws {
        try withServer(backend: backend) { server in
            let client = try server.connect()
            try client.createCollection("p")
            for i in 0..<50 {
                try client.send(Calls.insertOne(["_id": .int64(Int64(i)), "n": .int64(Int64(i * i))], into: "p"))
            }
            for i in 0..<50 { #expect(try client.receive(Calls.insertOne([:], into: "p")) == .int64(Int64(i))) }
            let reads = (0..<50).map { Calls.findByID(.int64(Int64($0)), in: "p") }
            for call in reads { try client.send(call) }
            for (i, call) in reads.enumerated() { #expect(try client.receive(call)?["n"] == .int64(Int64(i * i))) }
            #expect(client.outstanding == 0)
        }
    }
}

/// Every `stage` name in an explain plan, outermost first.
func stages(of plan: MessagePackValue) -> [String] {
    var out: [String] = []
    if let stage = plan["stage"]?.stringValue { out.append(stage) }
    if let input = plan["input"] { out += stages(of: input) }
    for input in plan["inputs"]?.arrayValue ?? [] { out += stages(of: input) }
    return out
}
