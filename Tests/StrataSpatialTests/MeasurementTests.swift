import Foundation
import StrataSpatial
import Testing

/// Rough throughput figures for the R*-tree, printed, never asserted
/// (package-benchmark owns the real measurements). Off by default; run with
/// `STRATA_SPATIAL_MEASURE=1000000 swift test -c release --filter Measurement`.
@Suite("Measurement", .enabled(if: ProcessInfo.processInfo.environment["STRATA_SPATIAL_MEASURE"] != nil))
struct MeasurementTests {
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = ContinuousClock.now
        try body()
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    static func points(_ n: Int) -> [SpatialEntry] {
        var g = SystemRandomNumberGenerator()
        return (0..<n).map {
            SpatialEntry(
                id: "vehicle-\($0)",
                point: try! GeoPoint(
                    latitude: Double.random(in: -80...80, using: &g), longitude: Double.random(in: -180...180, using: &g)))
        }
    }

    @Test func throughput() throws {
        let n = Int(ProcessInfo.processInfo.environment["STRATA_SPATIAL_MEASURE"] ?? "") ?? 1_000_000
        let entries = Self.points(n)
        var tree = RStarTree()
        let bulk = try Self.seconds { tree = try RStarTree(bulkLoading: entries) }
        print("bulk load \(n): \(String(format: "%.3f", bulk)) s")

        let incremental = RStarTree()
        let ins = try Self.seconds { for e in entries { try incremental.insert(id: e.id, point: e.point) } }
        print("incremental insert \(n): \(String(format: "%.3f", ins)) s = \(Int(Double(n) / ins)) /s")

        // ~10 results: 1M points over ~4.3e14 m² of the band ⇒ ~2.3e-9 per m²; radius for 10 ≈ 37 km.
        let queries = min(n, 200_000)
        let centers = Self.points(queries).map(\.point)
        var found = 0
        let radius = try Self.seconds {
            for c in centers { found += try tree.search(near: c, radiusMeters: 37_000, limit: .max).count }
        }
        print("radius 37 km (avg \(Double(found) / Double(queries)) hits): \(Int(Double(queries) / radius)) /s")
        found = 0
        let knn = try Self.seconds { for c in centers { found += try tree.nearest(to: c, k: 10).count } }
        print("knn(10): \(Int(Double(queries) / knn)) /s")
        let boxes = try Self.seconds {
            for c in centers {
                found += tree.search(
                    in: try BoundingBox(
                        minLatitude: c.latitude - 0.2, minLongitude: max(-180, c.longitude - 0.2), maxLatitude: c.latitude + 0.2,
                        maxLongitude: min(180, c.longitude + 0.2))
                ).count
            }
        }
        print("bbox 0.4°: \(Int(Double(queries) / boxes)) /s")
        let moves = Self.seconds {
            for (i, c) in centers.enumerated() { incremental.move(id: entries[i].id, to: c) }
        }
        print("move (far): \(Int(Double(queries) / moves)) /s")
        let removes = Self.seconds { for i in 0..<queries { incremental.remove(id: entries[i].id) } }
        print("remove: \(Int(Double(queries) / removes)) /s")
    }
}
