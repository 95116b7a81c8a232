#if RocksDB
    import CRocksDB
    import StrataStore
    import Synchronization

    #if canImport(Glibc)
        import Glibc
    #elseif canImport(Darwin)
        import Darwin
    #endif

    /// A `Store` on a RocksDB OptimisticTransactionDB.
    ///
    /// - Column families are RocksDB column families; every one found on disk is
    ///   opened with the store.
    /// - `read` runs over a RocksDB snapshot; `writeOnce` runs an optimistic
    ///   transaction whose snapshot is taken at its start, so a commit that lost
    ///   to another writer throws `conflict` and `write` retries it.
    /// - Tuning keys: `block_cache_mb` (LRU block cache, default 64, 0 = none),
    ///   `write_buffer_mb` (memtable size, default 64), `bloom_bits` (bloom filter
    ///   bits per key, default 10, 0 = no filter), `compression` (table-file
    ///   compression: `none`, `snappy`, `zlib`, `bz2`, `lz4`, `lz4hc`, `zstd`;
    ///   default RocksDB's own, snappy).
    ///
    /// Thread safety: `rocksdb_optimistictransactiondb_t` is thread-safe. The
    /// mutable store state (column family names, open/closed, the count of active
    /// transactions) is guarded by `state`, a `Mutex`; the id → handle table is
    /// written only under that mutex and read lock-free (see `HandleTable`).
    public final class RocksDBStore: Store, @unchecked Sendable {
        public typealias ReadTxn = RocksDBTransaction
        public typealias WriteTxn = RocksDBTransaction

        /// Registers the backend as `rocksdb`.
        public static let descriptor = BackendDescriptor(
            name: "rocksdb",
            summary: "RocksDB OptimisticTransactionDB (LSM tree) through its C API",
            capabilities: capabilitiesValue,
            version: { RocksDBVersion.library },
            open: { try RocksDBStore(options: $0) }
        )

        /// Delete-range is a scan and delete inside the optimistic transaction
        /// (the C API has no transactional delete-range), so it is not claimed as
        /// native.
        static let capabilitiesValue: StoreCapabilities = [.optimisticWrites, .persistent]

        /// The tuning keys this backend reads.
        public static let tuningKeys: Set<String> = ["block_cache_mb", "write_buffer_mb", "bloom_bits", "compression"]

        /// The `compression` tuning values and RocksDB's constants for them.
        static let compressionTypes: [String: Int32] = [
            "none": Int32(rocksdb_no_compression), "snappy": Int32(rocksdb_snappy_compression),
            "zlib": Int32(rocksdb_zlib_compression), "bz2": Int32(rocksdb_bz2_compression),
            "lz4": Int32(rocksdb_lz4_compression), "lz4hc": Int32(rocksdb_lz4hc_compression),
            "zstd": Int32(rocksdb_zstd_compression),
        ]

        public var backendName: String { "rocksdb" }
        public var capabilities: StoreCapabilities { Self.capabilitiesValue }
        public let options: StoreOptions

        // Raw handles; owned by this object, freed by `teardown()`.
        let db: OpaquePointer  // rocksdb_optimistictransactiondb_t
        let baseDB: OpaquePointer  // rocksdb_t wrapper from get_base_db
        private let dbOptions: OpaquePointer  // rocksdb_options_t (also used for every column family)
        private let cache: OpaquePointer?  // rocksdb_cache_t
        let writeOptions: OpaquePointer  // rocksdb_writeoptions_t
        let txnOptions: OpaquePointer  // rocksdb_optimistictransaction_options_t, set_snapshot = 1
        let handles = HandleTable()
        /// One spare `rocksdb_writebatch_t` (cleared) and one spare
        /// `rocksdb_readoptions_t` (no snapshot, no bounds), handed from a
        /// finished transaction to the next so a one-operation transaction does
        /// not allocate and free them each time. Taken and returned with an
        /// atomic exchange; when two threads want one, the loser creates its own.
        private let spareBatch = Atomic<OpaquePointer?>(nil)
        private let spareReadOptions = Atomic<OpaquePointer?>(nil)
        /// Commits so far (blind or transactional), counted after each is visible.
        private let commits = Atomic<UInt64>(0)
        /// The snapshot read transactions share while `commits` stays at its generation.
        private let snapshotCache = Mutex<SharedSnapshot?>(nil)
        /// Whether `snapshotCache` may hold a snapshot (read without the lock by committers).
        private let snapshotCached = Atomic<Bool>(false)
        /// Batches larger than this are freed rather than kept as the spare.
        private static let spareBatchLimit = 1 << 20

        private struct State {
            var families: [String: ColumnFamily] = [:]
            /// Every handle ever handed out, dropped ones included, so `Unmanaged`
            /// references in `handles` stay valid until close.
            var all: [ColumnFamily] = []
            var closed = false
            var tornDown = false
            var activeTransactions = 0
        }
        private let state = Mutex(State())

        /// Opens (or creates) the database at `options.path`.
        ///
        /// Throws `invalidArgument` for a missing path or unknown/invalid tuning,
        /// and the mapped RocksDB error when the database cannot be opened.
        public init(options: StoreOptions) throws {
            try options.checkTuningKeys(Self.tuningKeys, backend: "rocksdb")
            guard let path = options.path, !path.isEmpty else {
                throw StoreError(.invalidArgument, "the rocksdb backend needs a path (it has no in-memory mode)")
            }
            let cacheMB = try options.tuningInt("block_cache_mb", default: 64)
            let bufferMB = try options.tuningInt("write_buffer_mb", default: 64)
            let bloomBits = try options.tuningInt("bloom_bits", default: 10)
            guard bufferMB > 0 else { throw StoreError(.invalidArgument, "tuning 'write_buffer_mb' must be positive") }
            guard cacheMB <= 1 << 20, bufferMB <= 1 << 16, bloomBits <= 64 else {
                throw StoreError(.invalidArgument, "tuning value out of range: \(options.tuning)")
            }
            let compression = try options.tuning["compression"].map { name in
                guard let type = Self.compressionTypes[name] else {
                    throw StoreError(
                        .invalidArgument,
                        "tuning 'compression' must be one of \(Self.compressionTypes.keys.sorted().joined(separator: ", ")), got '\(name)'"
                    )
                }
                return type
            }
            self.options = options

            let opts = rocksdb_options_create()!
            if let compression { rocksdb_options_set_compression(opts, compression) }
            rocksdb_options_set_create_if_missing(opts, options.createIfMissing ? 1 : 0)
            rocksdb_options_set_create_missing_column_families(opts, 1)
            rocksdb_options_set_write_buffer_size(opts, bufferMB << 20)
            // OptimisticTransactionDB keeps memtable history for validation only for
            // the column families named at open; set it for the ones created later too,
            // or transactions spanning a memtable flush fail validation as conflicts.
            rocksdb_options_set_max_write_buffer_size_to_maintain(opts, -1)
            let table = rocksdb_block_based_options_create()!
            var cache: OpaquePointer? = nil
            if cacheMB > 0 {
                cache = rocksdb_cache_create_lru(cacheMB << 20)
                rocksdb_block_based_options_set_block_cache(table, cache)
            } else {
                rocksdb_block_based_options_set_no_block_cache(table, 1)
            }
            if bloomBits > 0 {
                // The table options take ownership of the policy.
                rocksdb_block_based_options_set_filter_policy(
                    table, rocksdb_filterpolicy_create_bloom_full(Double(bloomBits)))
            }
            rocksdb_options_set_block_based_table_factory(opts, table)
            rocksdb_block_based_options_destroy(table)

            // Existing column families must all be named when opening.
            var names = ["default"]
            var err: UnsafeMutablePointer<CChar>? = nil
            var n = 0
            if let list = rocksdb_list_column_families(opts, path, &n, &err) {
                names = (0..<n).map { String(cString: list[$0]!) }
                rocksdb_list_column_families_destroy(list, n)
                if !names.contains("default") { names.insert("default", at: 0) }
            }
            if let e = err {
                // No database there yet: that is fine when we may create one.
                err = nil
                let error = RocksDBError.take(e, "listing column families in \(path)")
                if !options.createIfMissing {
                    rocksdb_options_destroy(opts)
                    if let cache { rocksdb_cache_destroy(cache) }
                    throw error
                }
            }

            var handleArray = [OpaquePointer?](repeating: nil, count: names.count)
            let optionArray = [OpaquePointer?](repeating: opts, count: names.count)
            var cNames = names.map { strdup($0) }
            defer { for p in cNames { free(p) } }
            let opened: OpaquePointer? = cNames.withUnsafeMutableBufferPointer { nameBuf in
                nameBuf.withMemoryRebound(to: UnsafePointer<CChar>?.self) { constNames in
                    optionArray.withUnsafeBufferPointer { optBuf in
                        handleArray.withUnsafeMutableBufferPointer { hBuf in
                            rocksdb_optimistictransactiondb_open_column_families(
                                opts, path, Int32(names.count), constNames.baseAddress, optBuf.baseAddress,
                                hBuf.baseAddress, &err)
                        }
                    }
                }
            }
            if let e = err {
                rocksdb_options_destroy(opts)
                if let cache { rocksdb_cache_destroy(cache) }
                throw RocksDBError.take(e, "opening \(path)")
            }
            guard let opened else {
                rocksdb_options_destroy(opts)
                if let cache { rocksdb_cache_destroy(cache) }
                throw StoreError(.io, "opening \(path): RocksDB returned no database")
            }

            self.db = opened
            self.baseDB = rocksdb_optimistictransactiondb_get_base_db(opened)
            self.dbOptions = opts
            self.cache = cache
            self.writeOptions = rocksdb_writeoptions_create()
            rocksdb_writeoptions_set_sync(writeOptions, options.sync ? 1 : 0)
            self.txnOptions = rocksdb_optimistictransaction_options_create()
            rocksdb_optimistictransaction_options_set_set_snapshot(txnOptions, 1)

            let handles = self.handles
            try state.withLock { s in
                for (name, h) in zip(names, handleArray) {
                    let cf = ColumnFamily(name: name, id: UInt64(handles.nextID))
                    try handles.insert(h!, cf)
                    s.families[name] = cf
                    s.all.append(cf)
                }
            }
        }

        deinit {
            try? close()
        }

        // MARK: Column families

        /// The existing column family `name`. Throws `notFound` or `closed`.
        public func columnFamily(_ name: String) throws -> ColumnFamily {
            try state.withLock { s in
                guard !s.closed else { throw closedError() }
                guard let cf = s.families[name] else {
                    throw StoreError(.notFound, "no column family '\(name)'")
                }
                return cf
            }
        }

        /// Creates column family `name`, or returns it when it exists.
        /// Throws `invalidArgument` for a bad name, `closed`, or the RocksDB error.
        public func createColumnFamily(_ name: String) throws -> ColumnFamily {
            try ColumnFamily.validate(name: name)
            return try state.withLock { s in
                guard !s.closed else { throw closedError() }
                if let cf = s.families[name] { return cf }
                var err: UnsafeMutablePointer<CChar>? = nil
                let h = rocksdb_create_column_family(baseDB, dbOptions, name, &err)
                if let err { throw RocksDBError.take(err, "creating column family '\(name)'") }
                guard let h else { throw StoreError(.io, "creating column family '\(name)': no handle") }
                let cf = ColumnFamily(name: name, id: UInt64(handles.nextID))
                do {
                    try handles.insert(h, cf)
                } catch {
                    rocksdb_column_family_handle_destroy(h)
                    throw error
                }
                s.families[name] = cf
                s.all.append(cf)
                return cf
            }
        }

        /// Drops column family `name` and its data. Handles to it stay safe to
        /// hold (operations through them throw `notFound`); the RocksDB handle is
        /// kept until close. Throws `notFound`, `invalidArgument` for the default
        /// column family, `closed`, or the RocksDB error.
        public func dropColumnFamily(_ name: String) throws {
            try state.withLock { s in
                guard !s.closed else { throw closedError() }
                guard name != ColumnFamily.defaultName else {
                    throw StoreError(.invalidArgument, "the default column family cannot be dropped")
                }
                guard let cf = s.families[name] else { throw StoreError(.notFound, "no column family '\(name)'") }
                let h = try handles.handle(for: cf)
                var err: UnsafeMutablePointer<CChar>? = nil
                rocksdb_drop_column_family(baseDB, h, &err)
                if let err { throw RocksDBError.take(err, "dropping column family '\(name)'") }
                s.families[name] = nil
                cf.markDropped()
            }
        }

        /// The names of every column family, sorted. Throws `closed`.
        public func columnFamilyNames() throws -> [String] {
            try state.withLock { s in
                guard !s.closed else { throw closedError() }
                return s.families.keys.sorted()
            }
        }

        // MARK: Transactions

        /// Runs `body` over one RocksDB snapshot. Throws `closed`, and whatever
        /// `body` throws.
        public func read<R>(_ body: (RocksDBTransaction) throws -> R) throws -> R {
            try enter()
            defer { leave() }
            let txn = RocksDBTransaction(readingFrom: self)
            defer { txn.finish() }
            return try body(txn)
        }

        /// Runs `body` once in an optimistic transaction: commits when it
        /// returns, rolls back when it throws. Throws `conflict` when another
        /// writer changed a key this one read or wrote, `closed`, the RocksDB
        /// commit error, and whatever `body` throws.
        public func writeOnce<R>(_ body: (RocksDBTransaction) throws -> R) throws -> R {
            try enter()
            defer { leave() }
            let txn = RocksDBTransaction(writingTo: self)
            let result: R
            do {
                result = try body(txn)
            } catch {
                txn.finish()
                throw error
            }
            try txn.commit()
            return result
        }

        /// Counts a transaction in; throws `closed` once `close()` was called.
        @inline(__always)
        private func enter() throws {
            try state.withLock { s in
                guard !s.closed else { throw closedError() }
                s.activeTransactions += 1
            }
        }

        /// Counts a transaction out; the last one out after `close()` tears down.
        @inline(__always)
        private func leave() {
            state.withLock { s in
                s.activeTransactions -= 1
                if s.closed, s.activeTransactions == 0, !s.tornDown { teardown(&s) }
            }
        }

        // MARK: Shared read snapshots

        /// The snapshot for a read transaction beginning now: the cached one when
        /// no write has committed since it was taken, else a new one (cached).
        ///
        /// Why sharing is correct: `didCommit` counts a commit only after
        /// RocksDB made it visible, and a snapshot is cached under the count its
        /// maker read before creating it, so every commit counted by then is in
        /// it. A reader that begins after a commit returned reads a count that
        /// includes it, and gets either a snapshot cached under that count
        /// (made after the commit was visible) or a new one. Readers of one
        /// snapshot see one consistent state, as readers of separate snapshots
        /// taken at the same moment would.
        func readSnapshot() -> SharedSnapshot {
            let generation = commits.load(ordering: .acquiring)
            // The replaced snapshot is returned so it is released outside the lock.
            let (snapshot, _) = snapshotCache.withLock { cached -> (SharedSnapshot, SharedSnapshot?) in
                if let c = cached, c.generation == generation { return (c, nil) }
                let s = SharedSnapshot(db: baseDB, generation: generation)
                let replaced = cached
                cached = s
                snapshotCached.store(true, ordering: .relaxed)
                return (s, replaced)
            }
            return snapshot
        }

        /// Counts a visible commit and drops the cached snapshot, which no new
        /// reader can use any more, so it does not pin old versions of the keys
        /// a write-only stretch overwrites (readers still on it keep it alive).
        @inline(__always)
        func didCommit() {
            commits.add(1, ordering: .acquiringAndReleasing)
            guard snapshotCached.load(ordering: .relaxed) else { return }
            let stale = snapshotCache.withLock { cached -> SharedSnapshot? in
                snapshotCached.store(false, ordering: .relaxed)
                defer { cached = nil }
                return cached
            }
            _ = stale  // released outside the lock
        }

        // MARK: Spare handles

        @inline(__always)
        func takeBatch() -> OpaquePointer {
            spareBatch.exchange(nil, ordering: .acquiring) ?? rocksdb_writebatch_create()
        }

        @inline(__always)
        func returnBatch(_ batch: OpaquePointer) {
            var size = 0
            _ = rocksdb_writebatch_data(batch, &size)
            if size <= Self.spareBatchLimit {
                rocksdb_writebatch_clear(batch)
                guard let old = spareBatch.exchange(batch, ordering: .acquiringAndReleasing) else { return }
                rocksdb_writebatch_destroy(old)
            } else {
                rocksdb_writebatch_destroy(batch)
            }
        }

        @inline(__always)
        func takeReadOptions() -> OpaquePointer {
            spareReadOptions.exchange(nil, ordering: .acquiring) ?? rocksdb_readoptions_create()
        }

        /// Takes back read options that carry no bounds (a transaction's own,
        /// never an iterator's); clears their snapshot.
        @inline(__always)
        func returnReadOptions(_ options: OpaquePointer) {
            rocksdb_readoptions_set_snapshot(options, nil)
            guard let old = spareReadOptions.exchange(options, ordering: .acquiringAndReleasing) else { return }
            rocksdb_readoptions_destroy(old)
        }

        private func closedError() -> StoreError {
            StoreError(.closed, "the rocksdb store at \(options.path ?? "") is closed")
        }

        // MARK: Closing

        /// Syncs the write-ahead log and closes the database. When transactions
        /// are still running on other threads, the handles are released when the
        /// last of them ends. Later calls to the store throw `closed`; closing
        /// twice is allowed. Throws the RocksDB error of the final WAL sync.
        public func close() throws {
            let err: StoreError? = state.withLock { s in
                guard !s.closed else { return nil }
                s.closed = true
                var failure: StoreError? = nil
                var e: UnsafeMutablePointer<CChar>? = nil
                rocksdb_flush_wal(baseDB, 1, &e)
                if let e { failure = RocksDBError.take(e, "syncing the write-ahead log") }
                if s.activeTransactions == 0 { teardown(&s) }
                return failure
            }
            if let err { throw err }
        }

        /// Destroys the handles: column families, then the database, then options.
        private func teardown(_ s: inout State) {
            s.tornDown = true
            // No reader is left, so dropping the cache releases the shared
            // snapshot, which must go before the database.
            snapshotCache.withLock { $0 = nil }
            handles.destroyAll()
            rocksdb_optimistictransactiondb_close_base_db(baseDB)
            rocksdb_optimistictransactiondb_close(db)
            rocksdb_optimistictransaction_options_destroy(txnOptions)
            rocksdb_writeoptions_destroy(writeOptions)
            if let b = spareBatch.exchange(nil, ordering: .acquiring) { rocksdb_writebatch_destroy(b) }
            if let r = spareReadOptions.exchange(nil, ordering: .acquiring) { rocksdb_readoptions_destroy(r) }
            rocksdb_options_destroy(dbOptions)
            if let cache { rocksdb_cache_destroy(cache) }
            s.families = [:]
            s.all = []
        }
    }

    /// A RocksDB snapshot shared by read transactions; released when the last
    /// of them and the store's cache let go of it (always before the store
    /// closes the database: readers hold it only inside their transaction).
    final class SharedSnapshot: @unchecked Sendable {
        let pointer: OpaquePointer
        let generation: UInt64
        private let db: OpaquePointer

        init(db: OpaquePointer, generation: UInt64) {
            self.db = db
            self.generation = generation
            self.pointer = rocksdb_create_snapshot(db)
        }

        deinit { rocksdb_release_snapshot(db, pointer) }
    }
#endif
