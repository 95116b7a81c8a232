/// The behaviour every `SpatialIndex` must show, as named checks over a
/// factory of empty indexes. A test target runs them in a few lines:
///
/// ```swift
/// @Test(arguments: SpatialIndexConformance<RStarTree>.checkNames)
/// func conforms(check: String) throws {
///     let failures = try SpatialIndexConformance { RStarTree() }.run(check)
///     #expect(failures.isEmpty, "\(failures)")
/// }
/// ```
/// Each check returns its failures as sentences (empty when it passes), so the
/// suite needs no test framework.
public struct SpatialIndexConformance<Index: SpatialIndex> {
    /// Makes a new, empty index.
    public let makeIndex: () throws -> Index

    public init(makeIndex: @escaping () throws -> Index) {
        self.makeIndex = makeIndex
    }

    /// The names `run(_:)` accepts, in a stable order.
    public static var checkNames: [String] {
        [
            "emptyIndexAnswersNothing",
            "insertCountsAndFinds",
            "duplicateInsertThrows",
            "removeReportsPresence",
            "moveUpserts",
            "boxAcrossTheAntimeridian",
            "radiusAcrossTheAntimeridian",
            "radiusOrdersAndLimits",
            "nearestAcrossThePole",
            "nearestUsesMetresNotDegrees",
            "badArgumentsThrow",
            "matchesBruteForce",
        ]
    }

    /// Runs one check by name; returns its failures.
    ///
    /// - Throws: whatever the index throws where the check does not expect it.
    public func run(_ name: String) throws -> [String] {
        var failures: [String] = []
        switch name {
        case "emptyIndexAnswersNothing": try Self.emptyIndexAnswersNothing(self, &failures)
        case "insertCountsAndFinds": try Self.insertCountsAndFinds(self, &failures)
        case "duplicateInsertThrows": try Self.duplicateInsertThrows(self, &failures)
        case "removeReportsPresence": try Self.removeReportsPresence(self, &failures)
        case "moveUpserts": try Self.moveUpserts(self, &failures)
        case "boxAcrossTheAntimeridian": try Self.boxAcrossTheAntimeridian(self, &failures)
        case "radiusAcrossTheAntimeridian": try Self.radiusAcrossTheAntimeridian(self, &failures)
        case "radiusOrdersAndLimits": try Self.radiusOrdersAndLimits(self, &failures)
        case "nearestAcrossThePole": try Self.nearestAcrossThePole(self, &failures)
        case "nearestUsesMetresNotDegrees": try Self.nearestUsesMetresNotDegrees(self, &failures)
        case "badArgumentsThrow": try Self.badArgumentsThrow(self, &failures)
        case "matchesBruteForce": try Self.matchesBruteForce(self, &failures)
        default: failures.append("no conformance check named \"\(name)\"")
        }
        return failures
    }

    /// Runs every check; returns the failures prefixed by the check's name.
    public func runAll() throws -> [String] {
        var all: [String] = []
        for name in Self.checkNames { all += try run(name).map { "\(name): \($0)" } }
        return all
    }

    private static func p(_ lat: Double, _ lon: Double) -> GeoPoint {
        GeoPoint(uncheckedLatitude: lat, longitude: lon)
    }

    private static func expect(_ condition: Bool, _ message: @autoclosure () -> String, _ failures: inout [String]) {
        if !condition { failures.append(message()) }
    }

    private static func ids(_ hits: [SpatialHit]) -> [String] { hits.map(\.id) }

    private static func emptyIndexAnswersNothing(_ s: Self, _ f: inout [String]) throws {
        let index = try s.makeIndex()
        expect(index.count == 0, "count is \(index.count)", &f)
        expect(try index.search(in: .world).isEmpty, "box search found something", &f)
        expect(try index.search(near: p(0, 0), radiusMeters: 1_000, limit: 10).isEmpty, "radius found something", &f)
        expect(try index.nearest(to: p(0, 0), k: 5).isEmpty, "nearest found something", &f)
    }

    private static func insertCountsAndFinds(_ s: Self, _ f: inout [String]) throws {
        var index = try s.makeIndex()
        for i in 0..<200 { try index.insert(id: "o\(i)", point: p(Double(i % 20) - 10, Double(i / 20) * 3)) }
        expect(index.count == 200, "count is \(index.count), expected 200", &f)
        let all = try index.search(in: .world)
        expect(Set(all.map(\.id)).count == 200 && all.count == 200, "world box found \(all.count)", &f)
        let one = try index.nearest(to: p(-10, 0), k: 1)
        expect(ids(one) == ["o0"], "nearest to o0 is \(ids(one))", &f)
    }

