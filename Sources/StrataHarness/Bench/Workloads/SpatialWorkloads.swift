/// The spatial suite: a fleet of moving objects on random walks in a
/// 0.5° × 0.5° region (about 55 × 44 km around San Francisco), each with
/// ``FleetDataset/steps`` positions of history.
///
/// - `upsert`: each thread moves its share of the fleet one step (≤ ~100 m) per operation;
/// - `nearby`: objects within 1 km of a random point, nearest first, at most 100;
/// - `bbox`: objects in a random box of about 2 × 2 km, at most 1,000;
/// - `knn`: the 10 nearest objects to a random point;
/// - `trajectory`: the whole history of a random object.
public struct SpatialWorkload: Workload {
    public enum Kind: String, CaseIterable, Sendable {
        case nearby, bbox, knn, trajectory, upsert
    }

    public let kind: Kind
    let objects: Int

    public init(_ kind: Kind, options: BenchOptions) {
        self.kind = kind
        objects = options.objects
    }

    public var suite: Suite { .spatial }
    public var name: String { kind.rawValue }
    public var operations: [String] { [kind == .upsert ? "geo_upsert" : "geo_\(kind.rawValue)"] }
    public var dataset: (any Dataset)? { FleetDataset(objects: objects) }

    public func plannedOps(_ run: RunContext) -> Int {
        kind == .upsert ? objects * 2 : max(1000, objects / 5)
    }

    public func makeWorker(_ run: RunContext, thread: Int) throws -> any BenchWorker {
        SpatialWorker(
            kind: kind, session: try run.target.spatial(), namespace: run.namespace, objects: objects,
            random: run.random(thread: thread), share: run.share(of: objects, thread: thread),
            seed: FleetDataset(objects: objects).seed(run.options))
    }

    public func finish(_ run: RunContext) throws {
        if kind == .upsert { try run.target.spatial().flush() }
    }
}

struct SpatialWorker: BenchWorker {
    let kind: SpatialWorkload.Kind
    let session: any SpatialSession
    let namespace: String
    let objects: Int
    var random: StressRandom
    /// The objects this thread moves, and where they are.
    let share: Range<Int>
    var positions: [(lat: Double, lon: Double)]

    init(
        kind: SpatialWorkload.Kind, session: any SpatialSession, namespace: String, objects: Int, random: StressRandom,
        share: Range<Int>, seed: UInt64
    ) {
        self.kind = kind
        self.session = session
        self.namespace = namespace
        self.objects = objects
        self.random = random
        self.share = share
        positions = kind == .upsert ? share.map { FleetDataset.position($0, step: FleetDataset.steps - 1, seed: seed) } : []
    }

    func choose(_ i: Int) -> Int { 0 }

    mutating func unit() -> Double { Double(random.next() >> 11) / Double(1 << 53) }

    mutating func randomPoint() -> (Double, Double) {
        (FleetDataset.minLat + unit() * FleetDataset.span, FleetDataset.minLon + unit() * FleetDataset.span)
    }

    mutating func perform(_ op: Int, _ i: Int) throws {
        switch kind {
        case .upsert:
            guard !share.isEmpty else { return }
            let slot = i % share.count
            var p = positions[slot]
            p.lat = FleetDataset.clampLat(p.lat + (unit() - 0.5) * 0.0018)
            p.lon = FleetDataset.clampLon(p.lon + (unit() - 0.5) * 0.0018)
            positions[slot] = p
            try session.upsert(
                namespace: namespace, object: FleetDataset.name(share.lowerBound + slot), lat: p.lat, lon: p.lon,
                time: FleetDataset.baseTime + Int64(FleetDataset.steps) * 1000 + Int64(i))
        case .nearby:
            let (lat, lon) = randomPoint()
            _ = try session.nearby(namespace: namespace, lat: lat, lon: lon, radiusMeters: 1000, limit: 100)
        case .bbox:
            let (lat, lon) = randomPoint()
            _ = try session.bbox(
                namespace: namespace, minLat: lat, minLon: lon, maxLat: min(90, lat + 0.018), maxLon: min(180, lon + 0.023),
                limit: 1000)
        case .knn:
            let (lat, lon) = randomPoint()
            _ = try session.knn(namespace: namespace, lat: lat, lon: lon, k: 10)
        case .trajectory:
            let object = FleetDataset.name(Int(random.next() % UInt64(objects)))
            let n = try session.trajectory(namespace: namespace, object: object, from: nil, to: nil, limit: 100)
            if n < FleetDataset.steps { throw HarnessError("trajectory of \(object): \(n) positions, expected \(FleetDataset.steps) or more") }
        }
    }
}

/// The spatial suite's fleet: every object upserted ``steps`` times, a second
/// apart, along a random walk from a random start.
struct FleetDataset: Dataset {
    static let steps = 10
    static let minLat = 37.5
    static let minLon = -122.6
    static let span = 0.5
    static let baseTime: Int64 = 1_700_000_000_000

    let objects: Int
    var id: String { "spatial:\(objects)" }

    static func name(_ n: Int) -> String { "vehicle-\(n)" }
    static func clampLat(_ v: Double) -> Double { min(max(v, minLat), minLat + span) }
    static func clampLon(_ v: Double) -> Double { min(max(v, minLon), minLon + span) }

    /// Where object `n` is at `step` of its walk (the same for a seed on every backend).
    static func position(_ n: Int, step: Int, seed: UInt64) -> (lat: Double, lon: Double) {
        var random = StressRandom(seed: mix(seed, UInt64(n)))
        func unit() -> Double { Double(random.next() >> 11) / Double(1 << 53) }
        var lat = minLat + unit() * span
        var lon = minLon + unit() * span
        for _ in 0..<step {
            lat = clampLat(lat + (unit() - 0.5) * 0.0018)
            lon = clampLon(lon + (unit() - 0.5) * 0.0018)
        }
        return (lat, lon)
    }

    func load(_ run: RunContext) throws {
        let session = try run.target.spatial()
        var batch: [(object: String, lat: Double, lon: Double, time: Int64)] = []
        for n in 0..<objects {
            for step in 0..<Self.steps {
                let p = Self.position(n, step: step, seed: run.seed)
                batch.append((Self.name(n), p.lat, p.lon, Self.baseTime + Int64(step) * 1000))
            }
            if batch.count >= 500 {
                try session.upsertMany(namespace: run.namespace, batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty { try session.upsertMany(namespace: run.namespace, batch) }
        try session.flush()
    }
}
