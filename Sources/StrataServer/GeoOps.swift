import StrataSpatial
import StrataWire

/// The moving-object operations of DESIGN.md ("Wire protocol") over the
/// server's tracker.
///
/// A location map is `{"object", "lat", "lon", "alt"?, "time", "data"?}`
/// (`data` only when the object has metadata, `alt` only when it has an
/// altitude). Coordinates out of range, NaN or infinite, a bad radius, box or
/// polygon are `bad_request`. Positions are visible to queries as soon as
/// `geo_upsert` returns; the history behind `geo_trajectory` is written to the
/// store in buffered batches (and on server stop), as the tracker does.
enum GeoOps {
    /// Registers every geo op in `registry`.
    static func register(in registry: inout OpRegistry) {
        registry.register("geo_upsert", upsert)
        registry.register("geo_get", get)
        registry.register("geo_delete", delete)
        registry.register("geo_nearby", nearby)
        registry.register("geo_bbox", bbox)
        registry.register("geo_knn", knn)
        registry.register("geo_polygon", polygon)
        registry.register("geo_trajectory", trajectory)
    }

    /// `geo_upsert {namespace, object, lat, lon, alt?, time?, data?}` → `true`.
    @Sendable static func upsert(_ request: Request, _ context: OpContext) throws -> MessagePackValue {
        let namespace = try request.string("namespace")
        let object = try request.string("object")
        let point = try point(request, latitude: "lat", longitude: "lon", altitude: "alt")
        let time = try request.optionalInt("time")
        let data = try metadata(request)
        try context.tracker.upsert(namespace: namespace, object: object, point: point, time: time, data: data)
        return .bool(true)
    }

    /// `geo_get {namespace, object}` → the location map or nil.
    @Sendable static func get(_ request: Request, _ context: OpContext) throws -> MessagePackValue {
        let namespace = try request.string("namespace")
        let object = try request.string("object")
        return try context.tracker.get(namespace: namespace, object: object).map { location($0) } ?? .nil
    }

    /// `geo_delete {namespace, object}` → `true` (also when the object was unknown).
    @Sendable static func delete(_ request: Request, _ context: OpContext) throws -> MessagePackValue {
        let namespace = try request.string("namespace")
        let object = try request.string("object")
        try context.tracker.delete(namespace: namespace, object: object)
        return .bool(true)
    }

    /// `geo_nearby {namespace, lat, lon, radius_m, limit?}` → locations with
    /// `distance_m`, nearest first.
    @Sendable static func nearby(_ request: Request, _ context: OpContext) throws -> MessagePackValue {
        let namespace = try request.string("namespace")
        let center = try point(request, latitude: "lat", longitude: "lon")
        let radius = try request.double("radius_m")
        guard radius.isFinite && radius > 0 else {
            throw ResponseError.badRequest("argument \"radius_m\" must be a positive finite number, got \(radius)")
        }
        let limit = try self.limit(request, "limit")
        let hits = try context.tracker.nearby(namespace: namespace, center: center, radiusMeters: radius, limit: limit)
        return .array(hits.map { location($0.position, distance: $0.distanceMeters) })
    }

    /// `geo_bbox {namespace, min_lat, min_lon, max_lat, max_lon, limit?}` → locations by object id.
    @Sendable static func bbox(_ request: Request, _ context: OpContext) throws -> MessagePackValue {
        let namespace = try request.string("namespace")
        let low = try point(request, latitude: "min_lat", longitude: "min_lon")
        let high = try point(request, latitude: "max_lat", longitude: "max_lon")
        let box = try BoundingBox(
            minLatitude: low.latitude, minLongitude: low.longitude, maxLatitude: high.latitude,
            maxLongitude: high.longitude)
        let limit = try self.limit(request, "limit")
        let found = try context.tracker.withinBoundingBox(namespace: namespace, box)
        return .array(found.prefix(limit).map { location($0) })
    }

    /// `geo_knn {namespace, lat, lon, k}` → the `k` nearest locations with `distance_m`, nearest first.
    @Sendable static func knn(_ request: Request, _ context: OpContext) throws -> MessagePackValue {
        let namespace = try request.string("namespace")
        let center = try point(request, latitude: "lat", longitude: "lon")
        let k = Int(clamping: try request.uint("k"))
        let hits = try context.tracker.nearest(namespace: namespace, to: center, k: k)
        return .array(hits.map { location($0.position, distance: $0.distanceMeters) })
    }

