import Foundation
import StrataStore
import Testing

@testable import StrataTrie

/// Everything a store holds: column family name → key → value.
typealias Contents = [String: [[UInt8]: [UInt8]]]

/// Reads every column family of `store`.
func contents(of store: TrieStore) throws -> Contents {
    var result: Contents = [:]
    for name in try store.columnFamilyNames() {
        let cf = try store.columnFamily(name)
        var entries: [[UInt8]: [UInt8]] = [:]
        for (k, v) in try store.read({ try $0.scan(in: cf) }) { entries[k] = v }
        result[name] = entries
    }
    return result
}

/// A deterministic workload of small commits, each applied to the store and
/// to a model; returns the model after every commit (index 0: before any).
func runCommits(_ store: TrieStore, count: Int, seed: UInt64, startingFrom initial: Contents) throws -> [Contents] {
    var rng = SplitMix64(seed: seed)
    var model = initial
    var history = [model]
    for i in 0..<count {
        switch i % 7 {
        case 3:
            let name = "cf\(i % 3)"
            _ = try store.createColumnFamily(name)
            if model[name] == nil { model[name] = [:] }
        case 6 where model["cf0"] != nil:
            try store.dropColumnFamily("cf0")
            model["cf0"] = nil
        default:
            let names = model.keys.sorted()
            try store.write { (txn) throws in
                for _ in 0..<(1 + Int(rng.next() % 4)) {
                    let name = names[Int(rng.next() % UInt64(names.count))]
                    let cf = try store.columnFamily(name)
                    let key = [UInt8(rng.next() % 6), UInt8(rng.next() % 3)]
                    switch rng.next() % 6 {
                    case 0:
                        try txn.delete(key, in: cf)
                        model[name]![key] = nil
                    case 1:
                        let range = KeyRange(lower: [key[0]], upper: [key[0] &+ 2])
                        try txn.deleteRange(range, in: cf)
                        for k in model[name]!.keys where range.contains(k) { model[name]![k] = nil }
                    default:
                        let value = [UInt8](repeating: UInt8(i % 256), count: Int(rng.next() % 5))
                        try txn.put(key, value, in: cf)
                        model[name]![key] = value
                    }
                }
            }
        }
        history.append(model)
    }
    return history
}

