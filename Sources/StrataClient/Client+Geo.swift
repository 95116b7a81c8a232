import StrataWire

/// An object's position as the geo ops return it (a location map).
public struct GeoLocation: Sendable, Hashable {
    /// The object's id in its namespace.
    public var object: String
    public var latitude: Double
    public var longitude: Double
    public var altitude: Double?
    /// Milliseconds since the Unix epoch.
    public var time: Int64
    /// The object's metadata (empty when it has none).
    public var data: [String: String]
    /// Metres from the query point, for `geo_nearby` and `geo_knn`.
    public var distanceMeters: Double?

    /// Creates a location.
    public init(
        object: String, latitude: Double, longitude: Double, altitude: Double? = nil, time: Int64,
        data: [String: String] = [:], distanceMeters: Double? = nil
    ) {
        self.object = object
        self.latitude = latitude
        self.longitude = longitude
        self.altitude = altitude
        self.time = time
        self.data = data
        self.distanceMeters = distanceMeters
    }

    /// Reads a location map. Throws `.protocolViolation` for another shape.
    public init(from value: MessagePackValue) throws(ClientError) {
        guard let object = value["object"]?.stringValue, let lat = value["lat"]?.doubleValue,
            let lon = value["lon"]?.doubleValue, let time = value["time"]?.intValue
        else { throw ClientError(.protocolViolation, "not a location map: \(value)") }
        var data: [String: String] = [:]
        for (key, entry) in value["data"]?.mapValue ?? [] {
            guard let k = key.stringValue, let v = entry.stringValue else {
                throw ClientError(.protocolViolation, "location data is not a map of strings: \(value)")
            }
            data[k] = v
        }
        self.init(
            object: object, latitude: lat, longitude: lon, altitude: value["alt"]?.doubleValue, time: time, data: data,
            distanceMeters: value["distance_m"]?.doubleValue)
    }
}

/// One recorded update of an object, as `geo_trajectory` returns it.
public struct TrajectoryPoint: Sendable, Hashable {
    public var latitude: Double
    public var longitude: Double
    public var altitude: Double?
    /// Milliseconds since the Unix epoch.
    public var time: Int64

    /// Creates a point.
    public init(latitude: Double, longitude: Double, altitude: Double? = nil, time: Int64) {
        self.latitude = latitude
        self.longitude = longitude
        self.altitude = altitude
        self.time = time
    }
}

extension Calls {
    /// `geo_upsert`: records `object` at a position (time: the server's clock when nil).
    public static func geoUpsert(
        namespace: String, object: String, latitude: Double, longitude: Double, altitude: Double? = nil,
        time: Int64? = nil, data: [String: String] = [:]
    ) -> ClientCall<Void> {
        var arguments: [(String, MessagePackValue)] = [
            ("namespace", .string(namespace)), ("object", .string(object)), ("lat", .float64(latitude)),
            ("lon", .float64(longitude)),
        ]
        if let altitude { arguments.append(("alt", .float64(altitude))) }
        if let time { arguments.append(("time", .int(time))) }
        if !data.isEmpty {
            let pairs = data.sorted { $0.key < $1.key }.map {
                (key: MessagePackValue.string($0.key), value: MessagePackValue.string($0.value))
            }
            arguments.append(("data", .map(pairs)))
        }
        return ClientCall(op: "geo_upsert", arguments: arguments, decode: ResultShape.bool("geo_upsert"))
    }

    /// `geo_get`: the current position, or nil.
    public static func geoGet(namespace: String, object: String) -> ClientCall<GeoLocation?> {
        ClientCall(op: "geo_get", arguments: [("namespace", .string(namespace)), ("object", .string(object))]) {
            value throws(ClientError) in value.isNil ? nil : try GeoLocation(from: value)
        }
    }

    /// `geo_delete`: removes the object's position and history.
    public static func geoDelete(namespace: String, object: String) -> ClientCall<Void> {
        ClientCall(
            op: "geo_delete", arguments: [("namespace", .string(namespace)), ("object", .string(object))],
            decode: ResultShape.bool("geo_delete"))
    }

    /// `geo_nearby`: objects within `radiusMeters`, nearest first.
    public static func geoNearby(
        namespace: String, latitude: Double, longitude: Double, radiusMeters: Double, limit: Int? = nil
    ) -> ClientCall<[GeoLocation]> {
        var arguments: [(String, MessagePackValue)] = [
            ("namespace", .string(namespace)), ("lat", .float64(latitude)), ("lon", .float64(longitude)),
            ("radius_m", .float64(radiusMeters)),
        ]
        if let limit { arguments.append(("limit", .int(Int64(limit)))) }
        return ClientCall(op: "geo_nearby", arguments: arguments, decode: locations("geo_nearby"))
    }

    /// `geo_bbox`: objects inside the box (which may wrap the antimeridian), by id.
    public static func geoBoundingBox(
        namespace: String, minLatitude: Double, minLongitude: Double, maxLatitude: Double, maxLongitude: Double,
        limit: Int? = nil
    ) -> ClientCall<[GeoLocation]> {
        var arguments: [(String, MessagePackValue)] = [
            ("namespace", .string(namespace)), ("min_lat", .float64(minLatitude)), ("min_lon", .float64(minLongitude)),
            ("max_lat", .float64(maxLatitude)), ("max_lon", .float64(maxLongitude)),
        ]
        if let limit { arguments.append(("limit", .int(Int64(limit)))) }
        return ClientCall(op: "geo_bbox", arguments: arguments, decode: locations("geo_bbox"))
    }

