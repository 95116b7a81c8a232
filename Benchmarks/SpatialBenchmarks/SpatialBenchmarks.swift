import Benchmark
import Foundation
import StrataBackends
import StrataSpatial
import StrataStore
import StrataStoreTesting

/// Moving-object benchmarks (issue 4's performance targets).
///
/// The R*-tree at a million points: bulk load, incremental insert, radius
/// queries that return about ten points, and the ten nearest neighbours.
/// The tracker at 100,000 objects on every registered backend: upsert (an
/// existing object takes a small step, up to 0.001° (~100 m) on each axis,
/// as vehicles report; history buffered, flushed every 512 updates),
/// nearby (about ten results) and the ten nearest. Points are uniform over
/// latitudes ±80°, seeded, so every run sees the same data.
///
/// Each iteration of a query or upsert benchmark runs 1,000 operations
/// (`scalingFactor: .kilo`), so throughput reads as thousands per second.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 10_000
    )
    let treeSize = 1_000_000
    let trackerSize = 100_000
    let once = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .peakMemoryResident], scalingFactor: .one,
        maxDuration: .seconds(10), maxIterations: 5)

    Benchmark("R*-tree bulk load 1M", configuration: once, closure: { benchmark, points in
        benchmark.startMeasurement()
        let tree = try RStarTree(bulkLoading: points.entries)
        benchmark.stopMeasurement()
        precondition(tree.count == points.entries.count)
    }, setup: { Points(count: treeSize, seed: 1) }, teardown: nil)

    Benchmark(
        "R*-tree insert 1M (per insert)",
        configuration: .init(
            metrics: [.wallClock, .throughput, .peakMemoryResident], scalingFactor: .mega,
            maxDuration: .seconds(10), maxIterations: 5),
        closure: { benchmark, points in
            let tree = RStarTree()
            benchmark.startMeasurement()
            for e in points.entries { try tree.insert(id: e.id, point: e.point) }
            benchmark.stopMeasurement()
            precondition(tree.count == benchmark.scaledIterations.count)
        }, setup: { Points(count: treeSize, seed: 2) }, teardown: nil)

    Benchmark(
        "R*-tree insert 1M (per insert), fast policy",
        configuration: .init(
            metrics: [.wallClock, .throughput, .peakMemoryResident], scalingFactor: .mega,
            maxDuration: .seconds(10), maxIterations: 5),
        closure: { benchmark, points in
            let tree = RStarTree(insertionPolicy: .fast)
            benchmark.startMeasurement()
            for e in points.entries { try tree.insert(id: e.id, point: e.point) }
            benchmark.stopMeasurement()
            precondition(tree.count == benchmark.scaledIterations.count)
        }, setup: { Points(count: treeSize, seed: 2) }, teardown: nil)

    Benchmark("R*-tree radius ~10 results, 1M points", closure: { benchmark, f in
        var found = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            found &+= try f.tree.search(near: f.nextCenter(), radiusMeters: f.radius).count
        }
        benchmark.stopMeasurement()
        f.record(found, queries: benchmark.scaledIterations.count)
    }, setup: { try TreeFixture(count: treeSize) }, teardown: nil)

    Benchmark("R*-tree knn(10), 1M points", closure: { benchmark, f in
        var found = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { found &+= try f.tree.nearest(to: f.nextCenter(), k: 10).count }
        benchmark.stopMeasurement()
        precondition(found == 10 * benchmark.scaledIterations.count)
    }, setup: { try TreeFixture(count: treeSize) }, teardown: nil)

    // The same queries through the buffer-filling forms: one result array
    // reused for every query, as a caller running many queries would.
    Benchmark("R*-tree radius ~10 results, 1M points, into a buffer", closure: { benchmark, f in
        var found = 0
        var hits: [SpatialHit] = []
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            try f.tree.search(near: f.nextCenter(), radiusMeters: f.radius, into: &hits)
            found &+= hits.count
        }
        benchmark.stopMeasurement()
        f.record(found, queries: benchmark.scaledIterations.count)
    }, setup: { try TreeFixture(count: treeSize) }, teardown: nil)

    Benchmark("R*-tree knn(10), 1M points, into a buffer", closure: { benchmark, f in
        var found = 0
        var hits: [SpatialHit] = []
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            try f.tree.nearest(to: f.nextCenter(), k: 10, into: &hits)
            found &+= hits.count
        }
        benchmark.stopMeasurement()
        precondition(found == 10 * benchmark.scaledIterations.count)
    }, setup: { try TreeFixture(count: treeSize) }, teardown: nil)

    for backend in StoreRegistry.standard.descriptors {
        let name = backend.name
        Benchmark("tracker \(name) upsert, 100k objects", closure: { benchmark, f in
            try f.upserts(benchmark)
        }, setup: { try openTrackerFixture(backend, objects: trackerSize) }, teardown: nil)

        Benchmark("tracker \(name) nearby ~10 results, 100k objects", closure: { benchmark, f in
            try f.nearby(benchmark)
        }, setup: { try openTrackerFixture(backend, objects: trackerSize) }, teardown: nil)

        Benchmark("tracker \(name) knn(10), 100k objects", closure: { benchmark, f in
            try f.nearest(benchmark)
        }, setup: { try openTrackerFixture(backend, objects: trackerSize) }, teardown: nil)

        Benchmark("tracker \(name) nearby ~10 results, 100k objects, into a buffer", closure: { benchmark, f in
            try f.nearby(benchmark, buffered: true)
        }, setup: { try openTrackerFixture(backend, objects: trackerSize) }, teardown: nil)

        Benchmark("tracker \(name) knn(10), 100k objects, into a buffer", closure: { benchmark, f in
            try f.nearest(benchmark, buffered: true)
        }, setup: { try openTrackerFixture(backend, objects: trackerSize) }, teardown: nil)
    }
}

