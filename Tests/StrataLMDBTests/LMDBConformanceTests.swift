#if LMDB
    import StrataLMDB
    import StrataStore
    import StrataStoreTesting
    import Testing

    /// The shared Store contract, run unchanged against LMDBStore.
    @Suite("LMDBStore conformance")
    struct LMDBConformanceTests {
        static let factory = StoreFactory(name: "lmdb") { directory in
            try LMDBStore(options: StoreOptions(path: directory))
        }

        /// The same, starting from a 1 MiB map, so the checks also run through map growth.
        static let smallMapFactory = StoreFactory(name: "lmdb (1 MiB map)") { directory in
            try LMDBStore(options: StoreOptions(path: directory, tuning: ["map_size_mb": "1"]))
        }

        @Test(arguments: StoreConformance.checks)
        func conforms(_ check: ConformanceCheck) throws {
            try Self.run(check, on: Self.factory)
        }

        @Test(arguments: StoreConformance.checks)
        func conformsWhileGrowing(_ check: ConformanceCheck) throws {
            try Self.run(check, on: Self.smallMapFactory)
        }

        /// Runs `check`, repeating only runs that proved nothing: LMDB's 300 commits
        /// in `atomic-visibility` can finish (in a few milliseconds) before the reader
        /// threads are scheduled, which the check reports as "the readers never ran".
        /// A real violation fails at once.
        static func run(_ check: ConformanceCheck, on factory: StoreFactory) throws {
            var attempt = 1
            while true {
                do {
                    return try check.run(on: factory)
                } catch let failure as ConformanceFailure
                    where failure.message.hasSuffix("the readers never ran") && attempt < 20
                {
                    attempt += 1
                }
            }
        }
    }
#endif
