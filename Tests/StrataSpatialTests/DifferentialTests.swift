import Foundation
import StrataStore
import Testing

@testable import StrataSpatial

/// The tracker (R*-tree) and the store-backed cell index against brute force
/// over seeded random points and queries: the antimeridian, both poles, the
/// equator, exact edges, radii from 1 m to half the planet.
@Suite("Differential against brute force")
struct DifferentialTests {
    static let seed: UInt64 = 0xD1FF_2026

    struct Brute {
        var points: [String: GeoPoint] = [:]

        func ranked(_ center: GeoPoint) -> [SpatialHit] {
            points.map { SpatialHit(id: $0.key, point: $0.value, distanceMeters: Haversine.distance(center, $0.value)) }
                .sorted { $0.distanceMeters < $1.distanceMeters || ($0.distanceMeters == $1.distanceMeters && $0.id < $1.id) }
        }

        func nearby(_ c: GeoPoint, _ r: Double, _ limit: Int) -> [SpatialHit] {
            Array(ranked(c).filter { $0.distanceMeters <= r }.prefix(limit))
        }

        func box(_ b: BoundingBox) -> [String] { points.filter { b.contains($0.value) }.map(\.key).sorted() }
        func polygon(_ p: Polygon) -> [String] { points.filter { p.contains($0.value) }.map(\.key).sorted() }
    }

    /// Same ranking: equal distances (to 1e-6 m) in the same order; ids may
    /// differ only where two distances tie within that tolerance.
    static func sameRanking(_ got: [(String, Double)], _ want: [(String, Double)]) -> Bool {
        guard got.count == want.count else { return false }
        for (i, (g, w)) in zip(got, want).enumerated() {
            guard abs(g.1 - w.1) <= 1e-6 else { return false }
            if g.0 != w.0 {
                let tied = want.indices.contains { j in j != i && abs(want[j].1 - w.1) <= 1e-6 }
                if !tied { return false }
            }
        }
        return true
    }

    static func randomBox(_ rng: inout SplitMix64) -> BoundingBox {
        let a = rng.point()
        let b = rng.point()
        if Int.random(in: 0..<3, using: &rng) == 0 {
            // A small box around a point, wrapping when it crosses the seam.
            let c = a
            let d = Double.random(in: 0.001...5, using: &rng)
            var w = c.longitude - d
            var e = c.longitude + d
            if w < -180 { w += 360 }
            if e > 180 { e -= 360 }
            return try! BoundingBox(
                minLatitude: max(-90, c.latitude - d), minLongitude: w, maxLatitude: min(90, c.latitude + d), maxLongitude: e)
        }
        return try! BoundingBox(
            minLatitude: min(a.latitude, b.latitude), minLongitude: a.longitude,
            maxLatitude: max(a.latitude, b.latitude), maxLongitude: b.longitude)
    }

    static func randomPolygon(_ rng: inout SplitMix64) -> Polygon? {
        let c = rng.point()
        let lat = min(80, max(-80, c.latitude))
        let spread = [0.01, 0.5, 5, 20].randomElement(using: &rng)!
        let n = Int.random(in: 3...7, using: &rng)
        var angles = (0..<n).map { _ in Double.random(in: 0..<(2 * Double.pi), using: &rng) }
        angles.sort()
        let ring = angles.map { a -> [Double] in
            let r = spread * Double.random(in: 0.3...1, using: &rng)
            var lon = c.longitude + r * cos(a)
            if lon > 180 { lon -= 360 }
            if lon < -180 { lon += 360 }
            return [lon, min(89, max(-89, lat + r * sin(a)))]
        }
        return try? Polygon(lonLatExterior: ring)
    }

