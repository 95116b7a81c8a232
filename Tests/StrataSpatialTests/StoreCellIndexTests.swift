import StrataStore
import Testing

@testable import StrataSpatial

@Suite("StoreCellIndex")
struct StoreCellIndexTests {
    /// Every conformance check on every backend; each index gets its own key prefix.
    @Test(arguments: allBackends)
    func conforms(backend: String) throws {
        try withTempStore(backend) { store, _ in
            func run<S: Store>(_ s: S) throws {
                var n = 0
                let suite = SpatialIndexConformance { () throws -> StoreCellIndex<S> in
                    n += 1
                    return try StoreCellIndex(store: s, columnFamily: "cells", keyPrefix: Array("t\(n)/".utf8))
                }
                let failures = try suite.runAll()
                #expect(failures.isEmpty, "\(backend): \(failures)")
            }
            try run(store)
        }
    }

    @Test(arguments: allBackends)
    func reopenKeepsObjectsAndCount(backend: String) throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        func fill<S: Store>(_ s: S) throws {
            let index = try StoreCellIndex(store: s, columnFamily: "cells")
            try index.insert(id: "a", point: GeoPoint(latitude: 10, longitude: 20))
            try index.insert(id: "b", point: GeoPoint(latitude: -33.9, longitude: 151.2, altitude: 12))
            try index.move(id: "a", to: GeoPoint(latitude: 11, longitude: 21))
        }
        func check<S: Store>(_ s: S) throws {
            let index = try StoreCellIndex(store: s, columnFamily: "cells")
            #expect(index.count == 2)
            let hits = try index.nearest(to: GeoPoint(latitude: -33.9, longitude: 151.2), k: 1)
            #expect(hits.first?.id == "b")
            #expect(hits.first?.point.altitude == 12)
            #expect(try index.search(in: BoundingBox(minLatitude: 10.5, minLongitude: 20.5, maxLatitude: 11.5, maxLongitude: 21.5)).map(\.id) == ["a"])
        }
        let first = try openStore(backend, at: dir.path)
        try fill(first)
        try first.close()
        let second = try openStore(backend, at: dir.path)
        defer { try? second.close() }
        try check(second)
    }

    @Test func coveringIsSortedDisjointAndSmall() throws {
        let grid = CellGrid()
        for box in [
            BoundingBox.world,
            try BoundingBox(minLatitude: -1, minLongitude: 179, maxLatitude: 1, maxLongitude: -179),
            try BoundingBox(minLatitude: 89, minLongitude: -180, maxLatitude: 90, maxLongitude: 180),
            try BoundingBox(minLatitude: 0, minLongitude: 0, maxLatitude: 0.0001, maxLongitude: 0.0001),
        ] {
            let ranges = grid.covering(box)
            #expect(!ranges.isEmpty)
            #expect(ranges.count < 200, "\(box): \(ranges.count) ranges")
            for (a, b) in zip(ranges, ranges.dropFirst()) { #expect(a.upperBound + 1 < b.lowerBound) }
        }
    }
}