    /// `geo_polygon {namespace, polygon: [[lon, lat], …], limit?}` → locations inside, by object id.
    @Sendable static func polygon(_ request: Request, _ context: OpContext) throws -> MessagePackValue {
        let namespace = try request.string("namespace")
        let vertices = try request.array("polygon").enumerated().map { index, vertex in
            guard let pair = vertex.arrayValue, pair.count == 2, let lon = pair[0].doubleValue,
                let lat = pair[1].doubleValue
            else {
                throw ResponseError.badRequest(
                    "argument \"polygon\" must be an array of [lon, lat] pairs; element \(index) is \(vertex)")
            }
            do throws(SpatialError) { return try GeoPoint(latitude: lat, longitude: lon) } catch {
                throw ResponseError.badRequest("argument \"polygon\" element \(index): \(error.message)")
            }
        }
        let polygon = try Polygon(exterior: vertices)
        let limit = try self.limit(request, "limit")
        let found = try context.tracker.withinPolygon(namespace: namespace, polygon)
        return .array(found.prefix(limit).map { location($0) })
    }

    /// `geo_trajectory {namespace, object, from?, to?, limit?}` → `[{lat, lon, alt?, time}]`, oldest first.
    @Sendable static func trajectory(_ request: Request, _ context: OpContext) throws -> MessagePackValue {
        let namespace = try request.string("namespace")
        let object = try request.string("object")
        let from = try request.optionalInt("from") ?? .min
        let to = try request.optionalInt("to") ?? .max
        guard from <= to else { throw ResponseError.badRequest("argument \"from\" (\(from)) is after \"to\" (\(to))") }
        let limit = try self.limit(request, "limit")
        let updates = try context.tracker.trajectory(
            namespace: namespace, object: object, from: from, to: to, limit: limit)
        return .array(
            updates.map { update in
                var pairs = coordinates(update.point)
                pairs.append((.string("time"), .int(update.time)))
                return .map(pairs)
            })
    }

    // MARK: Arguments and results

    /// A point from two (or three) number arguments; `bad_request` naming the
    /// argument for a missing one, a non-number, or one out of range.
    private static func point(
        _ request: Request, latitude: String, longitude: String, altitude: String? = nil
    ) throws -> GeoPoint {
        let lat = try request.double(latitude)
        let lon = try request.double(longitude)
        let alt = try altitude.flatMap { try request.optionalDouble($0) }
        guard lat.isFinite && (-90...90).contains(lat) else {
            throw ResponseError.badRequest("argument \"\(latitude)\" must be a latitude in [-90, 90], got \(lat)")
        }
        guard lon.isFinite && (-180...180).contains(lon) else {
            throw ResponseError.badRequest("argument \"\(longitude)\" must be a longitude in [-180, 180], got \(lon)")
        }
        do throws(SpatialError) { return try GeoPoint(latitude: lat, longitude: lon, altitude: alt) } catch {
            throw ResponseError.badRequest("argument \"\(altitude ?? latitude)\": \(error.message)")
        }
    }

    /// An optional non-negative limit; absent means no limit.
    private static func limit(_ request: Request, _ name: String) throws -> Int {
        try request.optionalUInt(name).map { Int(clamping: $0) } ?? .max
    }

    /// The `data` argument: a map of strings to strings.
    private static func metadata(_ request: Request) throws -> [String: String] {
        guard let value = try request.optionalMap("data"), let pairs = value.mapValue else { return [:] }
        var data: [String: String] = [:]
        for (key, entry) in pairs {
            guard let name = key.stringValue, let text = entry.stringValue else {
                throw ResponseError.badRequest(
                    "argument \"data\" must map strings to strings; found \(key.typeName) → \(entry.typeName)")
            }
            data[name] = text
        }
        return data
    }

    private static func coordinates(_ point: GeoPoint) -> [(key: MessagePackValue, value: MessagePackValue)] {
        var pairs: [(key: MessagePackValue, value: MessagePackValue)] = [
            (.string("lat"), .float64(point.latitude)), (.string("lon"), .float64(point.longitude)),
        ]
        if let alt = point.altitude { pairs.append((.string("alt"), .float64(alt))) }
        return pairs
    }

    /// The location map of a position, with `distance_m` when given.
    static func location(_ position: TrackedPosition, distance: Double? = nil) -> MessagePackValue {
        var pairs: [(key: MessagePackValue, value: MessagePackValue)] = [(.string("object"), .string(position.object))]
        pairs += coordinates(position.point)
        pairs.append((.string("time"), .int(position.time)))
        if !position.data.isEmpty {
            let data = position.data.sorted { $0.key < $1.key }.map {
                (key: MessagePackValue.string($0.key), value: MessagePackValue.string($0.value))
            }
            pairs.append((.string("data"), .map(data)))
        }
        if let distance { pairs.append((.string("distance_m"), .float64(distance))) }
        return .map(pairs)
    }
}
