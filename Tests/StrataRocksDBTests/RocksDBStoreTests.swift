#if RocksDB
    import Foundation
    import StrataRocksDB
    import StrataStore
    import Testing

    @Suite("RocksDBStore basics")
    struct RocksDBStoreTests {
        @Test func putGetDeleteRoundTrip() throws {
            try withStore { store, _ in
                let cf = try store.defaultColumnFamily()
                try store.write { txn throws in
                    try txn.put(bytes("a"), bytes("1"), in: cf)
                    try txn.put(bytes("b"), bytes("2"), in: cf)
                    // Reads inside a write see its own writes.
                    #expect(try txn.get(bytes("a"), in: cf) == bytes("1"))
                }
                try store.read { txn throws in
                    #expect(try txn.get(bytes("a"), in: cf) == bytes("1"))
                    #expect(try txn.get(bytes("b"), in: cf) == bytes("2"))
                    #expect(try txn.get(bytes("c"), in: cf) == nil)
                    #expect(try txn.contains(bytes("b"), in: cf))
                }
                try store.write { txn throws in
                    try txn.put(bytes("a"), bytes("10"), in: cf)
                    try txn.delete(bytes("b"), in: cf)
                    try txn.delete(bytes("missing"), in: cf)
                }
                try store.read { txn throws in
                    #expect(try txn.get(bytes("a"), in: cf) == bytes("10"))
                    #expect(try txn.get(bytes("b"), in: cf) == nil)
                }
            }
        }

        @Test func emptyKeysAndEmptyValuesAreStored() throws {
            try withStore { store, _ in
                let cf = try store.defaultColumnFamily()
                try store.write { txn throws in
                    try txn.put([], bytes("empty key"), in: cf)
                    try txn.put(bytes("k"), [], in: cf)
                }
                try store.read { txn throws in
                    #expect(try txn.get([], in: cf) == bytes("empty key"))
                    // An empty value is present, not missing.
                    #expect(try txn.get(bytes("k"), in: cf) == [])
                    try txn.withValue(forKey: bytes("k"), in: cf) { v in #expect(v != nil && v!.count == 0) }
                    #expect(try txn.scan(in: cf).map(\.key) == [[], bytes("k")])
                }
            }
        }

        @Test func multiGetReturnsValuesInOrder() throws {
            try withStore { store, _ in
                let cf = try store.defaultColumnFamily()
                try store.write { txn throws in
                    try txn.putBatch((0..<100).map { (bytes("k\($0)"), bytes("v\($0)")) }, in: cf)
                }
                let keys = [bytes("k5"), bytes("nope"), [], bytes("k99"), bytes("k0")]
                let expected: [[UInt8]?] = [bytes("v5"), nil, nil, bytes("v99"), bytes("v0")]
                #expect(try store.read { try $0.multiGet(keys, in: cf) } == expected)
                #expect(try store.write { try $0.multiGet(keys, in: cf) } == expected)
            }
        }

        @Test func sixteenMebibyteValueRoundTrips() throws {
            try withStore { store, path in
                let cf = try store.defaultColumnFamily()
                var value = [UInt8](repeating: 0, count: 16 << 20)
                for i in stride(from: 0, to: value.count, by: 4093) { value[i] = UInt8(truncatingIfNeeded: i / 4093) }
                value[value.count - 1] = 0xAB
                try store.write { try $0.put(bytes("big"), value, in: cf) }
                #expect(try store.read { try $0.get(bytes("big"), in: cf) } == value)
                try store.read { txn throws in
                    try txn.withValue(forKey: bytes("big"), in: cf) { v in
                        #expect(v?.count == 16 << 20)
                        #expect(v?.last == 0xAB)
                    }
                }
                try store.close()
                let again = try RocksDBStore(options: StoreOptions(path: path))
                defer { try? again.close() }
                let cf2 = try again.defaultColumnFamily()
                #expect(try again.read { try $0.get(bytes("big"), in: cf2) } == value)
            }
        }

        @Test func readSeesOneSnapshot() throws {
            try withStore { store, _ in
                let cf = try store.defaultColumnFamily()
                try store.write { try $0.put(bytes("x"), bytes("old"), in: cf) }
                try store.read { txn throws in
                    #expect(try txn.get(bytes("x"), in: cf) == bytes("old"))
                    try store.write { try $0.put(bytes("x"), bytes("new"), in: cf) }
                    try store.write { try $0.put(bytes("y"), bytes("new"), in: cf) }
                    #expect(try txn.get(bytes("x"), in: cf) == bytes("old"))
                    #expect(try txn.get(bytes("y"), in: cf) == nil)
                    #expect(try txn.scan(in: cf).count == 1)
                }
                #expect(try store.read { try $0.get(bytes("x"), in: cf) } == bytes("new"))
            }
        }

        @Test func writesInAReadTransactionThrowReadOnly() throws {
            try withStore { store, _ in
                let cf = try store.defaultColumnFamily()
                try store.read { txn throws in
                    #expect(expectCode(.readOnly) { try txn.put(bytes("a"), bytes("1"), in: cf) })
                    #expect(expectCode(.readOnly) { try txn.delete(bytes("a"), in: cf) })
                    #expect(expectCode(.readOnly) { try txn.deleteRange(.all, in: cf) })
                    #expect(expectCode(.readOnly) { try txn.putBatch([(bytes("a"), bytes("1"))], in: cf) })
                }
                #expect(try store.read { try $0.get(bytes("a"), in: cf) } == nil)
            }
        }

        @Test func transactionsAndCursorsUsedAfterTheirClosureThrowTransactionFinished() throws {
            try withStore { store, _ in
                let cf = try store.defaultColumnFamily()
                try store.write { try $0.put(bytes("a"), bytes("1"), in: cf) }
                var escapedRead: RocksDBTransaction?
                var escapedCursor: RocksDBCursor?
                try store.read { txn throws in
                    escapedRead = txn
                    escapedCursor = try txn.makeCursor(in: cf, range: .all, reverse: false)
                }
                #expect(expectCode(.transactionFinished) { _ = try escapedRead!.get(bytes("a"), in: cf) })
                #expect(expectCode(.transactionFinished) { _ = try escapedCursor!.next() })
                #expect(
                    expectCode(.transactionFinished) {
                        _ = try escapedRead!.makeCursor(in: cf, range: .all, reverse: false)
                    })

                var escapedWrite: RocksDBTransaction?
                try store.write { txn throws in escapedWrite = txn }
                #expect(expectCode(.transactionFinished) { try escapedWrite!.put(bytes("b"), bytes("2"), in: cf) })
                #expect(expectCode(.transactionFinished) { _ = try escapedWrite!.get(bytes("a"), in: cf) })
                #expect(try store.read { try $0.get(bytes("b"), in: cf) } == nil)
            }
        }

        @Test func throwingFromAWriteRollsBack() throws {
            struct Boom: Error {}
            try withStore { store, _ in
                let cf = try store.defaultColumnFamily()
                try store.write { try $0.put(bytes("keep"), bytes("1"), in: cf) }
                #expect(throws: Boom.self) {
                    try store.write { txn throws in
                        try txn.put(bytes("keep"), bytes("changed"), in: cf)
                        try txn.put(bytes("new"), bytes("x"), in: cf)
                        try txn.deleteRange(.all, in: cf)
                        throw Boom()
                    }
                }
                try store.read { txn throws in
                    #expect(try txn.get(bytes("keep"), in: cf) == bytes("1"))
                    #expect(try txn.get(bytes("new"), in: cf) == nil)
                }
            }
        }

        @Test func deleteRangeRemovesExactlyTheRangeIncludingOwnWrites() throws {
            try withStore { store, _ in
                let cf = try store.defaultColumnFamily()
                try store.write { txn throws in
                    for i in 0..<3000 { try txn.put(bytes(String(format: "k%05d", i)), bytes("v"), in: cf) }
                }
                try store.write { txn throws in
                    try txn.put(bytes("k01500x"), bytes("own write"), in: cf)
                    try txn.deleteRange(KeyRange(lower: bytes("k00100"), upper: bytes("k02900")), in: cf)
                    #expect(try txn.get(bytes("k01500x"), in: cf) == nil)
                }
                try store.read { txn throws in
                    let keys = try txn.scan(in: cf).map { String(decoding: $0.key, as: UTF8.self) }
                    #expect(keys.count == 200)
                    #expect(keys.first == "k00000")
                    #expect(keys.contains("k00099"))
                    #expect(!keys.contains("k00100"))
                    #expect(keys.contains("k02900"))
                }
                try store.write { try $0.deleteRange(.all, in: cf) }
                #expect(try store.read { try $0.scan(in: cf).count } == 0)
            }
        }

        @Test func unknownOrInvalidTuningIsRejected() throws {
            try withTemporaryDirectory { dir in
                #expect(
                    expectCode(.invalidArgument) {
                        _ = try RocksDBStore(options: StoreOptions(path: dir + "/a", tuning: ["map_size_mb": "10"]))
                    })
                #expect(
                    expectCode(.invalidArgument) {
                        _ = try RocksDBStore(options: StoreOptions(path: dir + "/b", tuning: ["bloom_bits": "many"]))
                    })
                #expect(expectCode(.invalidArgument) { _ = try RocksDBStore(options: StoreOptions(path: nil)) })
                let s = try RocksDBStore(
                    options: StoreOptions(
                        path: dir + "/c", tuning: ["block_cache_mb": "0", "write_buffer_mb": "4", "bloom_bits": "0"]))
                let cf = try s.defaultColumnFamily()
                try s.write { try $0.put(bytes("a"), bytes("b"), in: cf) }
                #expect(try s.read { try $0.get(bytes("a"), in: cf) } == bytes("b"))
                try s.close()
            }
        }

        @Test func openingAMissingDatabaseWithoutCreateIfMissingFails() throws {
            try withTemporaryDirectory { dir in
                do {
                    _ = try RocksDBStore(options: StoreOptions(path: dir + "/none", createIfMissing: false))
                    Issue.record("opened a database that does not exist")
                } catch let e as StoreError {
                    #expect(e.code == .invalidArgument || e.code == .io)
                }
            }
        }

        @Test func descriptorReportsNameCapabilitiesAndLibraryVersion() throws {
            let d = RocksDBStore.descriptor
            #expect(d.name == "rocksdb")
            #expect(d.capabilities.contains(.optimisticWrites))
            #expect(d.capabilities.contains(.persistent))
            let version = d.version()
            #expect(version.split(separator: ".").count == 3, "version was \(version)")
            #expect(version.hasPrefix("7."))
            try withTemporaryDirectory { dir in
                let store = try d.open(StoreOptions(path: dir + "/db"))
                #expect(store.backendName == "rocksdb")
                try store.close()
            }
        }
    }
