import StrataDocument
import StrataQuery
import StrataStore

/// A document database over any ``Store``: collections of BSON records with
/// secondary indexes, a catalog in the `_sys` column family, and a planner.
///
/// ```swift
/// let db = try Database(store: store)
/// try db.createCollection("users", indexes: ["age"])
/// try db.write { tx in
///     _ = try tx.insert(["name": "Ada", "age": 36], into: "users")
///     _ = try tx.update(try Filter(["name": "Ada"]), try Update(["$inc": ["age": 1]]), in: "users")
/// }
/// let adults = try db.read { tx in try tx.find(try Query(filter: ["age": ["$gte": 18]]), in: "users") }
/// ```
///
/// Every method throws ``DatabaseError``.
public final class Database<S: Store>: Sendable {
    /// The store underneath.
    public let store: S
    private let catalog: ColumnFamily
    private let catalogCache = CatalogCache()
    /// Finds a collection's column family: made once, so that a transaction's
    /// session allocates no closure context.
    private let resolveFamily: @Sendable (String) throws -> ColumnFamily

    /// Opens the database kept in `store`, creating its catalog when missing.
    /// - Throws: `DatabaseError` when the store fails.
    public init(store: S) throws {
        self.store = store
        resolveFamily = { [store] in try store.columnFamily($0) }
        do { catalog = try store.createColumnFamily(Catalog.columnFamilyName) } catch {
            throw DatabaseError(mapping: error)
        }
    }

    /// Runs `body` over one consistent snapshot.
    /// - Throws: `DatabaseError` for any failure in `body` or the store.
    public func read<R>(_ body: (ReadContext<S>) throws -> R) throws -> R {
        do {
            return try store.read { txn in try body(ReadContext(session: session(txn))) }
        } catch { throw DatabaseError(mapping: error) }
    }

    /// Runs `body` in one write transaction: everything it does commits
    /// together when it returns and nothing when it throws. The closure may
    /// run again after an optimistic conflict.
    /// - Throws: `DatabaseError` for any failure in `body` or the store.
    public func write<R>(_ body: (WriteContext<S>) throws -> R) throws -> R {
        do {
            return try store.write { txn in try body(WriteContext(session: session(txn))) }
        } catch { throw DatabaseError(mapping: error) }
    }

    private func session<T: ReadTransaction>(_ txn: T) -> Session<T> {
        Session(
            txn: txn, catalog: catalog, resolve: resolveFamily, cache: catalogCache,
            countsPrefixes: store.capabilities.contains(.countedPrefixes))
    }

    /// Creates a collection, with indexes on `indexes`.
    /// - Throws: `DatabaseError` `.exists` when there is one by that name,
    ///   `.badRequest` for a bad name or index field.
    public func createCollection(_ name: String, indexes: [String] = []) throws {
        do {
            try Catalog.validate(collection: name)
            for field in indexes { try Catalog.validate(indexField: field) }
            let cfName = Catalog.columnFamilyName(forCollection: name)
            try ColumnFamily.validate(name: cfName)
            _ = try store.createColumnFamily(cfName)
            try store.write { txn in
                if try Catalog.load(name, txn: txn, in: catalog) != nil {
                    throw DatabaseError(.exists, "collection \(name.debugDescription) exists")
                }
                let cf = try store.columnFamily(cfName)
                try txn.deleteRange(.all, in: cf)
                try Catalog.save(CollectionInfo(name: name, columnFamily: cfName, indexes: []), txn: txn, in: catalog)
                let session = session(txn)
                var seen = Set<String>()
                for field in indexes where seen.insert(field).inserted { try session.createIndex(field, in: name) }
            }
        } catch { throw DatabaseError(mapping: error) }
    }

    /// Drops a collection: its records, its indexes and its catalog entry.
    /// - Throws: `DatabaseError` `.notFound` when there is none.
    public func dropCollection(_ name: String) throws {
        do {
            let info = try store.write { txn in
                guard let info = try Catalog.load(name, txn: txn, in: catalog) else {
                    throw DatabaseError(.notFound, "no collection named \(name.debugDescription)")
                }
                try txn.delete(Catalog.key(name), in: catalog)
                return info
            }
            do { try store.dropColumnFamily(info.columnFamily) } catch StoreError.Code.notFound {}
        } catch { throw DatabaseError(mapping: error) }
    }

    /// The names of every collection, sorted.
    public func listCollections() throws -> [String] { try read { try $0.listCollections() } }
}

/// The reads of one transaction (``Database/read(_:)``); ``WriteContext`` has them too.
public struct ReadContext<S: Store> {
    let session: Session<S.ReadTxn>

