import Foundation
import StrataSpatial
import StrataStore
import Synchronization

/// `tracker-hot-cold`: threads upsert a fleet of moving objects with
/// increasing times (and delete some) through a ``Tracker`` whose small
/// write buffer flushes to the store as it fills; then the tracker and the
/// store are closed, the store is reopened and a new tracker rebuilds its
/// hot state from it. The rebuilt hot state must equal the hot state before
/// the close (every object's latest position and time, deleted objects
/// absent), every object's trajectory must hold exactly the updates
/// acknowledged for it, in time order, and nearby and bounding-box queries
/// on the reopened tracker must agree with a brute-force scan of the
/// expected positions.
///
/// Each thread owns the objects `i` with `i % threads == thread`, so the
/// updates acknowledged for an object, and their order, are known exactly.
///
/// The fault it is built to catch (its negative control) is `drop-writes`:
/// a flushed `cur` record or history record, or a delete, that the store
/// acknowledged but lost is exactly what the hot state rebuilt on reopen or
/// a trajectory read back from the store then shows. (The hot state before
/// the close lives in memory and is not affected; the cold state is.)
struct TrackerHotCold {
    let options: StressOptions
    let backend: String
    let progress: StressProgress

    static let namespace = "fleet"
    /// Small, so that many flushes happen while the threads run.
    static let bufferCapacity = 128
    static let startTime: Int64 = 1_700_000_000_000
    /// The fleet moves in a box of about 44 × 30 km around this point.
    static let center = (latitude: 48.85, longitude: 2.35)
    static let span = 0.2

    var fleet: Int { max(64, min(2000, options.records / 20)) }
    var threads: Int { max(2, options.threads) }

    /// What the threads were told happened to one object.
    struct Expected: Sendable {
        /// The acknowledged updates since the object was last deleted, oldest first.
        var history: [(time: Int64, point: GeoPoint)] = []
        var live: Bool { !history.isEmpty }
        var latest: (time: Int64, point: GeoPoint)? { history.last }
    }

    /// Runs the check; `open` opens the backend's store (fault-injected when
    /// asked) and is called twice: to write, and after close to reopen.
    func run(open: () throws -> any Store) throws -> CheckOutcome {
        let findings = Findings()
        let errors = Findings()
        let first = try open()
        let written: (expected: [String: Expected], before: [TrackedPosition], updates: Int, deletes: Int)
        do {
            written = try write(first, findings: findings, errors: errors)
        } catch {
            try? first.close()
            throw error
        }
        try first.close()
        let second = try open()
        defer { try? second.close() }
        let figures = try verify(second, expected: written.expected, before: written.before, findings: findings)
        var outcome = CheckOutcome(
            passed: findings.count == 0 && errors.count == 0,
            detail:
                "\(threads) threads, \(fleet) objects, buffer \(Self.bufferCapacity); \(written.updates) upserts, \(written.deletes) deletes; reopened with \(figures.live) live objects, \(figures.queries) queries compared with brute force",
            figures: [
                "operations": Double(written.updates + written.deletes),
                "operations_per_s": Double(written.updates + written.deletes) / options.seconds,
                "upserts": Double(written.updates), "deletes": Double(written.deletes),
                "history_records": Double(figures.history), "queries": Double(figures.queries),
                "violations": Double(findings.count), "errors": Double(errors.count),
            ]
        )
        outcome.add(findings.summary("violations"))
        outcome.add(errors.summary("errors"))
        return outcome
    }

