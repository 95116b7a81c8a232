import StrataBackends
import StrataDB
import StrataDocument
import StrataQuery
import StrataSpatial
import StrataStore

/// A spatial session that owns its tracker and must flush it on close.
protocol ClosableSpatialSession: SpatialSession, Sendable {
    func close() throws
}

/// Sessions over the store's concrete type (``StoreRegistry/visit(_:with:)``).
func makeEmbeddedDocuments(_ store: any Store) throws -> any DocumentSession & Sendable {
    struct Make: StoreVisitor {
        func visit<S: Store>(_ store: S) throws -> any DocumentSession & Sendable { try EmbeddedDocuments(store: store) }
    }
    return try StoreRegistry.visit(store, with: Make())
}

func makeEmbeddedSpatial(_ store: any Store) throws -> any ClosableSpatialSession {
    struct Make: StoreVisitor {
        func visit<S: Store>(_ store: S) throws -> any ClosableSpatialSession { try EmbeddedSpatial(store: store) }
    }
    return try StoreRegistry.visit(store, with: Make())
}

/// Document calls on a `Database` over the store. Filters and updates are
/// parsed from documents on every call, as the server parses them from the
/// wire, so embedded and `tcp` results measure the same work.
final class EmbeddedDocuments<S: Store>: DocumentSession, Sendable {
    let db: Database<S>

    init(store: S) throws { db = try Database(store: store) }

    func createCollection(_ name: String, indexes: [String]) throws {
        try db.createCollection(name, indexes: indexes)
    }

    func dropCollection(_ name: String) throws {
        guard try db.listCollections().contains(name) else { return }
        try db.dropCollection(name)
    }

    func insert(_ documents: [Document], into collection: String) throws {
        _ = try db.write { try $0.insert(documents, into: collection) }
    }

    func findByID(_ id: Value, decoded: Bool, in collection: String) throws -> Bool {
        decoded
            ? try db.read { try $0.findByID(id, in: collection) } != nil
            : try db.read { try $0.findRawByID(id, in: collection) } != nil
    }

    /// The raw results (`findRaw`: what a caller gets, fields read on demand)
    /// or, with `spec.decoded`, every result decoded (`find`).
    func find(_ spec: FindSpec, in collection: String) throws -> Int {
        let query = try Query(filter: spec.filter, sort: spec.sort, skip: spec.skip, take: spec.take, columns: spec.columns)
        return spec.decoded
            ? try db.read { try $0.find(query, in: collection) }.count
            : try db.read { try $0.findRaw(query, in: collection) }.count
    }

    func count(_ filter: Document?, in collection: String) throws -> Int {
        let f = try filter.map { d throws(QueryError) in try Filter(d) } ?? .all
        return try db.read { try $0.count(f, in: collection) }
    }

    func distinct(_ field: String, filter: Document?, in collection: String) throws -> Int {
        let f = try filter.map { d throws(QueryError) in try Filter(d) } ?? .all
        return try db.read { try $0.distinct(field, filter: f, in: collection) }.count
    }

    func update(_ filter: Document, _ update: Document, many: Bool, upsert: Bool, in collection: String) throws -> Int {
        let f = try Filter(filter)
        let u = try Update(update)
        return try db.write { try $0.update(f, u, in: collection, many: many, upsert: upsert) }.matched
    }

    func delete(_ filter: Document, many: Bool, in collection: String) throws -> Int {
        let f = try Filter(filter)
        return try db.write { try $0.delete(f, in: collection, many: many) }
    }
}

/// Moving-object calls on a `Tracker` over the store (hot state in memory,
/// history through the store's write buffer).
final class EmbeddedSpatial<S: Store>: ClosableSpatialSession {
    let tracker: Tracker<S>

    init(store: S) throws {
        tracker = try Tracker(store: store, options: TrackerOptions(sync: store.options.sync))
    }

    func upsert(namespace: String, object: String, lat: Double, lon: Double, time: Int64) throws {
        try tracker.upsert(namespace: namespace, object: object, point: try GeoPoint(latitude: lat, longitude: lon), time: time)
    }

    func upsertMany(namespace: String, _ updates: [(object: String, lat: Double, lon: Double, time: Int64)]) throws {
        for u in updates { try upsert(namespace: namespace, object: u.object, lat: u.lat, lon: u.lon, time: u.time) }
    }

    func nearby(namespace: String, lat: Double, lon: Double, radiusMeters: Double, limit: Int) throws -> Int {
        try tracker.nearby(
            namespace: namespace, center: try GeoPoint(latitude: lat, longitude: lon), radiusMeters: radiusMeters,
            limit: limit
        ).count
    }

    func bbox(namespace: String, minLat: Double, minLon: Double, maxLat: Double, maxLon: Double, limit: Int) throws
        -> Int
    {
        let box = try BoundingBox(minLatitude: minLat, minLongitude: minLon, maxLatitude: maxLat, maxLongitude: maxLon)
        return min(try tracker.withinBoundingBox(namespace: namespace, box).count, limit)
    }

    func knn(namespace: String, lat: Double, lon: Double, k: Int) throws -> Int {
        try tracker.nearest(namespace: namespace, to: try GeoPoint(latitude: lat, longitude: lon), k: k).count
    }

    func trajectory(namespace: String, object: String, from: Int64?, to: Int64?, limit: Int) throws -> Int {
        try tracker.trajectory(namespace: namespace, object: object, from: from ?? .min, to: to ?? .max, limit: limit)
            .count
    }

    func flush() throws { try tracker.flush() }

    func close() throws { try tracker.close() }
}
