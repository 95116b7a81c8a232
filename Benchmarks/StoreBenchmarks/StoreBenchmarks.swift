import Benchmark
import Foundation
import StrataBackends
import StrataStore

/// Store-level micro-benchmarks, the same on every registered backend:
/// put (one per transaction), batch put (1,000 per transaction), get through
/// the borrowed and the copying path, and a 1,000-entry scan. Keys are 16 bytes
/// (`k%015d`), values 100 bytes, sync off, as in db_bench's defaults.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 1_000
    )
    let preloaded = 100_000
    for backend in StoreRegistry.standard.descriptors {
        let name = backend.name
        Benchmark("\(name) put, 1 per txn", closure: { benchmark, fixture in
            try fixture.run { try putEach($0, fixture, benchmark) }
        }, setup: { try Fixture(backend, preload: 0) }, teardown: nil)

        Benchmark("\(name) batch put, 1000 per txn", closure: { benchmark, fixture in
            try fixture.run { try putBatch($0, fixture, benchmark) }
        }, setup: { try Fixture(backend, preload: 0) }, teardown: nil)

        Benchmark("\(name) get, borrowed", closure: { benchmark, fixture in
            try fixture.run { try getBorrowed($0, fixture, benchmark) }
        }, setup: { try Fixture(backend, preload: preloaded) }, teardown: nil)

        Benchmark("\(name) get, copying", closure: { benchmark, fixture in
            try fixture.run { try getCopying($0, fixture, benchmark) }
        }, setup: { try Fixture(backend, preload: preloaded) }, teardown: nil)

        Benchmark("\(name) scan 1000, borrowed", closure: { benchmark, fixture in
            try fixture.run { try scanBorrowed($0, fixture, benchmark) }
        }, setup: { try Fixture(backend, preload: preloaded) }, teardown: nil)
    }
}

/// A store opened in a fresh directory, optionally preloaded.
final class Fixture: @unchecked Sendable {
    // Used by one benchmark at a time; `cursor` is only touched inside its closure.
    let store: any Store
    let directory: String
    let preloaded: Int
    var cursor = 0
    let value = [UInt8](repeating: 0x5A, count: 100)

    init(_ backend: BackendDescriptor, preload: Int) throws {
        directory = NSTemporaryDirectory() + "strata-bench-\(backend.name)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        store = try backend.open(StoreOptions(path: directory, sync: false))
        preloaded = preload
        if preload > 0 { try load(store, count: preload, value: value) }
    }

    deinit {
        try? store.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    func run(_ body: (any Store) throws -> Void) throws { try body(store) }
}

/// Writes `k%015d`, as db_bench formats its keys, into a 16-byte buffer.
@inline(__always)
func formatKey(_ n: Int, into key: inout [UInt8]) {
    key[0] = UInt8(ascii: "k")
    var v = n
    for i in stride(from: 15, through: 1, by: -1) {
        key[i] = UInt8(truncatingIfNeeded: 0x30 + v % 10)
        v /= 10
    }
}

func load(_ store: some Store, count: Int, value: [UInt8]) throws {
    let cf = try store.defaultColumnFamily()
    var key = [UInt8](repeating: 0, count: 16)
    for start in stride(from: 0, to: count, by: 1000) {
        try store.write { txn in
            for n in start..<min(start + 1000, count) {
                formatKey(n, into: &key)
                try txn.put(key, value, in: cf)
            }
        }
    }
}

func putEach(_ store: some Store, _ f: Fixture, _ benchmark: Benchmark) throws {
    let cf = try store.defaultColumnFamily()
    var key = [UInt8](repeating: 0, count: 16)
    benchmark.startMeasurement()
    for _ in benchmark.scaledIterations {
        formatKey(f.cursor, into: &key)
        f.cursor += 1
        try store.write { try $0.put(key, f.value, in: cf) }
    }
    benchmark.stopMeasurement()
}

func putBatch(_ store: some Store, _ f: Fixture, _ benchmark: Benchmark) throws {
    let cf = try store.defaultColumnFamily()
    var key = [UInt8](repeating: 0, count: 16)
    benchmark.startMeasurement()
    try store.write { txn in
        for _ in benchmark.scaledIterations {
            formatKey(f.cursor, into: &key)
            f.cursor += 1
            try txn.put(key, f.value, in: cf)
        }
    }
    benchmark.stopMeasurement()
}

func getBorrowed(_ store: some Store, _ f: Fixture, _ benchmark: Benchmark) throws {
    let cf = try store.defaultColumnFamily()
    var key = [UInt8](repeating: 0, count: 16)
    var found = 0
    var rng = SystemRandomNumberGenerator()
    try store.read { txn in
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            formatKey(Int.random(in: 0..<f.preloaded, using: &rng), into: &key)
            found &+= try txn.withValue(forKey: key, in: cf) { $0?.count ?? 0 }
        }
        benchmark.stopMeasurement()
    }
    precondition(found == benchmark.scaledIterations.count * 100, "a preloaded key was missing")
}

func getCopying(_ store: some Store, _ f: Fixture, _ benchmark: Benchmark) throws {
    let cf = try store.defaultColumnFamily()
    var key = [UInt8](repeating: 0, count: 16)
    var found = 0
    var rng = SystemRandomNumberGenerator()
    try store.read { txn in
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            formatKey(Int.random(in: 0..<f.preloaded, using: &rng), into: &key)
            found &+= try txn.get(key, in: cf)?.count ?? 0
        }
        benchmark.stopMeasurement()
    }
    precondition(found == benchmark.scaledIterations.count * 100, "a preloaded key was missing")
}

func scanBorrowed(_ store: some Store, _ f: Fixture, _ benchmark: Benchmark) throws {
    let cf = try store.defaultColumnFamily()
    var key = [UInt8](repeating: 0, count: 16)
    formatKey(Int.random(in: 0..<(f.preloaded - 1000)), into: &key)
    var bytes = 0
    try store.read { txn in
        benchmark.startMeasurement()
        var cursor = try txn.makeCursor(in: cf, range: KeyRange(lower: key), reverse: false)
        for _ in benchmark.scaledIterations {
            guard try cursor.next() else { break }
            bytes &+= cursor.withEntry { $0.count + $1.count }
        }
        benchmark.stopMeasurement()
    }
    precondition(bytes == benchmark.scaledIterations.count * 116, "scan ended early")
}
