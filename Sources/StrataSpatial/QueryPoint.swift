#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// The geometry of a search: the query point with its trigonometry, the
// trig-free and exact bounds from it to rectangles and points, and the
// covering rectangles that screen entries before any bound.

/// The degree rectangles (one, or two across the antimeridian) that hold
/// every point within some distance of a query point: a search tests an
/// entry against them with four comparisons before it computes any bound,
/// and most of the entries of the nodes it opens fail that test.
struct CoverParts {
    var first: Rect
    var second: Rect

    static let world = CoverParts(
        first: Rect(minX: -180, minY: -90, maxX: 180, maxY: 90), second: .empty)

    init(first: Rect, second: Rect) {
        self.first = first
        self.second = second
    }

    /// The parts of `Haversine.coveringBox` (padded against rounding, so a
    /// point whose computed distance is `meters` is inside); the world for an
    /// infinite distance. Distances below a millimetre use a millimetre.
    init(center: GeoPoint, meters: Double) {
        guard meters.isFinite,
            let box = try? Haversine.coveringBox(center: center, radiusMeters: max(meters, 1e-3))
        else {
            self = .world
            return
        }
        var parts = (Rect.empty, Rect.empty)
        var n = 0
        box.forEachSearchPart { part in
            if n == 0 { parts.0 = part } else { parts.1 = part }
            n += 1
        }
        self.init(first: parts.0, second: parts.1)
    }

    /// Whether the rectangle from `low` (min x, min y) to `high` meets a
    /// part. Each part is two vector comparisons and one branch (see
    /// `RStarTree.walk`); the second part is empty unless the cover wraps.
    @inline(__always)
    func meets(low: SIMD2<Double>, high: SIMD2<Double>) -> Bool {
        all((low .<= SIMD2(first.maxX, first.maxY)) .& (high .>= SIMD2(first.minX, first.minY)))
            || all((low .<= SIMD2(second.maxX, second.maxY)) .& (high .>= SIMD2(second.minX, second.minY)))
    }

    /// Whether the point (x, y) is in a part.
    @inline(__always)
    func holds(_ p: SIMD2<Double>) -> Bool { meets(low: p, high: p) }
}

/// A query point with its trigonometry computed once.
///
/// Distance queries compare haversine terms `a = sin²(Δφ/2) + cos φ1 cos φ2 sin²(Δλ/2)`
/// (the distance is `2R·asin(√a)`, increasing in `a`) so that bounds need no
/// `asin`; metres are computed only for accepted hits.
struct QueryPoint {
    let latitude: Double
    let longitude: Double
    let phi: Double
    let cosPhi: Double
    let sinPhi: Double

    init(_ p: GeoPoint) {
        latitude = p.latitude
        longitude = p.longitude
        phi = p.latitude * Haversine.radiansPerDegree
        cosPhi = cos(phi)
        sinPhi = sin(phi)
    }

    /// Metres to a position; bit-for-bit the same as `Haversine.distance(query, position)`.
    @inline(__always)
    func distance(latitude lat: Double, longitude lon: Double) -> Double {
        Haversine.centralAngle(term(latitude: lat, longitude: lon)) * Haversine.earthRadiusMeters
    }

    /// The haversine term to a position.
    @inline(__always)
    func term(latitude lat: Double, longitude lon: Double) -> Double {
        Haversine.haversineTerm(
            phi1: phi, cosPhi1: cosPhi, phi2: lat * Haversine.radiansPerDegree,
            deltaLambda: (lon - longitude) * Haversine.radiansPerDegree)
    }

    /// The haversine term to a leaf point whose latitude's cosine is known.
    @inline(__always)
    func term(latitude lat: Double, cosLatitude: Double, longitude lon: Double) -> Double {
        Haversine.haversineTerm(
            phi1: phi, cosPhi1: cosPhi, phi2: lat * Haversine.radiansPerDegree, cosPhi2: cosLatitude,
            deltaLambda: (lon - longitude) * Haversine.radiansPerDegree)
    }

    /// The haversine term of a distance in metres (for the radius and the worst kept hit).
    static func term(ofMeters d: Double) -> Double {
        guard d.isFinite else { return .infinity }
        let s = sin(min(d / (2 * Haversine.earthRadiusMeters), Double.pi / 2))
        return s * s
    }

    /// Lowered past rounding error so that a bound never exceeds a computed term.
    @inline(__always)
    static func safe(_ a: Double) -> Double { max(0, a * (1 - 1e-9) - 1e-15) }

    /// Whether a bound rules out anything at or beyond the term `worst` (kept
    /// strict with slack, so that hits tied with the worst one stay possible).
    @inline(__always)
    static func exceeds(_ bound: Double, _ worst: Double) -> Bool { bound > worst * (1 + 1e-9) + 1e-15 }

    /// |Δλ| folded into [0, 180] for Δλ in [-360, 360].
    @inline(__always)
    static func wrappedSeparation(_ delta: Double) -> Double {
        let d = abs(delta)
        return d > 180 ? 360 - d : d
    }

