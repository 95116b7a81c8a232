import StrataStore
import Testing

@testable import StrataSpatial

/// Random sequences of upsert, move, delete, flush and restart, checked
/// after every step against a plain dictionary of current positions and a
/// list of history per object.
@Suite("Tracker model")
struct TrackerModelTests {
    struct Model {
        struct Key: Hashable {
            let ns: String
            let obj: String
        }
        var current: [Key: (point: GeoPoint, time: Int64)] = [:]
        /// Arrival order; a trajectory is this sorted stably by time.
        var history: [Key: [(point: GeoPoint, time: Int64)]] = [:]
    }

    @Test(arguments: allBackends)
    func randomOperationsMatchTheModel(backend: String) throws {
        let seed = UInt64.random(in: 0...UInt64.max)
        print("tracker model seed \(seed) on \(backend)")
        var rng = SplitMix64(seed: seed)
        var model = Model()
        let dir = try TempDirectory()
        defer { dir.remove() }
        let namespaces = ["a", "b"]
        let options = TrackerOptions(bufferCapacity: 7)
        var store = try openStore(backend, at: dir.path)
        var tracker = try openTracker(store: store, options: options)
        defer {
            try? tracker.close()
            try? store.close()
        }

        func checkObject(_ key: Model.Key, step: Int) throws {
            let got = try tracker.get(namespace: key.ns, object: key.obj)
            let want = model.current[key]
            #expect(got?.point == want?.point && got?.time == want?.time, "seed \(seed) step \(step): get \(key)")
        }

        func checkAll(step: Int) throws {
            for ns in namespaces {
                let want = model.current.filter { $0.key.ns == ns }
                #expect(try tracker.count(namespace: ns) == want.count, "seed \(seed) step \(step): count \(ns)")
                let all = try tracker.withinBoundingBox(namespace: ns, .world)
                #expect(all.map(\.object) == want.keys.map(\.obj).sorted(), "seed \(seed) step \(step): world box \(ns)")
            }
            for (key, list) in model.history {
                let want = list.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }
                let got = try tracker.trajectory(namespace: key.ns, object: key.obj)
                #expect(got.map(\.time) == want.map(\.element.time), "seed \(seed) step \(step): trajectory times \(key)")
                #expect(got.map(\.point) == want.map(\.element.point), "seed \(seed) step \(step): trajectory \(key)")
            }
        }

        for step in 0..<300 {
            let key = Model.Key(ns: namespaces.randomElement(using: &rng)!, obj: "o\(Int.random(in: 0..<12, using: &rng))")
            switch Int.random(in: 0..<20, using: &rng) {
            case 0..<13:
                let point = rng.point()
                let time = Int64.random(in: 0..<40, using: &rng)
                let moved = try tracker.upsert(namespace: key.ns, object: key.obj, point: point, time: time)
                let wins = model.current[key].map { $0.time <= time } ?? true
                #expect(moved == wins, "seed \(seed) step \(step): upsert reported \(moved)")
                if wins { model.current[key] = (point, time) }
                model.history[key, default: []].append((point, time))
            case 13..<16:
                let existed = try tracker.delete(namespace: key.ns, object: key.obj)
                #expect(existed == (model.current[key] != nil), "seed \(seed) step \(step): delete reported \(existed)")
                model.current[key] = nil
                model.history[key] = nil
            case 16..<18:
                try tracker.flush()
            default:
                // Restart: close the tracker and the store, open both again.
                try tracker.close()
                try store.close()
                store = try openStore(backend, at: dir.path)
                tracker = try openTracker(store: store, options: options)
            }
            try checkObject(key, step: step)
            if step % 25 == 0 { try checkAll(step: step) }
        }
        try checkAll(step: 300)
    }
}
