import StrataStore
import Synchronization
import Testing

@testable import StrataSpatial

/// A clock the test moves by hand.
final class ManualClock: Sendable {
    let now = Atomic<Int64>(1_000_000)
    func advance(by ms: Int64) { now.add(ms, ordering: .relaxed) }
    var read: @Sendable () -> Int64 { { [self] in now.load(ordering: .relaxed) } }
}

private func p(_ lat: Double, _ lon: Double, _ alt: Double? = nil) -> GeoPoint {
    try! GeoPoint(latitude: lat, longitude: lon, altitude: alt)
}

/// Opens a tracker over backend `name` at `dir`, runs `body`, closes both.
func withTracker<R>(
    _ name: String, at dir: String, options: TrackerOptions = .init(),
    _ body: (any ObjectTracker) throws -> R
) throws -> R {
    let store = try openStore(name, at: dir)
    defer { try? store.close() }
    let tracker = try openTracker(store: store, options: options)
    defer { try? tracker.close() }
    return try body(tracker)
}

/// How many history records the store under `dir` holds (the tracker must be closed).
private func storedHistoryCount(_ name: String, at dir: String) throws -> Int {
    func count<S: Store>(_ s: S) throws -> Int {
        let cf = try s.createColumnFamily("geo")
        return try s.read { txn in try txn.scan(in: cf, range: .prefix([TrackerKeys.history, 0])).count }
    }
    let store = try openStore(name, at: dir)
    defer { try? store.close() }
    return try count(store)
}

