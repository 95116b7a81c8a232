import StrataDocument
import StrataWire

// The typed API of `Client`, asynchronous. Each method is the `call` of the
// `Calls` value the blocking client uses too, so arguments and result reading
// live in one place (Client+Ops.swift, Client+Documents.swift, Client+Geo.swift).

/// Key-value and server operations; each throws `ClientError` as
/// ``AsyncClient/call(op:arguments:timeout:)`` does.
extension AsyncClient {
    /// `ping` → true when the server answered `"pong"`.
    @discardableResult
    public func ping() async throws(ClientError) -> Bool { try await call(Calls.ping()) }
    /// `stats`: the server's figures as a map.
    public func stats() async throws(ClientError) -> MessagePackValue { try await call(Calls.stats()) }
    /// `auth {token}`. Throws `.unauthorized` for a wrong token.
    public func authenticate(token: String) async throws(ClientError) {
        try await call(Calls.authenticate(token: token))
    }
    /// `kv_put`: stores `value` under `key` (creating the column family).
    public func kvPut(cf: String = "default", key: [UInt8], value: [UInt8]) async throws(ClientError) {
        try await call(Calls.kvPut(cf: cf, key: key, value: value))
    }
    /// `kv_get`: the value under `key`, or nil.
    public func kvGet(cf: String = "default", key: [UInt8]) async throws(ClientError) -> [UInt8]? {
        try await call(Calls.kvGet(cf: cf, key: key))
    }
    /// `kv_delete`: removes `key`.
    public func kvDelete(cf: String = "default", key: [UInt8]) async throws(ClientError) {
        try await call(Calls.kvDelete(cf: cf, key: key))
    }
    /// `kv_scan`: entries in key order, by `prefix` or by `start` (inclusive) /
    /// `end` (exclusive), at most `limit`.
    public func kvScan(
        cf: String = "default", prefix: [UInt8]? = nil, start: [UInt8]? = nil, end: [UInt8]? = nil, limit: Int? = nil
    ) async throws(ClientError) -> [(key: [UInt8], value: [UInt8])] {
        try await call(Calls.kvScan(cf: cf, prefix: prefix, start: start, end: end, limit: limit))
    }
}

/// Typed document operations; each throws `ClientError` as
/// ``AsyncClient/call(op:arguments:timeout:)`` does.
extension AsyncClient {
    /// Creates a collection with indexes on `indexes`. Throws `.exists` when there is one.
    public func createCollection(_ name: String, indexes: [String] = []) async throws(ClientError) {
        try await call(Calls.createCollection(name, indexes: indexes))
    }
    /// Drops a collection. Throws `.notFound` when there is none.
    public func dropCollection(_ name: String) async throws(ClientError) {
        try await call(Calls.dropCollection(name))
    }
    /// The collection names, sorted.
    public func listCollections() async throws(ClientError) -> [String] { try await call(Calls.listCollections()) }
    /// Inserts a document; returns its `_id`. Throws `.exists` for a duplicate `_id`.
    @discardableResult
    public func insertOne(_ document: Document, into collection: String) async throws(ClientError) -> Value {
        try await call(Calls.insertOne(document, into: collection))
    }
    /// Inserts documents, all or none; returns their `_id`s.
    @discardableResult
    public func insertMany(_ documents: [Document], into collection: String) async throws(ClientError) -> [Value] {
        try await call(Calls.insertMany(documents, into: collection))
    }
    /// The matching documents.
    public func find(in collection: String, _ options: FindOptions = FindOptions()) async throws(ClientError)
        -> [Document]
    {
        try await call(Calls.find(in: collection, options))
    }
    /// The first matching document, or nil.
    public func findOne(in collection: String, _ options: FindOptions = FindOptions()) async throws(ClientError)
        -> Document?
    {
        try await call(Calls.findOne(in: collection, options))
    }
    /// The document with `_id` `id`, or nil.
    public func findByID(_ id: Value, in collection: String, columns: [String]? = nil) async throws(ClientError)
        -> Document?
    {
        try await call(Calls.findByID(id, in: collection, columns: columns))
    }
    /// Applies `update` to the first (or every, with `many`) match.
    @discardableResult
    public func update(
        in collection: String, filter: Document, update: Document, many: Bool = false, upsert: Bool = false
    ) async throws(ClientError) -> UpdateOutcome {
        try await call(Calls.update(in: collection, filter: filter, update: update, many: many, upsert: upsert))
    }
    /// Replaces the first match's fields with `document`'s.
    @discardableResult
    public func replaceOne(in collection: String, filter: Document, with document: Document, upsert: Bool = false)
        async throws(ClientError) -> UpdateOutcome
    {
        try await call(Calls.replaceOne(in: collection, filter: filter, with: document, upsert: upsert))
    }
    /// Deletes the first (or every, with `many`) match; returns how many.
    @discardableResult
    public func delete(in collection: String, filter: Document, many: Bool = false) async throws(ClientError) -> Int {
        try await call(Calls.delete(in: collection, filter: filter, many: many))
    }
    /// How many documents match.
    public func count(in collection: String, filter: Document? = nil) async throws(ClientError) -> Int {
        try await call(Calls.count(in: collection, filter: filter))
    }
    /// The distinct values of `field` among the matches, sorted.
    public func distinct(_ field: String, in collection: String, filter: Document? = nil) async throws(ClientError)
        -> [Value]
    {
        try await call(Calls.distinct(field, in: collection, filter: filter))
    }
    /// Creates an index on `field`. Throws `.exists` when there is one.
    public func createIndex(_ field: String, in collection: String) async throws(ClientError) {
        try await call(Calls.createIndex(field, in: collection))
    }
    /// Drops the index on `field`. Throws `.notFound` when there is none.
    public func dropIndex(_ field: String, in collection: String) async throws(ClientError) {
        try await call(Calls.dropIndex(field, in: collection))
    }
    /// The indexed fields of a collection.
    public func listIndexes(in collection: String) async throws(ClientError) -> [String] {
        try await call(Calls.listIndexes(in: collection))
    }
    /// The plan the server would run for the query.
    public func explain(in collection: String, _ options: FindOptions = FindOptions()) async throws(ClientError)
        -> Document
    {
        try await call(Calls.explain(in: collection, options))
    }
}

