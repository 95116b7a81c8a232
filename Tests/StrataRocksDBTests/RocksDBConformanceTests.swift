#if RocksDB
    import StrataRocksDB
    import StrataStore
    import StrataStoreTesting
    import Testing

    /// The shared Store contract, run unchanged against RocksDBStore.
    @Suite("Conformance suite on RocksDBStore")
    struct RocksDBConformanceTests {
        static let factory = StoreFactory(name: "rocksdb") { dir in
            try RocksDBStore(
                options: StoreOptions(path: dir + "/db", tuning: ["block_cache_mb": "8", "write_buffer_mb": "8"]))
        }

        @Test(arguments: StoreConformance.checks)
        func rocksDBConforms(_ check: ConformanceCheck) throws {
            try check.run(on: Self.factory)
        }
    }
#endif
