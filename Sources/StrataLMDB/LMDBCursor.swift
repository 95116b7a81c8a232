#if LMDB
    import CLMDB
    import StrataStore

    /// A lazy, bounded scan over one column family with an `MDB_cursor`.
    ///
    /// Forward: `MDB_SET_RANGE` to the lower bound (or `MDB_FIRST`), then `MDB_NEXT`
    /// until the upper bound. Reverse: the last key below the upper bound
    /// (`MDB_SET_RANGE` then `MDB_PREV`, or `MDB_LAST`), then `MDB_PREV` until the
    /// lower bound. Bounds are copied once into raw buffers so that moving the
    /// cursor allocates nothing and retains nothing.
    ///
    /// The cursor is owned by its transaction's cursor list: when the transaction
    /// ends it closes the `MDB_cursor`, and `next()` then throws `transactionFinished`.
    public final class LMDBCursor: StoreCursor {
        @usableFromInline enum Position { case start, onEntry, end }

        /// Everything `next()` and `withEntry` change, kept outside the object so
        /// that the hot path pays no dynamic exclusivity checks on class properties.
        @usableFromInline struct State {
            @usableFromInline var handle: OpaquePointer?
            @usableFromInline var position: Position
            @usableFromInline var key = MDB_val()
            @usableFromInline var value = MDB_val()

            init(handle: OpaquePointer?, position: Position) {
                self.handle = handle
                self.position = position
            }
        }

        /// Keeps the transaction (and so its cursor list) alive while the cursor is.
        let transaction: LMDBTransaction
        /// The LMDB cursor (nil once the transaction ended), position and current entry.
        @usableFromInline let state: UnsafeMutablePointer<State>
        unowned(unsafe) var previousCursor: LMDBCursor?
        unowned(unsafe) var nextCursor: LMDBCursor?

        private let lower: UnsafeMutableRawBufferPointer?
        private let upper: UnsafeMutableRawBufferPointer?
        private let reverse: Bool
        /// `MDB_NEXT`, or `MDB_PREV` for a reverse cursor.
        @usableFromInline let step: MDB_cursor_op
        /// The bound the cursor moves towards: `upper`, or `lower` for a reverse cursor.
        @usableFromInline let boundary: UnsafeMutableRawBufferPointer?

        init(transaction: LMDBTransaction, handle: OpaquePointer, range: KeyRange, reverse: Bool) {
            self.transaction = transaction
            self.reverse = reverse
            // An empty lower bound is no bound; an empty upper bound admits nothing.
            self.lower = range.lower.flatMap { $0.isEmpty ? nil : Self.copy($0) }
            self.upper = range.upper.flatMap { $0.isEmpty ? nil : Self.copy($0) }
            self.step = reverse ? MDB_PREV : MDB_NEXT
            self.boundary = reverse ? lower : upper
            state = .allocate(capacity: 1)
            state.initialize(
                to: State(handle: handle, position: range.isEmpty || range.upper?.isEmpty == true ? .end : .start))
        }

        deinit {
            if let handle = state.pointee.handle {
                transaction.unlink(self)
                mdb_cursor_close(handle)
            }
            state.deinitialize(count: 1)
            state.deallocate()
            lower?.deallocate()
            upper?.deallocate()
        }

        private static func copy(_ bytes: [UInt8]) -> UnsafeMutableRawBufferPointer {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
            bytes.withUnsafeBytes { buffer.copyMemory(from: $0) }
            return buffer
        }

        /// Called by the transaction as it ends: closes the LMDB cursor (before the
        /// transaction's commit or abort, which is when that is allowed).
        func invalidate() {
            if let handle = state.pointee.handle { mdb_cursor_close(handle) }
            state.pointee.handle = nil
            state.pointee.position = .end
        }

        @inlinable
        public func next() throws -> Bool {
            let s = state
            // The hot path: one step from the current entry; `settle` does the rest.
            if s.pointee.position == .onEntry, let cursor = s.pointee.handle {
                let rc = mdb_cursor_get(cursor, &s.pointee.key, &s.pointee.value, step)
                if rc == 0 && boundary == nil { return true }
                return try settle(rc)
            }
            return try begin()
        }

        /// `next()` from the start, the end, or after the transaction ended.
        @usableFromInline
        func begin() throws -> Bool {
            guard let cursor = state.pointee.handle else { throw transaction.finishedError() }
            switch state.pointee.position {
            case .start:
                return try settle(reverse ? seekLast(cursor) : seekFirst(cursor))
            case .onEntry:
                return try settle(mdb_cursor_get(cursor, &state.pointee.key, &state.pointee.value, step))
            case .end:
                return false
            }
        }

        /// Interprets the code of a move: the end, an error, or an entry to check
        /// against the bound the cursor moves towards.
        @usableFromInline
        func settle(_ rc: Int32) throws -> Bool {
            let s = state
            if rc != 0 {
                s.pointee.position = .end
                if rc == MDB_NOTFOUND { return false }
                throw transaction.failed(rc, "cursor")
            }
            if let boundary {
                let c = compare(s.pointee.key, UnsafeRawBufferPointer(boundary))
                if reverse ? c < 0 : c >= 0 {
                    s.pointee.position = .end
                    return false
                }
            }
            s.pointee.position = .onEntry
            return true
        }

        @inlinable
        public func withEntry<R>(
            _ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> R
        ) rethrows -> R {
            let s = state.pointee
            precondition(
                s.position == .onEntry && s.handle != nil, "LMDBCursor.withEntry called without a current entry")
            return try body(
                UnsafeRawBufferPointer(start: s.key.mv_data, count: s.key.mv_size),
                UnsafeRawBufferPointer(start: s.value.mv_data, count: s.value.mv_size)
            )
        }

        /// The first key ≥ lower.
        private func seekFirst(_ cursor: OpaquePointer) -> Int32 {
            guard let lower else { return mdb_cursor_get(cursor, &state.pointee.key, &state.pointee.value, MDB_FIRST) }
            var rc = setRange(cursor, UnsafeRawBufferPointer(lower))
            while rc == 0 && compare(state.pointee.key, UnsafeRawBufferPointer(lower)) < 0 {
                rc = mdb_cursor_get(cursor, &state.pointee.key, &state.pointee.value, MDB_NEXT)
            }
            return rc
        }

        /// The last key < upper.
        private func seekLast(_ cursor: OpaquePointer) -> Int32 {
            guard let upper else { return mdb_cursor_get(cursor, &state.pointee.key, &state.pointee.value, MDB_LAST) }
            var rc = setRange(cursor, UnsafeRawBufferPointer(upper))
            // A bound longer than LMDB's key limit was truncated: step over keys still below it.
            while rc == 0 && compare(state.pointee.key, UnsafeRawBufferPointer(upper)) < 0 {
                rc = mdb_cursor_get(cursor, &state.pointee.key, &state.pointee.value, MDB_NEXT)
            }
            if rc == MDB_NOTFOUND { return mdb_cursor_get(cursor, &state.pointee.key, &state.pointee.value, MDB_LAST) }
            if rc != 0 { return rc }
            return mdb_cursor_get(cursor, &state.pointee.key, &state.pointee.value, MDB_PREV)
        }

        /// `MDB_SET_RANGE` to `bound`, truncated to the key limit LMDB accepts.
        private func setRange(_ cursor: OpaquePointer, _ bound: UnsafeRawBufferPointer) -> Int32 {
            state.pointee.key = MDB_val(
                mv_size: Swift.min(bound.count, transaction.maxKeySize),
                mv_data: UnsafeMutableRawPointer(mutating: bound.baseAddress)
            )
            return mdb_cursor_get(cursor, &state.pointee.key, &state.pointee.value, MDB_SET_RANGE)
        }
    }
#endif
