#if RocksDB
    import Foundation
    import StrataRocksDB
    import StrataStore
    import Synchronization
    import Testing

    /// Lets two threads take turns at fixed points.
    final class Gate: Sendable {
        private let step = Mutex(0)
        func wait(for value: Int) {
            while step.withLock({ $0 }) < value { usleep(100) }
        }
        func advance(to value: Int) { step.withLock { $0 = max($0, value) } }
    }

    func readCounter(_ txn: RocksDBTransaction, _ cf: ColumnFamily) throws -> UInt64 {
        guard let v = try txn.get(bytes("counter"), in: cf) else { return 0 }
        return v.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
    }

    func writeCounter(_ txn: RocksDBTransaction, _ cf: ColumnFamily, _ n: UInt64) throws {
        try txn.put(bytes("counter"), withUnsafeBytes(of: n) { Array($0) }, in: cf)
    }

    @Suite("RocksDBStore optimistic conflicts")
    struct RocksDBConflictTests {
        /// Two interleaved `writeOnce` increments of one key: both read 0, the
        /// first commits, the second must lose with `conflict`.
        @Test func interleavedWriteOnceLosesWithConflict() throws {
            try withStore { store, _ in
                let cf = try store.defaultColumnFamily()
                let gate = Gate()
                let second = Mutex<StoreError.Code?>(nil)
                let thread = Thread {
                    do {
                        try store.writeOnce { txn throws in
                            let n = try readCounter(txn, cf)
                            gate.advance(to: 1)  // both have read
                            gate.wait(for: 2)  // the other has committed
                            try writeCounter(txn, cf, n + 1)
                        }
                        second.withLock { $0 = StoreError.Code("committed") }
                    } catch let e as StoreError {
                        second.withLock { $0 = e.code }
                    } catch {
                        second.withLock { $0 = StoreError.Code("other") }
                    }
                    gate.advance(to: 3)
                }
                thread.start()
                try store.writeOnce { txn throws in
                    let n = try readCounter(txn, cf)
                    gate.wait(for: 1)
                    try writeCounter(txn, cf, n + 1)
                }
                gate.advance(to: 2)
                gate.wait(for: 3)
                #expect(second.withLock { $0 } == .conflict)
                #expect(try store.read { try readCounter($0, cf) } == 1)
            }
        }

        /// The same interleaving through `write`: the loser retries, so both
        /// increments land.
        @Test func writeRetriesSoBothIncrementsLand() throws {
            try withStore { store, _ in
                let cf = try store.defaultColumnFamily()
                let gate = Gate()
                let attempts = Mutex(0)
                let thread = Thread {
                    try? store.write { txn throws in
                        let first = attempts.withLock {
                            $0 += 1; return $0 == 1
                        }
                        let n = try readCounter(txn, cf)
                        if first {
                            gate.advance(to: 1)
                            gate.wait(for: 2)
                        }
                        try writeCounter(txn, cf, n + 1)
                    }
                    gate.advance(to: 3)
                }
                thread.start()
                try store.write { txn throws in
                    gate.wait(for: 1)
                    try writeCounter(txn, cf, try readCounter(txn, cf) + 1)
                }
                gate.advance(to: 2)
                gate.wait(for: 3)
                #expect(attempts.withLock { $0 } == 2)
                #expect(try store.read { try readCounter($0, cf) } == 2)
            }
        }

        /// Many threads incrementing one counter through `write` lose no update.
        @Test func concurrentIncrementsAreSerializable() throws {
            try withStore { store, _ in
                let cf = try store.defaultColumnFamily()
                let threads = 4
                let perThread = 200
                let done = Mutex(0)
                for _ in 0..<threads {
                    Thread {
                        for _ in 0..<perThread {
                            try? store.write(maxAttempts: 10_000) { txn throws in
                                try writeCounter(txn, cf, try readCounter(txn, cf) + 1)
                            }
                        }
                        done.withLock { $0 += 1 }
                    }.start()
                }
                while done.withLock({ $0 }) < threads { usleep(1000) }
                #expect(try store.read { try readCounter($0, cf) } == UInt64(threads * perThread))
            }
        }
        /// A blind write (a closure that only writes, committed as a plain batch)
        /// that lands after a reader-writer read the key still makes that
        /// reader-writer lose with `conflict`.
        @Test func aBlindWriteConflictsWithAnEarlierReader() throws {
            try withStore { store, _ in
                let cf = try store.defaultColumnFamily()
                let gate = Gate()
                let outcome = Mutex<StoreError.Code?>(nil)
                let thread = Thread {
                    do {
                        try store.writeOnce { txn throws in
                            let n = try readCounter(txn, cf)
                            gate.advance(to: 1)
                            gate.wait(for: 2)
                            try writeCounter(txn, cf, n + 1)
                        }
                        outcome.withLock { $0 = StoreError.Code("committed") }
                    } catch let e as StoreError {
                        outcome.withLock { $0 = e.code }
                    } catch {
                        outcome.withLock { $0 = StoreError.Code("other") }
                    }
                    gate.advance(to: 3)
                }
                thread.start()
                gate.wait(for: 1)
                try store.writeOnce { txn throws in try writeCounter(txn, cf, 100) }  // blind
                gate.advance(to: 2)
                gate.wait(for: 3)
                #expect(outcome.withLock { $0 } == .conflict)
                #expect(try store.read { try readCounter($0, cf) } == 100)
            }
        }

        /// Writes made before the first read are seen by that read and by later
        /// scans, and roll back with the transaction.
        @Test func blindWritesBeforeTheFirstReadAreTheTransactionsOwn() throws {
            try withStore { store, _ in
                let cf = try store.defaultColumnFamily()
                try store.writeOnce { txn throws in
                    try txn.put(bytes("a"), bytes("1"), in: cf)
                    try txn.delete(bytes("missing"), in: cf)
                    #expect(try txn.get(bytes("a"), in: cf) == bytes("1"))
                    try txn.put(bytes("b"), bytes("2"), in: cf)
                    #expect(try txn.scan(in: cf).map(\.key) == [bytes("a"), bytes("b")])
                }
                struct Abort: Error {}
                #expect(throws: Abort.self) {
                    try store.writeOnce { txn throws in
                        try txn.put(bytes("c"), bytes("3"), in: cf)
                        throw Abort()
                    }
                }
                #expect(try store.read { try $0.scan(in: cf).map(\.key) } == [bytes("a"), bytes("b")])
            }
        }
    }
#endif
