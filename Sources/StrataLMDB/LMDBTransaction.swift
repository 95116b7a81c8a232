#if LMDB
    import CLMDB
    import StrataStore

    #if canImport(Glibc)
        import Glibc
    #elseif canImport(Darwin)
        import Darwin
    #endif

    /// A transaction over the LMDB environment: a read-only snapshot (`MDB_RDONLY`)
    /// or the single write transaction.
    ///
    /// Both of the store's transaction kinds are this one class; a read transaction
    /// refuses writes at run time with `readOnly`. It is handed out only inside the
    /// synchronous closure of ``LMDBStore/read(_:)`` or ``LMDBStore/writeOnce(_:)``
    /// and ends when that closure does; afterwards every operation throws
    /// `transactionFinished`. After an LMDB error inside a write transaction the
    /// transaction can only roll back, so later operations throw too.
    ///
    /// The transaction tracks its open cursors in an intrusive list and closes them
    /// before it commits or aborts, so a cursor never outlives its `MDB_txn`
    /// (cursors of a write transaction are freed by commit; closing one after that
    /// would be a double free).
    public final class LMDBTransaction: WriteTransaction {
        public typealias Cursor = LMDBCursor

        /// The LMDB transaction; nil once committed or aborted.
        private(set) var handle: OpaquePointer?
        /// `handle` while operations may use it: nil once finished or failed.
        /// `@exclusivity(unchecked)`: a transaction is used by one thread at a
        /// time, so the per-operation check pays no dynamic exclusivity check.
        @exclusivity(unchecked) @usableFromInline var live: OpaquePointer?
        /// True for `MDB_RDONLY` transactions.
        let isReadOnly: Bool
        /// `mdb_env_get_maxkeysize` of the environment.
        @usableFromInline let maxKeySize: Int
        private let env: OpaquePointer
        /// The first LMDB error of a write transaction; it can only roll back after one.
        private(set) var failure: StoreError?
        /// The map size seen when a write failed with `MDB_MAP_FULL`, so the store can grow it and retry.
        private(set) var mapFullAt: Int?
        /// Head of the list of open cursors (each cursor unlinks itself when it is freed,
        /// and holds the transaction strongly, so these references stay valid).
        unowned(unsafe) var firstCursor: LMDBCursor?

        init(handle: OpaquePointer, env: OpaquePointer, readOnly: Bool, maxKeySize: Int) {
            self.handle = handle
            self.live = handle
            self.env = env
            self.isReadOnly = readOnly
            self.maxKeySize = maxKeySize
        }

        deinit {
            // The store always ends the transaction; this is a guard, not a path.
            if let handle {
                closeCursors()
                mdb_txn_abort(handle)
            }
        }

        // MARK: Reads

        @inlinable
        public func withValue<R>(
            forKey key: UnsafeRawBufferPointer,
            in cf: ColumnFamily,
            _ body: (UnsafeRawBufferPointer?) throws -> R
        ) throws -> R {
            let txn = try usable()
            try cf.checkLive()
            try checkKey(key)
            var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
            var v = MDB_val()
            let rc = mdb_get(txn, dbi(cf), &k, &v)
            if rc == 0 { return try body(UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size)) }
            if rc == MDB_NOTFOUND { return try body(nil) }
            throw failed(rc, "get")
        }

        public func makeCursor(in cf: ColumnFamily, range: KeyRange, reverse: Bool) throws -> LMDBCursor {
            let txn = try usable()
            try cf.checkLive()
            var cursor: OpaquePointer?
            let rc = mdb_cursor_open(txn, dbi(cf), &cursor)
            guard rc == 0, let cursor else { throw failed(rc, "open cursor") }
            let made = LMDBCursor(transaction: self, handle: cursor, range: range, reverse: reverse)
            made.nextCursor = firstCursor
            firstCursor?.previousCursor = made
            firstCursor = made
            return made
        }

        // MARK: Writes

        public func put(_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer, in cf: ColumnFamily) throws {
            let txn = try writable()
            try cf.checkLive()
            try checkKey(key)
            var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
            var v = MDB_val(mv_size: value.count, mv_data: UnsafeMutableRawPointer(mutating: value.baseAddress))
            let rc = mdb_put(txn, dbi(cf), &k, &v, 0)
            if rc != 0 { throw failed(rc, "put") }
        }

        public func delete(_ key: UnsafeRawBufferPointer, in cf: ColumnFamily) throws {
            let txn = try writable()
            try cf.checkLive()
            try checkKey(key)
            var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
            let rc = mdb_del(txn, dbi(cf), &k, nil)
            if rc != 0 && rc != MDB_NOTFOUND { throw failed(rc, "delete") }
        }

        public func putBatch(_ entries: [(key: [UInt8], value: [UInt8])], in cf: ColumnFamily) throws {
            for entry in entries {
                try entry.key.withUnsafeBytes { k in try entry.value.withUnsafeBytes { v in try put(k, v, in: cf) } }
            }
        }

        /// Removes every key in `range` by walking a cursor and deleting under it
        /// (LMDB has no native range delete).
        public func deleteRange(_ range: KeyRange, in cf: ColumnFamily) throws {
            let txn = try writable()
            try cf.checkLive()
            if range.isEmpty { return }
            var cursor: OpaquePointer?
            var rc = mdb_cursor_open(txn, dbi(cf), &cursor)
            guard rc == 0, let cursor else { throw failed(rc, "open cursor") }
            // Closing a write transaction's cursor before commit is allowed; it is
            // not tracked, so commit never sees it.
            defer { mdb_cursor_close(cursor) }
            var k = MDB_val()
            var v = MDB_val()
            if let lower = range.lower, !lower.isEmpty {
                rc = seek(cursor, atOrAfter: lower, &k, &v)
            } else {
                rc = mdb_cursor_get(cursor, &k, &v, MDB_FIRST)
            }
            while rc == 0 {
                if let upper = range.upper, compare(k, upper) >= 0 { break }
                rc = mdb_cursor_del(cursor, 0)
                if rc != 0 { throw failed(rc, "delete range") }
                // After a delete the cursor stands on the following entry; MDB_NEXT returns it.
                rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT)
            }
            if rc != MDB_NOTFOUND && rc != 0 { throw failed(rc, "delete range") }
        }

        // MARK: Support

        /// The live transaction handle, or `transactionFinished`.
        @inlinable @inline(__always)
        func usable() throws -> OpaquePointer {
            guard let handle = live else { throw finishedError() }
            return handle
        }

        @inline(__always)
        private func writable() throws -> OpaquePointer {
            if isReadOnly { throw readOnlyError() }
            return try usable()
        }

        @inlinable @inline(__always)
        func dbi(_ cf: ColumnFamily) -> MDB_dbi {
            MDB_dbi(truncatingIfNeeded: cf.id)
        }

        @inlinable @inline(__always)
        func checkKey(_ key: UnsafeRawBufferPointer) throws {
            if key.count == 0 || key.count > maxKeySize { throw keyError(key.count) }
        }

        @usableFromInline
        func keyError(_ count: Int) -> StoreError {
            count == 0
                ? StoreError(.invalidArgument, "lmdb: keys must not be empty")
                : StoreError(.invalidArgument, "lmdb: key of \(count) bytes exceeds the limit of \(maxKeySize) bytes")
        }

        @usableFromInline
        func finishedError() -> StoreError {
            if let failure {
                return StoreError(
                    .transactionFinished,
                    "lmdb: the write transaction failed earlier (\(failure.message)) and can only roll back"
                )
            }
            return StoreError(.transactionFinished, "lmdb: the transaction was used after its closure returned")
        }

        private func readOnlyError() -> StoreError {
            StoreError(.readOnly, "lmdb: write in a read-only transaction")
        }

        /// Records an LMDB error: a write transaction can only roll back after one.
        @usableFromInline
        func failed(_ rc: Int32, _ operation: String) -> StoreError {
            let error = storeError(lmdb: rc, operation)
            if !isReadOnly {
                if failure == nil { failure = error }
                live = nil
                if rc == MDB_MAP_FULL && mapFullAt == nil {
                    var info = MDB_envinfo()
                    mdb_env_info(env, &info)
                    mapFullAt = info.me_mapsize
                }
            }
            return error
        }

        /// Positions `cursor` on the first key ≥ `key`. Keys longer than LMDB's limit
        /// cannot be passed to `MDB_SET_RANGE`, so seek to the truncated key and step
        /// over what still sorts before `key`.
        func seek(_ cursor: OpaquePointer, atOrAfter key: [UInt8], _ k: inout MDB_val, _ v: inout MDB_val) -> Int32 {
            var rc: Int32 = key.withUnsafeBytes { b in
                k = MDB_val(
                    mv_size: Swift.min(b.count, maxKeySize), mv_data: UnsafeMutableRawPointer(mutating: b.baseAddress))
                return mdb_cursor_get(cursor, &k, &v, MDB_SET_RANGE)
            }
            while rc == 0 && compare(k, key) < 0 {
                rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT)
            }
            return rc
        }

        // MARK: Ending

        /// Closes every open cursor, then commits. Returns LMDB's code.
        func commit() -> Int32 {
            guard let handle else { return 0 }
            closeCursors()
            self.handle = nil
            live = nil
            return mdb_txn_commit(handle)
        }

        /// Ends a read-only transaction with `mdb_txn_reset`, closing every
        /// open cursor first, and returns its handle for `mdb_txn_renew`;
        /// nil when it had already ended.
        func reset() -> OpaquePointer? {
            precondition(isReadOnly, "only a read-only LMDB transaction can be reset")
            guard let handle else { return nil }
            closeCursors()
            self.handle = nil
            live = nil
            mdb_txn_reset(handle)
            return handle
        }

        /// Closes every open cursor, then aborts.
        func abort() {
            guard let handle else { return }
            closeCursors()
            self.handle = nil
            live = nil
            mdb_txn_abort(handle)
        }

        private func closeCursors() {
            while let cursor = firstCursor {
                cursor.invalidate()
                unlink(cursor)
            }
        }

        func unlink(_ cursor: LMDBCursor) {
            if let previous = cursor.previousCursor {
                previous.nextCursor = cursor.nextCursor
            } else {
                firstCursor = cursor.nextCursor
            }
            cursor.nextCursor?.previousCursor = cursor.previousCursor
            cursor.previousCursor = nil
            cursor.nextCursor = nil
        }
    }

    /// Three-way comparison of an LMDB value with a byte array, in the order of
    /// LMDB's default comparator (memcmp, then length).
    @inline(__always)
    func compare(_ a: MDB_val, _ b: [UInt8]) -> Int {
        b.withUnsafeBytes { compare(a, $0) }
    }

    @inline(__always)
    func compare(_ a: MDB_val, _ b: UnsafeRawBufferPointer) -> Int {
        let n = Swift.min(a.mv_size, b.count)
        if n > 0, let base = b.baseAddress {
            let c = memcmp(a.mv_data, base, n)
            if c != 0 { return Int(c) }
        }
        return a.mv_size == b.count ? 0 : (a.mv_size < b.count ? -1 : 1)
    }
#endif
