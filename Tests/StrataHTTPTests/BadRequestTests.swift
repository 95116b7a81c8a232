import StrataDocument
import StrataHTTP
import Testing

/// Malformed requests get a 400/404/409 with a JSON error naming what was
/// wrong, change nothing, and the server keeps serving.
@Suite("bad requests")
struct BadRequestTests {
    static let seed = #"[{"_id": 1, "name": "Ada", "age": 36}, {"_id": 2, "name": "Bob", "age": 25}]"#

    /// The whole collection, to compare before and after the bad requests.
    private func snapshot(_ http: HTTP) async throws -> [Document] {
        let reply = try await http.post("/collections/people/query", #"{"sort": ["_id"]}"#)
        #expect(reply.status == 200, "\(reply)")
        return try reply.documents
    }

    @Test(
        "bad JSON, bad filters, bad fields and bad updates are 400 with a message; data is intact", arguments: backends)
    func badBodies(backend: String) async throws {
        try await withServer(backend) { http, _ in
            #expect(try await http.post("/collections", #"{"name": "people", "indexes": ["age"]}"#).status == 201)
            #expect(try await http.post("/collections/people/data", Self.seed).status == 201)
            let before = try await snapshot(http)
            #expect(before.count == 2)

            let q = "/collections/people/query"
            expectError(try await http.post(q, #"{"filter": {"#), 400, "bad_request", mentioning: ["not valid JSON"])
            expectError(try await http.post(q, #"{"take": 1,}"#), 400, "bad_request", mentioning: ["JSON"])
            expectError(try await http.post(q, "[1, 2]"), 400, "bad_request", mentioning: ["object"])
            expectError(
                try await http.post(q, #"{"filter": {"age": {"$foo": 1}}}"#), 400, "bad_request", mentioning: ["$foo"])
            expectError(
                try await http.post(q, #"{"filter": {"age": {"$in": 3}}}"#), 400, "bad_request", mentioning: ["$in"])
            expectError(
                try await http.post(q, #"{"take": "ten"}"#), 400, "bad_request", mentioning: ["take", "integer"])
            expectError(try await http.post(q, #"{"skip": -1}"#), 400, "bad_request", mentioning: ["skip"])
            expectError(try await http.post(q, #"{"filtr": {}}"#), 400, "bad_request", mentioning: ["filtr"])
            expectError(
                try await http.post(q, #"{"columns": ["name", 3]}"#), 400, "bad_request", mentioning: ["columns"])
            expectError(
                try await http.send(.post, q, bytes: [0x7B, 0xFF, 0xFE, 0x7D]), 400, "bad_request",
                mentioning: ["UTF-8"])
            expectError(
                try await http.post("/collections/people/query/distinct", #"{"filter": {}}"#), 400, "bad_request",
                mentioning: ["field"])

            let data = "/collections/people/data"
            expectError(try await http.post(data, #"[{"_id": 3}, 7]"#), 400, "bad_request", mentioning: ["[1]"])
            expectError(try await http.post(data, ""), 400, "bad_request", mentioning: ["empty"])
            // A batch with a duplicate _id is refused as a whole.
            expectError(try await http.post(data, #"[{"_id": 3}, {"_id": 1}]"#), 409, "exists")
            expectError(
                try await http.send(.patch, data, #"{"filter": {}, "update": {"$bogus": {"a": 1}}}"#), 400,
                "bad_request", mentioning: ["$bogus"])
            expectError(
                try await http.send(.patch, data, #"{"filter": {}, "update": {"$set": {"_id": 9}}}"#), 400,
                "bad_request", mentioning: ["_id"])
            expectError(
                try await http.send(.patch, data, #"{"filter": {}}"#), 400, "bad_request", mentioning: ["update"])
            expectError(
                try await http.send(.put, data, #"{"doc": {"a": 1}}"#), 400, "bad_request", mentioning: ["filter"])
            expectError(try await http.send(.delete, data, "{}"), 400, "bad_request", mentioning: ["filter"])
            expectError(
                try await http.send(.delete, data, #"{"filter": {"$or": 5}}"#), 400, "bad_request", mentioning: ["$or"])
            expectError(
                try await http.post("/collections", #"{"indexes": ["a"]}"#), 400, "bad_request", mentioning: ["name"])

            #expect(try await snapshot(http) == before)
            let health = try await http.get("/healthz")
            #expect(health.status == 200 && health.text == "ok")
        }
    }

    @Test("a body over 2 MiB is 413 too_large and nothing is written")
    func tooLarge() async throws {
        try await withServer("trie") { http, _ in
            #expect(try await http.post("/collections", #"{"name": "big"}"#).status == 201)
            let big = #"{"_id": 1, "blob": ""# + String(repeating: "x", count: 3 * 1024 * 1024) + #""}"#
            expectError(
                try await http.post("/collections/big/data", big), 413, "too_large", mentioning: ["\(2 * 1024 * 1024)"])
            #expect(try await http.post("/collections/big/query", "{}").documents.isEmpty)
            #expect(try await http.post("/collections/big/data", #"{"_id": 2}"#).status == 201)
        }
    }

    @Test("an unknown collection is 404 not_found naming it, for every endpoint", arguments: backends)
    func unknownCollection(backend: String) async throws {
        try await withServer(backend) { http, _ in
            let base = "/collections/ghosts"
            let replies = [
                try await http.post(base + "/query", "{}"),
                try await http.post(base + "/query/distinct", #"{"field": "a"}"#),
                try await http.post(base + "/data", #"{"a": 1}"#),
                try await http.send(.put, base + "/data", #"{"filter": {"a": 1}, "doc": {"a": 2}}"#),
                try await http.send(.patch, base + "/data", #"{"filter": {}, "update": {"a": 2}}"#),
                try await http.send(.delete, base + "/data", #"{"filter": {}}"#),
            ]
            for reply in replies { expectError(reply, 404, "not_found", mentioning: ["ghosts"]) }
            // Nothing was created by the failed writes.
            #expect(try await http.get("/collections").value == .array([]))
            // An unknown route is a JSON 404 too.
            expectError(try await http.get("/nope"), 404, "not_found")
        }
    }

    @Test("bad coordinates and bad nearby parameters are 400 naming the parameter", arguments: backends)
    func badCoordinates(backend: String) async throws {
        try await withServer(backend) { http, _ in
            let put = try await http.send(.put, "/geo/cars/objects/c1", #"{"lat": 48.85, "lon": 2.35}"#)
            #expect(put.status == 200, "\(put)")
            let n = "/geo/cars/nearby"
            expectError(try await http.get(n + "?lat=91&lon=0&radius_m=10"), 400, "bad_request", mentioning: ["91"])
            expectError(try await http.get(n + "?lat=0&lon=-181&radius_m=10"), 400, "bad_request", mentioning: ["181"])
            expectError(try await http.get(n + "?lat=nan&lon=0&radius_m=10"), 400, "bad_request")
            expectError(try await http.get(n + "?lat=abc&lon=0&radius_m=10"), 400, "bad_request", mentioning: ["lat"])
            expectError(try await http.get(n + "?lat=1&lon=0"), 400, "bad_request", mentioning: ["radius_m"])
            expectError(try await http.get(n + "?lat=1&lon=0&radius_m=-5"), 400, "bad_request")
            expectError(
                try await http.get(n + "?lat=1&lon=0&radius_m=5&limit=-1"), 400, "bad_request", mentioning: ["limit"])
            expectError(
                try await http.send(.put, "/geo/cars/objects/c2", #"{"lat": 100, "lon": 0}"#), 400, "bad_request")
            expectError(
                try await http.send(.put, "/geo/cars/objects/c2", #"{"lat": "north", "lon": 0}"#), 400, "bad_request",
                mentioning: ["lat"])
            // The tracker still answers, with only the good object.
            let near = try await http.get(n + "?lat=48.85&lon=2.35&radius_m=1000")
            #expect(try near.documents.map { $0["object"] } == ["c1"])
        }
    }
}
