#if RocksDB
    import CRocksDB
    import StrataStore

    /// A read or write transaction of a ``RocksDBStore``, valid only inside the
    /// closure that received it.
    ///
    /// - A read transaction reads through a RocksDB snapshot with the
    ///   database's own `get`/multi-get/iterators. Read transactions that begin
    ///   while no write has committed share one snapshot (see
    ///   `RocksDBStore.readSnapshot()`), so a run of reads does not take the
    ///   database mutex twice per transaction to create and release its own.
    /// - A write transaction starts blind: its puts and deletes go into a plain
    ///   `WriteBatch`. A closure that only writes commits that batch with one
    ///   `rocksdb_write` (atomic, and conflict-free by construction: it read
    ///   nothing that another writer could have changed), which is what makes
    ///   a put cost what db_bench's put costs. The first read turns the
    ///   transaction into a RocksDB optimistic transaction begun with
    ///   `set_snapshot`, into which the batch is replayed
    ///   (`rocksdb_transaction_rebuild_from_writebatch`); from then on its
    ///   reads use that snapshot and its own writes, and point reads use
    ///   `GetForUpdate` so the keys they read are validated at commit (scans
    ///   are not tracked: a key inserted by another writer inside a range this
    ///   transaction scanned does not cause a conflict). Other optimistic
    ///   transactions still see a blind commit as a conflict on the keys it
    ///   wrote: validation compares the keys' newest sequence numbers with
    ///   their snapshot, whoever wrote them.
    ///
    /// Writes in a read transaction throw `readOnly`. Any use after the closure
    /// returned throws `transactionFinished`. After RocksDB reported an error
    /// inside a write transaction, further operations throw
    /// `transactionFinished` and returning from the closure rethrows the error
    /// instead of committing: the transaction can only roll back.
    ///
    /// Not thread-safe: use it only on the thread running the closure. Its
    /// state is therefore `@exclusivity(unchecked)`: a dynamic exclusivity
    /// check on every field access (the runtime's thread-local access set)
    /// is pure overhead for an object one thread uses.
    public final class RocksDBTransaction: WriteTransaction {
        public typealias Cursor = RocksDBCursor

        private enum Phase {
            case active
            case failed(StoreError)
            case finished
        }

        let store: RocksDBStore
        let isWritable: Bool
        /// `rocksdb_readoptions_t` with the snapshot set, from the store's spare
        /// (returned to it at the end); a write transaction's is made when it
        /// first reads.
        @exclusivity(unchecked) private var readOptions: OpaquePointer?
        /// `rocksdb_transaction_t` of a write transaction once it has read; owned.
        @exclusivity(unchecked) private var txn: OpaquePointer?
        /// `rocksdb_writebatch_t` of a write transaction that has not read yet; owned.
        @exclusivity(unchecked) private var blindBatch: OpaquePointer?
        /// Read: the pointer of `shared`. Write: the wrapper that
        /// `rocksdb_transaction_get_snapshot` mallocs around the transaction's
        /// own snapshot (freed with `rocksdb_free`; the snapshot itself belongs
        /// to the transaction); nil while the transaction is blind.
        @exclusivity(unchecked) private(set) var snapshot: OpaquePointer?
        /// A read transaction's snapshot, shared with the other readers of its generation.
        @exclusivity(unchecked) private var shared: SharedSnapshot?
        @exclusivity(unchecked) private var phase = Phase.active
        @exclusivity(unchecked) private var committed = false
        /// Every iterator made by this transaction; destroyed before the
        /// snapshot or the transaction is released.
        @exclusivity(unchecked) private var iterators: [IteratorBox] = []

        init(readingFrom store: RocksDBStore) {
            self.store = store
            self.isWritable = false
            self.txn = nil
            let shared = store.readSnapshot()
            self.shared = shared
            let snapshot = shared.pointer
            self.snapshot = snapshot
            let readOptions = store.takeReadOptions()
            rocksdb_readoptions_set_snapshot(readOptions, snapshot)
            self.readOptions = readOptions
        }

        init(writingTo store: RocksDBStore) {
            self.store = store
            self.isWritable = true
            self.txn = nil
            self.snapshot = nil
            self.blindBatch = store.takeBatch()
            self.readOptions = nil
        }

        /// Before the first read of a write transaction: begins the optimistic
        /// transaction, takes its snapshot and replays the blind writes into it.
        @inline(__always)
        private func beginReading() throws {
            guard isWritable, txn == nil else { return }
            let t = rocksdb_optimistictransaction_begin(store.db, store.writeOptions, store.txnOptions, nil)
            txn = t
            snapshot = rocksdb_transaction_get_snapshot(t)
            let options = store.takeReadOptions()
            rocksdb_readoptions_set_snapshot(options, snapshot)
            readOptions = options
            guard let batch = blindBatch else { return }
            blindBatch = nil
            defer { store.returnBatch(batch) }
            if rocksdb_writebatch_count(batch) > 0 {
                var err: UnsafeMutablePointer<CChar>? = nil
                rocksdb_transaction_rebuild_from_writebatch(t, batch, &err)
                if let err { throw fail(RocksDBError.take(err, "replay of the transaction's writes")) }
            }
        }

        deinit {
            finish()
        }

        // MARK: State

        @inline(__always)
        func checkActive() throws {
            switch phase {
            case .active: return
            case .failed(let e):
                throw StoreError(.transactionFinished, "the transaction hit an error and can only roll back (\(e))")
            case .finished:
                throw StoreError(.transactionFinished, "the transaction was used after its closure returned")
            }
        }

        @inline(__always)
        private func checkWritable() throws {
            try checkActive()
            guard isWritable else { throw StoreError(.readOnly, "write in a read-only transaction") }
        }

        /// Records a RocksDB failure: a write transaction can then only roll back.
        func fail(_ error: StoreError) -> StoreError {
            if isWritable, case .active = phase { phase = .failed(error) }
            return error
        }

        private func closeIterators() {
            if iterators.isEmpty { return }
            for box in iterators { box.destroy() }
            iterators.removeAll()
        }

        /// Commits a write transaction. Throws `conflict` when an optimistic
        /// validation failed, the earlier error when the transaction failed, or
        /// the RocksDB commit error. Always leaves the transaction finished.
        func commit() throws {
            defer { finish() }
            if case .failed(let e) = phase { throw e }
            try checkActive()
            guard isWritable else { return }
            closeIterators()
            var err: UnsafeMutablePointer<CChar>? = nil
            var wrote = true
            if let txn {
                rocksdb_transaction_commit(txn, &err)
            } else if let batch = blindBatch, rocksdb_writebatch_count(batch) > 0 {
                rocksdb_write(store.baseDB, store.writeOptions, batch, &err)
            } else {
                wrote = false
            }
            if let err { throw RocksDBError.take(err, "commit") }
            committed = true
            if wrote { store.didCommit() }
        }

        /// Ends the transaction: destroys its iterators, rolls back an
        /// uncommitted write transaction, and releases the snapshot, the
        /// transaction and the read options, in that order. Idempotent.
        func finish() {
            if case .finished = phase { return }
            phase = .finished
            closeIterators()
            if let blindBatch {
                store.returnBatch(blindBatch)
                self.blindBatch = nil
            }
            if let readOptions {
                store.returnReadOptions(readOptions)
                self.readOptions = nil
            }
            if isWritable {
                if let txn, !committed {
                    var err: UnsafeMutablePointer<CChar>? = nil
                    rocksdb_transaction_rollback(txn, &err)
                    // Rolling back an optimistic transaction only discards its
                    // batch; an error here leaves nothing to undo.
                    if let err { rocksdb_free(err) }
                }
                if let snapshot { rocksdb_free(UnsafeMutableRawPointer(snapshot)) }
                if let txn { rocksdb_transaction_destroy(txn) }
            } else {
                shared = nil
            }
        }

        // MARK: Reads

        /// Lends `body` the value under `key` through a RocksDB pinnable slice
        /// (no copy), or nil. Throws `notFound` for a dropped column family,
        /// `transactionFinished`, or the RocksDB error.
        public func withValue<R>(
            forKey key: UnsafeRawBufferPointer,
            in cf: ColumnFamily,
            _ body: (UnsafeRawBufferPointer?) throws -> R
        ) throws -> R {
            try checkActive()
            try beginReading()
            let h = try store.handles.handle(for: cf)
            var err: UnsafeMutablePointer<CChar>? = nil
            let slice: OpaquePointer?
            if let txn {
                slice = rocksdb_transaction_get_pinned_for_update_cf(
                    txn, readOptions, h, key.cchars, key.count, 1, &err)
            } else {
                slice = rocksdb_get_pinned_cf(store.baseDB, readOptions, h, key.cchars, key.count, &err)
            }
            if let err { throw fail(RocksDBError.take(err, "get")) }
            guard let slice else { return try body(nil) }
            defer { rocksdb_pinnableslice_destroy(slice) }
            var count = 0
            let p = rocksdb_pinnableslice_value(slice, &count)
            return try body(UnsafeRawBufferPointer(start: p, count: count))
        }

        /// The values under `keys`: one `rocksdb_multi_get_cf` over the snapshot
        /// in a read transaction; tracked point reads in a write transaction (the
        /// C API has no multi-get-for-update). Throws like ``withValue(forKey:in:_:)``.
        public func multiGet(_ keys: [[UInt8]], in cf: ColumnFamily) throws -> [[UInt8]?] {
            try checkActive()
            try beginReading()
            let h = try store.handles.handle(for: cf)
            if isWritable || keys.count < 2 {
                return try keys.map { key in
                    try key.withUnsafeBytes { k in try withValue(forKey: k, in: cf) { $0.map { Array($0) } } }
                }
            }
            let n = keys.count
            var flat: [UInt8] = []
            flat.reserveCapacity(keys.reduce(0) { $0 + $1.count })
            var offsets = [Int](repeating: 0, count: n)
            var sizes = [Int](repeating: 0, count: n)
            for (i, k) in keys.enumerated() {
                offsets[i] = flat.count
                sizes[i] = k.count
                flat.append(contentsOf: k)
            }
            let cfs = [OpaquePointer?](repeating: h, count: n)
            var values = [UnsafeMutablePointer<CChar>?](repeating: nil, count: n)
            var valueSizes = [Int](repeating: 0, count: n)
            var errs = [UnsafeMutablePointer<CChar>?](repeating: nil, count: n)
            flat.withUnsafeBytes { fb in
                let base = fb.cchars
                let pointers = offsets.map { Optional(base + $0) }
                rocksdb_multi_get_cf(store.baseDB, readOptions, cfs, n, pointers, sizes, &values, &valueSizes, &errs)
            }
            var firstError: StoreError? = nil
            var result = [[UInt8]?](repeating: nil, count: n)
            for i in 0..<n {
                if let e = errs[i] {
                    let error = RocksDBError.take(e, "multi-get")
                    if firstError == nil { firstError = error }
                }
                if let v = values[i] {
                    result[i] = Array(UnsafeRawBufferPointer(start: v, count: valueSizes[i]))
                    rocksdb_free(v)
                }
            }
            if let firstError { throw fail(firstError) }
            return result
        }

        /// A cursor over `range` on this transaction's snapshot (and, in a write
        /// transaction, its own writes). Throws `notFound` for a dropped column
        /// family or `transactionFinished`.
        public func makeCursor(in cf: ColumnFamily, range: KeyRange, reverse: Bool) throws -> RocksDBCursor {
            try checkActive()
            try beginReading()
            let h = try store.handles.handle(for: cf)
            let box = IteratorBox(range: range, snapshot: snapshot, owner: self)
            if let txn {
                box.iter = rocksdb_transaction_create_iterator_cf(txn, box.readOptions, h)
            } else {
                box.iter = rocksdb_create_iterator_cf(store.baseDB, box.readOptions, h)
            }
            iterators.append(box)
            return RocksDBCursor(box: box, reverse: reverse)
        }

        // MARK: Writes

        /// Stores `value` under `key` in the transaction's batch. Throws
        /// `readOnly`, `notFound`, `transactionFinished`, or the RocksDB error.
        public func put(_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer, in cf: ColumnFamily) throws {
            try checkWritable()
            let h = try store.handles.handle(for: cf)
            guard let txn else {
                rocksdb_writebatch_put_cf(blindBatch, h, key.cchars, key.count, value.cchars, value.count)
                return
            }
            var err: UnsafeMutablePointer<CChar>? = nil
            rocksdb_transaction_put_cf(txn, h, key.cchars, key.count, value.cchars, value.count, &err)
            if let err { throw fail(RocksDBError.take(err, "put")) }
        }

        /// Removes `key`. Throws like ``put(_:_:in:)``.
        public func delete(_ key: UnsafeRawBufferPointer, in cf: ColumnFamily) throws {
            try checkWritable()
            let h = try store.handles.handle(for: cf)
            guard let txn else {
                rocksdb_writebatch_delete_cf(blindBatch, h, key.cchars, key.count)
                return
            }
            var err: UnsafeMutablePointer<CChar>? = nil
            rocksdb_transaction_delete_cf(txn, h, key.cchars, key.count, &err)
            if let err { throw fail(RocksDBError.take(err, "delete")) }
        }

        /// Removes every key in `range` by scanning it (through the transaction,
        /// so its own writes are included) and deleting each key: an optimistic
        /// transaction has no delete-range in RocksDB's C API, and a range
        /// tombstone in a separate batch would bypass the transaction. Keys are
        /// collected a chunk at a time so memory stays bounded. Throws like
        /// ``put(_:_:in:)``.
        public func deleteRange(_ range: KeyRange, in cf: ColumnFamily) throws {
            try checkWritable()
            _ = try store.handles.handle(for: cf)
            if range.isEmpty { return }
            let chunk = 1024
            var lower = range.lower
            while true {
                var keys: [[UInt8]] = []
                keys.reserveCapacity(chunk)
                var cursor = try makeCursor(in: cf, range: KeyRange(lower: lower, upper: range.upper), reverse: false)
                while keys.count < chunk, try cursor.next() {
                    keys.append(cursor.withEntry { k, _ in Array(k) })
                }
                cursor.box.destroy()
                for key in keys { try delete(key, in: cf) }
                guard keys.count == chunk, var next = keys.last else { return }
                next.append(0)  // the smallest key after the last one deleted
                lower = next
            }
        }
    }
#endif
