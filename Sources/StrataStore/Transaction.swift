/// A consistent snapshot of the store, valid for the life of the closure that
/// received it (``Store/read(_:)``).
///
/// The requirements are the few operations a backend must provide; copying
/// gets, multi-gets and scans are built on them in extensions.
public protocol ReadTransaction {
    associatedtype Cursor: StoreCursor

    /// Calls `body` with the value stored under `key`, or nil when there is none.
    ///
    /// The bytes belong to the backend (LMDB's memory map, a trie node) and are
    /// valid only inside `body`, and only until the transaction next writes:
    /// in a write transaction, copy them before calling `put` or `delete` (LMDB
    /// moves data on pages it is writing). Throws `notFound` for a dropped column
    /// family, `transactionFinished` after the transaction ended.
    func withValue<R>(
        forKey key: UnsafeRawBufferPointer,
        in cf: ColumnFamily,
        _ body: (UnsafeRawBufferPointer?) throws -> R
    ) throws -> R

    /// A cursor over the keys of `range`, ascending or (with `reverse`) descending.
    /// The cursor is lazy: it reads as it moves and is bounded by the transaction.
    func makeCursor(in cf: ColumnFamily, range: KeyRange, reverse: Bool) throws -> Cursor

    /// The values stored under `keys`, in order. Backends with a batched read
    /// path (RocksDB's multi-get) override the default.
    func multiGet(_ keys: [[UInt8]], in cf: ColumnFamily) throws -> [[UInt8]?]

    /// The value stored under `key` as an array the caller keeps, or nil.
    /// Backends that hold values as arrays (the trie) share theirs, with no
    /// copy; the default copies the bytes ``withValue(forKey:in:_:)`` lends.
    func get(_ key: [UInt8], in cf: ColumnFamily) throws -> [UInt8]?

    /// The number of keys in `cf` that start with `prefix`. Backends that keep
    /// subtree counts (the trie) answer without visiting the keys; the
    /// default counts them with a cursor.
    func count(withPrefix prefix: [UInt8], in cf: ColumnFamily) throws -> Int

    /// The version of `cf`'s contents this transaction sees, or nil when the
    /// backend cannot tell. Equal versions mean equal contents, so a caller
    /// may keep what it derived from them (a decoded catalog) and skip
    /// reading them again. Backends whose snapshots are immutable objects
    /// (the trie) return one; the default returns nil, and so must a backend
    /// for contents a write transaction has changed in place. Throws
    /// `notFound` for a dropped column family.
    func contentVersion(of cf: ColumnFamily) throws -> ContentVersion?

    /// An immutable object that keeps every array this transaction's
    /// ``get(_:in:)``, ``multiGet(_:in:)`` and cursors' ``StoreCursor/value()``
    /// return alive and unchanged for as long as it lives (the trie's
    /// snapshot, whose nodes hold the arrays), or nil. A caller that keeps
    /// this object may then keep many such arrays without a reference each.
    /// The default is nil: the arrays are copies the caller owns, or (in a
    /// write transaction) a later write may replace them.
    var valueOwner: (any AnyObject & Sendable)? { get }
}

/// A transaction that can also write. Its writes are visible to itself at once
/// and to everyone else when ``Store/write(_:)``'s closure returns.
public protocol WriteTransaction: ReadTransaction {
    /// Stores `value` under `key`, replacing any previous value.
    func put(_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer, in cf: ColumnFamily) throws

    /// Removes `key`; removing a missing key is not an error.
    func delete(_ key: UnsafeRawBufferPointer, in cf: ColumnFamily) throws

    /// Removes every key in `range`.
    func deleteRange(_ range: KeyRange, in cf: ColumnFamily) throws

    /// Stores many entries. Backends with a batch path (RocksDB's WriteBatch)
    /// override the default, which puts them one by one.
    func putBatch(_ entries: [(key: [UInt8], value: [UInt8])], in cf: ColumnFamily) throws
}

/// A position in an ordered scan.
///
/// ```swift
/// var cursor = try txn.makeCursor(in: cf, range: .prefix(p), reverse: false)
/// while try cursor.next() {
///     cursor.withEntry { key, value in … }
/// }
/// ```
public protocol StoreCursor {
    /// Moves to the next entry in the cursor's direction; false once past the end.
    /// The first call moves to the first entry.
    mutating func next() throws -> Bool

    /// Calls `body` with the current entry's bytes, valid only inside `body` and
    /// only until the next call to ``next()``. Traps if ``next()`` has not
    /// returned true (that is a programming error).
    func withEntry<R>(_ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> R) rethrows -> R

    /// The current entry's value as an array that stays valid after the
    /// cursor moves. Backends that hold values as arrays (the trie) share
    /// theirs; the default copies. Traps like ``withEntry(_:)``.
    func value() -> [UInt8]
}