/// Uniform points on the band ±80°, from the seeded generator (SplitMix64),
/// so that every run measures the same points.
extension SeededGenerator {
    mutating func point() -> GeoPoint {
        try! GeoPoint(latitude: Double.random(in: -80...80, using: &self), longitude: Double.random(in: -180...180, using: &self))
    }
}

/// Objects `vehicle-<n>` at uniform random points.
struct Points: Sendable {
    let entries: [SpatialEntry]

    init(count: Int, seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        entries = (0..<count).map { SpatialEntry(id: "vehicle-\($0)", point: rng.point()) }
    }

    /// The radius (metres) around a random point that holds about `hits` of
    /// `count` uniform points on the band ±80° (area 4πR² · sin 80°).
    static func radius(forHits hits: Double, among count: Int) -> Double {
        let r = Haversine.earthRadiusMeters
        let band = 4 * Double.pi * r * r * sin(80 * Double.pi / 180)
        return (hits * band / Double(count) / Double.pi).squareRoot()
    }
}

/// Query centers, cycled.
struct Centers {
    let points: [GeoPoint]
    var next = 0

    init(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        points = (0..<65_536).map { _ in rng.point() }
    }

    mutating func take() -> GeoPoint {
        defer { next = (next + 1) & (points.count - 1) }
        return points[next]
    }
}

/// A bulk-loaded tree and query centers.
final class TreeFixture: @unchecked Sendable {
    // Used by one benchmark at a time, only inside its closure.
    let tree: RStarTree
    let radius: Double
    var centers = Centers(seed: 99)
    var hits = 0
    var queries = 0

    init(count: Int) throws {
        tree = try RStarTree(bulkLoading: Points(count: count, seed: 3).entries)
        radius = Points.radius(forHits: 10, among: count)
    }

    func nextCenter() -> GeoPoint { centers.take() }

    func record(_ found: Int, queries n: Int) {
        hits += found
        queries += n
    }

    deinit {
        if queries > 0 {
            print("radius \(Int(radius)) m: \(Double(hits) / Double(queries)) hits per query on average")
        }
    }
}

