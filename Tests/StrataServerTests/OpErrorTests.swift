import StrataClient
import StrataDocument
import StrataServer
import StrataWire
import Testing

/// Bad input to the document and geo ops: the wire code, a message that says
/// what was wrong, the connection still usable, the data untouched.
@Suite("Document and geo errors, on every backend")
struct OpErrorTests {
    /// Expects a `code` error whose message contains `text`, then a normal
    /// request on the same connection.
    private func expectFailure(
        _ client: Client, _ code: ClientError.Code, mentioning text: String, op: String,
        _ arguments: [(String, MessagePackValue)], sourceLocation: SourceLocation = #_sourceLocation
    ) {
        do {
            let result = try client.call(op: op, arguments: arguments)
            Issue.record("\(op) succeeded with \(result)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.code == code, "\(op): \(error)", sourceLocation: sourceLocation)
            #expect(error.message.contains(text), "\(op): \(error)", sourceLocation: sourceLocation)
        }
        #expect((try? client.ping()) == true, "the connection is usable after \(op)", sourceLocation: sourceLocation)
    }

    @Test("document ops: bad arguments, rejected filters and updates, exists, not_found", arguments: allBackends)
    func documentErrors(backend: String) throws {
        try withServer(backend: backend) { server in
            let client = try server.connect()
            try client.createCollection("c", indexes: ["n"])
            try client.insertMany([["_id": 1, "n": 1], ["_id": 2, "n": 2]], into: "c")
            let before = try client.find(in: "c", FindOptions(sort: ["_id"]))

            // Arguments the server checks, named in the message.
            expectFailure(client, .badRequest, mentioning: "\"collection\"", op: "find", [("collection", 5)])
            expectFailure(client, .badRequest, mentioning: "\"doc\"", op: "insert_one", [("collection", "c")])
            expectFailure(
                client, .badRequest, mentioning: "\"doc\"", op: "insert_one", [("collection", "c"), ("doc", [1, 2])])
            expectFailure(
                client, .badRequest, mentioning: "\"docs\"", op: "insert_many",
                [("collection", "c"), ("docs", [["a": 1], "x"])])
            expectFailure(
                client, .badRequest, mentioning: "\"filter\"", op: "find", [("collection", "c"), ("filter", "all")])
            expectFailure(client, .badRequest, mentioning: "\"filter\"", op: "delete_many", [("collection", "c")])
            expectFailure(client, .badRequest, mentioning: "\"take\"", op: "find", [("collection", "c"), ("take", -1)])
            expectFailure(
                client, .badRequest, mentioning: "\"sort\"", op: "find", [("collection", "c"), ("sort", [1])])
            expectFailure(
                client, .badRequest, mentioning: "\"upsert\"", op: "update_one",
                [("collection", "c"), ("filter", [:]), ("update", ["a": 1]), ("upsert", "yes")])
            expectFailure(client, .badRequest, mentioning: "\"field\"", op: "distinct", [("collection", "c")])
            expectFailure(client, .badRequest, mentioning: "\"_id\"", op: "find_by_id", [("collection", "c")])
            expectFailure(
                client, .badRequest, mentioning: "keys must be strings", op: "insert_one",
                [("collection", "c"), ("doc", .map([(.int(1), "x")]))])
            expectFailure(
                client, .badRequest, mentioning: "extension", op: "insert_one",
                [("collection", "c"), ("doc", ["e": .ext(type: 5, data: [1])])])
            // What the engine rejects, with its message.
            expectFailure(
                client, .badRequest, mentioning: "$bogus", op: "find",
                [("collection", "c"), ("filter", ["n": ["$bogus": 1]])])
            expectFailure(
                client, .badRequest, mentioning: "$frobnicate", op: "update_many",
                [("collection", "c"), ("filter", [:]), ("update", ["$frobnicate": ["n": 1]])])
            expectFailure(
                client, .badRequest, mentioning: "empty", op: "update_one",
                [("collection", "c"), ("filter", [:]), ("update", [:])])
            // exists and not_found.
            expectFailure(
                client, .exists, mentioning: "exists", op: "insert_one",
                [("collection", "c"), ("doc", ["_id": 1, "n": 9])])
            expectFailure(client, .exists, mentioning: "c", op: "create_collection", [("collection", "c")])
            expectFailure(client, .exists, mentioning: "n", op: "create_index", [("collection", "c"), ("field", "n")])
            expectFailure(client, .notFound, mentioning: "nope", op: "find", [("collection", "nope")])
            expectFailure(
                client, .notFound, mentioning: "nope", op: "insert_one", [("collection", "nope"), ("doc", ["a": 1])])
            expectFailure(client, .notFound, mentioning: "nope", op: "count", [("collection", "nope")])
            expectFailure(client, .notFound, mentioning: "m", op: "drop_index", [("collection", "c"), ("field", "m")])

            // A batch with a duplicate in the middle inserts nothing.
            expectFailure(
                client, .exists, mentioning: "exists", op: "insert_many",
                [("collection", "c"), ("docs", [["_id": 3, "n": 3], ["_id": 2, "n": 0], ["_id": 4, "n": 4]])])
            #expect(try client.find(in: "c", FindOptions(sort: ["_id"])) == before)
            #expect(try client.count(in: "c", filter: ["n": ["$gte": 0]]) == 2)
            #expect(try client.findByID(.int64(3), in: "c") == nil)
            // And the collection still takes writes.
            #expect(try client.insertOne(["_id": 3, "n": 3], into: "c") == .int64(3))
        }
    }

    @Test("geo ops: bad coordinates and arguments are bad_request naming the argument", arguments: allBackends)
    func geoErrors(backend: String) throws {
        try withServer(backend: backend) { server in
            let client = try server.connect()
            try client.geoUpsert(namespace: "g", object: "a", latitude: 1, longitude: 2, time: 10)
            let ns: (String, MessagePackValue) = ("namespace", "g")

            expectFailure(
                client, .badRequest, mentioning: "\"lat\"", op: "geo_upsert",
                [ns, ("object", "a"), ("lat", 91), ("lon", 0)])
            expectFailure(
                client, .badRequest, mentioning: "\"lon\"", op: "geo_upsert",
                [ns, ("object", "a"), ("lat", 0), ("lon", -180.5)])
            expectFailure(
                client, .badRequest, mentioning: "\"lat\"", op: "geo_upsert",
                [ns, ("object", "a"), ("lat", .float64(.nan)), ("lon", 0)])
            expectFailure(
                client, .badRequest, mentioning: "\"lon\"", op: "geo_upsert",
                [ns, ("object", "a"), ("lat", 0), ("lon", .float64(.infinity))])
            expectFailure(
                client, .badRequest, mentioning: "\"lat\"", op: "geo_upsert",
                [ns, ("object", "a"), ("lat", "north"), ("lon", 0)])
            expectFailure(
                client, .badRequest, mentioning: "\"object\"", op: "geo_upsert", [ns, ("lat", 0), ("lon", 0)])
            expectFailure(
                client, .badRequest, mentioning: "\"time\"", op: "geo_upsert",
                [ns, ("object", "a"), ("lat", 0), ("lon", 0), ("time", 1.5)])
            expectFailure(
                client, .badRequest, mentioning: "\"data\"", op: "geo_upsert",
                [ns, ("object", "a"), ("lat", 0), ("lon", 0), ("data", ["speed": 3])])
            expectFailure(
                client, .badRequest, mentioning: "\"radius_m\"", op: "geo_nearby",
                [ns, ("lat", 0), ("lon", 0), ("radius_m", -5)])
            expectFailure(
                client, .badRequest, mentioning: "\"limit\"", op: "geo_nearby",
                [ns, ("lat", 0), ("lon", 0), ("radius_m", 5), ("limit", -1)])
            expectFailure(
                client, .badRequest, mentioning: "\"k\"", op: "geo_knn", [ns, ("lat", 0), ("lon", 0), ("k", -2)])
            expectFailure(
                client, .badRequest, mentioning: "\"max_lat\"", op: "geo_bbox",
                [ns, ("min_lat", 0), ("min_lon", 0), ("max_lat", 95), ("max_lon", 1)])
            expectFailure(
                client, .badRequest, mentioning: "latitude", op: "geo_bbox",
                [ns, ("min_lat", 10), ("min_lon", 0), ("max_lat", 5), ("max_lon", 1)])
            expectFailure(
                client, .badRequest, mentioning: "\"polygon\"", op: "geo_polygon",
                [ns, ("polygon", [[0, 0], [1], [1, 1]])])
            expectFailure(
                client, .badRequest, mentioning: "\"polygon\"", op: "geo_polygon",
                [ns, ("polygon", [[0, 0], [1, 100], [1, 1]])])
            expectFailure(
                client, .badRequest, mentioning: "degenerate", op: "geo_polygon",
                [ns, ("polygon", [[0, 0], [1, 1]])])
            expectFailure(
                client, .badRequest, mentioning: "\"from\"", op: "geo_trajectory",
                [ns, ("object", "a"), ("from", 10), ("to", 5)])

            // Nothing moved; the history holds the one good update.
            #expect(
                try client.geoGet(namespace: "g", object: "a")
                    == GeoLocation(object: "a", latitude: 1, longitude: 2, time: 10))
            #expect(try client.geoTrajectory(namespace: "g", object: "a").map(\.time) == [10])
            try client.geoUpsert(namespace: "g", object: "a", latitude: 3, longitude: 4, time: 20)
            #expect(try client.geoGet(namespace: "g", object: "a")?.latitude == 3)
        }
    }
}
