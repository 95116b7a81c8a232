#if RocksDB
    import CRocksDB
    import StrataStore

    /// Owns one `rocksdb_iterator_t`, its read options and copies of its bounds.
    ///
    /// RocksDB's `iterate_lower_bound`/`iterate_upper_bound` keep a `Slice` to
    /// the caller's bytes (the C API does not copy them), so the bounds live in
    /// memory owned here and are freed after the iterator and the read options.
    /// The owning transaction destroys every box before it releases its
    /// snapshot or transaction.
    final class IteratorBox {
        @exclusivity(unchecked) var iter: OpaquePointer?
        let readOptions: OpaquePointer
        let lower: UnsafeMutableRawBufferPointer?
        let upper: UnsafeMutableRawBufferPointer?
        let isEmpty: Bool
        weak var owner: RocksDBTransaction?
        @exclusivity(unchecked) private var destroyed = false

        init(range: KeyRange, snapshot: OpaquePointer?, owner: RocksDBTransaction) {
            self.owner = owner
            self.isEmpty = range.isEmpty
            readOptions = rocksdb_readoptions_create()
            rocksdb_readoptions_set_snapshot(readOptions, snapshot)
            func copy(_ bytes: [UInt8]?) -> UnsafeMutableRawBufferPointer? {
                guard let bytes, !bytes.isEmpty else { return nil }
                let b = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
                bytes.withUnsafeBytes { b.copyMemory(from: $0) }
                return b
            }
            lower = copy(range.lower)
            upper = copy(range.upper)
            if !isEmpty {
                if let lower {
                    rocksdb_readoptions_set_iterate_lower_bound(
                        readOptions, lower.baseAddress!.assumingMemoryBound(to: CChar.self), lower.count)
                }
                if let upper {
                    rocksdb_readoptions_set_iterate_upper_bound(
                        readOptions, upper.baseAddress!.assumingMemoryBound(to: CChar.self), upper.count)
                }
            }
        }

        /// Destroys the iterator, then the read options, then the bounds. Idempotent.
        func destroy() {
            if destroyed { return }
            destroyed = true
            if let iter { rocksdb_iter_destroy(iter) }
            iter = nil
            rocksdb_readoptions_destroy(readOptions)
            lower?.deallocate()
            upper?.deallocate()
        }

        deinit { destroy() }
    }

    /// A lazy cursor over a RocksDB iterator, bounded by its transaction.
    ///
    /// Forward cursors seek to the lower bound (or the first key) and stop at the
    /// upper bound; reverse cursors `seek_for_prev` the upper bound, skip it
    /// (it is exclusive) and stop below the lower bound. The bounds are also set
    /// as RocksDB read options so the iterator does not read past them. Entry
    /// bytes are RocksDB's own (`rocksdb_iter_key`/`value`), valid until the next
    /// move. Using the cursor after its transaction ended throws
    /// `transactionFinished`.
    ///
    /// In a write transaction the iterator merges the transaction's batch with
    /// the snapshot. Writing while a cursor is open is allowed, but RocksDB
    /// documents that a write to the cursor's current key invalidates the bytes
    /// of the current entry until the next move, and the cursor may or may not
    /// see entries written after it was made.
    public struct RocksDBCursor: StoreCursor {
        let box: IteratorBox
        let reverse: Bool
        private var started = false
        private var positioned = false
        private var done: Bool

        init(box: IteratorBox, reverse: Bool) {
            self.box = box
            self.reverse = reverse
            self.done = box.isEmpty
        }

        /// Moves to the next entry; false past the end. Throws
        /// `transactionFinished` after the transaction ended, or the iterator's
        /// RocksDB error.
        public mutating func next() throws -> Bool {
            guard let it = box.iter else {
                throw StoreError(.transactionFinished, "cursor used after its transaction ended")
            }
            if done { return false }
            if !started {
                started = true
                if reverse {
                    if let upper = box.upper {
                        rocksdb_iter_seek_for_prev(
                            it, upper.baseAddress!.assumingMemoryBound(to: CChar.self), upper.count)
                        if rocksdb_iter_valid(it) != 0, compareBytes(currentKey(it), UnsafeRawBufferPointer(upper)) >= 0
                        {
                            rocksdb_iter_prev(it)
                        }
                    } else {
                        rocksdb_iter_seek_to_last(it)
                    }
                } else {
                    if let lower = box.lower {
                        rocksdb_iter_seek(it, lower.baseAddress!.assumingMemoryBound(to: CChar.self), lower.count)
                    } else {
                        rocksdb_iter_seek_to_first(it)
                    }
                }
            } else if reverse {
                rocksdb_iter_prev(it)
            } else {
                rocksdb_iter_next(it)
            }
            guard rocksdb_iter_valid(it) != 0 else {
                positioned = false
                done = true
                var err: UnsafeMutablePointer<CChar>? = nil
                rocksdb_iter_get_error(it, &err)
                if let err {
                    let error = RocksDBError.take(err, "iterating")
                    throw box.owner?.fail(error) ?? error
                }
                return false
            }
            // The read-option bounds already stop the iterator; checking again
            // keeps the contract exact for iterators over a transaction's batch.
            // The key is fetched only when there is a bound to check it against.
            if reverse {
                if let lower = box.lower, compareBytes(currentKey(it), UnsafeRawBufferPointer(lower)) < 0 {
                    positioned = false
                    done = true
                    return false
                }
            } else if let upper = box.upper, compareBytes(currentKey(it), UnsafeRawBufferPointer(upper)) >= 0 {
                positioned = false
                done = true
                return false
            }
            positioned = true
            return true
        }

        @inline(__always)
        private func currentKey(_ it: OpaquePointer) -> UnsafeRawBufferPointer {
            var n = 0
            let p = rocksdb_iter_key(it, &n)
            return UnsafeRawBufferPointer(start: p, count: n)
        }

        /// Lends `body` the current key and value. Traps when ``next()`` has not
        /// returned true or the transaction ended (programming errors).
        public func withEntry<R>(
            _ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> R
        ) rethrows -> R {
            guard let it = box.iter else { preconditionFailure("cursor used after its transaction ended") }
            precondition(positioned, "withEntry called before next() returned true")
            var vn = 0
            let v = rocksdb_iter_value(it, &vn)
            return try body(currentKey(it), UnsafeRawBufferPointer(start: v, count: vn))
        }
    }
#endif
