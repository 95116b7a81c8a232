import Foundation
import StrataBackends
import StrataLMDB
import StrataRocksDB
import StrataStore
import StrataStoreTesting
import StrataTrie

/// The reference workload of `Reference/workload.h`, through the Store protocol,
/// so `Reference/compare.sh` can put each backend beside a plain C loop.
///
/// usage: ReferenceWorkload BACKEND DIR NUM VALUE_SIZE BATCH [key=value tuning…]
///
/// DIR `-` opens the store without a path (the trie in memory). BATCH `bulk`
/// replaces the write phase by a bulk load: every entry (prepared before the
/// clock starts, in random order) in one `putBatch` of one transaction.
///
/// BATCH `dbbench` runs db_bench's `fillrandom,readrandom` instead (see
/// `Reference/dbbench.sh`): NUM puts of keys drawn uniformly with replacement
/// from NUM, each its own write transaction, then NUM reads of keys drawn the
/// same way, each its own read transaction; keys are db_bench's (the number as
/// 8 big-endian bytes, padded with '0' to 16).
@main
enum ReferenceWorkload {
    static func main() throws {
        let args = CommandLine.arguments
        guard args.count >= 6, let num = Int(args[3]), let valueSize = Int(args[4]),
            let batch = args[5] == "bulk" ? 0 : args[5] == "dbbench" ? -1 : Int(args[5])
        else {
            FileHandle.standardError.write(Data("usage: ReferenceWorkload BACKEND DIR NUM VALUE_SIZE BATCH [k=v…]\n".utf8))
            exit(2)
        }
        var tuning: [String: String] = [:]
        for pair in args.dropFirst(6) {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { tuning[parts[0]] = parts[1] }
        }
        let path = args[2] == "-" ? nil : args[2]
        let store = try StoreRegistry.standard.open(args[1], options: StoreOptions(path: path, sync: false, tuning: tuning))
        // The concrete store type, so that `run` is compiled for it (as a
        // program written against one backend is): through `any Store` every
        // call would go through witness tables.
        switch store {
        case let store as LMDBStore: try run(store, num: num, valueSize: valueSize, batch: batch)
        case let store as RocksDBStore: try run(store, num: num, valueSize: valueSize, batch: batch)
        case let store as TrieStore: try run(store, num: num, valueSize: valueSize, batch: batch)
        default: try run(store, num: num, valueSize: valueSize, batch: batch)
        }
        try store.close()
    }

    static func run(_ store: some Store, num: Int, valueSize: Int, batch: Int) throws {
        if batch < 0 { return try runDBBench(store, num: num, valueSize: valueSize) }
        let cf = try store.defaultColumnFamily()
        var order = shuffled(num, seed: 1)
        var key = [UInt8](repeating: 0, count: 16)
        let value = [UInt8](repeating: 0x5A, count: valueSize)

        var start = now()
        if batch == 0 {
            let entries = order.map { n -> (key: [UInt8], value: [UInt8]) in
                formatKey(n, into: &key)
                return (key, value)
            }
            start = now()
            try store.write { try $0.putBatch(entries, in: cf) }
            report("bulk-load", num, now() - start)
        } else {
            try value.withUnsafeBytes { v in
                var i = 0
                while i < num {
                    let end = min(i + batch, num)
                    try store.write { txn in
                        for j in i..<end {
                            formatKey(order[j], into: &key)
                            try key.withUnsafeBytes { try txn.put($0, v, in: cf) }
                        }
                    }
                    i = end
                }
            }
            report("write", num, now() - start)
        }

        order = shuffled(num, seed: 2)
        var total = 0
        start = now()
        try store.read { txn in
            for j in 0..<num {
                formatKey(order[j], into: &key)
                total &+= try key.withUnsafeBytes { k in try txn.withValue(forKey: k, in: cf) { $0?.count ?? 0 } }
            }
        }
        report("read-random", num, now() - start)
        precondition(total == num * valueSize, "read check failed")

        // read-single: every get in a read transaction of its own.
        order = shuffled(num, seed: 3)
        total = 0
        start = now()
        for j in 0..<num {
            formatKey(order[j], into: &key)
            total &+= try store.read { txn in
                try key.withUnsafeBytes { k in try txn.withValue(forKey: k, in: cf) { $0?.count ?? 0 } }
            }
        }
        report("read-single", num, now() - start)
        precondition(total == num * valueSize, "read-single check failed")

        total = 0
        start = now()
        let n = try store.read { txn in
            try txn.forEach(in: cf) { k, v in
                total &+= k.count &+ v.count
                return true
            }
        }
        report("scan", n, now() - start)
        precondition(n == num, "scan check failed")
    }

    /// db_bench's `fillrandom` then `readrandom`, one operation per transaction.
    static func runDBBench(_ store: some Store, num: Int, valueSize: Int) throws {
        let cf = try store.defaultColumnFamily()
        var random = SeededGenerator(seed: 1)
        var key = [UInt8](repeating: UInt8(ascii: "0"), count: 16)
        let value = [UInt8](repeating: 0x5A, count: valueSize)
        var start = now()
        try value.withUnsafeBytes { v in
            for _ in 0..<num {
                dbBenchKey(random.next() % UInt64(num), into: &key)
                try key.withUnsafeBytes { k in try store.write { try $0.put(k, v, in: cf) } }
            }
        }
        report("fillrandom", num, now() - start)
        var found = 0
        start = now()
        for _ in 0..<num {
            dbBenchKey(random.next() % UInt64(num), into: &key)
            found &+= try key.withUnsafeBytes { k in
                try store.read { try $0.withValue(forKey: k, in: cf) { $0 == nil ? 0 : 1 } }
            }
        }
        report("readrandom", num, now() - start)
        FileHandle.standardError.write(Data("readrandom found \(found) of \(num)\n".utf8))
    }

    @inline(__always)
    static func dbBenchKey(_ n: UInt64, into key: inout [UInt8]) {
        for i in 0..<8 { key[i] = UInt8(truncatingIfNeeded: n >> (56 - 8 * UInt64(i))) }
    }

    static func shuffled(_ n: Int, seed: UInt64) -> [UInt32] {
        var random = SeededGenerator(seed: seed)
        var a = (0..<UInt32(n)).map { $0 }
        var i = n - 1
        while i > 0 {
            let j = Int(random.next() % UInt64(i + 1))
            a.swapAt(i, j)
            i -= 1
        }
        return a
    }

    @inline(__always)
    static func formatKey(_ n: UInt32, into key: inout [UInt8]) {
        key[0] = UInt8(ascii: "k")
        var v = n
        for i in stride(from: 15, through: 1, by: -1) {
            key[i] = UInt8(truncatingIfNeeded: 0x30 + v % 10)
            v /= 10
        }
    }

    /// Wall time, or the thread's CPU time with `STRATA_REFERENCE_CLOCK=cpu`
    /// (as `Reference/workload.h`).
    static let clock = ProcessInfo.processInfo.environment["STRATA_REFERENCE_CLOCK"] == "cpu"
        ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC

    static func now() -> Double {
        var t = timespec()
        clock_gettime(clock, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    static func report(_ phase: String, _ ops: Int, _ seconds: Double) {
        print("\(phase) \(Int((Double(ops) / seconds).rounded()))")
        fflush(nil)  // every stream; naming `stdout` is not concurrency-safe in Swift 6
    }
}