    private static func duplicateInsertThrows(_ s: Self, _ f: inout [String]) throws {
        var index = try s.makeIndex()
        try index.insert(id: "a", point: p(1, 1))
        do {
            try index.insert(id: "a", point: p(2, 2))
            f.append("a second insert of \"a\" did not throw")
        } catch SpatialError.Code.duplicateID {
        }
        expect(index.count == 1, "count is \(index.count) after the rejected insert", &f)
        expect(try index.search(in: .world).first?.point == p(1, 1), "the first position was lost", &f)
    }

    private static func removeReportsPresence(_ s: Self, _ f: inout [String]) throws {
        var index = try s.makeIndex()
        try index.insert(id: "a", point: p(1, 1))
        try index.insert(id: "b", point: p(2, 2))
        expect(try index.remove(id: "a"), "remove of a present id returned false", &f)
        expect(try !index.remove(id: "a"), "a second remove returned true", &f)
        expect(try !index.remove(id: "zzz"), "remove of an unknown id returned true", &f)
        expect(index.count == 1, "count is \(index.count), expected 1", &f)
        expect(try ids(index.nearest(to: p(1, 1), k: 5)) == ["b"], "the removed object is still found", &f)
    }

    private static func moveUpserts(_ s: Self, _ f: inout [String]) throws {
        var index = try s.makeIndex()
        try index.move(id: "a", to: p(10, 10))
        expect(index.count == 1, "move of an absent id did not insert", &f)
        try index.move(id: "a", to: p(-40, 170))
        expect(index.count == 1, "move duplicated the object", &f)
        let found = try index.search(in: BoundingBox(unchecked: -41, 169, -39, 171))
        expect(found.map(\.id) == ["a"], "the moved object is not at its new position", &f)
        expect(try index.search(in: BoundingBox(unchecked: 9, 9, 11, 11)).isEmpty, "the old position still answers", &f)
    }

    private static func boxAcrossTheAntimeridian(_ s: Self, _ f: inout [String]) throws {
        var index = try s.makeIndex()
        try index.insert(id: "east", point: p(0, 179.5))
        try index.insert(id: "west", point: p(0, -179.5))
        try index.insert(id: "seam", point: p(0, 180))
        try index.insert(id: "far", point: p(0, 0))
        let box = BoundingBox(unchecked: -1, 179, 1, -179)
        let found = Set(try index.search(in: box).map(\.id))
        expect(found == ["east", "west", "seam"], "wrapping box found \(found.sorted())", &f)
        let westOnly = Set(try index.search(in: BoundingBox(unchecked: -1, -180, 1, -179)).map(\.id))
        expect(westOnly == ["west", "seam"], "box touching -180 found \(westOnly.sorted())", &f)
    }

    private static func radiusAcrossTheAntimeridian(_ s: Self, _ f: inout [String]) throws {
        var index = try s.makeIndex()
        try index.insert(id: "west", point: p(0, -179.999))
        try index.insert(id: "east", point: p(0, 179.998))
        try index.insert(id: "far", point: p(0, 179))
        let hits = try index.search(near: p(0, 179.9995), radiusMeters: 1_000, limit: 10)
        expect(ids(hits) == ["west", "east"], "radius across the seam found \(ids(hits))", &f)
        let knn = try index.nearest(to: p(0, -179.9999), k: 2)
        expect(ids(knn) == ["west", "east"], "nearest across the seam found \(ids(knn))", &f)
    }

