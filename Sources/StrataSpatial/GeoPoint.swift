/// A position on the Earth: latitude and longitude in degrees (WGS 84), and an
/// optional altitude in metres that plays no part in distances.
///
/// Longitudes −180 and 180 name the same meridian; both are accepted and kept
/// as given.
public struct GeoPoint: Hashable, Sendable, CustomStringConvertible {
    /// Degrees north of the equator, in [-90, 90].
    public let latitude: Double
    /// Degrees east of Greenwich, in [-180, 180].
    public let longitude: Double
    /// Metres above the reference surface, if known; finite.
    public let altitude: Double?

    /// Creates a point after validating every coordinate.
    ///
    /// - Throws: `SpatialError.invalidCoordinate`, naming the value, when the
    ///   latitude is outside [-90, 90], the longitude outside [-180, 180], or
    ///   any coordinate is NaN or infinite.
    public init(latitude: Double, longitude: Double, altitude: Double? = nil) throws(SpatialError) {
        try GeoPoint.validate(latitude: latitude, longitude: longitude)
        if let altitude, !altitude.isFinite {
            throw SpatialError(.invalidCoordinate, "altitude \(altitude) is not finite")
        }
        self.latitude = latitude
        self.longitude = longitude
        self.altitude = altitude
    }

    /// Creates a point from coordinates the caller has already validated.
    init(uncheckedLatitude latitude: Double, longitude: Double, altitude: Double? = nil) {
        self.latitude = latitude
        self.longitude = longitude
        self.altitude = altitude
    }

    /// Checks a latitude and a longitude.
    ///
    /// - Throws: `SpatialError.invalidCoordinate` naming the bad value.
    public static func validate(latitude: Double, longitude: Double) throws(SpatialError) {
        guard latitude.isFinite else {
            throw SpatialError(.invalidCoordinate, "latitude \(latitude) is not finite")
        }
        guard longitude.isFinite else {
            throw SpatialError(.invalidCoordinate, "longitude \(longitude) is not finite")
        }
        guard (-90.0...90.0).contains(latitude) else {
            throw SpatialError(.invalidCoordinate, "latitude \(latitude) is outside [-90, 90]")
        }
        guard (-180.0...180.0).contains(longitude) else {
            throw SpatialError(.invalidCoordinate, "longitude \(longitude) is outside [-180, 180]")
        }
    }

    public var description: String {
        if let altitude { return "(\(latitude), \(longitude), \(altitude) m)" }
        return "(\(latitude), \(longitude))"
    }
}
