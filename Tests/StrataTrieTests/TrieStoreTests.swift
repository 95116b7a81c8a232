import StrataStore
import Testing

@testable import StrataTrie

/// The store's API over both an in-memory and an on-disk trie.
@Suite("TrieStore behaviour")
struct TrieStoreTests {
    /// Runs `body` with an in-memory store and with an on-disk one.
    static func withStores(_ body: (TrieStore) throws -> Void) throws {
        let memory = try TrieStore(options: StoreOptions())
        try body(memory)
        try memory.close()
        try withTemporaryDirectory { dir in
            let disk = try TrieStore(options: StoreOptions(path: dir + "/db", sync: true))
            try body(disk)
            try disk.close()
        }
    }

    @Test("put, get, delete, scans and delete-range through transactions")
    func basicOperations() throws {
        try Self.withStores { (store) throws in
            let cf = try store.defaultColumnFamily()
            try store.write { (txn) throws in
                for i in 0..<100 { try txn.put(Array("k\(1000 + i)".utf8), Array("v\(i)".utf8), in: cf) }
                try txn.put([], [9], in: cf)
                #expect(try txn.get(Array("k1005".utf8), in: cf) == Array("v5".utf8))
            }
            try store.read { (txn) throws in
                #expect(try txn.get([], in: cf) == [9])
                #expect(try txn.get(Array("k1099".utf8), in: cf) == Array("v99".utf8))
                #expect(try txn.get(Array("k1100".utf8), in: cf) == nil)
                let range = KeyRange(lower: Array("k1010".utf8), upper: Array("k1020".utf8))
                #expect(try txn.scan(in: cf, range: range).map(\.key) == (1010..<1020).map { Array("k\($0)".utf8) })
                #expect(
                    try txn.scan(in: cf, range: range, reverse: true).map(\.key)
                        == (1010..<1020).reversed().map { Array("k\($0)".utf8) })
                #expect(try txn.scan(in: cf, range: .prefix(Array("k105".utf8))).count == 10)
            }
            try store.write { (txn) throws in
                try txn.delete(Array("k1000".utf8), in: cf)
                try txn.deleteRange(KeyRange(lower: Array("k1050".utf8), upper: nil), in: cf)
            }
            try store.read { (txn) throws in
                #expect(try txn.scan(in: cf).count == 50)  // "" and k1001...k1049
            }
        }
    }

    @Test("a throwing write closure changes nothing")
    func rollback() throws {
        struct Boom: Error {}
        try Self.withStores { (store) throws in
            let cf = try store.defaultColumnFamily()
            try store.write { try $0.put([1], [1], in: cf) }
            #expect(throws: Boom.self) {
                try store.write { (txn) throws in
                    try txn.put([2], [2], in: cf)
                    try txn.delete([1], in: cf)
                    throw Boom()
                }
            }
            #expect(try store.read { try $0.scan(in: cf).map(\.key) } == [[1]])
        }
    }

    @Test("a read transaction keeps its snapshot while writers commit")
    func readSnapshot() throws {
        try Self.withStores { (store) throws in
            let cf = try store.defaultColumnFamily()
            try store.write { txn in for i in 0..<50 { try txn.put([UInt8(i)], [0], in: cf) } }
            try store.read { (txn) throws in
                try store.write { (w) throws in
                    for i in 0..<50 { try w.put([UInt8(i)], [1], in: cf) }
                    try w.deleteRange(.all, in: cf)
                }
                let seen = try txn.scan(in: cf)
                #expect(seen.count == 50)
                #expect(seen.allSatisfy { $0.value == [0] })
            }
            #expect(try store.read { try $0.scan(in: cf).count } == 0)
        }
    }

    @Test("content versions: equal while a column family is unchanged, new after each commit that changes it")
    func contentVersions() throws {
        try Self.withStores { (store) throws in
            let a = try store.defaultColumnFamily()
            let b = try store.createColumnFamily("b")
            try store.write { txn in try txn.put([1], [1], in: a) }
            let a1 = try store.read { try $0.contentVersion(of: a) }
            let b1 = try store.read { try $0.contentVersion(of: b) }
            #expect(a1 != nil && b1 != nil && a1 != b1)
            #expect(try store.read { try $0.contentVersion(of: a) } == a1)
            // A commit to `a` changes `a`'s version only.
            try store.write { txn in try txn.put([2], [2], in: a) }
            let a2 = try store.read { try $0.contentVersion(of: a) }
            #expect(a2 != nil && a2 != a1)
            #expect(try store.read { try $0.contentVersion(of: b) } == b1)
            // A write transaction reports its base until it writes the family,
            // then nil (its draft changes in place), and so does each later call.
            try store.write { (txn) throws in
                #expect(try txn.contentVersion(of: a) == a2)
                try txn.put([3], [3], in: a)
                #expect(try txn.contentVersion(of: a) == nil)
                try txn.put([4], [4], in: a)
                #expect(try txn.contentVersion(of: a) == nil)
                #expect(try txn.contentVersion(of: b) == b1)
            }
            let a3 = try store.read { try $0.contentVersion(of: a) }
            #expect(a3 != nil && a3 != a2 && a3 != a1)
            // A rolled-back write and a write that changes nothing keep the version.
            struct Boom: Error {}
            #expect(throws: Boom.self) {
                try store.write { (txn) throws in
                    try txn.put([5], [5], in: a)
                    throw Boom()
                }
            }
            try store.write { txn in try txn.delete([99], in: a) }
            #expect(try store.read { try $0.contentVersion(of: a) } == a3)
            // A read that began before a commit keeps its snapshot's version.
            try store.read { (old) throws in
                try store.write { txn in try txn.put([6], [6], in: a) }
                #expect(try old.contentVersion(of: a) == a3)
                #expect(try store.read { try $0.contentVersion(of: a) } != a3)
            }
            try store.dropColumnFamily("b")
            #expect(throws: StoreError.self) { try store.read { try $0.contentVersion(of: b) } }
        }
    }

    @Test("column families: create, list, drop, dropped handles are notFound")
    func columnFamilies() throws {
        try Self.withStores { (store) throws in
            #expect(try store.columnFamilyNames() == ["default"])
            let users = try store.createColumnFamily("users")
            #expect(try store.createColumnFamily("users") === users)
            try store.write { try $0.put([1], [2], in: users) }
            #expect(try store.columnFamilyNames() == ["default", "users"])
            try store.dropColumnFamily("users")
            #expect(users.isDropped)
            #expect(throws: StoreError.self) { try store.columnFamily("users") }
            #expect(throws: StoreError.self) { try store.read { try $0.get([1], in: users) } }
            #expect(throws: StoreError.self) { try store.dropColumnFamily("users") }
            #expect(throws: StoreError.self) { try store.dropColumnFamily("default") }
            let again = try store.createColumnFamily("users")
            #expect(try store.read { try $0.get([1], in: again) } == nil)
        }
    }

    @Test("finished transactions, read-only misuse and failed writes")
    func transactionStates() throws {
        try Self.withStores { (store) throws in
            let cf = try store.defaultColumnFamily()
            try store.write { try $0.put([1], [1], in: cf) }
            var escapedCursor: TrieStoreCursor?
            let escaped = try store.read { (txn) throws in
                escapedCursor = try txn.makeCursor(in: cf, range: .all, reverse: false)
                return txn
            }
            do {
                _ = try escaped.get([1], in: cf)
                Issue.record("a finished read transaction answered")
            } catch StoreError.Code.transactionFinished {}
            do {
                _ = try escapedCursor!.next()
                Issue.record("a finished cursor moved")
            } catch StoreError.Code.transactionFinished {}

            // An error inside a write transaction leaves only rollback, even if caught.
            let dropped = try store.createColumnFamily("gone")
            try store.dropColumnFamily("gone")
            do {
                try store.write { (txn) throws in
                    try txn.put([7], [7], in: cf)
                    _ = try? txn.put([1], [1], in: dropped)
                    #expect(throws: StoreError.self) { try txn.put([8], [8], in: cf) }
                }
                Issue.record("a failed write transaction committed")
            } catch StoreError.Code.notFound {}
            #expect(try store.read { try $0.get([7], in: cf) } == nil)

            // A write inside a write closure is refused, not a deadlock.
            do {
                try store.write { _ in try store.write { try $0.put([3], [3], in: cf) } }
                Issue.record("nested write ran")
            } catch StoreError.Code.invalidArgument {}
        }
    }

    @Test("closed stores refuse work; closing twice is fine")
    func closing() throws {
        let store = try TrieStore(options: StoreOptions())
        try store.close()
        try store.close()
        do {
            _ = try store.read { _ in 1 }
            Issue.record("read after close")
        } catch StoreError.Code.closed {}
        do {
            try store.write { _ in }
            Issue.record("write after close")
        } catch StoreError.Code.closed {}
    }

    @Test("unknown tuning keys are rejected; the descriptor is honest")
    func optionsAndDescriptor() throws {
        do {
            _ = try TrieStore(options: StoreOptions(tuning: ["map_size_mb": "1"]))
            Issue.record("unknown tuning accepted")
        } catch StoreError.Code.invalidArgument {}
        #expect(TrieStore.descriptor.name == "trie")
        #expect(TrieStore.descriptor.capabilities.contains([.zeroCopyReads, .inMemory, .persistent]))
        #expect(TrieStore.descriptor.version() == "format 1")
        let memory = try TrieStore(options: StoreOptions())
        #expect(!memory.capabilities.contains(.persistent))
    }

    @Test("concurrent readers and a writer see whole commits only")
    func concurrentReaders() async throws {
        let store = try TrieStore(options: StoreOptions())
        let cf = try store.defaultColumnFamily()
        // Every commit rewrites all 64 keys with the same value.
        try store.write { txn in for i in 0..<64 { try txn.put([UInt8(i)], [0], in: cf) } }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for round in 1...200 {
                    try store.write { (txn) throws in
                        for i in 0..<64 { try txn.put([UInt8(i)], [UInt8(round % 256)], in: cf) }
                    }
                }
            }
            for _ in 0..<2 {
                group.addTask {
                    for _ in 0..<300 {
                        let values = try store.read { txn in try txn.scan(in: cf).map(\.value) }
                        #expect(values.count == 64)
                        #expect(Set(values).count == 1, "a reader saw a partial commit")
                    }
                }
            }
            try await group.waitForAll()
        }
        try store.close()
    }
}
