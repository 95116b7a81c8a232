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
    /// The trie of the column family used last, so that a run of reads in
    /// one family skips the snapshot's dictionary. The snapshot is immutable,
    /// so the entry never goes stale; only single-threaded use touches it (a
    /// transaction is not Sendable).
    @exclusivity(unchecked) private var lastFamily: UInt64 = .max
    @exclusivity(unchecked) private var lastTrie: Trie?

    init(snapshot: Snapshot) {
        self.snapshot = snapshot
    }

    @inline(__always)
    private func trie(for cf: ColumnFamily) throws -> Trie {
        if cf.id == lastFamily, let lastTrie {
            try cf.checkLive()
            return lastTrie
        }
        let trie = try snapshot.trie(for: cf)
        lastFamily = cf.id
        lastTrie = trie
        return trie
    }

    /// Lends the trie node's value bytes (no copy). Throws `notFound` for a
    /// dropped column family, `transactionFinished` after the closure returned.
    public func withValue<R>(
        forKey key: UnsafeRawBufferPointer, in cf: ColumnFamily, _ body: (UnsafeRawBufferPointer?) throws -> R
    ) throws -> R {
        try state.check()
        return try trie(for: cf).withValue(forKey: key, body)
    }

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
        var trie: Trie
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
}
