/// A polygon on the latitude/longitude plane: an outer ring and optional
/// holes. Rings may be given open or closed (last point equal to the first).
///
/// Edges are straight in longitude/latitude and shorter than 180° of
/// longitude, so a polygon may cross the antimeridian: longitudes are
/// unwrapped relative to the first vertex of the outer ring (a ring through
/// 170, 179, -179, -170 is read as 170, 179, 181, 190). Polygons that enclose
/// a pole are not supported.
public struct Polygon: Hashable, Sendable {
    /// The outer ring, as given.
    public let exterior: [GeoPoint]
    /// The holes, as given.
    public let holes: [[GeoPoint]]

    /// Unwrapped rings: x = longitude relative to the outer ring's first vertex, y = latitude.
    private let rings: [[(x: Double, y: Double)]]
    private let referenceLongitude: Double
    private let minX: Double, maxX: Double, minY: Double, maxY: Double

    /// Creates a polygon from points.
    ///
    /// - Throws: `SpatialError.degeneratePolygon` when a ring has fewer than
    ///   three distinct points or zero area.
    public init(exterior: [GeoPoint], holes: [[GeoPoint]] = []) throws(SpatialError) {
        guard let first = exterior.first else {
            throw SpatialError(.degeneratePolygon, "degenerate polygon: the outer ring is empty")
        }
        let reference = first.longitude
        var rings: [[(x: Double, y: Double)]] = []
        for (index, ring) in ([exterior] + holes).enumerated() {
            let name = index == 0 ? "outer ring" : "hole \(index - 1)"
            var unwrapped = ring.map { (x: Polygon.unwrap($0.longitude, around: reference), y: $0.latitude) }
            if unwrapped.count > 1, let last = unwrapped.last, last == unwrapped[0] { unwrapped.removeLast() }
            var distinct: [(x: Double, y: Double)] = []
            for p in unwrapped where !distinct.contains(where: { $0 == p }) { distinct.append(p) }
            guard distinct.count >= 3 else {
                throw SpatialError(
                    .degeneratePolygon, "degenerate polygon: the \(name) has \(distinct.count) distinct points, needs 3")
            }
            guard Polygon.signedArea(unwrapped) != 0 else {
                throw SpatialError(.degeneratePolygon, "degenerate polygon: the \(name) has zero area")
            }
            rings.append(unwrapped)
        }
        self.exterior = exterior
        self.holes = holes
        self.rings = rings
        self.referenceLongitude = reference
        minX = rings[0].map(\.x).min()!
        maxX = rings[0].map(\.x).max()!
        minY = rings[0].map(\.y).min()!
        maxY = rings[0].map(\.y).max()!
    }

    /// Creates a polygon from `[longitude, latitude]` pairs, as GeoJSON and the
    /// wire protocol spell them.
    ///
    /// - Throws: `SpatialError.invalidCoordinate` naming a bad coordinate or a
    ///   pair that does not hold two numbers; `SpatialError.degeneratePolygon`
    ///   as `init(exterior:holes:)`.
    public init(lonLatExterior: [[Double]], holes: [[[Double]]] = []) throws(SpatialError) {
        func ring(_ pairs: [[Double]]) throws(SpatialError) -> [GeoPoint] {
            var points: [GeoPoint] = []
            for pair in pairs {
                guard pair.count == 2 || pair.count == 3 else {
                    throw SpatialError(.invalidCoordinate, "polygon vertex \(pair) is not a [lon, lat] pair")
                }
                points.append(try GeoPoint(latitude: pair[1], longitude: pair[0]))
            }
            return points
        }
        var holePoints: [[GeoPoint]] = []
        for hole in holes { holePoints.append(try ring(hole)) }
        try self.init(exterior: try ring(lonLatExterior), holes: holePoints)
    }

    /// Whether the point is inside the outer ring and outside every hole
    /// (even-odd rule; points exactly on an edge may fall either way).
    public func contains(_ point: GeoPoint) -> Bool {
        let x = Polygon.unwrap(point.longitude, around: referenceLongitude)
        let y = point.latitude
        guard y >= minY && y <= maxY && x >= minX && x <= maxX else { return false }
        var inside = false
        for ring in rings where Polygon.ringContains(ring, x: x, y: y) { inside.toggle() }
        return inside
    }

    /// The bounding box of the outer ring; it wraps when the polygon crosses the antimeridian.
    public var boundingBox: BoundingBox {
        let width = maxX - minX
        if width >= 360 { return BoundingBox(unchecked: minY, -180, maxY, 180) }
        var west = minX
        var east = maxX
        while west < -180 { west += 360 }
        while west > 180 { west -= 360 }
        while east < -180 { east += 360 }
        while east > 180 { east -= 360 }
        return BoundingBox(unchecked: minY, west, maxY, east)
    }

    static func unwrap(_ longitude: Double, around reference: Double) -> Double {
        var x = longitude
        while x - reference > 180 { x -= 360 }
        while x - reference <= -180 { x += 360 }
        return x
    }

    private static func ringContains(_ ring: [(x: Double, y: Double)], x: Double, y: Double) -> Bool {
        var inside = false
        var j = ring.count - 1
        for i in 0..<ring.count {
            let a = ring[i]
            let b = ring[j]
            if (a.y > y) != (b.y > y) && x < (b.x - a.x) * (y - a.y) / (b.y - a.y) + a.x {
                inside.toggle()
            }
            j = i
        }
        return inside
    }

    private static func signedArea(_ ring: [(x: Double, y: Double)]) -> Double {
        var sum = 0.0
        var j = ring.count - 1
        for i in 0..<ring.count {
            sum += (ring[j].x - ring[i].x) * (ring[j].y + ring[i].y)
            j = i
        }
        return sum / 2
    }

    public static func == (lhs: Polygon, rhs: Polygon) -> Bool {
        lhs.exterior == rhs.exterior && lhs.holes == rhs.holes
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(exterior)
        hasher.combine(holes)
    }
}
