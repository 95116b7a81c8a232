#if LMDB
    import Foundation
    import StrataStore
    import Testing

    @testable import StrataLMDB

    /// A temporary directory for one test, removed by `remove()`.
    struct TestDirectory {
        let path: String

        init(_ name: String = "lmdb") throws {
            path = NSTemporaryDirectory() + "strata-lmdb-\(name)-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }

        func remove() { try? FileManager.default.removeItem(atPath: path) }

        func open(sync: Bool = false, tuning: [String: String] = [:]) throws -> LMDBStore {
            try LMDBStore(options: StoreOptions(path: path, sync: sync, tuning: tuning))
        }
    }

    func b(_ s: String) -> [UInt8] { Array(s.utf8) }
#endif
