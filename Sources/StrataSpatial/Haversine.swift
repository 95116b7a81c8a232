#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Great-circle distances on a spherical Earth, and the radius checks and
/// covering boxes that radius queries need.
public enum Haversine {
    /// The mean Earth radius (IUGG), in metres.
    public static let earthRadiusMeters = 6_371_008.8
    /// Half the Earth's circumference (≈ 20,015 km): the largest meaningful radius.
    public static let maxRadiusMeters = Double.pi * earthRadiusMeters

    static let radiansPerDegree = Double.pi / 180
    static let degreesPerRadian = 180 / Double.pi

    /// The great-circle distance between two points, in metres.
    public static func distance(_ a: GeoPoint, _ b: GeoPoint) -> Double {
        distance(latitude1: a.latitude, longitude1: a.longitude, latitude2: b.latitude, longitude2: b.longitude)
    }

    /// The great-circle distance between two positions given in degrees, in metres.
    public static func distance(latitude1: Double, longitude1: Double, latitude2: Double, longitude2: Double) -> Double
    {
        let phi1 = latitude1 * radiansPerDegree
        let phi2 = latitude2 * radiansPerDegree
        let a = haversineTerm(
            phi1: phi1, cosPhi1: cos(phi1), phi2: phi2, deltaLambda: (longitude2 - longitude1) * radiansPerDegree)
        return centralAngle(a) * earthRadiusMeters
    }

    /// The haversine of the central angle: `sin²(Δφ/2) + cos φ1 cos φ2 sin²(Δλ/2)`.
    @inline(__always)
    static func haversineTerm(phi1: Double, cosPhi1: Double, phi2: Double, deltaLambda: Double) -> Double {
        haversineTerm(phi1: phi1, cosPhi1: cosPhi1, phi2: phi2, cosPhi2: cos(phi2), deltaLambda: deltaLambda)
    }

    /// `haversineTerm` with `cos φ2` given (the same value bit for bit when it is `cos(phi2)`).
    @inline(__always)
    static func haversineTerm(phi1: Double, cosPhi1: Double, phi2: Double, cosPhi2: Double, deltaLambda: Double)
        -> Double
    {
        let s = sine((phi2 - phi1) / 2)
        let t = sine(deltaLambda / 2)
        return s * s + cosPhi1 * cosPhi2 * t * t
    }

    /// sin x for the half differences of the haversine term. Below 1/16 (a
    /// difference of up to about 7°, which is every term a query near its
    /// points computes) the odd Taylor polynomial to x⁹: the first term left
    /// out, x¹¹/11!, is under 10⁻¹⁹ of the result, and the correction added
    /// to x is under 10⁻³ of it, so the sum is within an ulp or so of the
    /// true sine. Elsewhere the library's `sin`. It inlines, and the two
    /// terms' polynomials run side by side, where two calls of `sin` ran one
    /// after the other (a tenth of a radius query's time). Every distance
    /// goes through here, so searches and `distance` agree bit for bit.
    @inline(__always)
    static func sine(_ x: Double) -> Double {
        guard abs(x) < 0.0625 else { return sin(x) }
        let x2 = x * x
        return x + x * x2 * (-1.0 / 6 + x2 * (1.0 / 120 + x2 * (-1.0 / 5040 + x2 * (1.0 / 362_880))))
    }

    /// The central angle, in radians, for a haversine term.
    @inline(__always)
    static func centralAngle(_ a: Double) -> Double {
        2 * arcsine(min(1, a.squareRoot()))
    }

    /// asin x for the central angle, in the same way as `sine`: below 1/16
    /// (distances up to about 800 km) the series x + x³/6 + 3x⁵/40 + 5x⁷/112
    /// + 35x⁹/1152 + 63x¹¹/2816, whose first term left out is under 10⁻¹⁶ of
    /// the result; elsewhere the library's `asin`.
    @inline(__always)
    static func arcsine(_ x: Double) -> Double {
        guard x < 0.0625 else { return asin(x) }
        let x2 = x * x
        return x + x * x2
            * (1.0 / 6 + x2 * (3.0 / 40 + x2 * (5.0 / 112 + x2 * (35.0 / 1152 + x2 * (63.0 / 2816)))))
    }

    /// Checks a radius in metres.
    ///
    /// - Throws: `SpatialError.invalidRadius` naming the value when it is NaN,
    ///   infinite, not positive, or larger than half the Earth's circumference.
    public static func validate(radiusMeters: Double) throws(SpatialError) {
        guard !radiusMeters.isNaN else {
            throw SpatialError(.invalidRadius, "radius \(radiusMeters) m is NaN")
        }
        guard radiusMeters > 0 else {
            throw SpatialError(.invalidRadius, "radius \(radiusMeters) m is not positive")
        }
        guard radiusMeters <= maxRadiusMeters else {
            throw SpatialError(
                .invalidRadius,
                "radius \(radiusMeters) m exceeds half the Earth's circumference (\(maxRadiusMeters) m)")
        }
    }

    /// The smallest latitude/longitude box that covers every point within
    /// `radiusMeters` of `center`.
    ///
    /// A circle that reaches a pole covers all longitudes; a circle that
    /// crosses the antimeridian gives a wrapping box. The box is padded by a
    /// hair so that rounding never leaves a point of the circle outside.
    ///
    /// - Throws: `SpatialError.invalidRadius` for a bad radius.
    public static func coveringBox(center: GeoPoint, radiusMeters: Double) throws(SpatialError) -> BoundingBox {
        try validate(radiusMeters: radiusMeters)
        let pad = 1e-9
        let angle = radiusMeters / earthRadiusMeters
        let phi = center.latitude * radiansPerDegree
        let minPhi = phi - angle
        let maxPhi = phi + angle
        let minLat = max(-90, minPhi * degreesPerRadian - pad)
        let maxLat = min(90, maxPhi * degreesPerRadian + pad)
        if maxPhi >= Double.pi / 2 || minPhi <= -Double.pi / 2 {
            return BoundingBox(unchecked: minLat, -180, maxLat, 180)
        }
        // The meridians tangent to the circle (Bronshtein; Chamberlain's "Finding points
        // within a distance of a latitude/longitude").
        let ratio = sin(angle) / cos(phi)
        guard ratio < 1 else { return BoundingBox(unchecked: minLat, -180, maxLat, 180) }
        let deltaLon = asin(ratio) * degreesPerRadian + pad
        if deltaLon >= 180 { return BoundingBox(unchecked: minLat, -180, maxLat, 180) }
        var west = center.longitude - deltaLon
        var east = center.longitude + deltaLon
        if west < -180 { west += 360 }
        if east > 180 { east -= 360 }
        if west <= east && (center.longitude - deltaLon < -180 || center.longitude + deltaLon > 180) {
            // The wrapped edges overlap: every longitude is covered.
            return BoundingBox(unchecked: minLat, -180, maxLat, 180)
        }
        return BoundingBox(unchecked: minLat, west, maxLat, east)
    }
}