/// Typed moving-object operations; each throws `ClientError` as
/// ``AsyncClient/call(op:arguments:timeout:)`` does (`.badRequest` for
/// coordinates out of range).
extension AsyncClient {
    /// Records `object` at a position (time: the server's clock when nil).
    public func geoUpsert(
        namespace: String, object: String, latitude: Double, longitude: Double, altitude: Double? = nil,
        time: Int64? = nil, data: [String: String] = [:]
    ) async throws(ClientError) {
        try await call(
            Calls.geoUpsert(
                namespace: namespace, object: object, latitude: latitude, longitude: longitude, altitude: altitude,
                time: time, data: data))
    }
    /// The object's current position, or nil.
    public func geoGet(namespace: String, object: String) async throws(ClientError) -> GeoLocation? {
        try await call(Calls.geoGet(namespace: namespace, object: object))
    }
    /// Removes the object's position and history.
    public func geoDelete(namespace: String, object: String) async throws(ClientError) {
        try await call(Calls.geoDelete(namespace: namespace, object: object))
    }
    /// Objects within `radiusMeters`, nearest first.
    public func geoNearby(
        namespace: String, latitude: Double, longitude: Double, radiusMeters: Double, limit: Int? = nil
    ) async throws(ClientError) -> [GeoLocation] {
        try await call(
            Calls.geoNearby(
                namespace: namespace, latitude: latitude, longitude: longitude, radiusMeters: radiusMeters,
                limit: limit))
    }
    /// Objects inside a box (which may wrap the antimeridian), by id.
    public func geoBoundingBox(
        namespace: String, minLatitude: Double, minLongitude: Double, maxLatitude: Double, maxLongitude: Double,
        limit: Int? = nil
    ) async throws(ClientError) -> [GeoLocation] {
        try await call(
            Calls.geoBoundingBox(
                namespace: namespace, minLatitude: minLatitude, minLongitude: minLongitude, maxLatitude: maxLatitude,
                maxLongitude: maxLongitude, limit: limit))
    }
    /// The `k` nearest objects, nearest first.
    public func geoNearest(namespace: String, latitude: Double, longitude: Double, k: Int) async throws(ClientError)
        -> [GeoLocation]
    {
        try await call(Calls.geoNearest(namespace: namespace, latitude: latitude, longitude: longitude, k: k))
    }
    /// Objects inside a polygon of `(longitude, latitude)` vertices, by id.
    public func geoPolygon(
        namespace: String, vertices: [(longitude: Double, latitude: Double)], limit: Int? = nil
    ) async throws(ClientError) -> [GeoLocation] {
        try await call(Calls.geoPolygon(namespace: namespace, vertices: vertices, limit: limit))
    }
    /// The object's updates with `from ≤ time ≤ to`, oldest first.
    public func geoTrajectory(
        namespace: String, object: String, from: Int64? = nil, to: Int64? = nil, limit: Int? = nil
    ) async throws(ClientError) -> [TrajectoryPoint] {
        try await call(Calls.geoTrajectory(namespace: namespace, object: object, from: from, to: to, limit: limit))
    }
}