    private static func radiusOrdersAndLimits(_ s: Self, _ f: inout [String]) throws {
        var index = try s.makeIndex()
        for (i, lat) in [0.004, 0.001, 0.003, 0.002, 0.02].enumerated() { try index.insert(id: "p\(i)", point: p(lat, 0)) }
        try index.insert(id: "twin-b", point: p(0, 0.001))
        try index.insert(id: "twin-a", point: p(0, -0.001))
        let center = p(0, 0)
        let all = try index.search(near: center, radiusMeters: 1_000, limit: .max)
        expect(
            ids(all) == ["p1", "twin-a", "twin-b", "p3", "p2", "p0"],
            "order is \(ids(all)) (nearest first, ties by id)", &f)
        for pair in zip(all, all.dropFirst()) where pair.0.distanceMeters > pair.1.distanceMeters {
            f.append("distances out of order: \(pair.0) before \(pair.1)")
        }
        for hit in all where abs(hit.distanceMeters - Haversine.distance(center, hit.point)) > 1e-6 {
            f.append("\(hit.id): distance \(hit.distanceMeters) is not the haversine distance")
        }
        let two = try index.search(near: center, radiusMeters: 1_000, limit: 2)
        expect(ids(two) == ["p1", "twin-a"], "limit 2 gave \(ids(two))", &f)
        expect(try index.search(near: center, radiusMeters: 1_000, limit: 0).isEmpty, "limit 0 gave results", &f)
        let exact = Haversine.distance(center, p(0.001, 0))
        let edge = try index.search(near: center, radiusMeters: exact, limit: .max)
        expect(ids(edge).contains("p1"), "a point exactly at the radius is excluded", &f)
    }

    private static func nearestAcrossThePole(_ s: Self, _ f: inout [String]) throws {
        var index = try s.makeIndex()
        try index.insert(id: "over-the-pole", point: p(89.95, -150))
        try index.insert(id: "same-meridian", point: p(89.0, 30))
        let hits = try index.nearest(to: p(89.95, 30), k: 2)
        expect(ids(hits) == ["over-the-pole", "same-meridian"], "nearest near the pole gave \(ids(hits))", &f)
        let south = try index.search(near: p(-89.99, 0), radiusMeters: 20_000_000, limit: 1)
        expect(ids(south) == ["same-meridian"], "the farthest-first check near the south pole gave \(ids(south))", &f)
    }

    private static func nearestUsesMetresNotDegrees(_ s: Self, _ f: inout [String]) throws {
        var index = try s.makeIndex()
        // At 80° N one degree of longitude is ~19 km; one degree of latitude ~111 km.
        try index.insert(id: "east", point: p(80, 1.5))
        try index.insert(id: "north", point: p(81, 0))
        let hits = try index.nearest(to: p(80, 0), k: 2)
        expect(ids(hits) == ["east", "north"], "nearest at 80° N gave \(ids(hits))", &f)
    }

    private static func badArgumentsThrow(_ s: Self, _ f: inout [String]) throws {
        var index = try s.makeIndex()
        try index.insert(id: "a", point: p(0, 0))
        for radius in [0, -1, Double.nan, Haversine.maxRadiusMeters * 1.01] {
            do {
                _ = try index.search(near: p(0, 0), radiusMeters: radius, limit: 10)
                f.append("radius \(radius) was accepted")
            } catch SpatialError.Code.invalidRadius {
            }
        }
        do {
            _ = try index.nearest(to: p(0, 0), k: -1)
            f.append("k = -1 was accepted")
        } catch SpatialError.Code.invalidArgument {
        }
        expect(try index.nearest(to: p(0, 0), k: 0).isEmpty, "k = 0 returned results", &f)
    }

    private static func matchesBruteForce(_ s: Self, _ f: inout [String]) throws {
        var index = try s.makeIndex()
        var model: [String: GeoPoint] = [:]
        var state: UInt64 = 0x5EED
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        for i in 0..<1_500 {
            let point = p(next() * 180 - 90, next() * 360 - 180)
            try index.insert(id: "m\(i)", point: point)
            model["m\(i)"] = point
        }
        for i in stride(from: 0, to: 1_500, by: 3) {
            try index.remove(id: "m\(i)")
            model["m\(i)"] = nil
        }
        for _ in 0..<100 {
            let center = p(next() * 180 - 90, next() * 360 - 180)
            let expected = model.map { SpatialHit(id: $0.key, point: $0.value, distanceMeters: Haversine.distance(center, $0.value)) }
                .sorted(by: SpatialHit.precedes)
            let knn = try index.nearest(to: center, k: 7)
            expect(knn == Array(expected.prefix(7)), "nearest to \(center): \(ids(knn)) ≠ \(ids(Array(expected.prefix(7))))", &f)
            let radius = next() * 2_000_000 + 1
            let near = try index.search(near: center, radiusMeters: radius, limit: .max)
            let want = expected.filter { $0.distanceMeters <= radius }
            expect(near == want, "radius \(radius) around \(center): \(near.count) hits, expected \(want.count)", &f)
        }
    }
}
