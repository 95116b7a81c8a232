import StrataClient
import StrataDocument
import StrataWire

/// Document calls through the client's typed API: requests on one connection,
/// results decoded into documents as an application would.
final class RemoteDocuments: DocumentSession {
    let client: Client

    init(client: Client) { self.client = client }
    deinit { client.close() }

    func createCollection(_ name: String, indexes: [String]) throws {
        try client.createCollection(name, indexes: indexes)
    }

    func dropCollection(_ name: String) throws {
        do { try client.dropCollection(name) } catch ClientError.Code.notFound {}
    }

    func insert(_ documents: [Document], into collection: String) throws {
        if documents.count == 1 {
            _ = try client.insertOne(documents[0], into: collection)
        } else {
            _ = try client.insertMany(documents, into: collection)
        }
    }

    func findByID(_ id: Value, decoded: Bool, in collection: String) throws -> Bool {
        try client.findByID(id, in: collection) != nil
    }

    func find(_ spec: FindSpec, in collection: String) throws -> Int {
        try client.find(
            in: collection,
            FindOptions(
                filter: spec.filter, sort: spec.sort, skip: spec.skip > 0 ? spec.skip : nil, take: spec.take,
                columns: spec.columns)
        ).count
    }

    func count(_ filter: Document?, in collection: String) throws -> Int {
        try client.count(in: collection, filter: filter)
    }

    func distinct(_ field: String, filter: Document?, in collection: String) throws -> Int {
        try client.distinct(field, in: collection, filter: filter).count
    }

    func update(_ filter: Document, _ update: Document, many: Bool, upsert: Bool, in collection: String) throws -> Int {
        try client.update(in: collection, filter: filter, update: update, many: many, upsert: upsert).matched
    }

    func delete(_ filter: Document, many: Bool, in collection: String) throws -> Int {
        try client.delete(in: collection, filter: filter, many: many)
    }
}

/// Moving-object calls through the client's typed API.
final class RemoteSpatial: SpatialSession {
    let client: Client

    init(client: Client) { self.client = client }
    deinit { client.close() }

    func upsert(namespace: String, object: String, lat: Double, lon: Double, time: Int64) throws {
        try client.geoUpsert(namespace: namespace, object: object, latitude: lat, longitude: lon, time: time)
    }

    func upsertMany(namespace: String, _ updates: [(object: String, lat: Double, lon: Double, time: Int64)]) throws {
        let calls = updates.map {
            Calls.geoUpsert(namespace: namespace, object: $0.object, latitude: $0.lat, longitude: $0.lon, time: $0.time)
        }
        for call in calls { try client.send(call) }
        for call in calls { try client.receive(call) }
    }

    func nearby(namespace: String, lat: Double, lon: Double, radiusMeters: Double, limit: Int) throws -> Int {
        try client.geoNearby(namespace: namespace, latitude: lat, longitude: lon, radiusMeters: radiusMeters, limit: limit)
            .count
    }

    func bbox(namespace: String, minLat: Double, minLon: Double, maxLat: Double, maxLon: Double, limit: Int) throws
        -> Int
    {
        try client.geoBoundingBox(
            namespace: namespace, minLatitude: minLat, minLongitude: minLon, maxLatitude: maxLat, maxLongitude: maxLon,
            limit: limit
        ).count
    }

    func knn(namespace: String, lat: Double, lon: Double, k: Int) throws -> Int {
        try client.geoNearest(namespace: namespace, latitude: lat, longitude: lon, k: k).count
    }

    func trajectory(namespace: String, object: String, from: Int64?, to: Int64?, limit: Int) throws -> Int {
        try client.geoTrajectory(namespace: namespace, object: object, from: from, to: to, limit: limit).count
    }

    func flush() throws {}
}
