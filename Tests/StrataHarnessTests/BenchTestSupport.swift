import Foundation
import Synchronization

@testable import StrataHarness

/// A temporary directory removed when the value is released.
final class TemporaryDirectory {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "strata-bench-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Records every key-value call a workload makes, to compare operation streams.
final class TracingTarget: BenchTarget {
    let base: any BenchTarget
    let trace = Mutex<[String]>([])
    init(_ base: any BenchTarget) { self.base = base }
    var backend: String { base.backend }
    var mode: BenchMode { base.mode }
    var dataPath: String { base.dataPath }
    var serverPID: Int32? { base.serverPID }
    func kv(_ cf: String) throws -> any KVSession { TracingKV(base: try base.kv(cf), target: self) }
    func dropKV(_ cf: String) throws { try base.dropKV(cf) }
    func documents() throws -> any DocumentSession { try base.documents() }
    func spatial() throws -> any SpatialSession { try base.spatial() }
    func close() throws { try base.close() }
    func log(_ op: String, _ key: UnsafeRawBufferPointer, _ extra: Int = 0) {
        let text = "\(op) \(String(decoding: key, as: UTF8.self)) \(extra)"
        trace.withLock { $0.append(text) }
    }
}

final class TracingKV: KVSession {
    let base: any KVSession
    let target: TracingTarget
    init(base: any KVSession, target: TracingTarget) {
        self.base = base
        self.target = target
    }
    func put(_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws {
        target.log("put", key, value.count)
        try base.put(key, value)
    }
    func putBatch(_ entries: [(key: [UInt8], value: [UInt8])]) throws {
        for e in entries { e.key.withUnsafeBytes { target.log("batch", $0, e.value.count) } }
        try base.putBatch(entries)
    }
    func get(_ key: UnsafeRawBufferPointer) throws -> Bool {
        target.log("get", key)
        return try base.get(key)
    }
    func scan(from start: UnsafeRawBufferPointer, limit: Int) throws -> Int {
        target.log("scan", start, limit)
        return try base.scan(from: start, limit: limit)
    }
    func delete(_ key: UnsafeRawBufferPointer) throws {
        target.log("delete", key)
        try base.delete(key)
    }
    func update(_ key: UnsafeRawBufferPointer, _ transform: (UnsafeRawBufferPointer?) -> [UInt8]) throws {
        target.log("update", key)
        try base.update(key, transform)
    }
}

/// A small report with the given repeats for one result.
func sampleReport(repeats: [Double], records: Int = 1000, extraResult: Bool = true) -> Report {
    func result(_ workload: String, _ repeats: [Double]) -> Report.Result {
        Report.Result(
            suite: "store", workload: workload, backend: "trie", mode: "embedded", threads: 1, ops: 100, errors: 0,
            durationSeconds: 1, throughput: median(repeats), latencyMicros: .zero, cpuUserSeconds: 0,
            cpuSystemSeconds: 0, peakRSSBytes: 0, diskBytes: 0, bytesWritten: 0, repeats: repeats)
    }
    var results = [result("readrandom", repeats)]
    if extraResult { results.append(result("fillseq", [500, 510, 490])) }
    return Report(
        id: "sample", created: "2026-12-01T00:00:00Z",
        environment: .init(
            cpus: 2, cpuModel: "cpu", memoryBytes: 1 << 30, os: "Debian", kernel: "6", swift: "6.3+", gitCommit: "abc",
            backends: ["trie": "format 1"]),
        config: .init(records: records, valueSize: 100, threads: [1], repeats: repeats.count, sync: false, seed: 1),
        results: results)
}