    /// `geo_knn`: the `k` nearest objects, nearest first.
    public static func geoNearest(namespace: String, latitude: Double, longitude: Double, k: Int)
        -> ClientCall<[GeoLocation]>
    {
        ClientCall(
            op: "geo_knn",
            arguments: [
                ("namespace", .string(namespace)), ("lat", .float64(latitude)), ("lon", .float64(longitude)),
                ("k", .int(Int64(k))),
            ], decode: locations("geo_knn"))
    }

    /// `geo_polygon`: objects inside the polygon given as `(longitude, latitude)` vertices, by id.
    public static func geoPolygon(
        namespace: String, vertices: [(longitude: Double, latitude: Double)], limit: Int? = nil
    ) -> ClientCall<[GeoLocation]> {
        var arguments: [(String, MessagePackValue)] = [
            ("namespace", .string(namespace)),
            ("polygon", .array(vertices.map { .array([.float64($0.longitude), .float64($0.latitude)]) })),
        ]
        if let limit { arguments.append(("limit", .int(Int64(limit)))) }
        return ClientCall(op: "geo_polygon", arguments: arguments, decode: locations("geo_polygon"))
    }

    /// `geo_trajectory`: the object's updates with `from ≤ time ≤ to`, oldest first.
    public static func geoTrajectory(
        namespace: String, object: String, from: Int64? = nil, to: Int64? = nil, limit: Int? = nil
    ) -> ClientCall<[TrajectoryPoint]> {
        var arguments: [(String, MessagePackValue)] = [("namespace", .string(namespace)), ("object", .string(object))]
        if let from { arguments.append(("from", .int(from))) }
        if let to { arguments.append(("to", .int(to))) }
        if let limit { arguments.append(("limit", .int(Int64(limit)))) }
        return ClientCall(
            op: "geo_trajectory", arguments: arguments,
            decode: ResultShape.array("geo_trajectory") { value throws(ClientError) in
                guard let lat = value["lat"]?.doubleValue, let lon = value["lon"]?.doubleValue,
                    let time = value["time"]?.intValue
                else { throw ClientError(.protocolViolation, "not a trajectory point: \(value)") }
                return TrajectoryPoint(latitude: lat, longitude: lon, altitude: value["alt"]?.doubleValue, time: time)
            })
    }

    private static func locations(_ op: String) -> @Sendable (MessagePackValue) throws(ClientError) -> [GeoLocation] {
        ResultShape.array(op) { value throws(ClientError) in try GeoLocation(from: value) }
    }
}

/// Typed moving-object operations; each throws `ClientError` as ``Client/call(op:arguments:)``
/// does (`.badRequest` for coordinates out of range).
extension Client {
    /// Records `object` at a position.
    public func geoUpsert(
        namespace: String, object: String, latitude: Double, longitude: Double, altitude: Double? = nil,
        time: Int64? = nil, data: [String: String] = [:]
    ) throws(ClientError) {
        try call(
            Calls.geoUpsert(
                namespace: namespace, object: object, latitude: latitude, longitude: longitude, altitude: altitude,
                time: time, data: data))
    }
    /// The object's current position, or nil.
    public func geoGet(namespace: String, object: String) throws(ClientError) -> GeoLocation? {
        try call(Calls.geoGet(namespace: namespace, object: object))
    }
    /// Removes the object's position and history.
    public func geoDelete(namespace: String, object: String) throws(ClientError) {
        try call(Calls.geoDelete(namespace: namespace, object: object))
    }
    /// Objects within `radiusMeters`, nearest first.
    public func geoNearby(
        namespace: String, latitude: Double, longitude: Double, radiusMeters: Double, limit: Int? = nil
    ) throws(ClientError) -> [GeoLocation] {
        try call(
            Calls.geoNearby(
                namespace: namespace, latitude: latitude, longitude: longitude, radiusMeters: radiusMeters,
                limit: limit))
    }
    /// Objects inside a box, by id.
    public func geoBoundingBox(
        namespace: String, minLatitude: Double, minLongitude: Double, maxLatitude: Double, maxLongitude: Double,
        limit: Int? = nil
    ) throws(ClientError) -> [GeoLocation] {
        try call(
            Calls.geoBoundingBox(
                namespace: namespace, minLatitude: minLatitude, minLongitude: minLongitude, maxLatitude: maxLatitude,
                maxLongitude: maxLongitude, limit: limit))
    }
    /// The `k` nearest objects, nearest first.
    public func geoNearest(namespace: String, latitude: Double, longitude: Double, k: Int) throws(ClientError)
        -> [GeoLocation]
    {
        try call(Calls.geoNearest(namespace: namespace, latitude: latitude, longitude: longitude, k: k))
    }
    /// Objects inside a polygon of `(longitude, latitude)` vertices, by id.
    public func geoPolygon(
        namespace: String, vertices: [(longitude: Double, latitude: Double)], limit: Int? = nil
    ) throws(ClientError) -> [GeoLocation] {
        try call(Calls.geoPolygon(namespace: namespace, vertices: vertices, limit: limit))
    }
    /// The object's updates in a time window, oldest first.
    public func geoTrajectory(
        namespace: String, object: String, from: Int64? = nil, to: Int64? = nil, limit: Int? = nil
    ) throws(ClientError) -> [TrajectoryPoint] {
        try call(Calls.geoTrajectory(namespace: namespace, object: object, from: from, to: to, limit: limit))
    }
}