    /// A lower bound on the term to a rectangle with no trigonometry, tight at
    /// small distances: with Δφ the latitude gap and Δλ the longitude
    /// separation to the nearer edge (radians, both halved: x = Δφ/2,
    /// y = Δλ/2 ≤ π/2), sin x ≥ x − x³/6 ≥ 0 (x ≤ π/2 < √6), and every point
    /// of the rectangle has cos φ2 ≥ cos t for t its largest |latitude|, with
    /// cos t ≥ max(1 − t²/2, 1 − 2t/π) (Taylor; Jordan). (The Jordan form
    /// alone, sin x ≥ 2x/π, let nodes up to ~1.6× too far into the queue.)
    /// The bounds multiply by 1/6 rather than divide by 6: a search computes
    /// one for every entry of every node it opens, a division costs several
    /// times a multiplication, and `safe` absorbs the extra rounding.
    @inline(__always)
    func cheapBound(minX: Double, minY: Double, maxX: Double, maxY: Double) -> Double {
        let gap = latitude < minY ? minY - latitude : (latitude > maxY ? latitude - maxY : 0)
        let x = gap * (Haversine.radiansPerDegree / 2)
        let sx = x - x * x * x * (1.0 / 6)
        var a = sx * sx
        if !(longitude >= minX && longitude <= maxX) {
            let sep = min(
                QueryPoint.wrappedSeparation(longitude - minX), QueryPoint.wrappedSeparation(longitude - maxX))
            let y = sep * (Haversine.radiansPerDegree / 2)
            let sy = y - y * y * y * (1.0 / 6)
            let t = max(abs(minY), abs(maxY)) * Haversine.radiansPerDegree
            let cosLow = max(0, 1 - t * t / 2, 1 - t * (2 / Double.pi))
            a += max(0, cosPhi) * cosLow * sy * sy
        }
        return QueryPoint.safe(a)
    }

    /// A lower bound on the term to a point, with no trigonometry and tight
    /// at small distances (where `cheapBound`'s Jordan factor (2/π)² is loose):
    /// with x = |Δφ|/2 and y = |Δλ|/2 (radians, y ≤ π/2 after wrapping),
    /// sin x ≥ x − x³/6 ≥ 0 (x ≤ π/2 < √6), and
    /// cos φ2 = cos(φ1 + Δφ) ≥ cos φ1 (1 − Δφ²/2) − |sin φ1| |Δφ|, so
    /// a ≥ (x − x³/6)² + cos φ1 · max(0, that) · (y − y³/6)².
    @inline(__always)
    func pointBound(latitude lat: Double, longitude lon: Double) -> Double {
        let dPhi = abs(lat - latitude) * Haversine.radiansPerDegree
        let x = dPhi / 2
        let sx = x - x * x * x * (1.0 / 6)
        let y = QueryPoint.wrappedSeparation(lon - longitude) * (Haversine.radiansPerDegree / 2)
        let sy = y - y * y * y * (1.0 / 6)
        let cos2 = max(0, cosPhi * (1 - dPhi * dPhi / 2) - abs(sinPhi) * dPhi)
        return QueryPoint.safe(sx * sx + cosPhi * cos2 * sy * sy)
    }

    /// The haversine term from the query to the nearest point of a
    /// (non-wrapping) rectangle, lowered by `safe`.
    ///
    /// If the query's meridian crosses the rectangle, the nearest point is
    /// straight north or south. Otherwise it lies on the edge meridian with the
    /// smaller longitude difference (for a fixed latitude, distance grows with
    /// |Δλ|). On that meridian the closest point of the whole great circle is
    /// at latitude θ = atan2(sin φ, cos φ · cos Δλ); distance grows with the
    /// angle from θ along the circle, so the nearest point of the edge is θ
    /// clamped to the edge, or — when θ lies beyond a pole (|θ| > 90°) — one of
    /// the edge's ends. Exact across the antimeridian (only cos Δλ and
    /// sin²(Δλ/2) are used) and at the poles.
    func exactBound(minX: Double, minY: Double, maxX: Double, maxY: Double) -> Double {
        if longitude >= minX && longitude <= maxX {
            let gap = latitude < minY ? minY - latitude : (latitude > maxY ? latitude - maxY : 0)
            let s = sin(gap * Haversine.radiansPerDegree / 2)
            return QueryPoint.safe(s * s)
        }
        let west = QueryPoint.wrappedSeparation(longitude - minX)
        let east = QueryPoint.wrappedSeparation(longitude - maxX)
        let edge = west <= east ? minX : maxX
        let theta =
            atan2(sinPhi, cosPhi * cos((longitude - edge) * Haversine.radiansPerDegree)) * Haversine.degreesPerRadian
        let a: Double
        if abs(theta) <= 90 {
            a = term(latitude: min(max(theta, minY), maxY), longitude: edge)
        } else {
            a = min(term(latitude: minY, longitude: edge), term(latitude: maxY, longitude: edge))
        }
        return QueryPoint.safe(a)
    }
}
