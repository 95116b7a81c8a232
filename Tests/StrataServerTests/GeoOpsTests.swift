import Foundation
import StrataBackends
import StrataClient
import StrataServer
import StrataStore
import StrataWire
import Testing

/// The geo ops over a real loopback connection, on every backend.
@Suite("Geo ops over loopback, on every backend")
struct GeoOpsTests {
    /// Paris, three nearby points, London, and Sydney.
    private func seed(_ client: Client) throws {
        try client.geoUpsert(namespace: "fleet", object: "paris", latitude: 48.8566, longitude: 2.3522, time: 1000)
        try client.geoUpsert(namespace: "fleet", object: "louvre", latitude: 48.8606, longitude: 2.3376, time: 1000)
        try client.geoUpsert(namespace: "fleet", object: "eiffel", latitude: 48.8584, longitude: 2.2945, time: 1000)
        try client.geoUpsert(
            namespace: "fleet", object: "london", latitude: 51.5074, longitude: -0.1278, altitude: 35, time: 1000,
            data: ["kind": "bus", "line": "24"])
        try client.geoUpsert(namespace: "fleet", object: "sydney", latitude: -33.8688, longitude: 151.2093, time: 1000)
    }

    @Test("geo_upsert and geo_get: the location map, with alt and data when present", arguments: allBackends)
    func upsertGet(backend: String) throws {
        try withServer(backend: backend) { server in
            let client = try server.connect()
            #expect(
                try client.call(
                    op: "geo_upsert",
                    arguments: [("namespace", "n"), ("object", "car"), ("lat", 10.5), ("lon", -20), ("time", 5000)])
                    == true)
            #expect(
                try client.call(op: "geo_get", arguments: [("namespace", "n"), ("object", "car")])
                    == ["object": "car", "lat": 10.5, "lon": -20.0, "time": 5000])
            try client.geoUpsert(
                namespace: "n", object: "car", latitude: 11, longitude: -21, altitude: 120.5, time: 6000,
                data: ["driver": "ann"])
            #expect(
                try client.call(op: "geo_get", arguments: [("namespace", "n"), ("object", "car")])
                    == [
                        "object": "car", "lat": 11.0, "lon": -21.0, "alt": 120.5, "time": 6000,
                        "data": ["driver": "ann"],
                    ])
            let typed = try #require(try client.geoGet(namespace: "n", object: "car"))
            #expect(
                typed
                    == GeoLocation(
                        object: "car", latitude: 11, longitude: -21, altitude: 120.5, time: 6000,
                        data: ["driver": "ann"]))
            #expect(try client.geoGet(namespace: "n", object: "bike") == nil)
            #expect(try client.geoGet(namespace: "other", object: "car") == nil)
            // An older update goes to the history but does not move the object back.
            try client.geoUpsert(namespace: "n", object: "car", latitude: 1, longitude: 1, time: 10)
            #expect(try client.geoGet(namespace: "n", object: "car")?.time == 6000)
        }
    }

    @Test("geo_nearby and geo_knn: nearest first, with distance_m", arguments: allBackends)
    func nearbyAndKnn(backend: String) throws {
        try withServer(backend: backend) { server in
            let client = try server.connect()
            try seed(client)
            let near = try client.geoNearby(
                namespace: "fleet", latitude: 48.8566, longitude: 2.3522, radiusMeters: 5000)
            #expect(near.map(\.object) == ["paris", "louvre", "eiffel"])
            #expect(near[0].distanceMeters == 0)
            #expect((1000...1300).contains(near[1].distanceMeters ?? 0), "\(near[1])")
            let limited = try client.call(
                op: "geo_nearby",
                arguments: [
                    ("namespace", "fleet"), ("lat", 48.8566), ("lon", 2.3522), ("radius_m", 500_000), ("limit", 4),
                ])
            #expect(
                limited.arrayValue?.compactMap { $0["object"]?.stringValue } == ["paris", "louvre", "eiffel", "london"])
            #expect(limited[3]?["distance_m"]?.doubleValue.map { (330_000...350_000).contains($0) } == true)
            #expect(limited[3]?["data"] == ["kind": "bus", "line": "24"])

            let knn = try client.geoNearest(namespace: "fleet", latitude: -30, longitude: 150, k: 2)
            #expect(knn.count == 2)
            #expect(knn.first?.object == "sydney")
            #expect((knn[0].distanceMeters ?? .infinity) < (knn[1].distanceMeters ?? 0))
            #expect(try client.geoNearest(namespace: "fleet", latitude: 0, longitude: 0, k: 10).count == 5)
            #expect(try client.geoNearest(namespace: "empty", latitude: 0, longitude: 0, k: 3) == [])
        }
    }

    @Test("geo_bbox and geo_polygon: by object id, with limit; bbox across the antimeridian", arguments: allBackends)
    func bboxAndPolygon(backend: String) throws {
        try withServer(backend: backend) { server in
            let client = try server.connect()
            try seed(client)
            try client.geoUpsert(namespace: "fleet", object: "fiji", latitude: -17.7, longitude: 178.0)
            try client.geoUpsert(namespace: "fleet", object: "samoa", latitude: -13.8, longitude: -172.1)
            let europe = try client.geoBoundingBox(
                namespace: "fleet", minLatitude: 45, minLongitude: -5, maxLatitude: 55, maxLongitude: 5)
            #expect(europe.map(\.object) == ["eiffel", "london", "louvre", "paris"])
            let two = try client.call(
                op: "geo_bbox",
                arguments: [
                    ("namespace", "fleet"), ("min_lat", 45), ("min_lon", -5), ("max_lat", 55), ("max_lon", 5),
                    ("limit", 2),
                ])
            #expect(two.arrayValue?.compactMap { $0["object"]?.stringValue } == ["eiffel", "london"])
            let pacific = try client.geoBoundingBox(
                namespace: "fleet", minLatitude: -20, minLongitude: 170, maxLatitude: -10, maxLongitude: -170)
            #expect(pacific.map(\.object) == ["fiji", "samoa"])

            // A triangle around Paris that leaves the Eiffel tower (west) out.
            let triangle = [(2.31, 48.80), (2.40, 48.80), (2.35, 48.90)].map { (longitude: $0.0, latitude: $0.1) }
            #expect(try client.geoPolygon(namespace: "fleet", vertices: triangle).map(\.object) == ["louvre", "paris"])
            let raw = try client.call(
                op: "geo_polygon",
                arguments: [
                    ("namespace", "fleet"), ("polygon", [[2.31, 48.80], [2.40, 48.80], [2.35, 48.90]]), ("limit", 1),
                ])
            #expect(raw.arrayValue?.count == 1)
            #expect(raw[0]?["object"] == "louvre")
        }
    }

    @Test("geo_trajectory: oldest first, by time window and limit; geo_delete removes it all", arguments: allBackends)
    func trajectoryAndDelete(backend: String) throws {
        try withServer(backend: backend) { server in
            let client = try server.connect()
            for t in 1...5 {
                try client.geoUpsert(
                    namespace: "trips", object: "bus", latitude: Double(t), longitude: Double(-t),
                    altitude: t == 3 ? 9 : nil, time: Int64(t * 100))
            }
            let all = try client.geoTrajectory(namespace: "trips", object: "bus")
            #expect(all.map(\.time) == [100, 200, 300, 400, 500])
            #expect(all[2] == TrajectoryPoint(latitude: 3, longitude: -3, altitude: 9, time: 300))
            let window = try client.call(
                op: "geo_trajectory",
                arguments: [("namespace", "trips"), ("object", "bus"), ("from", 200), ("to", 400), ("limit", 2)])
            #expect(
                window == [
                    ["lat": 2.0, "lon": -2.0, "time": 200], ["lat": 3.0, "lon": -3.0, "alt": 9.0, "time": 300],
                ])
            #expect(try client.geoTrajectory(namespace: "trips", object: "car") == [])

            #expect(try client.call(op: "geo_delete", arguments: [("namespace", "trips"), ("object", "bus")]) == true)
            #expect(try client.geoGet(namespace: "trips", object: "bus") == nil)
            #expect(try client.geoTrajectory(namespace: "trips", object: "bus") == [])
            try client.geoDelete(namespace: "trips", object: "never-there")
        }
    }

    @Test("positions and history survive a server stop and restart (the tracker is flushed)", arguments: allBackends)
    func survivesRestart(backend: String) throws {
        let directory = try makeTemporaryDirectory("geo-restart-\(backend)")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = ServerConfiguration(host: "127.0.0.1", port: 0, workerThreads: 2, eventLoopThreads: 1)
        configuration.logger.logLevel = .critical

        let first = try Server.start(
            store: try StoreRegistry.standard.open(backend, options: StoreOptions(path: directory)),
            configuration: configuration)
        do {
            let client = try first.connect()
            // Fewer updates than the tracker's buffer: only stop() writes them.
            for t in 1...3 {
                try client.geoUpsert(
                    namespace: "kept", object: "ship", latitude: 10, longitude: Double(t), time: Int64(t))
            }
            try client.createCollection("docs")
            try client.insertOne(["_id": "d", "v": 1], into: "docs")
            client.close()
        }
        try first.stop()

        let second = try Server.start(
            store: try StoreRegistry.standard.open(backend, options: StoreOptions(path: directory)),
            configuration: configuration)
        defer { try? second.stop() }
        let client = try second.connect()
        #expect(try client.geoGet(namespace: "kept", object: "ship")?.longitude == 3)
        #expect(try client.geoTrajectory(namespace: "kept", object: "ship").map(\.time) == [1, 2, 3])
        #expect(try client.findByID("d", in: "docs")?["v"] == .int64(1))
    }

    @Test("geo_upsert pipelines in order", arguments: allBackends)
    func pipelined(backend: String) throws {
        try withServer(backend: backend) { server in
            let client = try server.connect()
            let calls = (0..<100).map {
                Calls.geoUpsert(namespace: "p", object: "o\($0)", latitude: Double($0) / 10, longitude: 0, time: 1)
            }
            for call in calls { try client.send(call) }
            for call in calls { try client.receive(call) }
            #expect(try client.geoNearest(namespace: "p", latitude: 0, longitude: 0, k: 200).count == 100)
            #expect(try client.geoGet(namespace: "p", object: "o42")?.latitude == 4.2)
        }
    }
}
