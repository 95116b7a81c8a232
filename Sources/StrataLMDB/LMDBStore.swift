#if LMDB
    import CLMDB
    import StrataStore
    import Synchronization

    #if canImport(Glibc)
        import Glibc
    #elseif canImport(Darwin)
        import Darwin
    #endif

    /// The LMDB backend: one environment in a directory, one named database per
    /// column family.
    ///
    /// ```
    /// <path>/data.mdb   the B+trees (memory-mapped)
    /// <path>/lock.mdb   reader table and writer mutex
    ///
    /// main (unnamed) database:  <column family name> → named database record
    /// named database "default": always present
    /// ```
    ///
    /// Reads borrow the memory map directly (``StoreCapabilities/zeroCopyReads``).
    /// One writer at a time (LMDB's own mutex); readers never block it. When a
    /// write fails with `MDB_MAP_FULL` the map is doubled and the write closure runs
    /// again, so callers only see `full` when the disk is.
    ///
    /// `@unchecked Sendable`: `env` is an `MDB_env`, which LMDB allows to be shared
    /// between threads (opened with `MDB_NOTLS`); its lifetime and resizing are
    /// guarded by `gate` (a `Mutex`-based readers–writer gate); the column-family
    /// table is behind the `catalog` `Mutex`; `writerThread` is an `Atomic`.
    /// Every other stored property is an immutable `let`.
    public final class LMDBStore: Store, @unchecked Sendable {
        public typealias ReadTxn = LMDBTransaction
        public typealias WriteTxn = LMDBTransaction

        /// How ``LMDBStore`` registers itself.
        public static let descriptor = BackendDescriptor(
            name: "lmdb",
            summary: "LMDB: a memory-mapped copy-on-write B+tree, one writer, zero-copy reads",
            capabilities: capabilitySet,
            version: { LMDBStore.libraryVersion },
            open: { options in try LMDBStore(options: options) }
        )

        /// The tuning keys this backend reads.
        public static let tuningKeys: Set<String> = ["map_size_mb", "max_readers", "no_readahead"]

        /// The version of liblmdb in use, from `mdb_version`.
        public static var libraryVersion: String {
            var major: Int32 = 0
            var minor: Int32 = 0
            var patch: Int32 = 0
            _ = mdb_version(&major, &minor, &patch)
            return "\(major).\(minor).\(patch)"
        }

        static let capabilitySet: StoreCapabilities = [.zeroCopyReads, .persistent]
        /// Named databases the environment can hold (column families plus room).
        static let maxDatabases: UInt32 = 1024
        /// Growth gives up after this many doublings for one write.
        static let maxGrowthAttempts = 24
        /// How long map growth and close wait for transactions in flight.
        static let drainTimeout = 30.0

        public var backendName: String { "lmdb" }
        public var capabilities: StoreCapabilities { Self.capabilitySet }
        public let options: StoreOptions

        private let env: OpaquePointer
        private let mainDatabase: MDB_dbi
        private let maxKeySize: Int
        private let gate = TransactionGate(maxIdleReaders: LMDBStore.maxIdleReaders)
        private let catalog: Mutex<Catalog>
        /// `pthread_self()` of the thread inside a write closure, or 0; catches a
        /// nested write, which would otherwise deadlock on LMDB's writer mutex.
        private let writerThread = Atomic<UInt>(0)
        /// At most this many reset read transactions are kept for renewal (see
        /// ``TransactionGate``).
        static let maxIdleReaders = 16
        /// Reset read transactions waiting to be renewed (for tests).
        var idleReaderCount: Int { gate.idleReaderCount }

        private struct Catalog {
            var byName: [String: ColumnFamily] = [:]
            /// Bumped for every handle made, so handle ids stay unique although LMDB
            /// reuses the `dbi` slots of dropped databases.
            var generation: UInt64 = 0

            mutating func handle(_ name: String, _ dbi: MDB_dbi) -> ColumnFamily {
                if let existing = byName[name] { return existing }
                generation += 1
                let cf = ColumnFamily(name: name, id: generation << 32 | UInt64(dbi))
                byName[name] = cf
                return cf
            }
        }

        /// Opens (or creates) the environment in directory `options.path`.
        ///
        /// Tuning: `map_size_mb` (initial map size, default 1024; it grows on demand),
        /// `max_readers` (default 126), `no_readahead` (`true`/`false`, default false).
        /// Throws `invalidArgument` for a nil path or bad tuning, `notFound` when the
        /// directory holds no environment and `createIfMissing` is false, and `io`,
        /// `corrupt` or `full` from LMDB.
        public init(options: StoreOptions) throws {
            try options.checkTuningKeys(Self.tuningKeys, backend: "lmdb")
            guard let path = options.path, !path.isEmpty else {
                throw StoreError(.invalidArgument, "lmdb needs a directory path; it has no in-memory mode")
            }
            let mapSizeMB = try options.tuningInt("map_size_mb", default: 1024)
            guard mapSizeMB > 0, mapSizeMB <= 1 << 30 else {
                throw StoreError(
                    .invalidArgument, "tuning 'map_size_mb' must be between 1 and \(1 << 30), got \(mapSizeMB)")
            }
            let maxReaders = try options.tuningInt("max_readers", default: 126)
            guard maxReaders > 0, maxReaders <= Int(Int32.max) else {
                throw StoreError(.invalidArgument, "tuning 'max_readers' must be positive, got \(maxReaders)")
            }
            let noReadahead: Bool
            switch options.tuning["no_readahead"] ?? "false" {
            case "true", "1": noReadahead = true
            case "false", "0": noReadahead = false
            case let other:
                throw StoreError(.invalidArgument, "tuning 'no_readahead' must be true or false, got '\(other)'")
            }
            try Self.prepareDirectory(path, create: options.createIfMissing)

            var made: OpaquePointer?
            var rc = mdb_env_create(&made)
            guard rc == 0, let env = made else { throw storeError(lmdb: rc, "create environment") }
            do {
                rc = mdb_env_set_maxdbs(env, MDB_dbi(Self.maxDatabases))
                if rc != 0 { throw storeError(lmdb: rc, "set max databases") }
                rc = mdb_env_set_maxreaders(env, UInt32(maxReaders))
                if rc != 0 { throw storeError(lmdb: rc, "set max readers") }
                rc = mdb_env_set_mapsize(env, mapSizeMB << 20)
                if rc != 0 { throw storeError(lmdb: rc, "set map size") }
                var flags = UInt32(MDB_NOTLS)
                if !options.sync { flags |= UInt32(MDB_NOSYNC) }
                if noReadahead { flags |= UInt32(MDB_NORDAHEAD) }
                rc = mdb_env_open(env, path, flags, 0o644)
                if rc != 0 { throw storeError(lmdb: rc, "open environment at \(path)") }
                // Free reader slots left by processes that died.
                var dead: Int32 = 0
                _ = mdb_reader_check(env, &dead)
                let (main, names) = try Self.openDatabases(env)
                self.env = env
                self.mainDatabase = main
                self.maxKeySize = Int(mdb_env_get_maxkeysize(env))
                var table = Catalog()
                for (name, dbi) in names { _ = table.handle(name, dbi) }
                self.catalog = Mutex(table)
                self.options = options
            } catch {
                mdb_env_close(env)
                throw error
            }
        }

        deinit {
            _ = try? gate.close(timeout: 0) {
                abortIdleReaders()
                mdb_env_close(env)
            }
        }

        /// Creates `path` (and missing parents) when asked to; otherwise requires an
        /// environment to be there.
        private static func prepareDirectory(_ path: String, create: Bool) throws {
            var info = stat()
            if stat(path, &info) == 0 {
                guard info.st_mode & S_IFMT == S_IFDIR else {
                    throw StoreError(.invalidArgument, "lmdb path \(path) is not a directory")
                }
                if !create && access(path + "/data.mdb", F_OK) != 0 {
                    throw StoreError(.notFound, "no LMDB environment in \(path)")
                }
                return
            }
            guard create else { throw StoreError(.notFound, "no LMDB environment at \(path)") }
            var prefix = path.hasPrefix("/") ? "" : "."
            for component in path.split(separator: "/") {
                prefix += "/" + component
                if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                    throw storeError(lmdb: errno, "create directory \(prefix)")
                }
            }
        }

        /// In one write transaction: opens the main database, every named database
        /// listed in it, and creates `default`.
        private static func openDatabases(_ env: OpaquePointer) throws -> (MDB_dbi, [(String, MDB_dbi)]) {
            var txn: OpaquePointer?
            var rc = mdb_txn_begin(env, nil, 0, &txn)
            guard rc == 0, let txn else { throw storeError(lmdb: rc, "begin transaction") }
            var committed = false
            defer { if !committed { mdb_txn_abort(txn) } }
            var main: MDB_dbi = 0
            rc = mdb_dbi_open(txn, nil, 0, &main)
            if rc != 0 { throw storeError(lmdb: rc, "open main database") }
            var names = try listNames(txn, main)
            if !names.contains(ColumnFamily.defaultName) { names.append(ColumnFamily.defaultName) }
            var opened: [(String, MDB_dbi)] = []
            for name in names {
                var dbi: MDB_dbi = 0
                rc = mdb_dbi_open(txn, name, UInt32(MDB_CREATE), &dbi)
                // A key of the main database that is not a database (MDB_INCOMPATIBLE) is not ours to list.
                if rc == MDB_INCOMPATIBLE { continue }
                if rc != 0 { throw storeError(lmdb: rc, "open database '\(name)'") }
                opened.append((name, dbi))
            }
            committed = true
            rc = mdb_txn_commit(txn)
            if rc != 0 { throw storeError(lmdb: rc, "commit") }
            return (main, opened)
        }

        /// The keys of the main database: the names of the named databases.
        private static func listNames(_ txn: OpaquePointer, _ main: MDB_dbi) throws -> [String] {
            var cursor: OpaquePointer?
            var rc = mdb_cursor_open(txn, main, &cursor)
            guard rc == 0, let cursor else { throw storeError(lmdb: rc, "open cursor") }
            defer { mdb_cursor_close(cursor) }
            var names: [String] = []
            var k = MDB_val()
            var v = MDB_val()
            rc = mdb_cursor_get(cursor, &k, &v, MDB_FIRST)
            while rc == 0 {
                names.append(
                    String(decoding: UnsafeRawBufferPointer(start: k.mv_data, count: k.mv_size), as: UTF8.self))
                rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT)
            }
            if rc != MDB_NOTFOUND { throw storeError(lmdb: rc, "list databases") }
            return names
        }

        // MARK: Column families

        public func columnFamily(_ name: String) throws -> ColumnFamily {
            try checkOpen()
            guard let cf = catalog.withLock({ $0.byName[name] }) else {
                throw StoreError(.notFound, "lmdb: no column family '\(name)'")
            }
            return cf
        }

        public func createColumnFamily(_ name: String) throws -> ColumnFamily {
            try ColumnFamily.validate(name: name)
            try checkOpen()
            if let cf = catalog.withLock({ $0.byName[name] }) { return cf }
            // mdb_dbi_open must not run in two transactions at once; the write
            // transaction's mutex serializes it.
            return try withRawWrite("create column family '\(name)'") { txn in
                if let cf = catalog.withLock({ $0.byName[name] }) { return (cf, nil) }
                var dbi: MDB_dbi = 0
                let rc = mdb_dbi_open(txn, name, UInt32(MDB_CREATE), &dbi)
                if rc != 0 { throw storeError(lmdb: rc, "create column family '\(name)'") }
                return (nil, dbi)
            } after: { found, dbi in
                if let found { return found }
                return catalog.withLock { $0.handle(name, dbi!) }
            }
        }

        public func dropColumnFamily(_ name: String) throws {
            try ColumnFamily.validate(name: name)
            if name == ColumnFamily.defaultName {
                throw StoreError(.invalidArgument, "lmdb: the default column family cannot be dropped")
            }
            try checkOpen()
            let cf: ColumnFamily = try withRawWrite("drop column family '\(name)'") { txn in
                guard let cf = catalog.withLock({ $0.byName[name] }) else {
                    throw StoreError(.notFound, "lmdb: no column family '\(name)'")
                }
                // "1 to delete it from the environment and close the DB handle."
                let rc = mdb_drop(txn, MDB_dbi(truncatingIfNeeded: cf.id), 1)
                if rc != 0 { throw storeError(lmdb: rc, "drop column family '\(name)'") }
                return (cf, nil)
            } after: { cf, _ in
                cf!
            }
            catalog.withLock { _ = $0.byName.removeValue(forKey: name) }
            cf.markDropped()
        }

        public func columnFamilyNames() throws -> [String] {
            try read { txn in
                guard let handle = txn.handle else { throw txn.finishedError() }
                return try Self.listNames(handle, mainDatabase).sorted()
            }
        }

        // MARK: Transactions

        public func read<R>(_ body: (LMDBTransaction) throws -> R) throws -> R {
            while true {
                var handle = try gate.enterReading()?.handle
                var rc: Int32 = 0
                if let idle = handle {
                    rc = mdb_txn_renew(idle)
                    if rc != 0 {
                        // A reset transaction that cannot be renewed is aborted;
                        // a new one reports what is wrong (a grown map, say).
                        mdb_txn_abort(idle)
                        handle = nil
                    }
                }
                if handle == nil { rc = mdb_txn_begin(env, nil, UInt32(MDB_RDONLY), &handle) }
                if rc == MDB_MAP_RESIZED {
                    gate.leave()
                    try adoptMapSize()
                    continue
                }
                guard rc == 0, let handle else {
                    gate.leave()
                    throw storeError(lmdb: rc, "begin read transaction")
                }
                let txn = LMDBTransaction(handle: handle, env: env, readOnly: true, maxKeySize: maxKeySize)
                defer {
                    if let reset = txn.reset() {
                        if let surplus = gate.leaveReading(keeping: .init(handle: reset)) { mdb_txn_abort(surplus.handle) }
                    } else {
                        gate.leave()
                    }
                }
                return try body(txn)
            }
        }

        public func writeOnce<R>(_ body: (LMDBTransaction) throws -> R) throws -> R {
            var attempt = 0
            while true {
                attempt += 1
                let txn = try beginWrite()
                let outcome: Result<R, any Error>
                do { outcome = .success(try body(txn)) } catch { outcome = .failure(error) }
                var commitError: StoreError?
                var mapFullAt = txn.mapFullAt
                if case .success = outcome, txn.failure == nil {
                    var info = MDB_envinfo()
                    mdb_env_info(env, &info)
                    let rc = txn.commit()
                    if rc != 0 {
                        commitError = storeError(lmdb: rc, "commit")
                        if rc == MDB_MAP_FULL { mapFullAt = info.me_mapsize }
                    }
                } else {
                    txn.abort()
                }
                endWrite()
                if let mapFullAt, attempt < Self.maxGrowthAttempts {
                    try growMap(from: mapFullAt)
                    continue
                }
                if let commitError { throw commitError }
                if case .success = outcome, let failure = txn.failure { throw failure }
                return try outcome.get()
            }
        }

        /// Begins the write transaction (entering the gate and marking the thread).
        private func beginWrite() throws -> LMDBTransaction {
            let me = currentThreadID()
            if writerThread.load(ordering: .relaxed) == me {
                throw StoreError(
                    .invalidArgument, "lmdb: a write transaction cannot start inside another on the same thread")
            }
            while true {
                try gate.enter()
                var handle: OpaquePointer?
                let rc = mdb_txn_begin(env, nil, 0, &handle)
                if rc == MDB_MAP_RESIZED {
                    gate.leave()
                    try adoptMapSize()
                    continue
                }
                guard rc == 0, let handle else {
                    gate.leave()
                    throw storeError(lmdb: rc, "begin write transaction")
                }
                writerThread.store(me, ordering: .relaxed)
                return LMDBTransaction(handle: handle, env: env, readOnly: false, maxKeySize: maxKeySize)
            }
        }

        private func endWrite() {
            writerThread.store(0, ordering: .relaxed)
            gate.leave()
        }

        /// A raw write transaction for catalog changes: `body` runs inside it, the
        /// transaction commits, then `after` runs on the committed result.
        private func withRawWrite<T, R>(
            _ what: String,
            _ body: (OpaquePointer) throws -> (T?, MDB_dbi?),
            after: (T?, MDB_dbi?) throws -> R
        ) throws -> R {
            var attempt = 0
            while true {
                attempt += 1
                let txn = try beginWrite()
                guard let handle = txn.handle else { preconditionFailure("a new transaction has a handle") }
                let result: (T?, MDB_dbi?)
                do {
                    result = try body(handle)
                } catch {
                    txn.abort()
                    endWrite()
                    throw error
                }
                var info = MDB_envinfo()
                mdb_env_info(env, &info)
                let rc = txn.commit()
                endWrite()
                if rc == MDB_MAP_FULL && attempt < Self.maxGrowthAttempts {
                    try growMap(from: info.me_mapsize)
                    continue
                }
                if rc != 0 { throw storeError(lmdb: rc, what) }
                return try after(result.0, result.1)
            }
        }

        // MARK: Map size

        /// Doubles the map after `MDB_MAP_FULL` (unless another thread already grew
        /// it past `size`). Waits for every transaction of this process to end, as
        /// `mdb_env_set_mapsize` requires.
        private func growMap(from size: Int) throws {
            try gate.exclusively(
                timeout: Self.drainTimeout,
                onTimeout: StoreError(
                    .full, "lmdb: map of \(size >> 20) MiB is full and cannot grow while transactions are open")
            ) {
                abortIdleReaders()
                var info = MDB_envinfo()
                mdb_env_info(env, &info)
                if info.me_mapsize > size { return }
                let (doubled, overflow) = size.multipliedReportingOverflow(by: 2)
                if overflow { throw StoreError(.full, "lmdb: map of \(size) bytes cannot grow") }
                let rc = mdb_env_set_mapsize(env, doubled)
                if rc != 0 { throw storeError(lmdb: rc, "grow map to \(doubled >> 20) MiB") }
            }
        }

        /// Adopts a map size grown by another process (`MDB_MAP_RESIZED`).
        private func adoptMapSize() throws {
            try gate.exclusively(
                timeout: Self.drainTimeout,
                onTimeout: StoreError(.io, "lmdb: cannot adopt the new map size while transactions are open")
            ) {
                abortIdleReaders()
                let rc = mdb_env_set_mapsize(env, 0)
                if rc != 0 { throw storeError(lmdb: rc, "adopt map size") }
            }
        }

        /// The current map size in bytes (for tests; the store must be open).
        var mapSize: Int {
            precondition(!gate.isClosed, "mapSize of a closed LMDBStore")
            var info = MDB_envinfo()
            mdb_env_info(env, &info)
            return info.me_mapsize
        }

        // MARK: Lifecycle

        private func checkOpen() throws {
            if gate.isClosed { throw StoreError(.closed, "lmdb: the store is closed") }
        }

        /// Waits for transactions in flight, then closes the environment. Closing
        /// twice is allowed. Throws `invalidArgument` when transactions stay open
        /// (a close from inside a transaction closure).
        public func close() throws {
            _ = try gate.close(timeout: Self.drainTimeout) {
                // With MDB_NOSYNC commits reach the OS but not the disk; close is the
                // promised flush point (a failure here cannot be reported after the close).
                if !options.sync { mdb_env_sync(env, 1) }
                abortIdleReaders()
                mdb_env_close(env)
            }
        }

        /// Aborts the reset read transactions kept for renewal. Called with
        /// no transaction active (inside the gate's exclusive section).
        private func abortIdleReaders() {
            for idle in gate.takeIdleReaders() { mdb_txn_abort(idle.handle) }
        }
    }
    /// An identifier of the calling thread, never 0.
    private func currentThreadID() -> UInt {
        #if canImport(Darwin)
            UInt(bitPattern: pthread_self())
        #else
            UInt(pthread_self())
        #endif
    }
#endif