@Suite("Tracker")
struct TrackerTests {
    @Test(arguments: allBackends)
    func queriesAnswerFromCurrentPositions(backend: String) throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        try withTracker(backend, at: dir.path) { t throws in
            try t.upsert(namespace: "cars", object: "a", point: p(0, 0), time: 1, data: ["kind": "van"])
            try t.upsert(namespace: "cars", object: "b", point: p(0, 0.01), time: 1)
            try t.upsert(namespace: "cars", object: "c", point: p(0, 179.999), time: 1)
            try t.upsert(namespace: "cars", object: "d", point: p(0, -179.999), time: 1)
            try t.upsert(namespace: "boats", object: "a", point: p(10, 10), time: 1)
            #expect(try t.get(namespace: "cars", object: "a")?.data == ["kind": "van"])
            #expect(try t.get(namespace: "cars", object: "zz") == nil)
            #expect(try t.get(namespace: "nope", object: "a") == nil)
            let near = try t.nearby(namespace: "cars", center: p(0, 0), radiusMeters: 5_000, limit: 10)
            #expect(near.map(\.position.object) == ["a", "b"])
            #expect(near[0].distanceMeters == 0)
            let seam = try t.nearby(namespace: "cars", center: p(0, 180), radiusMeters: 1_000)
            #expect(Set(seam.map(\.position.object)) == ["c", "d"])
            let box = try t.withinBoundingBox(
                namespace: "cars", BoundingBox(minLatitude: -1, minLongitude: 179, maxLatitude: 1, maxLongitude: -179))
            #expect(box.map(\.object) == ["c", "d"])
            let square = try Polygon(lonLatExterior: [[-1, -1], [1, -1], [1, 1], [-1, 1]])
            #expect(try t.withinPolygon(namespace: "cars", square).map(\.object) == ["a", "b"])
            #expect(try t.nearest(namespace: "cars", to: p(0, 179.9), k: 2).map(\.position.object) == ["c", "d"])
            let d = try #require(try t.distance(namespace: "cars", between: "a", and: "b"))
            #expect(abs(d - Haversine.distance(p(0, 0), p(0, 0.01))) < 1e-9)
            #expect(try t.distance(namespace: "cars", between: "a", and: "zz") == nil)
            #expect(try t.count(namespace: "boats") == 1)
        }
    }

    @Test(arguments: allBackends)
    func lastWriterWinsByTime(backend: String) throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        try withTracker(backend, at: dir.path) { t throws in
            #expect(try t.upsert(namespace: "n", object: "o", point: p(1, 1), time: 100))
            #expect(try !t.upsert(namespace: "n", object: "o", point: p(2, 2), time: 50))
            #expect(try t.get(namespace: "n", object: "o")?.point == p(1, 1))
            #expect(try t.upsert(namespace: "n", object: "o", point: p(3, 3), time: 100))
            #expect(try t.get(namespace: "n", object: "o")?.point == p(3, 3))
            let history = try t.trajectory(namespace: "n", object: "o")
            #expect(history.map(\.time) == [50, 100, 100])
            #expect(history.map(\.point) == [p(2, 2), p(1, 1), p(3, 3)])
        }
    }

    @Test(arguments: allBackends)
    func trajectorySurvivesRestart(backend: String) throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let options = TrackerOptions(bufferCapacity: 16)
        try withTracker(backend, at: dir.path, options: options) { t throws in
            for i in 0..<100 {
                try t.upsert(namespace: "n", object: "o", point: p(Double(i) / 10, -33.9), time: Int64(i * 10 - 500))
            }
        }
        try withTracker(backend, at: dir.path, options: options) { t throws in
            let all = try t.trajectory(namespace: "n", object: "o")
            #expect(all.count == 100)
            #expect(all.map(\.time) == (0..<100).map { Int64($0 * 10 - 500) })
            #expect(try t.get(namespace: "n", object: "o")?.time == 490)
            let window = try t.trajectory(namespace: "n", object: "o", from: -100, to: 0, limit: 5)
            #expect(window.map(\.time) == [-100, -90, -80, -70, -60])
            #expect(try t.nearest(namespace: "n", to: p(9.9, -33.9), k: 1).first?.position.object == "o")
            // New updates after the restart continue the sequence.
            try t.upsert(namespace: "n", object: "o", point: p(0, 0), time: 490)
            #expect(try t.trajectory(namespace: "n", object: "o", from: 490, to: .max, limit: .max).map(\.point) == [p(9.9, -33.9), p(0, 0)])
        }
    }

    @Test(arguments: allBackends)
    func closeFlushesTheBuffer(backend: String) throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        try withTracker(backend, at: dir.path) { t throws in
            for i in 0..<10 { try t.upsert(namespace: "n", object: "o\(i)", point: p(Double(i), 0, 5), time: 7) }
            #expect(try t.trajectory(namespace: "n", object: "o3").count == 1)
        }
        #expect(try storedHistoryCount(backend, at: dir.path) == 10)
        try withTracker(backend, at: dir.path) { t throws in
            #expect(try t.count(namespace: "n") == 10)
            #expect(try t.get(namespace: "n", object: "o3")?.point == p(3, 0, 5))
            #expect(try t.trajectory(namespace: "n", object: "o9").count == 1)
        }
    }

    /// The buffer-filling query forms answer exactly what the array forms do,
    /// replace what the buffer held, and leave it empty when they throw.
    @Test func bufferFillingQueriesMatchTheArrayForms() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        try withTracker("trie", at: dir.path) { t throws in
            var rng = SplitMix64(seed: 77)
            for i in 0..<500 {
                let c = rng.point()
                let data = i % 3 == 0 ? ["i": "\(i)"] : [:]
                try t.upsert(namespace: "n", object: "o\(i % 400)", point: c, time: Int64(i), data: data)
            }
            let stale = TrackedHit(
                position: TrackedPosition(object: "stale", point: p(0, 0), time: 0), distanceMeters: 1)
            var buffer = [stale, stale]
            for _ in 0..<100 {
                let c = rng.point()
                let r = rng.radius()
                try t.nearby(namespace: "n", center: c, radiusMeters: r, limit: 5, into: &buffer)
                #expect(buffer == (try t.nearby(namespace: "n", center: c, radiusMeters: r, limit: 5)))
                try t.nearby(namespace: "n", center: c, radiusMeters: r, limit: .max, into: &buffer)
                #expect(buffer == (try t.nearby(namespace: "n", center: c, radiusMeters: r, limit: .max)))
                try t.nearest(namespace: "n", to: c, k: 7, into: &buffer)
                #expect(buffer == (try t.nearest(namespace: "n", to: c, k: 7)))
                #expect(buffer.count == 7)
            }
            #expect(throws: SpatialError.self) {
                try t.nearby(namespace: "n", center: p(0, 0), radiusMeters: -1, limit: 1, into: &buffer)
            }
            #expect(buffer.isEmpty)
            buffer = [stale]
            try t.nearest(namespace: "unknown", to: p(0, 0), k: 3, into: &buffer)
            #expect(buffer.isEmpty)
        }
    }

    /// Query hits rebuild points from the tree's leaves unless some object has
    /// an altitude: both ways must return the stored point.
    @Test func nearbyAndNearestKeepAltitudes() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        try withTracker("trie", at: dir.path) { t throws in
            try t.upsert(namespace: "n", object: "flat", point: p(1, 1), time: 1)
            try t.upsert(namespace: "n", object: "high", point: p(1, 1.001, 250), time: 1)
            var near = try t.nearby(namespace: "n", center: p(1, 1), radiusMeters: 1_000)
            #expect(near.map(\.position.point) == [p(1, 1), p(1, 1.001, 250)])
            let two = try t.nearest(namespace: "n", to: p(1, 1.002), k: 2)
            #expect(two.map(\.position.point) == [p(1, 1.001, 250), p(1, 1)])
            try t.upsert(namespace: "n", object: "high", point: p(1, 1.001), time: 2)  // no altitude any more
            near = try t.nearby(namespace: "n", center: p(1, 1), radiusMeters: 1_000)
            #expect(near.map(\.position.point) == [p(1, 1), p(1, 1.001)])
            try t.upsert(namespace: "n", object: "flat", point: p(1, 1, -3), time: 2)
            #expect(try t.nearest(namespace: "n", to: p(1, 1), k: 1).map(\.position.point) == [p(1, 1, -3)])
        }
    }

    @Test(arguments: allBackends)
    func ttlHidesAndPurgesStalePositions(backend: String) throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let clock = ManualClock()
        let options = TrackerOptions(clock: clock.read)
        try withTracker(backend, at: dir.path, options: options) { t throws in
            try t.setTTL(namespace: "n", milliseconds: 1_000)
            try t.upsert(namespace: "n", object: "old", point: p(0, 0))
            clock.advance(by: 600)
            try t.upsert(namespace: "n", object: "new", point: p(0, 0.001))
            #expect(try t.nearest(namespace: "n", to: p(0, 0), k: 5).count == 2)
            clock.advance(by: 500)
            #expect(try t.get(namespace: "n", object: "old") == nil)
            #expect(try t.nearest(namespace: "n", to: p(0, 0), k: 5).map(\.position.object) == ["new"])
            #expect(try t.nearby(namespace: "n", center: p(0, 0), radiusMeters: 1_000).map(\.position.object) == ["new"])
            #expect(try t.trajectory(namespace: "n", object: "old").count == 1, "history outlives the TTL")
        }
        // The purge reached the store, and the TTL was stored.
        try withTracker(backend, at: dir.path, options: options) { t throws in
            #expect(try t.count(namespace: "n") == 1)
            clock.advance(by: 1_000)
            #expect(try t.count(namespace: "n") == 0)
            try t.setTTL(namespace: "n", milliseconds: nil)
        }
    }

    @Test(arguments: allBackends)
    func deleteRemovesPositionAndHistory(backend: String) throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        try withTracker(backend, at: dir.path) { t throws in
            try t.upsert(namespace: "n", object: "a", point: p(1, 1), time: 1)
            try t.flush()
            try t.upsert(namespace: "n", object: "a", point: p(2, 2), time: 2)
            try t.upsert(namespace: "n", object: "b", point: p(2, 2), time: 2)
            #expect(try t.delete(namespace: "n", object: "a"))
            #expect(try !t.delete(namespace: "n", object: "a"))
            #expect(try t.trajectory(namespace: "n", object: "a").isEmpty)
        }
        try withTracker(backend, at: dir.path) { t throws in
            #expect(try t.get(namespace: "n", object: "a") == nil)
            #expect(try t.trajectory(namespace: "n", object: "a").isEmpty)
            #expect(try t.get(namespace: "n", object: "b") != nil)
        }
    }

    @Test(arguments: allBackends)
    func badInputIsRejectedAndChangesNothing(backend: String) throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        try withTracker(backend, at: dir.path, options: .init(sync: true)) { t throws in
            try t.upsert(namespace: "n", object: "a", point: p(1, 1), time: 1)
            for (lat, lon) in [(90.5, 0.0), (-91, 0), (0, 180.1), (0, -181), (.nan, 0), (0, .infinity)] {
                #expect(throws: SpatialError.self) {
                    try t.upsert(namespace: "n", object: "a", point: GeoPoint(latitude: lat, longitude: lon), time: 2)
                }
            }
            #expect(throws: SpatialError.self) { try t.upsert(namespace: "", object: "a", point: p(0, 0)) }
            #expect(throws: SpatialError.self) { try t.upsert(namespace: "n", object: "a\u{0}b", point: p(0, 0)) }
            #expect(throws: SpatialError.self) {
                try t.upsert(namespace: "n", object: "a", point: p(0, 0), time: nil, data: ["k": String(repeating: "x", count: 70_000)])
            }
            for radius in [0, -5, Double.nan, 3e7] {
                #expect(throws: SpatialError.self) { try t.nearby(namespace: "n", center: p(0, 0), radiusMeters: radius) }
            }
            #expect(throws: SpatialError.self) { try t.nearest(namespace: "n", to: p(0, 0), k: -1) }
            #expect(throws: SpatialError.self) { try Polygon(lonLatExterior: [[0, 0], [1, 1], [2, 2]]) }
            #expect(throws: SpatialError.self) { try t.trajectory(namespace: "n", object: "a", from: 5, to: 1, limit: 10) }
            #expect(try t.get(namespace: "n", object: "a")?.point == p(1, 1))
            #expect(try t.trajectory(namespace: "n", object: "a").count == 1)
            #expect(try t.count(namespace: "n") == 1)
        }
    }

    @Test func closedTrackerRejectsUpdates() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        try withTracker("trie", at: dir.path) { t throws in
            try t.close()
            try t.close()
            #expect(throws: SpatialError.self) { try t.upsert(namespace: "n", object: "a", point: p(0, 0)) }
        }
    }
}
