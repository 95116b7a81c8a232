import StrataDB
import StrataDocument
import StrataHTTP
import StrataSpatial
import StrataStore
import Testing

/// The moving-object endpoints, and a server over a caller-owned database and tracker.
@Suite("geo endpoints")
struct GeoEndpointTests {
    @Test("nearby returns location objects with distance_m, nearest first, at most limit", arguments: backends)
    func nearby(backend: String) async throws {
        try await withServer(backend) { http, _ in
            // Along a meridian: 0.001° of latitude is about 111 m.
            let points = [("p0", 0.0), ("p1", 0.001), ("p2", 0.002), ("p5", 0.005), ("far", 1.0)]
            for (id, dLat) in points {
                let body = #"{"lat": \#(10 + dLat), "lon": 20.0, "time": 1000, "data": {"kind": "car"}}"#
                let reply = try await http.send(.put, "/geo/fleet/objects/\(id)", body)
                #expect(try reply.document == doc(#"{"moved": true}"#), "\(reply)")
            }
            let alt = try await http.send(
                .put, "/geo/fleet/objects/p0", #"{"lat": 10.0, "lon": 20.0, "alt": 5.5, "time": 2000}"#)
            #expect(alt.status == 200)

            let near = try await http.get("/geo/fleet/nearby?lat=10&lon=20&radius_m=400")
            #expect(near.status == 200, "\(near)")
            let hits = try near.documents
            #expect(hits.map { $0["object"] } == ["p0", "p1", "p2"])
            let distances = hits.compactMap { $0["distance_m"]?.doubleValue }
            #expect(distances.count == 3)
            #expect(abs(distances[0]) < 0.01)
            #expect(abs(distances[1] - 111.2) < 1 && abs(distances[2] - 222.4) < 2, "\(distances)")
            #expect(hits[0]["alt"] == .double(5.5) && hits[0]["time"] == .int32(2000))
            #expect(hits[1]["lat"] == .double(10.001) && hits[1]["lon"] == .double(20.0))
            #expect(hits[1]["data"] == .document(["kind": "car"]))

            let two = try await http.get("/geo/fleet/nearby?lat=10&lon=20&radius_m=100000&limit=2")
            #expect(try two.documents.map { $0["object"] } == ["p0", "p1"])
            let empty = try await http.get("/geo/nowhere/nearby?lat=10&lon=20&radius_m=100")
            #expect(try empty.value == .array([]))

            let one = try await http.get("/geo/fleet/objects/p5")
            #expect(try one.document["object"] == "p5" && one.document["distance_m"] == nil)
            expectError(try await http.get("/geo/fleet/objects/nope"), 404, "not_found", mentioning: ["nope"])
        }
    }

    @Test("a server over an injected database and tracker shares their data and leaves them open", arguments: backends)
    func injected(backend: String) async throws {
        try await withStore(backend) { store in try await Self.injected(store) }
    }

    private static func injected<S: Store>(_ store: S) async throws {
        let database = try Database(store: store)
        let tracker = try Tracker(store: store)
        try database.createCollection("direct")
        _ = try database.write { try $0.insert(["_id": "x", "v": 1], into: "direct") }
        try tracker.upsert(namespace: "ns", object: "o", point: try GeoPoint(latitude: 1, longitude: 2), time: 5)

        let server = try await HTTPServer.start(
            database: database, tracker: tracker, configuration: quietConfiguration())
        let http = HTTP(port: server.port)
        let found = try await http.post("/collections/direct/query", "{}")
        #expect(try found.documents == [["_id": "x", "v": .int32(1)]])
        #expect(try await http.post("/collections/direct/data", #"{"_id": "y"}"#).status == 201)
        let near = try await http.get("/geo/ns/nearby?lat=1&lon=2&radius_m=10")
        #expect(try near.documents.map { $0["object"] } == ["o"])
        try await server.stop()

        // What HTTP wrote is in the caller's database; the tracker is still open.
        #expect(try database.read { try $0.count(in: "direct") } == 2)
        #expect(try tracker.upsert(namespace: "ns", object: "o2", point: try GeoPoint(latitude: 1, longitude: 2)))
        try tracker.close()
    }
}
