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
    private enum Position { case start, onEntry, end }

    /// Keeps the transaction (and so its cursor list) alive while the cursor is.
    let transaction: LMDBTransaction
    /// The LMDB cursor; nil once the transaction ended.
    private var handle: OpaquePointer?
    unowned(unsafe) var previousCursor: LMDBCursor?
    unowned(unsafe) var nextCursor: LMDBCursor?

    private let lower: UnsafeMutableRawBufferPointer?
    private let upper: UnsafeMutableRawBufferPointer?
    private let reverse: Bool
    private var position: Position
    private var key = MDB_val()
    private var value = MDB_val()

    init(transaction: LMDBTransaction, handle: OpaquePointer, range: KeyRange, reverse: Bool) {
        self.transaction = transaction
        self.handle = handle
        self.reverse = reverse
        // An empty lower bound is no bound; an empty upper bound admits nothing.
        self.lower = range.lower.flatMap { $0.isEmpty ? nil : Self.copy($0) }
        self.upper = range.upper.flatMap { $0.isEmpty ? nil : Self.copy($0) }
        self.position = range.isEmpty || range.upper?.isEmpty == true ? .end : .start
    }

    deinit {
        if let handle {
            transaction.unlink(self)
            mdb_cursor_close(handle)
        }
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
        if let handle { mdb_cursor_close(handle) }
        handle = nil
        position = .end
    }

    public func next() throws -> Bool {
        guard let cursor = handle else { throw transaction.finishedError() }
        var rc: Int32
        switch position {
        case .onEntry:
            rc = mdb_cursor_get(cursor, &key, &value, reverse ? MDB_PREV : MDB_NEXT)
        case .start:
            rc = reverse ? seekLast(cursor) : seekFirst(cursor)
        case .end:
            return false
        }
        if rc != 0 {
            position = .end
            if rc == MDB_NOTFOUND { return false }
            throw transaction.failed(rc, "cursor")
        }
        if reverse {
            if let lower, compare(key, UnsafeRawBufferPointer(lower)) < 0 {
                position = .end
                return false
            }
        } else {
            if let upper, compare(key, UnsafeRawBufferPointer(upper)) >= 0 {
                position = .end
                return false
            }
        }
        position = .onEntry
        return true
    }

    public func withEntry<R>(
        _ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> R
    ) rethrows -> R {
        precondition(position == .onEntry && handle != nil, "LMDBCursor.withEntry called without a current entry")
        return try body(
            UnsafeRawBufferPointer(start: key.mv_data, count: key.mv_size),
            UnsafeRawBufferPointer(start: value.mv_data, count: value.mv_size)
        )
    }

    /// The first key ≥ lower.
    private func seekFirst(_ cursor: OpaquePointer) -> Int32 {
        guard let lower else { return mdb_cursor_get(cursor, &key, &value, MDB_FIRST) }
        var rc = setRange(cursor, UnsafeRawBufferPointer(lower))
        while rc == 0 && compare(key, UnsafeRawBufferPointer(lower)) < 0 {
            rc = mdb_cursor_get(cursor, &key, &value, MDB_NEXT)
        }
        return rc
    }

    /// The last key < upper.
    private func seekLast(_ cursor: OpaquePointer) -> Int32 {
        guard let upper else { return mdb_cursor_get(cursor, &key, &value, MDB_LAST) }
        var rc = setRange(cursor, UnsafeRawBufferPointer(upper))
        // A bound longer than LMDB's key limit was truncated: step over keys still below it.
        while rc == 0 && compare(key, UnsafeRawBufferPointer(upper)) < 0 {
            rc = mdb_cursor_get(cursor, &key, &value, MDB_NEXT)
        }
        if rc == MDB_NOTFOUND { return mdb_cursor_get(cursor, &key, &value, MDB_LAST) }
        if rc != 0 { return rc }
        return mdb_cursor_get(cursor, &key, &value, MDB_PREV)
    }

    /// `MDB_SET_RANGE` to `bound`, truncated to the key limit LMDB accepts.
    private func setRange(_ cursor: OpaquePointer, _ bound: UnsafeRawBufferPointer) -> Int32 {
        key = MDB_val(
            mv_size: Swift.min(bound.count, transaction.maxKeySize),
            mv_data: UnsafeMutableRawPointer(mutating: bound.baseAddress)
        )
        return mdb_cursor_get(cursor, &key, &value, MDB_SET_RANGE)
    }
}
#endif
