import Testing

@testable import StrataSpatial

@Suite("SpatialIndex conformance")
struct ConformanceTests {
    @Test("RStarTree, default M = 32", arguments: SpatialIndexConformance<RStarTree>.checkNames)
    func rStarTree(check: String) throws {
        let failures = try SpatialIndexConformance { RStarTree() }.run(check)
        #expect(failures.isEmpty, "\(failures)")
    }

    @Test("RStarTree, M = 4", arguments: SpatialIndexConformance<RStarTree>.checkNames)
    func smallNodes(check: String) throws {
        let failures = try SpatialIndexConformance { RStarTree(maxEntries: 4) }.run(check)
        #expect(failures.isEmpty, "\(failures)")
    }

    @Test func unknownCheckIsReported() throws {
        let failures = try SpatialIndexConformance { RStarTree() }.run("no-such-check")
        #expect(failures.count == 1)
    }

    /// The suite must catch a broken index: one that forgets the antimeridian
    /// and ranks by planar degrees, as Spatio did.
    @Test func suiteCatchesAnIndexThatIgnoresTheSphere() throws {
        let failures = try SpatialIndexConformance { PlanarIndex() }.runAll()
        #expect(failures.contains { $0.hasPrefix("radiusAcrossTheAntimeridian") })
        #expect(failures.contains { $0.hasPrefix("nearestUsesMetresNotDegrees") })
        #expect(failures.contains { $0.hasPrefix("nearestAcrossThePole") })
    }
}

/// A deliberately wrong index: Euclidean degrees, no wrap-around.
private struct PlanarIndex: SpatialIndex {
    var objects: [String: GeoPoint] = [:]
    var count: Int { objects.count }

    mutating func insert(id: String, point: GeoPoint) throws {
        guard objects[id] == nil else { throw SpatialError(.duplicateID, id) }
        objects[id] = point
    }
    mutating func remove(id: String) throws -> Bool { objects.removeValue(forKey: id) != nil }
    mutating func move(id: String, to point: GeoPoint) throws { objects[id] = point }
    func search(in box: BoundingBox) throws -> [SpatialEntry] {
        objects.filter { box.contains($0.value) }.map { SpatialEntry(id: $0.key, point: $0.value) }
    }
    private func ranked(_ c: GeoPoint) -> [SpatialHit] {
        objects.map { (id, p) in
            let d = ((p.latitude - c.latitude) * (p.latitude - c.latitude)
                + (p.longitude - c.longitude) * (p.longitude - c.longitude)).squareRoot() * 111_195
            return SpatialHit(id: id, point: p, distanceMeters: d)
        }.sorted(by: SpatialHit.precedes)
    }
    func search(near center: GeoPoint, radiusMeters: Double, limit: Int) throws -> [SpatialHit] {
        try Haversine.validate(radiusMeters: radiusMeters)
        try QueryArguments.check(limit: limit, name: "limit")
        return Array(ranked(center).filter { $0.distanceMeters <= radiusMeters }.prefix(limit))
    }
    func nearest(to point: GeoPoint, k: Int) throws -> [SpatialHit] {
        try QueryArguments.check(limit: k, name: "k")
        return Array(ranked(point).prefix(k))
    }
}
