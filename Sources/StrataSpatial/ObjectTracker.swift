import StrataStore

/// The tracker's operations without its store type, for code that holds an
/// `any Store` (the CLI, the server's geo operations). `Tracker` is the one
/// implementation; see it for the semantics of each operation.
public protocol ObjectTracker: AnyObject, Sendable {
    /// Records an update; returns whether the current position changed. See `Tracker.upsert`.
    @discardableResult
    func upsert(namespace: String, object: String, point: GeoPoint, time: Int64?, data: [String: String]) throws -> Bool
    /// Removes an object's position and history; returns whether it had a position.
    @discardableResult
    func delete(namespace: String, object: String) throws -> Bool
    /// The current position of an object, or nil.
    func get(namespace: String, object: String) throws(SpatialError) -> TrackedPosition?
    /// The number of live objects in a namespace.
    func count(namespace: String) throws(SpatialError) -> Int
    /// Objects within a radius, nearest first.
    func nearby(namespace: String, center: GeoPoint, radiusMeters: Double, limit: Int) throws(SpatialError) -> [TrackedHit]
    /// The k nearest objects, nearest first.
    func nearest(namespace: String, to point: GeoPoint, k: Int) throws(SpatialError) -> [TrackedHit]
    /// `nearby` into a caller's array (emptied first, its capacity kept), so that many queries share one buffer.
    func nearby(namespace: String, center: GeoPoint, radiusMeters: Double, limit: Int, into hits: inout [TrackedHit])
        throws(SpatialError)
    /// `nearest` into a caller's array (emptied first, its capacity kept).
    func nearest(namespace: String, to point: GeoPoint, k: Int, into hits: inout [TrackedHit]) throws(SpatialError)
    /// Objects inside a box, by id.
    func withinBoundingBox(namespace: String, _ box: BoundingBox) throws(SpatialError) -> [TrackedPosition]
    /// Objects inside a polygon, by id.
    func withinPolygon(namespace: String, _ polygon: Polygon) throws(SpatialError) -> [TrackedPosition]
    /// The distance between two objects, or nil.
    func distance(namespace: String, between a: String, and b: String) throws(SpatialError) -> Double?
    /// An object's updates in a time window, oldest first.
    func trajectory(namespace: String, object: String, from: Int64, to: Int64, limit: Int) throws -> [TrackedPosition]
    /// Sets or clears a namespace's TTL in milliseconds.
    func setTTL(namespace: String, milliseconds: Int64?) throws
    /// Removes expired positions; returns how many.
    @discardableResult
    func purgeExpired() -> Int
    /// Writes buffered updates to the store.
    func flush() throws
    /// Flushes and stops accepting updates.
    func close() throws
}

extension Tracker: ObjectTracker {}

/// Opens the tracker kept in `store`, whatever its backend.
///
/// - Throws: what `Tracker.init(store:options:)` throws.
public func openTracker(store: any Store, options: TrackerOptions = TrackerOptions()) throws -> any ObjectTracker {
    func open<S: Store>(_ s: S) throws -> any ObjectTracker { try Tracker(store: s, options: options) }
    return try open(store)
}

extension ObjectTracker {
    /// Records an update at `time` (default: the tracker's clock) with `data` (default: none).
    ///
    /// - Throws: what `upsert(namespace:object:point:time:data:)` throws.
    @discardableResult
    public func upsert(namespace: String, object: String, point: GeoPoint, time: Int64? = nil) throws -> Bool {
        try upsert(namespace: namespace, object: object, point: point, time: time, data: [:])
    }

    /// Objects within a radius, nearest first, without a limit.
    ///
    /// - Throws: what `nearby(namespace:center:radiusMeters:limit:)` throws.
    public func nearby(namespace: String, center: GeoPoint, radiusMeters: Double) throws(SpatialError) -> [TrackedHit] {
        try nearby(namespace: namespace, center: center, radiusMeters: radiusMeters, limit: .max)
    }

    /// An object's whole history, oldest first.
    ///
    /// - Throws: what `trajectory(namespace:object:from:to:limit:)` throws.
    public func trajectory(namespace: String, object: String) throws -> [TrackedPosition] {
        try trajectory(namespace: namespace, object: object, from: .min, to: .max, limit: .max)
    }
}
