#if RocksDB
    import Foundation
    import StrataRocksDB
    import StrataStore

    /// A fresh temporary directory, removed when the test's closure ends.
    func withTemporaryDirectory<R>(_ body: (String) throws -> R) throws -> R {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("strata-rocksdb-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        return try body(dir)
    }

    /// A store opened in a fresh temporary directory (small caches), closed and
    /// removed when `body` ends.
    func withStore<R>(tuning: [String: String] = [:], _ body: (RocksDBStore, String) throws -> R) throws -> R {
        try withTemporaryDirectory { dir in
            let path = dir + "/db"
            let store = try RocksDBStore(options: StoreOptions(path: path, tuning: tuning))
            defer { try? store.close() }
            return try body(store, path)
        }
    }

    func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    /// Expects `body` to throw a `StoreError` with `code`.
    func expectCode(_ code: StoreError.Code, _ body: () throws -> Void) -> Bool {
        do {
            try body()
            return false
        } catch let e as StoreError {
            return e.code == code
        } catch {
            return false
        }
    }
#endif