    /// The names of every collection, sorted.
    public func listCollections() throws -> [String] { try session.listCollections() }
    /// The indexed fields of a collection. Throws `notFound` for a missing collection.
    public func listIndexes(_ collection: String) throws -> [String] { try session.listIndexes(collection) }
    /// The records matching `query`, in its order, projected to its columns.
    public func find(_ query: Query, in collection: String, hint: QueryHint = .automatic) throws -> [Document] {
        try session.find(query, in: collection, hint: hint)
    }
    /// The records matching `query`, in its order, projected to its columns,
    /// as raw BSON decoded only on demand (see ``ResultSet``): the same
    /// records ``find(_:in:hint:)`` decodes.
    public func findRaw(_ query: Query, in collection: String, hint: QueryHint = .automatic) throws -> ResultSet {
        try session.findRaw(query, in: collection, hint: hint)
    }
    /// The first record `query` returns, or nil.
    public func findOne(_ query: Query, in collection: String) throws -> Document? {
        var q = query
        q.take = 1
        return try session.find(q, in: collection).first
    }
    /// The record with this `_id`, projected to `columns`, or nil.
    public func findByID(_ id: Value, columns: [FieldPath]? = nil, in collection: String) throws -> Document? {
        try session.findByID(id, columns: columns, in: collection)
    }
    /// The record with this `_id` as raw BSON (projected to `columns`), or nil.
    public func findRawByID(_ id: Value, columns: [FieldPath]? = nil, in collection: String) throws -> RawDocument? {
        try session.findRawByID(id, columns: columns, in: collection)
    }
    /// How many records match.
    public func count(_ filter: Filter = .all, in collection: String) throws -> Int {
        try session.count(filter, in: collection)
    }
    /// The distinct values `field` reaches in the matching records (array elements counted singly), sorted.
    public func distinct(_ field: String, filter: Filter = .all, in collection: String) throws -> [Value] {
        try session.distinct(field, filter: filter, in: collection)
    }
    /// The plan the planner chooses for `query`, as a tree of stages.
    public func explain(_ query: Query, in collection: String, hint: QueryHint = .automatic) throws -> Document {
        try session.explain(query, in: collection, hint: hint)
    }
}

/// The reads and writes of one write transaction (``Database/write(_:)``).
public struct WriteContext<S: Store> {
    let session: Session<S.WriteTxn>

    public func listCollections() throws -> [String] { try session.listCollections() }
    public func listIndexes(_ collection: String) throws -> [String] { try session.listIndexes(collection) }
    public func find(_ query: Query, in collection: String, hint: QueryHint = .automatic) throws -> [Document] {
        try session.find(query, in: collection, hint: hint)
    }
    public func findRaw(_ query: Query, in collection: String, hint: QueryHint = .automatic) throws -> ResultSet {
        try session.findRaw(query, in: collection, hint: hint)
    }
    public func findOne(_ query: Query, in collection: String) throws -> Document? {
        var q = query
        q.take = 1
        return try session.find(q, in: collection).first
    }
    public func findByID(_ id: Value, columns: [FieldPath]? = nil, in collection: String) throws -> Document? {
        try session.findByID(id, columns: columns, in: collection)
    }
    public func findRawByID(_ id: Value, columns: [FieldPath]? = nil, in collection: String) throws -> RawDocument? {
        try session.findRawByID(id, columns: columns, in: collection)
    }
    public func count(_ filter: Filter = .all, in collection: String) throws -> Int {
        try session.count(filter, in: collection)
    }
    public func distinct(_ field: String, filter: Filter = .all, in collection: String) throws -> [Value] {
        try session.distinct(field, filter: filter, in: collection)
    }
    public func explain(_ query: Query, in collection: String, hint: QueryHint = .automatic) throws -> Document {
        try session.explain(query, in: collection, hint: hint)
    }

    /// Inserts a document; returns its `_id` (the given one or a new UUID string).
    /// Throws `exists` for a duplicate `_id`, `tooLarge`/`badRequest` for a document BSON cannot hold.
    public func insert(_ document: Document, into collection: String) throws -> Value {
        try session.insert([document], into: collection)[0]
    }
    /// Inserts documents in order; all or none (when the transaction throws).
    public func insert(_ documents: [Document], into collection: String) throws -> [Value] {
        try session.insert(documents, into: collection)
    }
    /// Applies `update` to the first (or, with `many`, every) matching record;
    /// with `upsert`, inserts one built from the filter's equalities when none matches.
    public func update(
        _ filter: Filter, _ update: Update, in collection: String, many: Bool = false, upsert: Bool = false
    )
        throws -> UpdateResult
    {
        try session.update(filter, update, in: collection, many: many, upsert: upsert)
    }
    /// Replaces the first matching record's fields (keeping its `_id`).
    public func replace(_ filter: Filter, with document: Document, in collection: String, upsert: Bool = false) throws
        -> UpdateResult
    {
        try session.replace(filter, with: document, in: collection, upsert: upsert)
    }
    /// Deletes the first (or, with `many`, every) matching record; returns how many.
    public func delete(_ filter: Filter, in collection: String, many: Bool = false) throws -> Int {
        try session.delete(filter, in: collection, many: many)
    }
    /// Creates an index on `field`, filling it from the existing records.
    /// Throws `exists` when there is one, `badRequest` for a bad field.
    public func createIndex(_ field: String, in collection: String) throws {
        try session.createIndex(field, in: collection)
    }
    /// Drops the index on `field`. Throws `notFound` when there is none.
    public func dropIndex(_ field: String, in collection: String) throws {
        try session.dropIndex(field, in: collection)
    }
}