#endif

#if RocksDB
    @Suite("RocksDBStore putBatch")
    struct RocksDBPutBatchTests {
        @Test func batchIsVisibleToItsTransactionAndCommitsOrRollsBackWithIt() throws {
            struct Boom: Error {}
            try withStore { store, _ in
                let cf = try store.createColumnFamily("batch")
                let entries = (0..<5000).map { (key: bytes(String(format: "b%05d", $0)), value: bytes("v\($0)")) }
                #expect(throws: Boom.self) {
                    try store.write { txn throws in
                        try txn.putBatch(entries, in: cf)
                        #expect(try txn.get(bytes("b04999"), in: cf) == bytes("v4999"))
                        throw Boom()
                    }
                }
                #expect(try store.read { try $0.scan(in: cf).count } == 0)
                try store.write { txn throws in
                    try txn.put(bytes("b00000"), bytes("before"), in: cf)
                    try txn.putBatch(entries, in: cf)
                    try txn.put(bytes("b00001"), bytes("after"), in: cf)
                    #expect(try txn.scan(in: cf).count == 5000)
                }
                try store.read { txn throws in
                    #expect(try txn.scan(in: cf).count == 5000)
                    #expect(try txn.get(bytes("b00000"), in: cf) == bytes("v0"))
                    #expect(try txn.get(bytes("b00001"), in: cf) == bytes("after"))
                }
            }
        }

        /// A key read and then rewritten through putBatch is still validated:
        /// the read tracks it.
        @Test func readThenBatchWriteStillConflicts() throws {
            try withStore { store, _ in
                let cf = try store.defaultColumnFamily()
                var attempts = 0
                try store.write(maxAttempts: 5) { txn throws in
                    attempts += 1
                    let n = try readCounter(txn, cf)
                    if attempts == 1 {
                        // Another writer commits in between.
                        let done = Gate()
                        Thread {
                            try? store.write { try writeCounter($0, cf, 100) }
                            done.advance(to: 1)
                        }.start()
                        done.wait(for: 1)
                    }
                    try txn.putBatch([(bytes("counter"), withUnsafeBytes(of: n + 1) { Array($0) })], in: cf)
                }
                #expect(attempts == 2)
                #expect(try store.read { try readCounter($0, cf) } == 101)
            }
        }
    }
#endif
