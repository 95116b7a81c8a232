#if LMDB
    import Foundation
    import StrataStore
    import Synchronization
    import Testing

    @testable import StrataLMDB

    private struct Abort: Error {}

    @Suite("LMDBStore")
    struct LMDBStoreTests {
        @Test("put, get, overwrite, delete and empty values")
        func crud() throws {
            let dir = try TestDirectory("crud")
            defer { dir.remove() }
            let store = try dir.open()
            defer { try? store.close() }
            let cf = try store.defaultColumnFamily()
            try store.write { txn throws in
                try txn.put(b("a"), b("1"), in: cf)
                try txn.put(b("b"), [], in: cf)
                try txn.put([0x00], [0xFF], in: cf)
                try txn.put([0xFF, 0x00], [0x00], in: cf)
            }
            try store.read { txn throws in
                #expect(try txn.get(b("a"), in: cf) == b("1"))
                #expect(try txn.get(b("b"), in: cf) == [])
                #expect(try txn.get([0x00], in: cf) == [0xFF])
                #expect(try txn.get([0xFF, 0x00], in: cf) == [0x00])
                #expect(try txn.get(b("zz"), in: cf) == nil)
                #expect(try txn.withValue(forKey: b("b"), in: cf) { $0?.count } == 0)
            }
            try store.write { txn throws in
                try txn.put(b("a"), b("2"), in: cf)
                try txn.delete(b("b"), in: cf)
                try txn.delete(b("never"), in: cf)
                #expect(try txn.get(b("a"), in: cf) == b("2"))
                #expect(try txn.get(b("b"), in: cf) == nil)
            }
            #expect(try store.read { try $0.get(b("a"), in: cf) } == b("2"))
            #expect(try store.read { try $0.get(b("b"), in: cf) } == nil)
        }

        @Test("empty keys and keys over the limit are invalid arguments naming the limit")
        func keyLimits() throws {
            let dir = try TestDirectory("keys")
            defer { dir.remove() }
            let store = try dir.open()
            defer { try? store.close() }
            let cf = try store.defaultColumnFamily()
            try store.write { txn throws in
                try txn.put([UInt8](repeating: 0xFF, count: 511), b("max"), in: cf)
                let empty = #expect(throws: StoreError.self) { try txn.put([], b("x"), in: cf) }
                #expect(empty?.code == .invalidArgument)
                let long = #expect(throws: StoreError.self) {
                    try txn.put([UInt8](repeating: 1, count: 512), b("x"), in: cf)
                }
                #expect(long?.code == .invalidArgument)
                #expect(long?.message.contains("511") == true)
                // Argument errors do not spoil the transaction.
                try txn.put(b("after"), b("ok"), in: cf)
            }
            #expect(try store.read { try $0.get([UInt8](repeating: 0xFF, count: 511), in: cf) } == b("max"))
            #expect(try store.read { try $0.get(b("after"), in: cf) } == b("ok"))
        }

        @Test("column families: create, list, separate keyspaces, drop, reopen")
        func columnFamilies() throws {
            let dir = try TestDirectory("cf")
            defer { dir.remove() }
            do {
                let store = try dir.open()
                #expect(try store.columnFamilyNames() == ["default"])
                let users = try store.createColumnFamily("users")
                let orders = try store.createColumnFamily("orders")
                #expect(try store.createColumnFamily("users") === users)
                #expect(users.id != orders.id)
                #expect(try store.columnFamilyNames() == ["default", "orders", "users"])
                try store.write { txn throws in
                    try txn.put(b("k"), b("u"), in: users)
                    try txn.put(b("k"), b("o"), in: orders)
                }
                #expect(try store.read { try $0.scan(in: users).map(\.value) } == [b("u")])
                try store.dropColumnFamily("users")
                #expect(users.isDropped)
                #expect(try store.columnFamilyNames() == ["default", "orders"])
                #expect(throws: StoreError.self) { try store.read { try $0.get(b("k"), in: users) } }
                #expect(throws: StoreError.self) { try store.dropColumnFamily("users") }
                #expect(throws: StoreError.self) { try store.dropColumnFamily("default") }
                #expect(throws: StoreError.self) { try store.columnFamily("users") }
                // A new handle after a drop has a new id even if LMDB reuses the dbi slot.
                let again = try store.createColumnFamily("users")
                #expect(again.id != users.id)
                #expect(try store.read { try $0.get(b("k"), in: again) } == nil)
                try store.close()
            }
            let reopened = try dir.open()
            defer { try? reopened.close() }
            #expect(try reopened.columnFamilyNames() == ["default", "orders", "users"])
            let orders = try reopened.columnFamily("orders")
            #expect(try reopened.read { try $0.get(b("k"), in: orders) } == b("o"))
        }

        @Test("a 16 MiB value round-trips, borrowed and copied")
        func largeValue() throws {
            let dir = try TestDirectory("large")
            defer { dir.remove() }
            let store = try dir.open()
            defer { try? store.close() }
            let cf = try store.defaultColumnFamily()
            let big = (0..<(16 << 20) + 7).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }
            try store.write { try $0.put(b("big"), big, in: cf) }
            #expect(try store.read { try $0.get(b("big"), in: cf) } == big)
            #expect(try store.read { try $0.withValue(forKey: b("big"), in: cf) { $0?.count } } == big.count)
        }

        @Test("a read transaction refuses writes with readOnly")
        func readOnly() throws {
            let dir = try TestDirectory("ro")
            defer { dir.remove() }
            let store = try dir.open()
            defer { try? store.close() }
            let cf = try store.defaultColumnFamily()
            try store.read { txn throws in
                for attempt in [
                    { try txn.put(b("k"), b("v"), in: cf) },
                    { try txn.delete(b("k"), in: cf) },
                    { try txn.deleteRange(.all, in: cf) },
                ] {
                    let error = #expect(throws: StoreError.self) { try attempt() }
                    #expect(error?.code == .readOnly)
                }
            }
            #expect(try store.read { try $0.get(b("k"), in: cf) } == nil)
        }

        @Test("transactions and cursors used after their closure throw transactionFinished")
        func finished() throws {
            let dir = try TestDirectory("finished")
            defer { dir.remove() }
            let store = try dir.open()
            defer { try? store.close() }
            let cf = try store.defaultColumnFamily()
            try store.write { try $0.put(b("k"), b("v"), in: cf) }
            var read: LMDBTransaction?
            var readCursor: LMDBCursor?
            try store.read { txn throws in
                read = txn
                readCursor = try txn.makeCursor(in: cf, range: .all, reverse: false)
                #expect(try readCursor!.next())
            }
            var write: LMDBTransaction?
            var writeCursor: LMDBCursor?
            try store.write { txn throws in
                write = txn
                writeCursor = try txn.makeCursor(in: cf, range: .all, reverse: true)
                #expect(try writeCursor!.next())
            }
            let checks: [() throws -> Void] = [
                { _ = try read!.get(b("k"), in: cf) },
                { _ = try readCursor!.next() },
                { _ = try write!.get(b("k"), in: cf) },
                { try write!.put(b("k"), b("x"), in: cf) },
                { _ = try writeCursor!.next() },
                { _ = try read!.makeCursor(in: cf, range: .all, reverse: false) },
            ]
            for check in checks {
                let error = #expect(throws: StoreError.self) { try check() }
                #expect(error?.code == .transactionFinished)
            }
            #expect(try store.read { try $0.get(b("k"), in: cf) } == b("v"))
        }

        @Test("a throwing write closure rolls back everything")
        func rollback() throws {
            let dir = try TestDirectory("rollback")
            defer { dir.remove() }
            let store = try dir.open()
            defer { try? store.close() }
            let cf = try store.defaultColumnFamily()
            try store.write { try $0.put(b("kept"), b("1"), in: cf) }
            #expect(throws: Abort.self) {
                try store.write { txn throws in
                    try txn.put(b("kept"), b("2"), in: cf)
                    try txn.put(b("new"), b("x"), in: cf)
                    try txn.deleteRange(.all, in: cf)
                    throw Abort()
                }
            }
            #expect(try store.read { try $0.get(b("kept"), in: cf) } == b("1"))
            #expect(try store.read { try $0.get(b("new"), in: cf) } == nil)
        }

        @Test("a nested write on the same thread is refused instead of deadlocking")
        func nestedWrite() throws {
            let dir = try TestDirectory("nested")
            defer { dir.remove() }
            let store = try dir.open()
            defer { try? store.close() }
            try store.write { _ throws in
                let error = #expect(throws: StoreError.self) { try store.write { _ in } }
                #expect(error?.code == .invalidArgument)
                #expect(throws: StoreError.self) { _ = try store.createColumnFamily("inner") }
            }
            try store.write { _ in }
        }

        @Test("the map grows on MDB_MAP_FULL and the write is retried")
        func mapGrowth() throws {
            let dir = try TestDirectory("grow")
            defer { dir.remove() }
            let store = try dir.open(tuning: ["map_size_mb": "1"])
            defer { try? store.close() }
            #expect(store.mapSize == 1 << 20)
            let cf = try store.defaultColumnFamily()
            let value = [UInt8](repeating: 0xAB, count: 1000)
            var runs = 0
            // ~20 MB in batches of 1000 entries, several of them in one transaction.
            for batch in 0..<20 {
                try store.write { txn throws in
                    runs += 1
                    for i in 0..<1000 {
                        var key = b("key-")
                        withUnsafeBytes(of: UInt32(batch * 1000 + i).bigEndian) { key.append(contentsOf: $0) }
                        try txn.put(key, value, in: cf)
                    }
                }
            }
            #expect(runs > 20, "at least one closure must have been retried after growing")
            #expect(store.mapSize >= 16 << 20)
            let count = try store.read { try $0.forEach(in: cf) { _, v in v.count == 1000 } }
            #expect(count == 20_000)
            // One value larger than the whole current map.
            let huge = [UInt8](repeating: 7, count: store.mapSize + 1)
            try store.write { try $0.put(b("huge"), huge, in: cf) }
            #expect(try store.read { try $0.withValue(forKey: b("huge"), in: cf) { $0?.count } } == huge.count)
        }

        @Test("after an LMDB error a write transaction only rolls back; the retry after growth succeeds")
        func failedWriteTransaction() throws {
            let dir = try TestDirectory("failed")
            defer { dir.remove() }
            let store = try dir.open(tuning: ["map_size_mb": "1"])
            defer { try? store.close() }
            let cf = try store.defaultColumnFamily()
            let big = [UInt8](repeating: 1, count: 3 << 20)
            var attempts: [String] = []
            try store.write { txn throws in
                do {
                    try txn.put(b("big"), big, in: cf)
                    attempts.append("stored")
                } catch let error as StoreError {
                    attempts.append(error.code.rawValue)
                    let next = #expect(throws: StoreError.self) { try txn.put(b("small"), b("x"), in: cf) }
                    #expect(next?.code == .transactionFinished)
                    let read = #expect(throws: StoreError.self) { try txn.get(b("big"), in: cf) }
                    #expect(read?.code == .transactionFinished)
                }
            }
            #expect(attempts.first == "full")
            #expect(attempts.last == "stored")
            #expect(try store.read { try $0.get(b("small"), in: cf) } == nil)
            #expect(try store.read { try $0.withValue(forKey: b("big"), in: cf) { $0?.count } } == big.count)
        }

        @Test("the map grows while other threads keep reading")
        func growthWithReaders() async throws {
            let dir = try TestDirectory("growreaders")
            defer { dir.remove() }
            let store = try dir.open(tuning: ["map_size_mb": "1"])
            defer { try? store.close() }
            let cf = try store.defaultColumnFamily()
            try store.write { try $0.put(b("probe"), b("here"), in: cf) }
            try await withThrowingTaskGroup(of: Int.self) { group in
                group.addTask {
                    let value = [UInt8](repeating: 2, count: 4000)
                    for batch in 0..<40 {
                        try store.write { txn throws in
                            for i in 0..<128 { try txn.put(b("w\(batch)-\(i)"), value, in: cf) }
                        }
                    }
                    return 0
                }
                group.addTask {
                    var reads = 0
                    while reads < 5000 {
                        let v = try store.read { try $0.get(b("probe"), in: cf) }
                        #expect(v == b("here"))
                        reads += 1
                    }
                    return reads
                }
                for try await _ in group {}
            }
            #expect(store.mapSize >= 16 << 20)
            #expect(try store.read { try $0.scan(in: cf, range: .prefix(b("w"))).count } == 40 * 128)
        }

        @Test("a read renews a reset transaction and sees every commit before it")
        func renewedReadsSeeLaterCommits() throws {
            let dir = try TestDirectory("renew")
            defer { dir.remove() }
            let store = try dir.open()
            defer { try? store.close() }
            let cf = try store.defaultColumnFamily()
            for i in 0..<300 {
                try store.write { try $0.put(b("counter"), b("\(i)"), in: cf) }
                #expect(try store.read { try $0.get(b("counter"), in: cf) } == b("\(i)"))
                #expect(store.idleReaderCount == 1, "one read at a time reuses one transaction")
            }
        }

        @Test("more concurrent reads than are kept: the surplus is aborted, the rest renewed")
        func concurrentReadsBeyondTheKeptOnes() throws {
            let dir = try TestDirectory("renewmany")
            defer { dir.remove() }
            let store = try dir.open()
            let cf = try store.defaultColumnFamily()
            try store.write { try $0.put(b("k"), b("v0"), in: cf) }
            let readers = LMDBStore.maxIdleReaders + 8
            let entered = DispatchSemaphore(value: 0)
            let release = DispatchSemaphore(value: 0)
            let seen = Mutex<[[UInt8]?]>([])
            let group = DispatchGroup()
            for _ in 0..<readers {
                group.enter()
                Thread.detachNewThread {
                    defer { group.leave() }
                    let value = try? store.read { txn throws in
                        entered.signal()
                        release.wait()
                        return try txn.get(b("k"), in: cf)
                    }
                    seen.withLock { $0.append(value ?? nil) }
                }
            }
            for _ in 0..<readers { entered.wait() }
            // Every reader is inside its transaction: a commit now is later than all of them.
            try store.write { try $0.put(b("k"), b("v1"), in: cf) }
            for _ in 0..<readers { release.signal() }
            group.wait()
            #expect(seen.withLock { $0 } == Array(repeating: b("v0"), count: readers))
            #expect(store.idleReaderCount == LMDBStore.maxIdleReaders)
            #expect(try store.read { try $0.get(b("k"), in: cf) } == b("v1"))
            try store.close()
            #expect(store.idleReaderCount == 0)
            let reopened = try dir.open()
            defer { try? reopened.close() }
            #expect(try reopened.read { try $0.get(b("k"), in: try reopened.defaultColumnFamily()) } == b("v1"))
        }

        @Test("close makes later calls throw closed; closing twice is fine; data survives reopen")
        func closeAndReopen() throws {
            let dir = try TestDirectory("close")
            defer { dir.remove() }
            let store = try dir.open(sync: true)
            let cf = try store.defaultColumnFamily()
            try store.write { txn throws in
                for i in 0..<1000 { try txn.put(b("k\(i)"), b("v\(i)"), in: cf) }
            }
            try store.close()
            try store.close()
            for call in [
                { _ = try store.read { _ in 0 } },
                { _ = try store.write { _ in 0 } },
                { _ = try store.columnFamily("default") },
                { _ = try store.createColumnFamily("x") },
                { _ = try store.columnFamilyNames() },
            ] as [() throws -> Void] {
                let error = #expect(throws: StoreError.self) { try call() }
                #expect(error?.code == .closed)
            }
            let reopened = try dir.open()
            defer { try? reopened.close() }
            let entries = try reopened.read { try $0.scan(in: try reopened.defaultColumnFamily()) }
            #expect(entries.count == 1000)
            #expect(entries.first.map { $0.key == b("k0") && $0.value == b("v0") } == true)
        }

        @Test("options: nil path, unknown tuning, createIfMissing false")
        func openOptions() throws {
            let error = #expect(throws: StoreError.self) { try LMDBStore(options: StoreOptions(path: nil)) }
            #expect(error?.code == .invalidArgument)
            let dir = try TestDirectory("options")
            defer { dir.remove() }
            let unknown = #expect(throws: StoreError.self) { try dir.open(tuning: ["block_cache_mb": "8"]) }
            #expect(unknown?.code == .invalidArgument)
            let badSize = #expect(throws: StoreError.self) { try dir.open(tuning: ["map_size_mb": "lots"]) }
            #expect(badSize?.code == .invalidArgument)
            let missing = #expect(throws: StoreError.self) {
                try LMDBStore(options: StoreOptions(path: dir.path + "/nothing", createIfMissing: false))
            }
            #expect(missing?.code == .notFound)
            // Nested directories are created.
            let nested = try LMDBStore(
                options: StoreOptions(path: dir.path + "/a/b/c", tuning: ["no_readahead": "true"]))
            try nested.close()
            #expect(FileManager.default.fileExists(atPath: dir.path + "/a/b/c/data.mdb"))
        }

        @Test("the descriptor names the backend and reports liblmdb's version")
        func descriptor() throws {
            let d = LMDBStore.descriptor
            #expect(d.name == "lmdb")
            #expect(d.version().hasPrefix("0.9."))
            #expect(d.capabilities.contains(.zeroCopyReads))
            #expect(d.capabilities.contains(.persistent))
            let dir = try TestDirectory("descriptor")
            defer { dir.remove() }
            let store = try d.open(StoreOptions(path: dir.path))
            #expect(store.backendName == "lmdb")
            try store.close()
        }

        @Test("the directory is an ordinary LMDB environment that mdb_stat reads")
        func ordinaryEnvironment() throws {
            let tool = "/usr/bin/mdb_stat"
            guard FileManager.default.isExecutableFile(atPath: tool) else { return }
            let dir = try TestDirectory("stat")
            defer { dir.remove() }
            do {
                let store = try dir.open()
                let users = try store.createColumnFamily("users")
                try store.write { txn throws in
                    for i in 0..<123 { try txn.put(b("u\(i)"), b("x"), in: users) }
                }
                try store.close()
            }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = ["-s", "users", dir.path]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            #expect(output.contains("Entries: 123"), "mdb_stat said: \(output)")
        }

        @Test("readers on other threads see snapshots while a writer commits")
        func concurrentReaders() async throws {
            let dir = try TestDirectory("threads")
            defer { dir.remove() }
            let store = try dir.open()
            defer { try? store.close() }
            let cf = try store.defaultColumnFamily()
            try store.write { txn throws in for i in 0..<100 { try txn.put(b("k\(i)"), b("0"), in: cf) } }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for round in 1...200 {
                        try store.write { txn throws in
                            for i in 0..<100 { try txn.put(b("k\(i)"), b("\(round)"), in: cf) }
                        }
                    }
                }
                for _ in 0..<2 {
                    group.addTask {
                        for _ in 0..<200 {
                            let values = try store.read { txn throws in try txn.scan(in: cf).map(\.value) }
                            #expect(values.count == 100)
                            #expect(Set(values).count == 1, "a reader saw part of a commit")
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
    }
#endif
