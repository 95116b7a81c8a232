// Read and write transactions over trie snapshots, and their cursor.
import StrataStore

/// Whether a transaction may still be used, shared with its cursors.
///
/// `@exclusivity(unchecked)`: a transaction and its cursors are used from one
/// thread at a time (they are not Sendable) and no access overlaps another,
/// so the per-operation check pays no dynamic exclusivity check.
final class TransactionState {
    @exclusivity(unchecked) var finished = false
    /// The first error a write transaction's operation threw; after it the
    /// transaction can only roll back.
    @exclusivity(unchecked) var failure: StoreError?

    func check() throws {
        if finished { throw StoreError(.transactionFinished, "trie: the transaction's closure has returned") }
        if let failure {
            throw StoreError(
                .transactionFinished, "trie: the write transaction failed earlier (\(failure)); it can only roll back")
        }
    }
}

/// One published version of the store: every column family's trie.
///
/// `@unchecked Sendable`: immutable after publication. The nodes reachable from
/// it are never written again, because a writer copies every node it does not
/// uniquely own (`isKnownUniquelyReferenced`), and a published node is always
/// also owned by this snapshot.
final class Snapshot: @unchecked Sendable {
    let families: [String: ColumnFamily]
    let tries: [UInt64: Trie]

    init(families: [String: ColumnFamily], tries: [UInt64: Trie]) {
        self.families = families
        self.tries = tries
    }

    func trie(for family: ColumnFamily) throws -> Trie {
        try family.checkLive()
        guard let trie = tries[family.id] else {
            throw StoreError(.notFound, "trie: column family '\(family.name)' does not exist in this snapshot")
        }
        return trie
    }
}

/// A read-only transaction: one snapshot, valid inside ``TrieStore/read(_:)``.
public final class TrieReadTransaction: ReadTransaction {
    let snapshot: Snapshot
    let state = TransactionState()
    /// The root of the column family used last, so that a run of reads in
    /// one family skips the snapshot's dictionary. It is not retained: the
    /// snapshot, which this transaction holds, does, and never changes. Only
    /// single-threaded use touches it (a transaction is not Sendable).
    @exclusivity(unchecked) private var lastFamily: UInt64 = .max
    @exclusivity(unchecked) private var lastRoot: Unmanaged<Node>?

    init(snapshot: Snapshot) {
        self.snapshot = snapshot
    }

    @inline(__always)
    private func root(for cf: ColumnFamily) throws -> Unmanaged<Node> {
        if cf.id == lastFamily, let lastRoot {
            try cf.checkLive()
            return lastRoot
        }
        let root = Unmanaged.passUnretained(try snapshot.trie(for: cf).root)
        lastFamily = cf.id
        lastRoot = root
        return root
    }

    /// Lends the trie node's value bytes (no copy). Throws `notFound` for a
    /// dropped column family, `transactionFinished` after the closure returned.
    public func withValue<R>(
        forKey key: UnsafeRawBufferPointer, in cf: ColumnFamily, _ body: (UnsafeRawBufferPointer?) throws -> R
    ) throws -> R {
        try state.check()
        return try Trie.withBorrowedValue(of: Trie.find(key, from: root(for: cf)), body)
    }

    /// The node's value array itself (shared, no copy: values are never
    /// mutated in place). Throws like ``withValue(forKey:in:_:)``.
    public func get(_ key: [UInt8], in cf: ColumnFamily) throws -> [UInt8]? {
        try state.check()
        let root = try root(for: cf)
        return key.withUnsafeBytes { k in Trie.find(k, from: root)?._withUnsafeGuaranteedRef { $0.value } }
    }

    /// The node's value arrays (shared, like ``get(_:in:)``), the walks of
    /// the keys interleaved so that their memory reads overlap (see
    /// `Trie+Batch.swift`). Throws like ``withValue(forKey:in:_:)``.
    public func multiGet(_ keys: [[UInt8]], in cf: ColumnFamily) throws -> [[UInt8]?] {
        try state.check()
        return Trie.values(forKeys: keys, from: try root(for: cf))
    }

    /// From the trie's subtree counts, visiting no keys. Throws like ``withValue(forKey:in:_:)``.
    public func count(withPrefix prefix: [UInt8], in cf: ColumnFamily) throws -> Int {
        try state.check()
        let trie = try snapshot.trie(for: cf)
        return prefix.withUnsafeBytes { trie.count(withPrefix: $0) }
    }

    /// The snapshot's root node of `cf`: a published trie never changes,
    /// and every commit that changes `cf` publishes a new root (the writer
    /// copies the shared one). Throws like ``withValue(forKey:in:_:)``.
    public func contentVersion(of cf: ColumnFamily) throws -> ContentVersion? {
        try state.check()
        return ContentVersion(token: try snapshot.trie(for: cf).root)
    }

    /// The snapshot: every value array `get`, `multiGet` and a cursor's
    /// `value()` return is held by one of its nodes, which are never written
    /// again (see ``Snapshot``).
    public var valueOwner: (any AnyObject & Sendable)? { snapshot }

