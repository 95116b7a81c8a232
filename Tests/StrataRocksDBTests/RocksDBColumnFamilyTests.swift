#if RocksDB
    import Foundation
    import StrataRocksDB
    import StrataStore
    import Testing

    @Suite("RocksDBStore column families and lifecycle")
    struct RocksDBColumnFamilyTests {
        @Test func createListDropAndKeyspacesAreSeparate() throws {
            try withStore { store, _ in
                #expect(try store.columnFamilyNames() == ["default"])
                let users = try store.createColumnFamily("users")
                let orders = try store.createColumnFamily("orders")
                #expect(try store.createColumnFamily("users") === users)
                #expect(try store.columnFamily("users") === users)
                #expect(try store.columnFamilyNames() == ["default", "orders", "users"])
                try store.write { txn throws in
                    try txn.put(bytes("k"), bytes("user"), in: users)
                    try txn.put(bytes("k"), bytes("order"), in: orders)
                }
                try store.read { txn throws in
                    #expect(try txn.get(bytes("k"), in: users) == bytes("user"))
                    #expect(try txn.get(bytes("k"), in: orders) == bytes("order"))
                    #expect(try txn.get(bytes("k"), in: try store.defaultColumnFamily()) == nil)
                }

                try store.dropColumnFamily("users")
                #expect(users.isDropped)
                #expect(try store.columnFamilyNames() == ["default", "orders"])
                #expect(expectCode(.notFound) { _ = try store.columnFamily("users") })
                #expect(expectCode(.notFound) { try store.dropColumnFamily("users") })
                #expect(expectCode(.invalidArgument) { try store.dropColumnFamily("default") })
                #expect(expectCode(.invalidArgument) { _ = try store.createColumnFamily("") })
                #expect(expectCode(.invalidArgument) { _ = try store.createColumnFamily("a/b") })
                // A stale handle stays safe: every operation through it says notFound.
                try store.read { txn throws in
                    #expect(expectCode(.notFound) { _ = try txn.get(bytes("k"), in: users) })
                    #expect(expectCode(.notFound) { _ = try txn.makeCursor(in: users, range: .all, reverse: false) })
                }
                #expect(expectCode(.notFound) { try store.write { try $0.put(bytes("k"), bytes("v"), in: users) } })

                // Re-creating the name gives a new, empty column family.
                let again = try store.createColumnFamily("users")
                #expect(again !== users)
                #expect(try store.read { try $0.get(bytes("k"), in: again) } == nil)
            }
        }

        @Test func columnFamiliesAndDataSurviveReopen() throws {
            try withTemporaryDirectory { dir in
                let path = dir + "/db"
                do {
                    let store = try RocksDBStore(options: StoreOptions(path: path, sync: true))
                    let a = try store.createColumnFamily("alpha")
                    let b = try store.createColumnFamily("beta")
                    _ = try store.createColumnFamily("gone")
                    try store.dropColumnFamily("gone")
                    try store.write { txn throws in
                        try txn.put(bytes("1"), bytes("a1"), in: a)
                        try txn.put(bytes("2"), bytes("b2"), in: b)
                        try txn.put(bytes("d"), bytes("dv"), in: try store.defaultColumnFamily())
                    }
                    try store.close()
                    try store.close()  // twice is fine
                    #expect(expectCode(.closed) { _ = try store.columnFamily("alpha") })
                    #expect(expectCode(.closed) { try store.read { _ in } })
                    #expect(expectCode(.closed) { try store.write { _ in } })
                    #expect(expectCode(.closed) { _ = try store.createColumnFamily("x") })
                    #expect(expectCode(.closed) { _ = try store.columnFamilyNames() })
                }
                let store = try RocksDBStore(options: StoreOptions(path: path))
                defer { try? store.close() }
                #expect(try store.columnFamilyNames() == ["alpha", "beta", "default"])
                let a = try store.columnFamily("alpha")
                let b = try store.columnFamily("beta")
                try store.read { txn throws in
                    #expect(try txn.get(bytes("1"), in: a) == bytes("a1"))
                    #expect(try txn.get(bytes("2"), in: b) == bytes("b2"))
                    #expect(try txn.get(bytes("d"), in: try store.defaultColumnFamily()) == bytes("dv"))
                }
            }
        }

        @Test func handleFromAnotherStoreIsRejected() throws {
            try withStore { one, _ in
                try withStore { two, _ in
                    _ = try one.createColumnFamily("x")
                    let foreign = try one.columnFamily("x")
                    #expect(expectCode(.invalidArgument) { _ = try two.read { try $0.get(bytes("k"), in: foreign) } })
                }
            }
        }

        @Test func closeWhileAReadIsRunningWaitsForIt() throws {
            try withStore { store, _ in
                let cf = try store.defaultColumnFamily()
                try store.write { try $0.put(bytes("k"), bytes("v"), in: cf) }
                try store.read { txn throws in
                    try store.close()
                    // The handles stay valid until this transaction ends.
                    #expect(try txn.get(bytes("k"), in: cf) == bytes("v"))
                    #expect(expectCode(.closed) { try store.read { _ in } })
                }
            }
        }

        @Test func directoryIsAnOrdinaryRocksDBDatabase() throws {
            let ldb = ["/usr/bin/ldb", "/usr/local/bin/ldb"].first { FileManager.default.isExecutableFile(atPath: $0) }
            try withTemporaryDirectory { dir in
                let path = dir + "/db"
                let store = try RocksDBStore(options: StoreOptions(path: path))
                let cf = try store.createColumnFamily("things")
                try store.write { txn throws in
                    try txn.put(bytes("apple"), bytes("red"), in: cf)
                    try txn.put(bytes("banana"), bytes("yellow"), in: cf)
                }
                try store.close()
                let files = try FileManager.default.contentsOfDirectory(atPath: path)
                #expect(files.contains("CURRENT"))
                #expect(files.contains { $0.hasPrefix("OPTIONS-") })
                guard let ldb else { return }  // rocksdb-tools not installed: the file check above must do
                let process = Process()
                process.executableURL = URL(fileURLWithPath: ldb)
                process.arguments = ["--db=\(path)", "scan", "--column_family=things"]
                let pipe = Pipe()
                process.standardOutput = pipe
                process.standardError = Pipe()
                try process.run()
                let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                #expect(process.terminationStatus == 0)
                #expect(output.contains("apple : red"), "ldb printed: \(output)")
                #expect(output.contains("banana : yellow"), "ldb printed: \(output)")
            }
        }
    }
#endif
