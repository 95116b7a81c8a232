import Foundation
import StrataBackends
import StrataSpatial
import StrataStore
import StrataStoreTesting

// A plain timing loop over the R*-tree, for profiling (`perf record`) without
// package-benchmark around it: the same seeded points and query centers as
// `SpatialBenchmarks`.
//
//   SpatialProbe knn|radius|knn-same|radius-same|insert|insert-fast|bulk [POINTS] [QUERIES]
//   SpatialProbe tracker-upsert|tracker-nearby|tracker-knn BACKEND [OBJECTS] [OPERATIONS]
//
// The tracker modes mirror `SpatialBenchmarks`' tracker fixture (a fresh
// store in a temporary directory, `OBJECTS` objects loaded and flushed).
//
// Prints nanoseconds per operation and operations per second.

extension SeededGenerator {
    mutating func point() -> GeoPoint {
        try! GeoPoint(
            latitude: Double.random(in: -80...80, using: &self), longitude: Double.random(in: -180...180, using: &self))
    }
}

func entries(_ count: Int, seed: UInt64) -> [SpatialEntry] {
    var rng = SeededGenerator(seed: seed)
    return (0..<count).map { SpatialEntry(id: "vehicle-\($0)", point: rng.point()) }
}

/// This thread's CPU time in seconds: on a loaded machine it moves far less
/// than the wall clock, which the other processes' time slices stretch.
func threadCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

/// The CPU time of the timed section (set by `timed`).
nonisolated(unsafe) var sectionCPUSeconds = 0.0

/// Wall-clock seconds of `body`; its thread CPU time goes to `sectionCPUSeconds`.
func timed(_ body: () throws -> Void) rethrows -> Duration {
    let cpu = threadCPUSeconds()
    let wall = try clock.measure(body)
    sectionCPUSeconds = threadCPUSeconds() - cpu
    return wall
}

func report(_ label: String, _ operations: Int, _ seconds: Double, _ check: Int) {
    let ns = seconds * 1e9 / Double(operations)
    let cpuNs = sectionCPUSeconds * 1e9 / Double(operations)
    print(
        String(
            format: "%@: %.0f ns/op, %.0f k/s, thread CPU %.0f ns/op (check %d)", label, ns, 1e6 / ns, cpuNs, check))
}

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(
        "usage: SpatialProbe knn|radius|knn-same|radius-same|insert|insert-fast|bulk [POINTS] [QUERIES]\n".data(
            using: .utf8)!)
    exit(2)
}
let mode = arguments[1]
let trackerMode = mode.hasPrefix("tracker-")
let shift = trackerMode ? 1 : 0
let count = arguments.count > 2 + shift ? Int(arguments[2 + shift]) ?? 1_000_000 : (trackerMode ? 100_000 : 1_000_000)
let queries = arguments.count > 3 + shift ? Int(arguments[3 + shift]) ?? 300_000 : 300_000
let clock = ContinuousClock()
func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}

func radius(forHits hits: Double, among count: Int) -> Double {
    let band = 4 * Double.pi * Haversine.earthRadiusMeters * Haversine.earthRadiusMeters * sin(80 * Double.pi / 180)
    return (hits * band / Double(count) / Double.pi).squareRoot()
}

func runTracker<S: Store>(_ store: S) throws {
    let tracker = try Tracker(store: store)
    let points = entries(count, seed: 5)
    var positions = points.map(\.point)
    for e in points { try tracker.upsert(namespace: "fleet", object: e.id, point: e.point) }
    try tracker.flush()
    var rng = SeededGenerator(seed: 7)
    let centers = (0..<65_536).map { _ in rng.point() }
    var moves = SeededGenerator(seed: 11)
    let r = radius(forHits: 10, among: count)
    var found = 0
    var hits: [TrackedHit] = []
    let t = try timed {
        switch mode {
        case "tracker-upsert":
            for q in 0..<queries {
                let o = q % count
                let p = positions[o]
                let step = try GeoPoint(
                    latitude: min(90, max(-90, p.latitude + Double.random(in: -0.001...0.001, using: &moves))),
                    longitude: min(180, max(-180, p.longitude + Double.random(in: -0.001...0.001, using: &moves))))
                positions[o] = step
                try tracker.upsert(namespace: "fleet", object: points[o].id, point: step)
            }
            found = queries
        case "tracker-nearby":
            for q in 0..<queries {
                try tracker.nearby(namespace: "fleet", center: centers[q & 65_535], radiusMeters: r, into: &hits)
                found &+= hits.count
            }
        default:
            for q in 0..<queries {
                try tracker.nearest(namespace: "fleet", to: centers[q & 65_535], k: 10, into: &hits)
                found &+= hits.count
            }
        }
    }
    report(mode, queries, seconds(t), found)
    try tracker.close()
}

switch mode {
case "tracker-upsert", "tracker-nearby", "tracker-knn":
    guard arguments.count > 2, let backend = StoreRegistry.standard.descriptors.first(where: { $0.name == arguments[2] })
    else {
        FileHandle.standardError.write("SpatialProbe \(mode): name a backend\n".data(using: .utf8)!)
        exit(2)
    }
    let directory = NSTemporaryDirectory() + "strata-spatial-probe-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let store = try backend.open(StoreOptions(path: directory, sync: false))
    try runTracker(store)
    try store.close()
case "insert", "insert-fast":
    let points = entries(count, seed: 2)
    let tree = RStarTree(insertionPolicy: mode == "insert" ? .rstar : .fast)
    let t = timed { for e in points { try! tree.insert(id: e.id, point: e.point) } }
    report(mode, count, seconds(t), tree.count)
case "bulk":
    let points = entries(count, seed: 1)
    var tree: RStarTree?
    let t = timed { tree = try! RStarTree(bulkLoading: points) }
    report(mode, 1, seconds(t), tree!.count)
default:
    let tree = try! RStarTree(bulkLoading: entries(count, seed: 3))
    let band = 4 * Double.pi * Haversine.earthRadiusMeters * Haversine.earthRadiusMeters * sin(80 * Double.pi / 180)
    let radius = (10 * band / Double(count) / Double.pi).squareRoot()
    var rng = SeededGenerator(seed: 99)
    let same = mode.hasSuffix("-same")
    let centers = (0..<65_536).map { _ in rng.point() }
    var found = 0
    var hits: [SpatialHit] = []
    let t = timed {
        for q in 0..<queries {
            let c = centers[same ? 0 : q & 65_535]
            if mode.hasPrefix("knn") {
                try! tree.nearest(to: c, k: 10, into: &hits)
            } else {
                try! tree.search(near: c, radiusMeters: radius, into: &hits)
            }
            found &+= hits.count
        }
    }
    report(mode, queries, seconds(t), found)
}