    /// The write phase: threads upsert and delete through one tracker, then
    /// the hot state is taken, checked against what was acknowledged, and
    /// the tracker closed (which flushes).
    func write(_ store: some Store, findings: Findings, errors: Findings) throws -> (
        expected: [String: Expected], before: [TrackedPosition], updates: Int, deletes: Int
    ) {
        let tracker = try Tracker(store: store, options: TrackerOptions(bufferCapacity: Self.bufferCapacity))
        let fleet = self.fleet
        let threadCount = threads
        let seed = options.seed
        let merged = Mutex<[String: Expected]>([:])
        let updates = Atomic<Int>(0)
        let deletes = Atomic<Int>(0)
        let deadline = now() + options.seconds
        progress.begin("[\(backend)] tracker-hot-cold")
        runThreads(threadCount) { index in
            var rng = StressRandom(seed: seed &+ UInt64(index) &* 0x5000_000B)
            let owned = Array(stride(from: index, to: fleet, by: threadCount))
            var expected = [String: Expected]()
            var clock = [Int64](repeating: Self.startTime, count: owned.count)
            var position = owned.map { _ in Self.randomPoint(using: &rng) }
            while now() < deadline && !errors.stop.load(ordering: .relaxed) && !owned.isEmpty {
                let slot = Int.random(in: 0..<owned.count, using: &rng)
                let object = Self.objectID(owned[slot])
                do {
                    if Int.random(in: 0..<100, using: &rng) < 3 {
                        let had = try tracker.delete(namespace: Self.namespace, object: object)
                        if had != (expected[object]?.live ?? false) {
                            findings.report("delete of \(object) answered \(had), expected \(!had)")
                        }
                        expected[object] = Expected()
                        deletes.add(1, ordering: .relaxed)
                    } else {
                        clock[slot] += Int64.random(in: 1...1000, using: &rng)
                        position[slot] = Self.step(position[slot], using: &rng)
                        let moved = try tracker.upsert(
                            namespace: Self.namespace, object: object, point: position[slot], time: clock[slot])
                        if !moved {
                            findings.report("upsert of \(object) at a newer time \(clock[slot]) did not move it")
                        }
                        expected[object, default: Expected()].history.append((clock[slot], position[slot]))
                        updates.add(1, ordering: .relaxed)
                    }
                    progress.advance()
                } catch {
                    errors.fail(error)
                }
            }
            merged.withLock { all in all.merge(expected) { $1 } }
        }
        progress.end()
        let expected = merged.withLock { $0 }
        let before = try tracker.withinBoundingBox(namespace: Self.namespace, .world)
        compare(before, with: expected, when: "before close", findings: findings)
        try tracker.close()
        return (expected, before, updates.load(ordering: .relaxed), deletes.load(ordering: .relaxed))
    }

    /// The verify phase, over the reopened store.
    func verify(
        _ store: some Store, expected: [String: Expected], before: [TrackedPosition], findings: Findings
    ) throws -> (live: Int, history: Int, queries: Int) {
        let tracker = try Tracker(store: store, options: TrackerOptions(bufferCapacity: Self.bufferCapacity))
        defer { try? tracker.close() }
        let ns = Self.namespace
        let after = try tracker.withinBoundingBox(namespace: ns, .world)
        if after != before {
            let old = Dictionary(before.map { ($0.object, $0) }) { a, _ in a }
            let new = Dictionary(after.map { ($0.object, $0) }) { a, _ in a }
            for id in Set(old.keys).union(new.keys).sorted() where old[id] != new[id] {
                findings.report(
                    "rebuilt hot state: \(id) is \(Self.describe(new[id])), before close it was \(Self.describe(old[id]))"
                )
            }
        }
        compare(after, with: expected, when: "after reopen", findings: findings)
        let count = try tracker.count(namespace: ns)
        if count != after.count {
            findings.report("count after reopen is \(count), the hot state holds \(after.count)")
        }
        var historyRecords = 0
        for n in 0..<fleet {
            let id = Self.objectID(n)
            let want = expected[id] ?? Expected()
            let got = try tracker.get(namespace: ns, object: id)
            if got?.point != want.latest?.point || got?.time != want.latest?.time {
                findings.report("get \(id) after reopen: \(Self.describe(got)), expected \(Self.describe(want.latest))")
            }
            let trajectory = try tracker.trajectory(namespace: ns, object: id)
            historyRecords += trajectory.count
            let found = trajectory.map { ($0.time, $0.point) }
            if !found.elementsEqual(want.history, by: { $0.0 == $1.time && $0.1 == $1.point }) {
                let common = min(found.count, want.history.count)
                let at =
                    (0..<common).first { found[$0].0 != want.history[$0].time || found[$0].1 != want.history[$0].point }
                    ?? common
                findings.report(
                    "trajectory of \(id) holds \(found.count) updates, \(want.history.count) acknowledged; first difference at #\(at): expected \(at < want.history.count ? "t=\(want.history[at].time) \(want.history[at].point)" : "nothing"), found \(at < found.count ? "t=\(found[at].0) \(found[at].1)" : "nothing")"
                )
            }
        }
        let queries = try compareQueries(tracker, expected: expected, findings: findings)
        return (after.count, historyRecords, queries)
    }

