/// A latitude/longitude rectangle in degrees. When `minLongitude` is greater
/// than `maxLongitude` the box crosses the antimeridian: it covers
/// `[minLongitude, 180]` and `[-180, maxLongitude]`.
///
/// ```
///   -180          maxLon        minLon          180
///     |#############|              |##############|     (wrapping box)
/// ```
/// Containment is inclusive on every edge, and the meridians −180 and 180 are
/// the same line: a box touching one also contains points stored on the other.
public struct BoundingBox: Hashable, Sendable, CustomStringConvertible {
    public let minLatitude: Double
    public let minLongitude: Double
    public let maxLatitude: Double
    public let maxLongitude: Double

    /// Creates a box after validating its edges.
    ///
    /// - Throws: `SpatialError.invalidCoordinate` when an edge is out of range,
    ///   NaN or infinite; `SpatialError.invalidBoundingBox` when
    ///   `minLatitude > maxLatitude`.
    public init(minLatitude: Double, minLongitude: Double, maxLatitude: Double, maxLongitude: Double)
        throws(SpatialError)
    {
        try GeoPoint.validate(latitude: minLatitude, longitude: minLongitude)
        try GeoPoint.validate(latitude: maxLatitude, longitude: maxLongitude)
        guard minLatitude <= maxLatitude else {
            throw SpatialError(
                .invalidBoundingBox, "minimum latitude \(minLatitude) is greater than maximum latitude \(maxLatitude)")
        }
        self.init(unchecked: minLatitude, minLongitude, maxLatitude, maxLongitude)
    }

    init(unchecked minLatitude: Double, _ minLongitude: Double, _ maxLatitude: Double, _ maxLongitude: Double) {
        self.minLatitude = minLatitude
        self.minLongitude = minLongitude
        self.maxLatitude = maxLatitude
        self.maxLongitude = maxLongitude
    }

    /// The whole planet.
    public static let world = BoundingBox(unchecked: -90, -180, 90, 180)

    /// Whether the box crosses the antimeridian.
    public var wrapsAntimeridian: Bool { minLongitude > maxLongitude }

    /// Whether the point lies inside or on the edge of the box.
    public func contains(_ point: GeoPoint) -> Bool {
        contains(latitude: point.latitude, longitude: point.longitude)
    }

    /// Whether the coordinates lie inside or on the edge of the box.
    public func contains(latitude: Double, longitude: Double) -> Bool {
        guard latitude >= minLatitude && latitude <= maxLatitude else { return false }
        if coversLongitude(longitude) { return true }
        // −180 and 180 are one meridian.
        if longitude == 180 { return coversLongitude(-180) }
        if longitude == -180 { return coversLongitude(180) }
        return false
    }

    private func coversLongitude(_ lon: Double) -> Bool {
        wrapsAntimeridian ? (lon >= minLongitude || lon <= maxLongitude) : (lon >= minLongitude && lon <= maxLongitude)
    }

    /// Whether the two boxes share at least one point (edges included).
    public func intersects(_ other: BoundingBox) -> Bool {
        for a in nonWrappingParts {
            for b in other.nonWrappingParts where a.minLatitude <= b.maxLatitude && b.minLatitude <= a.maxLatitude
                && a.minLongitude <= b.maxLongitude && b.minLongitude <= a.maxLongitude
            {
                return true
            }
        }
        // Boxes that meet only across the ±180 seam.
        return touchesSeam(other) || other.touchesSeam(self)
    }

    private func touchesSeam(_ other: BoundingBox) -> Bool {
        guard minLatitude <= other.maxLatitude && other.minLatitude <= maxLatitude else { return false }
        return (coversLongitude(180) && other.coversLongitude(-180))
    }

    /// The box as one or two boxes that do not cross the antimeridian.
    public var nonWrappingParts: [BoundingBox] {
        guard wrapsAntimeridian else { return [self] }
        return [
            BoundingBox(unchecked: minLatitude, minLongitude, maxLatitude, 180),
            BoundingBox(unchecked: minLatitude, -180, maxLatitude, maxLongitude),
        ]
    }

    /// The non-wrapping longitude ranges an index must scan so that points
    /// stored at either −180 or 180 are found: the parts, plus a zero-width
    /// range on the other side of the seam when a part touches only one side.
    var searchParts: [BoundingBox] {
        var parts = nonWrappingParts
        let touchesWest = parts.contains { $0.minLongitude == -180 }
        let touchesEast = parts.contains { $0.maxLongitude == 180 }
        if touchesEast && !touchesWest {
            parts.append(BoundingBox(unchecked: minLatitude, -180, maxLatitude, -180))
        } else if touchesWest && !touchesEast {
            parts.append(BoundingBox(unchecked: minLatitude, 180, maxLatitude, 180))
        }
        return parts
    }

    /// Calls `body` with each non-wrapping rectangle of `searchParts`, without allocating.
    @inline(__always)
    func forEachSearchPart(_ body: (Rect) -> Void) {
        if wrapsAntimeridian {
            body(Rect(minX: minLongitude, minY: minLatitude, maxX: 180, maxY: maxLatitude))
            body(Rect(minX: -180, minY: minLatitude, maxX: maxLongitude, maxY: maxLatitude))
            return
        }
        body(Rect(minX: minLongitude, minY: minLatitude, maxX: maxLongitude, maxY: maxLatitude))
        let touchesWest = minLongitude == -180
        let touchesEast = maxLongitude == 180
        if touchesEast && !touchesWest {
            body(Rect(minX: -180, minY: minLatitude, maxX: -180, maxY: maxLatitude))
        } else if touchesWest && !touchesEast {
            body(Rect(minX: 180, minY: minLatitude, maxX: 180, maxY: maxLatitude))
        }
    }

    public var description: String {
        "[lat \(minLatitude)…\(maxLatitude), lon \(minLongitude)…\(maxLongitude)]"
    }
}