    /// Points and queries from one seed; `check` compares an implementation.
    static func run(
        seed: UInt64, points: Int, queries: Int,
        insert: (String, GeoPoint) throws -> Void,
        nearby: (GeoPoint, Double, Int) throws -> [(String, Double)],
        knn: (GeoPoint, Int) throws -> [(String, Double)],
        box: (BoundingBox) throws -> [String],
        polygon: (Polygon) throws -> [String]
    ) throws {
        print("differential seed \(seed)")
        var rng = SplitMix64(seed: seed)
        var brute = Brute()
        for i in 0..<points {
            let p = i % 4 == 3 ? rng.point(near: brute.points["p\(i - 1)"]!, spreadDegrees: 0.01) : rng.point()
            brute.points["p\(i)"] = p
            try insert("p\(i)", p)
        }
        // The comparisons must be about something: count queries that found anything.
        var answered = (nearby: 0, box: 0, polygon: 0)
        for q in 0..<queries {
            let center = q % 3 == 0 ? rng.point(near: brute.points["p\(q % points)"]!, spreadDegrees: 0.05) : rng.point()
            let radius = rng.radius()
            let limit = [1, 5, 50, Int.max].randomElement(using: &rng)!
            let want = brute.nearby(center, radius, limit).map { ($0.id, $0.distanceMeters) }
            let got = try nearby(center, radius, limit)
            if !want.isEmpty { answered.nearby += 1 }
            #expect(sameRanking(got, want), "seed \(seed) query \(q): nearby \(center) r=\(radius) limit=\(limit): \(got.prefix(5)) vs \(want.prefix(5))")
            let k = [0, 1, 3, 20].randomElement(using: &rng)!
            let wantK = Array(brute.ranked(center).prefix(k)).map { ($0.id, $0.distanceMeters) }
            let gotK = try knn(center, k)
            #expect(sameRanking(gotK, wantK), "seed \(seed) query \(q): knn \(center) k=\(k)")
            let b = randomBox(&rng)
            let gotBox = try box(b)
            if !gotBox.isEmpty { answered.box += 1 }
            #expect(gotBox == brute.box(b), "seed \(seed) query \(q): box \(b): \(gotBox.count) vs \(brute.box(b).count)")
            if let poly = randomPolygon(&rng) {
                let gotPoly = try polygon(poly)
                if !gotPoly.isEmpty { answered.polygon += 1 }
                #expect(gotPoly == brute.polygon(poly), "seed \(seed) query \(q): polygon \(poly.exterior)")
            }
        }
        print("non-empty answers of \(queries): nearby \(answered.nearby), box \(answered.box), polygon \(answered.polygon)")
        #expect(answered.nearby > queries / 4 && answered.box > queries / 4 && answered.polygon > queries / 20)
    }

    @Test func trackerMatchesBruteForce() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        try withTracker("trie", at: dir.path, options: TrackerOptions(bufferCapacity: 4096)) { t throws in
            try Self.run(
                seed: Self.seed, points: 3_000, queries: 300,
                insert: { try t.upsert(namespace: "d", object: $0, point: $1, time: 1) },
                nearby: { try t.nearby(namespace: "d", center: $0, radiusMeters: $1, limit: $2).map { ($0.position.object, $0.distanceMeters) } },
                knn: { try t.nearest(namespace: "d", to: $0, k: $1).map { ($0.position.object, $0.distanceMeters) } },
                box: { try t.withinBoundingBox(namespace: "d", $0).map(\.object) },
                polygon: { try t.withinPolygon(namespace: "d", $0).map(\.object) })
        }
    }

    @Test(arguments: allBackends)
    func cellIndexMatchesBruteForce(backend: String) throws {
        try withTempStore(backend) { store, _ in
            func run<S: Store>(_ s: S) throws {
                let index = try StoreCellIndex(store: s, columnFamily: "cells")
                try Self.run(
                    seed: Self.seed &+ 1, points: 1_500, queries: 120,
                    insert: { try index.insert(id: $0, point: $1) },
                    nearby: { try index.search(near: $0, radiusMeters: $1, limit: $2).map { ($0.id, $0.distanceMeters) } },
                    knn: { try index.nearest(to: $0, k: $1).map { ($0.id, $0.distanceMeters) } },
                    box: { try index.search(in: $0).map(\.id).sorted() },
                    polygon: { try index.search(in: $0).map(\.id).sorted() })
            }
            try run(store)
        }
    }
}
