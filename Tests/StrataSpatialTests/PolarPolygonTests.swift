import Testing

@testable import StrataSpatial

/// Polygons whose outer ring winds around a pole, against an independent
/// answer: such a ring is a curve over every longitude, so a point is inside
/// exactly when it lies poleward of the curve's latitude at its longitude
/// (linear in longitude between vertices, as the polygon's edges are).
@Suite("Polygons around a pole")
struct PolarPolygonTests {
    /// Vertices in travel order: longitudes increasing by steps of 10°…170°
    /// once around the globe, latitudes in a band near the pole.
    struct PolarRing {
        var longitudes: [Double]  // unwrapped, increasing, spanning < 360 before closing
        var latitudes: [Double]
        let north: Bool

        init(_ rng: inout SplitMix64, north: Bool) {
            self.north = north
            var lons: [Double] = [Double.random(in: -180..<180, using: &rng)]
            while true {
                let step = Double.random(in: 10...170, using: &rng)
                if lons.last! + step - lons[0] >= 360 - 10 { break }
                lons.append(lons.last! + step)
            }
            if lons[0] + 360 - lons.last! >= 180 { lons.append((lons.last! + lons[0] + 360) / 2) }
            longitudes = lons
            latitudes = lons.map { _ in
                north ? Double.random(in: 45...88, using: &rng) : Double.random(in: -88 ... -45, using: &rng)
            }
        }

        /// `[lon, lat]` pairs in [-180, 180], eastward or westward.
        func pairs(westward: Bool) -> [[Double]] {
            let ring = zip(longitudes, latitudes).map { lon, lat -> [Double] in
                var x = lon.truncatingRemainder(dividingBy: 360)
                if x > 180 { x -= 360 }
                if x < -180 { x += 360 }
                return [x, lat]
            }
            return westward ? ring.reversed() : ring
        }

        /// The curve's latitude at a longitude.
        func latitude(at lon: Double) -> Double {
            let x0 = longitudes[0]
            var d = (lon - x0).truncatingRemainder(dividingBy: 360)
            if d < 0 { d += 360 }
            let u = x0 + d
            let xs = longitudes + [x0 + 360]
            let ys = latitudes + [latitudes[0]]
            for i in 0..<(xs.count - 1) where u >= xs[i] && u <= xs[i + 1] {
                return ys[i] + (ys[i + 1] - ys[i]) * (u - xs[i]) / (xs[i + 1] - xs[i])
            }
            preconditionFailure("longitude \(lon) outside the ring")
        }

        /// Inside, outside, or too close to the edge to say (nil).
        func contains(_ p: GeoPoint) -> Bool? {
            let edge = latitude(at: p.longitude)
            if abs(p.latitude - edge) < 1e-9 { return nil }
            return north ? p.latitude > edge : p.latitude < edge
        }
    }

    static func samplePoint(_ rng: inout SplitMix64, north: Bool) -> GeoPoint {
        let lat: Double
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: lat = north ? 90 : -90
        case 1: lat = Double.random(in: -90...90, using: &rng)
        default: lat = north ? Double.random(in: 40...90, using: &rng) : Double.random(in: -90 ... -40, using: &rng)
        }
        let lon = [-180, 180, Double.random(in: -180...180, using: &rng)].randomElement(using: &rng)!
        return try! GeoPoint(latitude: lat, longitude: lon)
    }

    @Test("contains and the R*-tree search match the curve", arguments: [1 as UInt64, 2, 3, 4, 5, 6])
    func matchesBruteForce(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let tree = RStarTree(maxEntries: 8)
        var points: [String: GeoPoint] = [:]
        for i in 0..<3_000 {
            let p = Self.samplePoint(&rng, north: seed % 2 == 0)
            points["o\(i)"] = p
            try tree.insert(id: "o\(i)", point: p)
        }
        for r in 0..<20 {
            let ring = PolarRing(&rng, north: seed % 2 == 0)
            let westward = r % 2 == 1
            let polygon = try Polygon(lonLatExterior: ring.pairs(westward: westward))
            #expect(polygon.boundingBox.minLongitude == -180 && polygon.boundingBox.maxLongitude == 180)
            var want: [String] = []
            var undecided: Set<String> = []
            for (id, p) in points {
                guard let inside = ring.contains(p) else {
                    undecided.insert(id)
                    continue
                }
                if inside { want.append(id) }
                #expect(
                    polygon.contains(p) == inside,
                    "seed \(seed) ring \(r) (westward: \(westward)) \(ring.pairs(westward: westward)): \(p) should be \(inside ? "inside" : "outside")"
                )
            }
            let got = try tree.search(in: polygon).map(\.id).filter { !undecided.contains($0) }.sorted()
            #expect(got == want.sorted(), "seed \(seed) ring \(r): \(got.count) found, \(want.count) expected")
            #expect(
                !want.isEmpty && want.count < points.count - undecided.count, "seed \(seed) ring \(r): a trivial answer"
            )
        }
    }

    @Test func aHoleAroundAPoleIsRejected() {
        let ring: [[Double]] = [[0, 60], [120, 60], [-120, 60]]
        #expect(throws: SpatialError.self) {
            _ = try Polygon(lonLatExterior: ring, holes: [[[0, 70], [120, 70], [-120, 70]]])
        }
    }

    @Test func aCapAroundTheNorthPoleHoldsThePoleAndNotTheEquator() throws {
        let cap = try Polygon(lonLatExterior: [[0, 60], [120, 60], [-120, 60]])
        #expect(cap.contains(try GeoPoint(latitude: 90, longitude: 0)))
        #expect(cap.contains(try GeoPoint(latitude: 75, longitude: 179.5)))
        #expect(!cap.contains(try GeoPoint(latitude: 0, longitude: 0)))
        let south = try Polygon(lonLatExterior: [[0, -60], [-120, -60], [120, -60]])
        #expect(south.contains(try GeoPoint(latitude: -89, longitude: -45)))
        #expect(!south.contains(try GeoPoint(latitude: -50, longitude: -45)))
    }
}