/// The tracker benchmarks' operations, whatever the store type.
protocol TrackerWorkload: AnyObject, Sendable {
    func upserts(_ benchmark: Benchmark) throws
    func nearby(_ benchmark: Benchmark, buffered: Bool) throws
    func nearest(_ benchmark: Benchmark, buffered: Bool) throws
}

extension TrackerWorkload {
    func nearby(_ benchmark: Benchmark) throws { try nearby(benchmark, buffered: false) }
    func nearest(_ benchmark: Benchmark) throws { try nearest(benchmark, buffered: false) }
}

/// A tracker over a fresh store of `backend` in a new directory, holding `objects` objects.
func openTrackerFixture(_ backend: BackendDescriptor, objects: Int) throws -> any TrackerWorkload {
    let directory = NSTemporaryDirectory() + "strata-spatial-bench-\(backend.name)-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let store = try backend.open(StoreOptions(path: directory, sync: false))
    func make<S: Store>(_ store: S) throws -> any TrackerWorkload {
        try TrackerFixture(store: store, directory: directory, objects: objects)
    }
    return try make(store)
}

final class TrackerFixture<S: Store>: TrackerWorkload, @unchecked Sendable {
    // Used by one benchmark at a time, only inside its closure.
    let store: S
    let tracker: Tracker<S>
    let directory: String
    let objects: Int
    let radius: Double
    var centers = Centers(seed: 7)
    var moves = SeededGenerator(seed: 11)
    var cursor = 0
    let ids: [String]
    var positions: [GeoPoint]

    init(store: S, directory: String, objects: Int) throws {
        self.store = store
        self.directory = directory
        tracker = try Tracker(store: store)
        self.objects = objects
        radius = Points.radius(forHits: 10, among: objects)
        let points = Points(count: objects, seed: 5).entries
        ids = points.map(\.id)
        positions = points.map(\.point)
        for e in points { try tracker.upsert(namespace: "fleet", object: e.id, point: e.point) }
        try tracker.flush()
    }

    deinit {
        try? tracker.close()
        try? store.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    func upserts(_ benchmark: Benchmark) throws {
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let o = cursor
            cursor = cursor + 1 == objects ? 0 : cursor + 1
            let p = positions[o]
            let step = try GeoPoint(
                latitude: min(90, max(-90, p.latitude + Double.random(in: -0.001...0.001, using: &moves))),
                longitude: min(180, max(-180, p.longitude + Double.random(in: -0.001...0.001, using: &moves))))
            positions[o] = step
            try tracker.upsert(namespace: "fleet", object: ids[o], point: step)
        }
        benchmark.stopMeasurement()
    }

    func nearby(_ benchmark: Benchmark, buffered: Bool) throws {
        var found = 0
        var hits: [TrackedHit] = []
        benchmark.startMeasurement()
        if buffered {
            for _ in benchmark.scaledIterations {
                try tracker.nearby(namespace: "fleet", center: centers.take(), radiusMeters: radius, into: &hits)
                found &+= hits.count
            }
        } else {
            for _ in benchmark.scaledIterations {
                found &+= try tracker.nearby(namespace: "fleet", center: centers.take(), radiusMeters: radius).count
            }
        }
        benchmark.stopMeasurement()
        precondition(found > 0, "nearby found nothing")
    }

    func nearest(_ benchmark: Benchmark, buffered: Bool) throws {
        var found = 0
        var hits: [TrackedHit] = []
        benchmark.startMeasurement()
        if buffered {
            for _ in benchmark.scaledIterations {
                try tracker.nearest(namespace: "fleet", to: centers.take(), k: 10, into: &hits)
                found &+= hits.count
            }
        } else {
            for _ in benchmark.scaledIterations {
                found &+= try tracker.nearest(namespace: "fleet", to: centers.take(), k: 10).count
            }
        }
        benchmark.stopMeasurement()
        precondition(found == 10 * benchmark.scaledIterations.count)
    }
}