    /// Checks a dump of the hot state against the latest acknowledged update of every object.
    func compare(_ positions: [TrackedPosition], with expected: [String: Expected], when: String, findings: Findings) {
        var seen = Set<String>()
        for p in positions {
            seen.insert(p.object)
            guard let latest = expected[p.object]?.latest else {
                findings.report("\(when): \(p.object) is at \(p.point) t=\(p.time) but was deleted or never written")
                continue
            }
            if latest.point != p.point || latest.time != p.time {
                findings.report(
                    "\(when): \(p.object) is at \(p.point) t=\(p.time), its latest acknowledged update is \(latest.point) t=\(latest.time)"
                )
            }
        }
        for (id, e) in expected where e.live && !seen.contains(id) {
            findings.report("\(when): \(id) is missing; its latest acknowledged update is t=\(e.latest!.time)")
        }
    }

    /// Nearby and bounding-box queries against a brute-force scan of the
    /// expected positions; returns how many were compared.
    func compareQueries(_ tracker: Tracker<some Store>, expected: [String: Expected], findings: Findings) throws -> Int
    {
        let live = expected.compactMap { id, e in e.latest.map { (id, $0.point) } }
        var rng = StressRandom(seed: options.seed ^ 0x6E0_C01D)
        let rounds = 100
        for _ in 0..<rounds {
            let center = Self.randomPoint(using: &rng)
            let radius = Double.random(in: 200...8000, using: &rng)
            let hits = try tracker.nearby(namespace: Self.namespace, center: center, radiusMeters: radius)
            let got = Set(hits.map(\.position.object))
            // Distances within a millimetre of the radius may fall either way
            // of it in floating point; only clear disagreements count.
            for (id, point) in live {
                let d = Haversine.distance(center, point)
                if abs(d - radius) < 1e-3 { continue }
                if (d <= radius) != got.contains(id) {
                    findings.report(
                        "nearby \(center) within \(Int(radius)) m \(got.contains(id) ? "returned" : "missed") \(id) at \(Int(d)) m"
                    )
                }
            }
            for hit in hits where expected[hit.position.object]?.live != true {
                findings.report("nearby \(center) returned \(hit.position.object), which has no position")
            }

            let a = Self.randomPoint(using: &rng)
            let b = Self.randomPoint(using: &rng)
            let box = try BoundingBox(
                minLatitude: min(a.latitude, b.latitude), minLongitude: min(a.longitude, b.longitude),
                maxLatitude: max(a.latitude, b.latitude), maxLongitude: max(a.longitude, b.longitude))
            let inBox = try tracker.withinBoundingBox(namespace: Self.namespace, box).map(\.object)
            let want = live.filter { box.contains($0.1) }.map(\.0).sorted()
            if inBox != want {
                let extra = Set(inBox).subtracting(want).sorted().prefix(3)
                let missing = Set(want).subtracting(inBox).sorted().prefix(3)
                findings.report(
                    "box \(box) returned \(inBox.count) objects, brute force \(want.count) (extra \(Array(extra)), missing \(Array(missing)))"
                )
            }
        }
        return rounds * 2
    }

    static func objectID(_ n: Int) -> String { "obj\(n)" }

    static func randomPoint(using rng: inout StressRandom) -> GeoPoint {
        point(
            latitude: center.latitude + Double.random(in: -span / 2...span / 2, using: &rng),
            longitude: center.longitude + Double.random(in: -span / 2...span / 2, using: &rng))
    }

    /// A short move, kept inside the fleet's box.
    static func step(_ p: GeoPoint, using rng: inout StressRandom) -> GeoPoint {
        func clamp(_ x: Double, _ c: Double) -> Double { min(max(x, c - span / 2), c + span / 2) }
        return point(
            latitude: clamp(p.latitude + Double.random(in: -0.002...0.002, using: &rng), center.latitude),
            longitude: clamp(p.longitude + Double.random(in: -0.002...0.002, using: &rng), center.longitude))
    }

    static func point(latitude: Double, longitude: Double) -> GeoPoint {
        // The box lies well inside the valid range, so this cannot throw.
        try! GeoPoint(latitude: latitude, longitude: longitude)
    }

    static func describe(_ p: TrackedPosition?) -> String { p.map { "at \($0.point) t=\($0.time)" } ?? "absent" }

    static func describe(_ p: (time: Int64, point: GeoPoint)?) -> String {
        p.map { "at \($0.point) t=\($0.time)" } ?? "absent"
    }
}
