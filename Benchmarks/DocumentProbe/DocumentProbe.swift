import Foundation
import SlateRecords
import StrataBackends
import StrataDB
import StrataDocument
import StrataQuery
import StrataStore
import StrataStoreTesting

// A plain timing loop over the document executor, for profiling (`perf
// record`) without package-benchmark around it: Slate-shaped records
// (`SlateRecords`, indexed on status and contacts_count) in one collection,
// and the harness's raw-result queries.
//
//   DocumentProbe scan|status|lookups [BACKEND] [DOCUMENTS] [ROUNDS] [BATCH]
//
// BATCH is the number of records per insert transaction (default 1,000;
// the harness loads in transactions of 100, which leaves the trie's nodes
// more scattered and its scan 1–3 ms slower at 100,000 records).
// `scan` and `status` run `findRaw` with no filter and with
// `status = "active"`; `lookups` runs 1,000 `findRawByID`s, one read
// transaction each, per round. Prints wall and thread CPU time per query
// (per lookup for `lookups`, fresh random ids each round), the median round and the best.

func threadCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

func wallSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

let arguments = CommandLine.arguments
guard arguments.count >= 2, ["scan", "status", "lookups"].contains(arguments[1]) else {
    FileHandle.standardError.write(
        "usage: DocumentProbe scan|status|lookups [BACKEND] [DOCUMENTS] [ROUNDS] [BATCH]\n".data(using: .utf8)!)
    exit(2)
}

/// Argument `index` as a positive count, `fallback` when it is absent.
func countArgument(_ index: Int, _ name: String, default fallback: Int) -> Int {
    guard arguments.count > index else { return fallback }
    guard let value = Int(arguments[index]), value > 0 else {
        FileHandle.standardError.write(
            "DocumentProbe: \(name) must be a positive integer, got '\(arguments[index])'\n".data(using: .utf8)!)
        exit(2)
    }
    return value
}
let mode = arguments[1]
let backend = arguments.count > 2 ? arguments[2] : "trie"
let count = countArgument(3, "DOCUMENTS", default: 100_000)
let rounds = countArgument(4, "ROUNDS", default: 40)
let batchSize = countArgument(5, "BATCH", default: 1000)

func run(_ store: some Store) throws {
    let db = try Database(store: store)
    try db.createCollection("contacts", indexes: SlateRecords.indexes)
    for start in stride(from: 0, to: count, by: batchSize) {
        let batch = (start..<min(start + batchSize, count)).map(SlateRecords.document)
        _ = try db.write { try $0.insert(batch, into: "contacts") }
    }
    let query = try Query(filter: mode == "status" ? ["status": "active"] : nil)
    // Fresh random ids each round, drawn before timing: repeating one set
    // would keep its trie paths in cache, which a user's lookups do not.
    var random = SeededGenerator(seed: 0x1D5)
    let idRounds = (0..<rounds).map { _ in (0..<1000).map { _ in SlateRecords.id(Int(random.next() % UInt64(count))) } }
    var walls: [Double] = []
    var cpus: [Double] = []
    var check = 0
    for round in 0..<rounds {
        let ids = idRounds[round]
        let (w0, c0) = (wallSeconds(), threadCPUSeconds())
        if mode == "lookups" {
            for id in ids where try db.read({ try $0.findRawByID(id, in: "contacts") }) != nil { check += 1 }
        } else {
            check += try db.read { try $0.findRaw(query, in: "contacts") }.count
        }
        let per = mode == "lookups" ? Double(ids.count) : 1
        walls.append((wallSeconds() - w0) / per)
        cpus.append((threadCPUSeconds() - c0) / per)
    }
    walls.sort()
    cpus.sort()
    let unit = mode == "lookups" ? (1e6, "µs") : (1e3, "ms")
    print(
        String(
            format: "%@ %@ %d: wall p50 %.3f %@ (best %.3f), thread CPU p50 %.3f (best %.3f) (check %d)", mode, backend,
            count, walls[rounds / 2] * unit.0, unit.1, walls[0] * unit.0, cpus[rounds / 2] * unit.0, cpus[0] * unit.0,
            check))
}

let directory = NSTemporaryDirectory() + "strata-docprobe-\(UUID().uuidString)"
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: directory) }
try run(
    try StoreRegistry.standard.open(
        backend, options: StoreOptions(path: backend == "trie" ? nil : directory, sync: false)))
