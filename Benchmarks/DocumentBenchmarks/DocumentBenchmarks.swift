import Benchmark
import Foundation
import StrataBackends
import StrataDB
import StrataDocument
import StrataQuery
import StrataStore
import StrataStoreTesting
import SlateRecords
import Synchronization

/// Document-layer micro-benchmarks: the BSON codec on one Slate-shaped
/// record, and the executor over 100,000 of them on each backend (trie
/// first): an indexed equality, a full scan with and without a filter, a
/// sorted top-200, a covered projection and 1,000 point lookups. Each query
/// returns decoded documents, as `find` does for a caller.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .throughput, .mallocCountTotal, .peakMemoryResident],
        maxDuration: .seconds(3),
        maxIterations: 1_000
    )
    let record = SlateRecords.document(42)
    let bytes = try! BSONEncoder().encode(record)

    Benchmark("BSON encode", configuration: .init(scalingFactor: .kilo)) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try BSONEncoder().encode(record)) }
    }
    Benchmark("BSON decode", configuration: .init(scalingFactor: .kilo)) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try Document(bson: bytes)) }
    }
    Benchmark("RawDocument field access (3 fields)", configuration: .init(scalingFactor: .kilo)) { benchmark in
        let raw = try RawDocument(bytes: bytes)
        for _ in benchmark.scaledIterations {
            blackHole(try raw.value(forKey: "status")?.stringEquals("active"))
            blackHole(try raw.value(forKey: "contacts_count")?.int64Value)
            blackHole(try raw.value(atPath: "products.1.name")?.type)
        }
    }

    let count = 100_000
    let backends = ["trie"] + StoreRegistry.standard.names.filter { $0 != "trie" }
    for name in backends {
        let queries: [(String, Query)] = [
            ("indexed equality status=active", try! Query(filter: ["status": "active"])),
            ("full scan", try! Query(filter: nil)),
            ("full scan with filter tags=premium", try! Query(filter: ["tags": "premium"])),
            ("sorted top-200 by name", try! Query(filter: nil, sort: ["name"], take: 200)),
            ("covered status=rejected, columns [status]", try! Query(filter: ["status": "rejected"], columns: ["status"])),
        ]
        for (label, query) in queries {
            Benchmark("\(name) \(count / 1000)k: \(label)") { benchmark in
                let fixture = try Fixtures.shared.fixture(name, count: count)
                benchmark.startMeasurement()
                for _ in benchmark.scaledIterations { blackHole(try fixture.find(query)) }
                benchmark.stopMeasurement()
            }
        }
        Benchmark("\(name) \(count / 1000)k: 1000 point lookups, one read each") { benchmark in
            let fixture = try Fixtures.shared.fixture(name, count: count)
            let ids = SlateRecords.randomIDs(1000, below: count)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                let found = try fixture.lookups(ids, oneRead: false)
                precondition(found == 1000, "a loaded record was missing")
            }
            benchmark.stopMeasurement()
        }
        Benchmark("\(name) \(count / 1000)k: 1000 point lookups in one read") { benchmark in
            let fixture = try Fixtures.shared.fixture(name, count: count)
            let ids = SlateRecords.randomIDs(1000, below: count)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                let found = try fixture.lookups(ids, oneRead: true)
                precondition(found == 1000, "a loaded record was missing")
            }
            benchmark.stopMeasurement()
        }
    }
}

/// A loaded collection, whatever the backend's type.
protocol DocumentFixture: Sendable {
    func find(_ query: Query) throws -> Int
    func lookups(_ ids: [Value], oneRead: Bool) throws -> Int
}

final class LoadedCollection<S: Store>: DocumentFixture {
    let db: Database<S>
    let directory: String

    init(store: S, directory: String, count: Int) throws {
        self.directory = directory
        db = try Database(store: store)
        try db.createCollection("contacts", indexes: SlateRecords.indexes)
        for start in stride(from: 0, to: count, by: 1000) {
            let batch = (start..<min(start + 1000, count)).map(SlateRecords.document)
            _ = try db.write { try $0.insert(batch, into: "contacts") }
        }
    }

    deinit {
        try? db.store.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    func find(_ query: Query) throws -> Int {
        try db.read { try $0.find(query, in: "contacts") }.count
    }

    func lookups(_ ids: [Value], oneRead: Bool) throws -> Int {
        var found = 0
        if oneRead {
            try db.read { tx in
                for id in ids where try tx.findByID(id, in: "contacts") != nil { found += 1 }
            }
        } else {
            for id in ids where try db.read({ try $0.findByID(id, in: "contacts") }) != nil { found += 1 }
        }
        return found
    }
}

/// One loaded collection per backend, shared by that backend's benchmarks
/// (loading 100,000 records takes longer than measuring a query).
final class Fixtures: Sendable {
    static let shared = Fixtures()
    private let loaded = Mutex<[String: any DocumentFixture]>([:])

    func fixture(_ backend: String, count: Int) throws -> any DocumentFixture {
        try loaded.withLock { loaded in
            if let f = loaded[backend] { return f }
            let directory = NSTemporaryDirectory() + "strata-docbench-\(backend)-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let store = try StoreRegistry.standard.open(backend, options: StoreOptions(path: directory, sync: false))
            let f = try open(store, directory: directory, count: count)
            loaded[backend] = f
            return f
        }
    }

    private func open(_ store: some Store, directory: String, count: Int) throws -> any DocumentFixture {
        try LoadedCollection(store: store, directory: directory, count: count)
    }
}