extension StoreCursor {
    @inlinable
    public func value() -> [UInt8] { withEntry { Array($1) } }
}

extension ReadTransaction {
    @inlinable
    public func multiGet(_ keys: [[UInt8]], in cf: ColumnFamily) throws -> [[UInt8]?] {
        try keys.map { try get($0, in: cf) }
    }

    /// The value stored under `key`, copied out of the backend, or nil.
    /// (The default of the requirement.)
    @inlinable
    public func get(_ key: [UInt8], in cf: ColumnFamily) throws -> [UInt8]? {
        try key.withUnsafeBytes { k in try withValue(forKey: k, in: cf) { $0.map { Array($0) } } }
    }

    /// Counts the keys of `.prefix(prefix)` one by one. (The default of the requirement.)
    @inlinable
    public func count(withPrefix prefix: [UInt8], in cf: ColumnFamily) throws -> Int {
        var cursor = try makeCursor(in: cf, range: .prefix(prefix), reverse: false)
        var n = 0
        while try cursor.next() { n += 1 }
        return n
    }

    /// Nil: no version is known, so callers read. (The default of the requirement.)
    @inlinable
    public func contentVersion(of cf: ColumnFamily) throws -> ContentVersion? { nil }

    /// Nil: the arrays are the caller's own. (The default of the requirement.)
    @inlinable
    public var valueOwner: (any AnyObject & Sendable)? { nil }

    /// Calls `body` with the borrowed value stored under `key`, or nil.
    @inlinable
    public func withValue<R>(
        forKey key: [UInt8],
        in cf: ColumnFamily,
        _ body: (UnsafeRawBufferPointer?) throws -> R
    ) throws -> R {
        try key.withUnsafeBytes { k in try withValue(forKey: k, in: cf, body) }
    }

    /// Whether a value is stored under `key`.
    @inlinable
    public func contains(_ key: [UInt8], in cf: ColumnFamily) throws -> Bool {
        try withValue(forKey: key, in: cf) { $0 != nil }
    }

    /// Visits the entries of `range` with borrowed bytes until `body` returns false.
    /// Returns the number of entries visited.
    @inlinable @discardableResult
    public func forEach(
        in cf: ColumnFamily,
        range: KeyRange = .all,
        reverse: Bool = false,
        _ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> Bool
    ) throws -> Int {
        var cursor = try makeCursor(in: cf, range: range, reverse: reverse)
        var visited = 0
        while try cursor.next() {
            visited += 1
            if try !cursor.withEntry(body) { break }
        }
        return visited
    }

    /// The entries of `range`, copied, at most `limit` of them.
    @inlinable
    public func scan(
        in cf: ColumnFamily,
        range: KeyRange = .all,
        reverse: Bool = false,
        limit: Int = .max
    ) throws -> [(key: [UInt8], value: [UInt8])] {
        var result: [(key: [UInt8], value: [UInt8])] = []
        guard limit > 0 else { return result }
        try forEach(in: cf, range: range, reverse: reverse) { k, v in
            result.append((Array(k), Array(v)))
            return result.count < limit
        }
        return result
    }

    /// A lazy iterator over the entries of `range` that copies each entry.
    @inlinable
    public func entries(in cf: ColumnFamily, range: KeyRange = .all, reverse: Bool = false) throws -> EntryIterator<Cursor> {
        EntryIterator(cursor: try makeCursor(in: cf, range: range, reverse: reverse))
    }
}

/// Copies entries out of a cursor one at a time.
public struct EntryIterator<Cursor: StoreCursor> {
    @usableFromInline var cursor: Cursor

    @inlinable init(cursor: Cursor) { self.cursor = cursor }

    /// The next entry, or nil at the end.
    @inlinable
    public mutating func next() throws -> (key: [UInt8], value: [UInt8])? {
        guard try cursor.next() else { return nil }
        return cursor.withEntry { (Array($0), Array($1)) }
    }
}

extension WriteTransaction {
    @inlinable
    public func putBatch(_ entries: [(key: [UInt8], value: [UInt8])], in cf: ColumnFamily) throws {
        for entry in entries { try put(entry.key, entry.value, in: cf) }
    }

    /// Stores `value` under `key`.
    @inlinable
    public func put(_ key: [UInt8], _ value: [UInt8], in cf: ColumnFamily) throws {
        try key.withUnsafeBytes { k in try value.withUnsafeBytes { v in try put(k, v, in: cf) } }
    }

    /// Removes `key`.
    @inlinable
    public func delete(_ key: [UInt8], in cf: ColumnFamily) throws {
        try key.withUnsafeBytes { try delete($0, in: cf) }
    }
}