func fileSize(_ path: String) throws -> Int {
    (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? -1
}

@Suite("Trie durability")
struct DurabilityTests {
    static let empty: Contents = ["default": [:]]

    @Test("commits survive close and reopen, and a crash without close")
    func reopen() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/db"
            var history: [Contents] = []
            do {
                let store = try TrieStore(options: StoreOptions(path: path, sync: true))
                history = try runCommits(store, count: 40, seed: 7, startingFrom: Self.empty)
                try store.close()
            }
            do {
                let store = try TrieStore(options: StoreOptions(path: path))
                #expect(try contents(of: store) == history.last!)
                // More commits, then drop the store without closing (a crash).
                history = try runCommits(store, count: 30, seed: 8, startingFrom: history.last!)
            }
            let store = try TrieStore(options: StoreOptions(path: path))
            #expect(try contents(of: store) == history.last!)
            try store.close()
        }
    }

    @Test("a checkpoint followed by more log records reopens to the latest state")
    func checkpointThenLog() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/db"
            var history: [Contents] = []
            do {
                let store = try TrieStore(options: StoreOptions(path: path))
                history = try runCommits(store, count: 30, seed: 11, startingFrom: Self.empty)
                try store.checkpoint()
                #expect(try fileSize(path + "/log") == 0)
                history = try runCommits(store, count: 30, seed: 12, startingFrom: history.last!)
                #expect(try fileSize(path + "/log") > 0)
            }
            let store = try TrieStore(options: StoreOptions(path: path))
            #expect(try contents(of: store) == history.last!)
            try store.close()
        }
    }

    @Test("with a zero checkpoint threshold the log is checkpointed as it grows")
    func automaticCheckpoints() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/db"
            var history: [Contents] = []
            do {
                let store = try TrieStore(options: StoreOptions(path: path, tuning: ["checkpoint_mb": "0"]))
                history = try runCommits(store, count: 200, seed: 13, startingFrom: Self.empty)
                #expect(try fileSize(path + "/log") <= max(try fileSize(path + "/checkpoint"), 4096))
            }
            let store = try TrieStore(options: StoreOptions(path: path))
            #expect(try contents(of: store) == history.last!)
            try store.close()
        }
    }

    /// Builds a store whose log holds the last commits, returning the model after
    /// every commit and the log size after every commit.
    static func prepareLog(_ path: String) throws -> (history: [Contents], ends: [Int]) {
        let store = try TrieStore(options: StoreOptions(path: path, sync: false))
        var history = try runCommits(store, count: 10, seed: 21, startingFrom: empty)
        try store.checkpoint()
        var ends = [Int](repeating: 0, count: history.count)
        for _ in 0..<6 {
            let next = try runCommits(store, count: 1, seed: UInt64(100 + history.count), startingFrom: history.last!)
            history.append(next[1])
            ends.append(try fileSize(path + "/log"))
        }
        return (history, ends)
    }

    @Test("a log cut at any byte recovers exactly a prefix of the commits")
    func truncatedLog() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/db"
            let (history, ends) = try Self.prepareLog(path)
            let firstLogged = history.count - 6
            let original = try readFile(path + "/log")
            #expect(original.count == ends.last!)
            let copy = dir + "/copy"
            for cut in 0...original.count {
                try copyDirectory(path, to: copy)
                try writeFile(copy + "/log", Array(original[..<cut]))
                // The last commit whose record lies wholly before the cut.
                var expected = firstLogged - 1
                while expected + 1 < history.count && ends[expected + 1] <= cut { expected += 1 }
                let store = try TrieStore(options: StoreOptions(path: copy))
                #expect(try contents(of: store) == history[expected], "cut at \(cut)")
                #expect(try fileSize(copy + "/log") == ends[expected], "log not cut back at \(cut)")
                try store.close()
            }
        }
    }

    @Test("a damaged byte in the last record cuts it; damage before whole records is reported as corrupt")
    func flippedByte() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/db"
            let (history, ends) = try Self.prepareLog(path)
            let original = try readFile(path + "/log")
            let copy = dir + "/copy"
            var damagedRecords = 0
            for record in (history.count - 6)..<history.count {
                let start = ends[record - 1]
                let end = ends[record]
                guard end > start else { continue }  // the commit changed nothing, so logged nothing
                damagedRecords += 1
                for position in [start, start + 4, start + 8, (start + end) / 2, end - 1] {
                    var damaged = original
                    damaged[position] ^= 0x40
                    try copyDirectory(path, to: copy)
                    try writeFile(copy + "/log", damaged)
                    // A damaged length loses the record boundary, so nothing after it can
                    // be found: that reads as a torn tail. Otherwise the next record is
                    // whole, and dropping it would lose an acknowledged commit.
                    let tornTail = record == history.count - 1 || position == start
                    if tornTail {
                        let store = try TrieStore(options: StoreOptions(path: copy))
                        #expect(try contents(of: store) == history[record - 1], "record \(record), byte \(position)")
                        #expect(try fileSize(copy + "/log") == start)
                        try store.close()
                    } else {
                        #expect(throws: StoreError.self, "record \(record), byte \(position)") {
                            _ = try TrieStore(options: StoreOptions(path: copy))
                        }
                        #expect(try readFile(copy + "/log") == damaged, "a damaged log must be left as it was")
                    }
                }
            }
            #expect(damagedRecords >= 3)
        }
    }

    @Test("a damaged checkpoint is reported as corrupt")
    func corruptCheckpoint() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/db"
            do {
                let store = try TrieStore(options: StoreOptions(path: path))
                _ = try runCommits(store, count: 20, seed: 5, startingFrom: Self.empty)
                try store.close()
            }
            let checkpoint = try readFile(path + "/checkpoint")
            for position in [0, 10, checkpoint.count / 2, checkpoint.count - 1] {
                var damaged = checkpoint
                damaged[position] ^= 0x01
                try writeFile(path + "/checkpoint", damaged)
                do {
                    _ = try TrieStore(options: StoreOptions(path: path))
                    Issue.record("opened a checkpoint damaged at byte \(position)")
                } catch StoreError.Code.corrupt {}
            }
            try writeFile(path + "/checkpoint", Array(checkpoint.prefix(7)))
            do {
                _ = try TrieStore(options: StoreOptions(path: path))
                Issue.record("opened a truncated checkpoint")
            } catch StoreError.Code.corrupt {}
        }
    }

    @Test("a second store cannot open the same directory")
    func exclusiveLock() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/db"
            let first = try TrieStore(options: StoreOptions(path: path))
            do {
                _ = try TrieStore(options: StoreOptions(path: path))
                Issue.record("two stores opened one directory")
            } catch let error as StoreError {
                #expect(error.code == .io)
                #expect(error.message.contains(path))
            }
            try first.close()
            let second = try TrieStore(options: StoreOptions(path: path))
            try second.close()
        }
    }

    @Test("createIfMissing off refuses a missing store")
    func missingStore() throws {
        try withTemporaryDirectory { dir in
            #expect(throws: StoreError.self) {
                _ = try TrieStore(options: StoreOptions(path: dir + "/none", createIfMissing: false))
            }
        }
    }
}