    /// A lazy cursor over `range`. Throws like ``withValue(forKey:in:_:)``.
    public func makeCursor(in cf: ColumnFamily, range: KeyRange, reverse: Bool) throws -> TrieStoreCursor {
        try state.check()
        let trie = try snapshot.trie(for: cf)
        return TrieStoreCursor(state: state, trie.makeCursor(lower: range.lower, upper: range.upper, reverse: reverse))
    }
}

/// A write transaction: sees its own writes; published when
/// ``TrieStore/writeOnce(_:)``'s closure returns.
public final class TrieWriteTransaction: WriteTransaction {
    /// A column family's private, mutable trie during the transaction.
    final class Draft {
        /// Unchecked: only the transaction's one thread touches it, and no
        /// access overlaps another.
        @exclusivity(unchecked) var trie: Trie
        init(_ trie: Trie) { self.trie = trie }
    }

    let base: Snapshot
    let state = TransactionState()
    private(set) var drafts: [UInt64: Draft] = [:]
    /// The log record being built; nil for an in-memory store.
    var record: LogRecordBuilder?
    private(set) var changed = false

    init(base: Snapshot, logging: Bool) {
        self.base = base
        self.record = logging ? LogRecordBuilder() : nil
    }

    /// Runs `operation`, remembering its error so that the transaction can
    /// only roll back afterwards.
    private func run<R>(_ operation: () throws -> R) throws -> R {
        try state.check()
        do {
            return try operation()
        } catch let error as StoreError {
            state.failure = error
            throw error
        }
    }

    /// The draft used last, so that a run of writes to one column family
    /// skips the dictionary.
    @exclusivity(unchecked) private var lastDraftFamily: UInt64 = .max
    @exclusivity(unchecked) private var lastDraft: Draft?

    private func draft(for cf: ColumnFamily) throws -> Draft {
        if cf.id == lastDraftFamily, let lastDraft {
            try cf.checkLive()
            return lastDraft
        }
        let draft: Draft
        if let existing = drafts[cf.id] {
            try cf.checkLive()
            draft = existing
        } else {
            draft = Draft(try base.trie(for: cf))
            drafts[cf.id] = draft
        }
        lastDraftFamily = cf.id
        lastDraft = draft
        return draft
    }

    private func trie(for cf: ColumnFamily) throws -> Trie {
        if let draft = drafts[cf.id] {
            try cf.checkLive()
            return draft.trie
        }
        return try base.trie(for: cf)
    }

    /// Lends the value bytes, seeing this transaction's own writes.
    public func withValue<R>(
        forKey key: UnsafeRawBufferPointer, in cf: ColumnFamily, _ body: (UnsafeRawBufferPointer?) throws -> R
    ) throws -> R {
        let trie = try run { try self.trie(for: cf) }
        return try trie.withValue(forKey: key, body)
    }

    /// The value array itself (shared: a later write replaces the node's
    /// array rather than changing it), seeing this transaction's own writes.
    public func get(_ key: [UInt8], in cf: ColumnFamily) throws -> [UInt8]? {
        let trie = try run { try self.trie(for: cf) }
        return key.withUnsafeBytes { k in trie.find(k)?._withUnsafeGuaranteedRef { $0.value } }
    }

    /// The value arrays (shared, like ``get(_:in:)``), seeing this
    /// transaction's own writes; the walks interleaved as in a read transaction.
    public func multiGet(_ keys: [[UInt8]], in cf: ColumnFamily) throws -> [[UInt8]?] {
        let trie = try run { try self.trie(for: cf) }
        return Trie.values(forKeys: keys, from: Unmanaged.passUnretained(trie.root))
    }

    /// From the trie's subtree counts, seeing this transaction's own writes.
    public func count(withPrefix prefix: [UInt8], in cf: ColumnFamily) throws -> Int {
        let trie = try run { try self.trie(for: cf) }
        return prefix.withUnsafeBytes { trie.count(withPrefix: $0) }
    }

    /// The base snapshot's root of `cf` while this transaction has not
    /// written to `cf`; nil once it has, because its draft then changes in
    /// place (its root keeps its identity from one write to the next).
    public func contentVersion(of cf: ColumnFamily) throws -> ContentVersion? {
        try run {
            if drafts[cf.id] != nil {
                try cf.checkLive()
                return nil
            }
            return ContentVersion(token: try base.trie(for: cf).root)
        }
    }

    /// A lazy cursor over the transaction's current contents of `range`. It
    /// keeps seeing those contents even if the transaction writes afterwards.
    public func makeCursor(in cf: ColumnFamily, range: KeyRange, reverse: Bool) throws -> TrieStoreCursor {
        let trie = try run { try self.trie(for: cf) }
        return TrieStoreCursor(state: state, trie.makeCursor(lower: range.lower, upper: range.upper, reverse: reverse))
    }

