#if RocksDB
    import Foundation
    import StrataStore
    import Testing

    @testable import StrataRocksDB

    @Suite("RocksDB error mapping and failed transactions")
    struct RocksDBErrorTests {
        @Test(arguments: [
            ("Corruption: block checksum mismatch", StoreError.Code.corrupt),
            ("IO error: No space left on device: /x/000012.log", .full),
            ("IO error: While open a file for appending: /x: Permission denied", .io),
            ("Resource busy: ", .conflict),
            ("Operation failed. Try again.: Transaction could not check for conflicts", .conflict),
            ("Invalid argument: Column family not found", .invalidArgument),
            ("Not implemented: something", .io),
        ])
        func statusTextMapsToCode(text: String, code: StoreError.Code) {
            #expect(RocksDBError.code(for: text) == code)
        }

        @Test func takeFreesAndKeepsTheMessage() {
            let text = "Corruption: bad block"
            let p = strdupForTest(text)
            let e = RocksDBError.take(p, "get")
            #expect(e.code == .corrupt)
            #expect(e.message == "get: Corruption: bad block")
        }

        /// After RocksDB reported an error, the write transaction can only roll
        /// back: further operations throw and returning does not commit.
        @Test func writeTransactionThatFailedCanOnlyRollBack() throws {
            try withStore { store, _ in
                let cf = try store.defaultColumnFamily()
                do {
                    try store.writeOnce { txn throws in
                        try txn.put(bytes("a"), bytes("1"), in: cf)
                        _ = txn.fail(StoreError(.io, "injected"))
                        #expect(expectCode(.transactionFinished) { try txn.put(bytes("b"), bytes("2"), in: cf) })
                        #expect(expectCode(.transactionFinished) { _ = try txn.get(bytes("a"), in: cf) })
                        // The closure swallows the error and returns normally.
                    }
                    Issue.record("a failed transaction committed")
                } catch let e as StoreError {
                    #expect(e.code == .io)
                    #expect(e.message == "injected")
                }
                #expect(try store.read { try $0.get(bytes("a"), in: cf) } == nil)
                // A read transaction is not poisoned by `fail`.
                try store.read { txn throws in
                    _ = txn.fail(StoreError(.io, "injected"))
                    #expect(try txn.get(bytes("a"), in: cf) == nil)
                }
            }
        }
    }

    /// A malloc'd copy, as RocksDB hands out error texts (`take` frees it with `rocksdb_free`).
    private func strdupForTest(_ s: String) -> UnsafeMutablePointer<CChar> {
        strdup(s)!
    }
#endif
