#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A transactional, ordered key-value store: the plugin seam of Strata.
///
/// Keys and values are byte strings ordered lexicographically on unsigned
/// bytes, grouped into column families. All access goes through closure-scoped
/// transactions:
///
/// ```swift
/// let users = try store.createColumnFamily("users")
/// try store.write { txn in try txn.put(key, value, in: users) }   // commits on return
/// let v = try store.read { txn in try txn.get(key, in: users) }   // one snapshot
/// ```
///
/// A conforming backend must pass `StrataStoreTesting`'s conformance suite.
/// The full contract is in DESIGN.md ("The Store contract").
public protocol Store: AnyObject, Sendable {
    associatedtype ReadTxn: ReadTransaction
    associatedtype WriteTxn: WriteTransaction

    /// The registry name of the backend (`rocksdb`, `lmdb`, `trie`, …).
    var backendName: String { get }
    /// What this backend can do beyond the contract's minimum.
    var capabilities: StoreCapabilities { get }
    /// The options the store was opened with.
    var options: StoreOptions { get }

    /// The existing column family `name`. Throws `notFound` when there is none.
    func columnFamily(_ name: String) throws -> ColumnFamily
    /// Creates column family `name`, or returns it when it exists.
    func createColumnFamily(_ name: String) throws -> ColumnFamily
    /// Drops column family `name` and all its data. Throws `notFound` when
    /// there is none and `invalidArgument` for the default column family.
    func dropColumnFamily(_ name: String) throws
    /// The names of every column family, sorted.
    func columnFamilyNames() throws -> [String]

    /// Runs `body` in a read-only transaction over one consistent snapshot.
    @discardableResult
    func read<R>(_ body: (ReadTxn) throws -> R) throws -> R

    /// Runs `body` in a write transaction: commits when it returns, rolls back
    /// when it throws. Throws `conflict` when an optimistic commit lost to another
    /// writer; use ``write(maxAttempts:_:)``, which retries. A backend may also
    /// roll back and run `body` again for a reason the caller cannot see (LMDB
    /// growing its map), so `body` keeps its effects inside the transaction.
    @discardableResult
    func writeOnce<R>(_ body: (WriteTxn) throws -> R) throws -> R

    /// Flushes and closes the store. Later calls throw `closed`. Closing twice is allowed.
    func close() throws
}

extension Store {
    /// The default column family, which every store has.
    public func defaultColumnFamily() throws -> ColumnFamily {
        try columnFamily(ColumnFamily.defaultName)
    }

    /// Runs `body` in a write transaction, committing when it returns and
    /// rolling back when it throws. On an optimistic conflict the closure runs
    /// again from the start, so it must not have effects outside the transaction
    /// that cannot be repeated. Throws `conflict` after `maxAttempts` losses.
    @inlinable @discardableResult
    public func write<R>(maxAttempts: Int = 100, _ body: (WriteTxn) throws -> R) throws -> R {
        precondition(maxAttempts > 0, "maxAttempts must be positive")
        var attempt = 1
        while true {
            do {
                return try writeOnce(body)
            } catch StoreError.Code.conflict where attempt < maxAttempts {
                attempt += 1
                if attempt > 4 { backoff(attempt: attempt) }
            }
        }
    }
}

/// A short randomized pause between conflict retries so that a pair of writers
/// does not collide forever. It sleeps rather than spins: on a small machine the
/// winning writer needs the core.
@usableFromInline
func backoff(attempt: Int) {
    let micros = Int.random(in: 1...min(1 << min(attempt, 10), 1000))
    var request = timespec(tv_sec: 0, tv_nsec: micros * 1000)
    var remaining = timespec()
    while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
}
