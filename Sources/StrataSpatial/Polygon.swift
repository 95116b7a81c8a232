/// A polygon on the latitude/longitude plane: an outer ring and optional
/// holes. Rings may be given open or closed (last point equal to the first).
///
/// Edges are straight in longitude/latitude and shorter than 180° of
/// longitude, so a polygon may cross the antimeridian: longitudes are
/// unwrapped relative to the first vertex of the outer ring (a ring through
/// 170, 179, -179, -170 is read as 170, 179, 181, 190).
///
/// An outer ring whose edges, each taken the short way round, wind once
/// around the globe (their longitude steps sum to ±360°) encloses a pole:
/// the one on the side of the ring's mean latitude (north when it is ≥ 0).
/// Its interior is the region between the ring and that pole, at every
/// longitude. Holes may not enclose a pole.
public struct Polygon: Hashable, Sendable {
    /// The outer ring, as given.
    public let exterior: [GeoPoint]
    /// The holes, as given.
    public let holes: [[GeoPoint]]

    /// Unwrapped rings: x = longitude relative to the outer ring's first vertex, y = latitude.
    private let rings: [[(x: Double, y: Double)]]
    private let referenceLongitude: Double
    private let minX: Double, maxX: Double, minY: Double, maxY: Double
    /// +360 or −360 when the outer ring winds around a pole (east or west), else 0.
    private let winding: Double

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
        var ringWinding = 0.0
        for (index, ring) in ([exterior] + holes).enumerated() {
            let name = index == 0 ? "outer ring" : "hole \(index - 1)"
            var unwrapped = ring.map { (x: Polygon.unwrap($0.longitude, around: reference), y: $0.latitude) }
            if unwrapped.count > 1, let last = unwrapped.last, last == unwrapped[0] { unwrapped.removeLast() }
            var distinct: [(x: Double, y: Double)] = []
            for p in unwrapped where !distinct.contains(where: { $0 == p }) { distinct.append(p) }
            guard distinct.count >= 3 else {
                throw SpatialError(
                    .degeneratePolygon, "degenerate polygon: the \(name) has \(distinct.count) distinct points, needs 3"
                )
            }
            let steps = Polygon.windingSteps(distinct)
            if abs(steps) > 180 {
                guard index == 0 else {
                    throw SpatialError(.degeneratePolygon, "degenerate polygon: the \(name) encloses a pole")
                }
                ringWinding = steps > 0 ? 360 : -360
                rings.append(Polygon.polarRing(distinct, winding: ringWinding))
                continue
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
        winding = ringWinding
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
        guard y >= minY && y <= maxY else { return false }
        var inside = false
        // (A polar ring's planar form reaches ±91°; no point lies there.)
        for (k, ring) in rings.enumerated() {
            var rx = x
            if k == 0 {
                if winding == 0 {
                    guard x >= minX && x <= maxX else { return false }
                } else {
                    // A polar ring spans 360° of unwrapped longitude from its first vertex.
                    let x0 = ring[0].x
                    var d = (winding > 0 ? point.longitude - x0 : x0 - point.longitude).truncatingRemainder(
                        dividingBy: 360)
                    if d < 0 { d += 360 }
                    rx = winding > 0 ? x0 + d : x0 - d
                }
            }
            if Polygon.ringContains(ring, x: rx, y: y) { inside.toggle() }
        }
        return inside
    }

    /// The sum of a ring's longitude steps, each taken the short way (closing step included):
    /// ±360 for a ring that winds around a pole, about 0 otherwise.
    private static func windingSteps(_ ring: [(x: Double, y: Double)]) -> Double {
        var sum = 0.0
        for i in 0..<ring.count {
            let a = ring[i].x
            let b = ring[(i + 1) % ring.count].x
            sum += unwrap(b, around: a) - a
        }
        return sum
    }

    /// A ring that winds around a pole as one closed ring of the plane: its
    /// vertices with longitudes unwrapped step by step (from the first vertex,
    /// `winding` = ±360° in all), then the first vertex again shifted by
    /// `winding`, then along a line beyond the pole back above the start (at
    /// ±91°, so that points at the pole itself are strictly inside). The pole
    /// is on the side of the mean latitude.
    private static func polarRing(_ ring: [(x: Double, y: Double)], winding: Double) -> [(x: Double, y: Double)] {
        let pole: Double = ring.map(\.y).reduce(0, +) / Double(ring.count) >= 0 ? 91 : -91
        var out = [ring[0]]
        for i in 1..<ring.count {
            let previous = out[i - 1].x
            out.append((unwrap(ring[i].x, around: previous), ring[i].y))
        }
        let x0 = ring[0].x
        out.append((x0 + winding, ring[0].y))
        out.append((x0 + winding, pole))
        out.append((x0, pole))
        return out
    }

    /// The bounding box of the outer ring; it wraps when the polygon crosses the antimeridian.
    public var boundingBox: BoundingBox {
        let width = maxX - minX
        if winding != 0 || width >= 360 { return BoundingBox(unchecked: max(-90, minY), -180, min(90, maxY), 180) }
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
