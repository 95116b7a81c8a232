import StrataDocument
import StrataHTTP
import Testing

/// The collection endpoints, driven over real HTTP on every backend.
@Suite("collection endpoints")
struct CollectionEndpointTests {
    static let people = """
        [{"_id": "a", "name": "Ada", "age": 36, "tags": ["x", "y"], "born": {"$date": "1990-01-02T03:04:05.006Z"}},
         {"_id": "b", "name": "Bob", "age": 25, "tags": ["y"]},
         {"_id": "c", "name": "Cy", "age": 41, "address": {"city": "Oslo"}}]
        """

    @Test("create and list collections; a second create is 409 exists", arguments: backends)
    func collections(backend: String) async throws {
        try await withServer(backend) { http, _ in
            let created = try await http.post("/collections", #"{"name": "people", "indexes": ["age"]}"#)
            #expect(created.status == 201, "\(created)")
            #expect(try created.document == doc(#"{"name": "people", "indexes": ["age"]}"#))
            #expect(try await http.post("/collections", #"{"name": "pets"}"#).status == 201)
            expectError(
                try await http.post("/collections", #"{"name": "people"}"#), 409, "exists", mentioning: ["people"])
            let list = try await http.get("/collections")
            #expect(list.status == 200)
            #expect(try list.value == .array(["people", "pets"]))
        }
    }

    @Test("insert, query with filter/sort/skip/take/columns, distinct", arguments: backends)
    func insertAndQuery(backend: String) async throws {
        try await withServer(backend) { http, _ in
            #expect(try await http.post("/collections", #"{"name": "people", "indexes": ["age"]}"#).status == 201)
            let inserted = try await http.post("/collections/people/data", Self.people)
            #expect(inserted.status == 201, "\(inserted)")
            #expect(try inserted.document == doc(#"{"ids": ["a", "b", "c"]}"#))

            // One document (not an array) gets a generated id.
            let one = try await http.post("/collections/people/data", #"{"name": "Dee", "age": 30}"#)
            #expect(one.status == 201)
            let ids = try #require(try one.document["ids"]?.arrayValue)
            #expect(ids.count == 1 && ids[0].stringValue?.isEmpty == false)

            let all = try await http.post("/collections/people/query", "")
            #expect(all.status == 200)
            #expect(all.contentType?.hasPrefix("application/json") == true)
            #expect(try all.documents.count == 4)

            let older = try await http.post(
                "/collections/people/query",
                #"{"filter": {"age": {"$gte": 30}}, "sort": ["-age"], "columns": ["name"]}"#)
            #expect(older.status == 200, "\(older)")
            #expect(
                try older.documents == [
                    doc(#"{"_id": "c", "name": "Cy"}"#), doc(#"{"_id": "a", "name": "Ada"}"#),
                    ["_id": ids[0], "name": "Dee"],
                ])

            let window = try await http.post(
                "/collections/people/query", #"{"sort": {"age": 1}, "skip": 1, "take": 2, "columns": ["age"]}"#)
            #expect(try window.documents.map { $0["age"] } == [.int32(30), .int32(36)])

            // Extended JSON in and out: the date and nested fields come back as stored.
            let ada = try await http.post("/collections/people/query", #"{"filter": {"_id": "a"}}"#)
            #expect(
                try ada.documents == [
                    doc(
                        #"""
                        {"_id": "a", "name": "Ada", "age": 36, "tags": ["x", "y"], "born": {"$date": "1990-01-02T03:04:05.006Z"}}
                        """#)
                ])
            #expect(ada.text.contains(#""$date":"1990-01-02T03:04:05.006Z""#))
            let oslo = try await http.post("/collections/people/query", #"{"filter": {"address.city": "Oslo"}}"#)
            #expect(try oslo.documents.map { $0["_id"] } == ["c"])

            let tags = try await http.post("/collections/people/query/distinct", #"{"field": "tags"}"#)
            #expect(tags.status == 200, "\(tags)")
            #expect(try tags.value == .array(["x", "y"]))
            let ages = try await http.post(
                "/collections/people/query/distinct", #"{"field": "age", "filter": {"age": {"$lt": 40}}}"#)
            #expect(try ages.value == .array([.int32(25), .int32(30), .int32(36)]))
        }
    }

    @Test("upsert (PUT), merge many (PATCH), delete (DELETE)", arguments: backends)
    func writes(backend: String) async throws {
        try await withServer(backend) { http, _ in
            #expect(try await http.post("/collections", #"{"name": "people"}"#).status == 201)
            #expect(try await http.post("/collections/people/data", Self.people).status == 201)

            // PUT replaces a match…
            let replaced = try await http.send(
                .put, "/collections/people/data", #"{"filter": {"_id": "b"}, "doc": {"name": "Bobby", "age": 26}}"#)
            #expect(replaced.status == 200, "\(replaced)")
            #expect(try replaced.document == doc(#"{"matched": 1, "modified": 1}"#))
            // …and inserts when none matches.
            let upserted = try await http.send(
                .put, "/collections/people/data", #"{"filter": {"_id": "z"}, "doc": {"name": "Zed", "age": 50}}"#)
            #expect(try upserted.document["upserted_id"] == "z", "\(upserted)")

            let merged = try await http.send(
                .patch, "/collections/people/data", #"{"filter": {"age": {"$lt": 40}}, "update": {"group": "young"}}"#)
            #expect(try merged.document == doc(#"{"matched": 2, "modified": 2}"#), "\(merged)")
            let bumped = try await http.send(
                .patch, "/collections/people/data", #"{"filter": {"group": "young"}, "update": {"$inc": {"age": 1}}}"#)
            #expect(try bumped.document["matched"] == .int32(2))

            let young = try await http.post(
                "/collections/people/query", #"{"filter": {"group": "young"}, "sort": ["_id"]}"#)
            #expect(
                try young.documents == [
                    doc(
                        #"""
                        {"_id": "a", "name": "Ada", "age": 37, "tags": ["x", "y"],
                         "born": {"$date": "1990-01-02T03:04:05.006Z"}, "group": "young"}
                        """#),
                    doc(#"{"_id": "b", "name": "Bobby", "age": 27, "group": "young"}"#),
                ])

            let deleted = try await http.send(.delete, "/collections/people/data", #"{"filter": {"group": "young"}}"#)
            #expect(deleted.status == 200)
            #expect(try deleted.document == doc(#"{"deleted": 2}"#))
            let none = try await http.send(.delete, "/collections/people/data", #"{"filter": {"name": "nobody"}}"#)
            #expect(try none.document == doc(#"{"deleted": 0}"#))

            let left = try await http.post("/collections/people/query", #"{"sort": ["_id"], "columns": ["name"]}"#)
            #expect(try left.documents == [doc(#"{"_id": "c", "name": "Cy"}"#), doc(#"{"_id": "z", "name": "Zed"}"#)])
        }
    }

    @Test("concurrent inserts from many connections all land", arguments: backends)
    func concurrentInserts(backend: String) async throws {
        try await withServer(backend) { http, _ in
            #expect(try await http.post("/collections", #"{"name": "n"}"#).status == 201)
            try await withThrowingTaskGroup(of: Int.self) { group in
                for i in 0..<40 {
                    group.addTask { try await http.post("/collections/n/data", #"{"_id": \#(i), "i": \#(i)}"#).status }
                }
                for try await status in group { #expect(status == 201) }
            }
            let all = try await http.post("/collections/n/query", #"{"sort": ["i"]}"#)
            #expect(try all.documents.map { $0["i"] } == (0..<40).map { .int32(Int32($0)) })
        }
    }
}