    /// Stores `value` under `key`. Throws `notFound` for a dropped column
    /// family and `invalidArgument` for a key or value of 4 GiB or more.
    public func put(_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer, in cf: ColumnFamily) throws {
        try run {
            guard key.count < Int(UInt32.max), value.count < Int(UInt32.max) else {
                throw StoreError(.invalidArgument, "trie: keys and values must be smaller than 4 GiB")
            }
            let draft = try draft(for: cf)
            draft.trie.insert(key, value)
            record?.put(family: cf.name, key: key, value: value)
            changed = true
        }
    }

    /// Stores many entries, as `put` would one by one (a later entry for the
    /// same key wins), but inserted in key order: consecutive insertions then
    /// share the path they walk, which stays in cache, so a large batch (a
    /// bulk load) costs a fraction of the same puts in random order.
    public func putBatch(_ entries: [(key: [UInt8], value: [UInt8])], in cf: ColumnFamily) throws {
        try run {
            for entry in entries where entry.key.count >= Int(UInt32.max) || entry.value.count >= Int(UInt32.max) {
                throw StoreError(.invalidArgument, "trie: keys and values must be smaller than 4 GiB")
            }
            guard !entries.isEmpty else { return }
            let draft = try draft(for: cf)
            for i in Self.keyOrder(entries) {
                entries[i].key.withUnsafeBytes { k in
                    entries[i].value.withUnsafeBytes { v in
                        draft.trie.insert(k, v)
                        record?.put(family: cf.name, key: k, value: v)
                    }
                }
            }
            changed = true
        }
    }

    /// The positions of `entries` ordered by key, equal keys in batch order.
    ///
    /// Sorted on (eight bytes after the batch's common prefix, position), so
    /// that most comparisons are one integer comparison; ties on those bytes
    /// compare the whole keys.
    static func keyOrder(_ entries: [(key: [UInt8], value: [UInt8])]) -> [Int] {
        var sorted = true
        for i in entries.indices.dropFirst() where compareKeys(entries[i - 1].key, entries[i].key) > 0 {
            sorted = false
            break
        }
        if sorted { return Array(entries.indices) }

        var common = entries[0].key.count
        for entry in entries.dropFirst() {
            common = entry.key.withUnsafeBufferPointer { k in
                entries[0].key.withUnsafeBufferPointer { first in
                    var n = 0
                    let limit = Swift.min(common, k.count)
                    while n < limit && k[n] == first[n] { n += 1 }
                    return n
                }
            }
        }
        struct Item {
            var prefix: UInt64
            var position: Int
        }
        var items = entries.indices.map { i in
            entries[i].key.withUnsafeBufferPointer { k in
                // Big-endian, zero-padded: integer order is byte order, and a
                // shorter key's padding ties with (never passes) a zero byte,
                // which the full comparison then settles.
                var prefix: UInt64 = 0
                for j in 0..<8 { prefix = prefix << 8 | UInt64(common + j < k.count ? k[common + j] : 0) }
                return Item(prefix: prefix, position: i)
            }
        }
        items.sort { a, b in
            if a.prefix != b.prefix { return a.prefix < b.prefix }
            let c = compareKeys(entries[a.position].key, entries[b.position].key)
            return c != 0 ? c < 0 : a.position < b.position
        }
        return items.map(\.position)
    }

    private static func compareKeys(_ a: [UInt8], _ b: [UInt8]) -> Int {
        a.withUnsafeBytes { x in b.withUnsafeBytes { y in compareBytes(x, y) } }
    }

    /// Removes `key`.
    public func delete(_ key: UnsafeRawBufferPointer, in cf: ColumnFamily) throws {
        try run {
            let draft = try draft(for: cf)
            if draft.trie.remove(key) {
                record?.delete(family: cf.name, key: key)
                changed = true
            }
        }
    }

    /// Removes every key in `range` (a scan and delete; not native).
    public func deleteRange(_ range: KeyRange, in cf: ColumnFamily) throws {
        try run {
            let draft = try draft(for: cf)
            if draft.trie.removeRange(lower: range.lower, upper: range.upper) > 0 {
                record?.deleteRange(family: cf.name, lower: range.lower, upper: range.upper)
                changed = true
            }
        }
    }
}

/// A cursor of a trie transaction. Throws `transactionFinished` once its
/// transaction's closure has returned.
public struct TrieStoreCursor: StoreCursor {
    let state: TransactionState
    var cursor: TrieCursor

    init(state: TransactionState, _ cursor: TrieCursor) {
        self.state = state
        self.cursor = cursor
    }

    /// Moves to the next entry; false past the end.
    public mutating func next() throws -> Bool {
        if state.finished { throw StoreError(.transactionFinished, "trie: cursor used after its transaction ended") }
        return cursor.next()
    }

    /// Lends the current key and value (trie bytes, no copy).
    public func withEntry<R>(_ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try cursor.withEntry(body)
    }

    /// The trie node's value array (shared, no copy).
    public func value() -> [UInt8] { cursor.value }
}
