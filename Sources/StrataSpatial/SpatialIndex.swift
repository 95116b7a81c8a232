/// An object and where it is.
public struct SpatialEntry: Hashable, Sendable {
    public let id: String
    public let point: GeoPoint

    public init(id: String, point: GeoPoint) {
        self.id = id
        self.point = point
    }
}

/// An object, where it is, and its great-circle distance from a query point.
public struct SpatialHit: Hashable, Sendable {
    public let id: String
    public let point: GeoPoint
    /// Metres, by the haversine formula on a sphere of `Haversine.earthRadiusMeters`.
    public let distanceMeters: Double

    public init(id: String, point: GeoPoint, distanceMeters: Double) {
        self.id = id
        self.point = point
        self.distanceMeters = distanceMeters
    }

    /// The order of every distance query: nearest first, equal distances by id.
    @inline(__always)
    static func precedes(_ a: SpatialHit, _ b: SpatialHit) -> Bool {
        a.distanceMeters < b.distanceMeters || (a.distanceMeters == b.distanceMeters && a.id < b.id)
    }
}

/// A set of objects with positions, searchable by box, radius and nearness.
///
/// Two implementations are planned: the in-memory `RStarTree` and a
/// store-backed cell index; both run `SpatialIndexConformance`.
///
/// Distance queries are exact on the sphere: results are ordered nearest
/// first, equal distances by id, across the antimeridian and near the poles.
///
/// The protocol does not refine `Sendable`, unlike the store protocols: an
/// index is mutable state (the R*-tree keeps reusable search buffers in its
/// nodes' owner) that its owner — the tracker, one per namespace — guards in
/// its own isolation domain (an actor or a `Mutex`). Requiring `Sendable`
/// would force a lock inside every index on a path that the owner already
/// serialises.
public protocol SpatialIndex {
    /// The number of objects in the index.
    var count: Int { get }

    /// Adds an object.
    ///
    /// - Throws: `SpatialError.duplicateID` when the id is already present;
    ///   store-backed indexes may also throw their store's errors.
    mutating func insert(id: String, point: GeoPoint) throws

    /// Removes an object; returns whether it was present.
    @discardableResult
    mutating func remove(id: String) throws -> Bool

    /// Moves an object to a new position, inserting it when absent.
    mutating func move(id: String, to point: GeoPoint) throws

    /// The objects inside or on the edge of the box (which may wrap), in no particular order.
    func search(in box: BoundingBox) throws -> [SpatialEntry]

    /// The objects within `radiusMeters` (inclusive) of `center`, nearest
    /// first (equal distances by id), at most `limit` of them.
    ///
    /// - Throws: `SpatialError.invalidRadius` for a bad radius;
    ///   `SpatialError.invalidArgument` for a negative limit.
    func search(near center: GeoPoint, radiusMeters: Double, limit: Int) throws -> [SpatialHit]

    /// The `k` objects nearest to `point` by great-circle distance, nearest
    /// first (equal distances by id).
    ///
    /// - Throws: `SpatialError.invalidArgument` for a negative `k`.
    func nearest(to point: GeoPoint, k: Int) throws -> [SpatialHit]
}

extension SpatialIndex {
    /// The objects within `radiusMeters` of `center`, nearest first, without a limit.
    ///
    /// - Throws: as `search(near:radiusMeters:limit:)`.
    public func search(near center: GeoPoint, radiusMeters: Double) throws -> [SpatialHit] {
        try search(near: center, radiusMeters: radiusMeters, limit: .max)
    }

    /// The objects inside the polygon: a bounding-box search filtered by the polygon.
    ///
    /// - Throws: what `search(in:)` throws.
    public func search(in polygon: Polygon) throws -> [SpatialEntry] {
        try search(in: polygon.boundingBox).filter { polygon.contains($0.point) }
    }
}

/// Checks the arguments shared by every implementation's distance queries.
enum QueryArguments {
    static func check(limit: Int, name: String) throws(SpatialError) {
        guard limit >= 0 else { throw SpatialError(.invalidArgument, "\(name) \(limit) is negative") }
    }
}
