import StrataDB
import StrataDocument
import StrataQuery
import StrataStore

/// The document database without its store type, for the server, which holds
/// an `any Store`. Each method is one auto-committed transaction of the
/// ``Database`` it wraps and throws `DatabaseError`.
public protocol DocumentService: Sendable {
    /// Creates a collection with indexes on `indexes`.
    func createCollection(_ name: String, indexes: [String]) throws
    /// Drops a collection with its records and indexes.
    func dropCollection(_ name: String) throws
    /// The collection names, sorted.
    func listCollections() throws -> [String]
    /// Inserts documents, all or none; returns their `_id`s in order.
    func insert(_ documents: [Document], into collection: String) throws -> [Value]
    /// The documents `query` selects.
    func find(_ query: Query, in collection: String) throws -> [Document]
    /// The document with `_id` `id`, projected to `columns`, or nil.
    func findByID(_ id: Value, columns: [FieldPath]?, in collection: String) throws -> Document?
    /// How many documents match `filter`.
    func count(_ filter: Filter, in collection: String) throws -> Int
    /// The distinct values of `field` among the matches, sorted.
    func distinct(_ field: String, filter: Filter, in collection: String) throws -> [Value]
    /// Applies `update` to the first (or every, with `many`) match.
    func update(_ filter: Filter, _ update: Update, in collection: String, many: Bool, upsert: Bool) throws
        -> UpdateResult
    /// Replaces the first match's fields with `document`'s.
    func replace(_ filter: Filter, with document: Document, in collection: String, upsert: Bool) throws
        -> UpdateResult
    /// Deletes the first (or every, with `many`) match; returns how many.
    func delete(_ filter: Filter, in collection: String, many: Bool) throws -> Int
    /// Creates an index on `field` and fills it.
    func createIndex(_ field: String, in collection: String) throws
    /// Drops the index on `field`.
    func dropIndex(_ field: String, in collection: String) throws
    /// The indexed fields of a collection.
    func listIndexes(_ collection: String) throws -> [String]
    /// The plan chosen for `query`.
    func explain(_ query: Query, in collection: String) throws -> Document
}

/// Opens the document database kept in `store`, whatever its backend.
///
/// - Throws: `DatabaseError` when the store cannot hold the catalog.
public func openDocumentService(store: any Store) throws -> any DocumentService {
    func open<S: Store>(_ s: S) throws -> any DocumentService { DatabaseService(database: try Database(store: s)) }
    return try open(store)
}

/// ``DocumentService`` over a ``Database`` of a known store type.
struct DatabaseService<S: Store>: DocumentService {
    let database: Database<S>

    func createCollection(_ name: String, indexes: [String]) throws {
        try database.createCollection(name, indexes: indexes)
    }
    func dropCollection(_ name: String) throws { try database.dropCollection(name) }
    func listCollections() throws -> [String] { try database.listCollections() }
    func insert(_ documents: [Document], into collection: String) throws -> [Value] {
        try database.write { try $0.insert(documents, into: collection) }
    }
    func find(_ query: Query, in collection: String) throws -> [Document] {
        try database.read { try $0.find(query, in: collection) }
    }
    func findByID(_ id: Value, columns: [FieldPath]?, in collection: String) throws -> Document? {
        try database.read { try $0.findByID(id, columns: columns, in: collection) }
    }
    func count(_ filter: Filter, in collection: String) throws -> Int {
        try database.read { try $0.count(filter, in: collection) }
    }
    func distinct(_ field: String, filter: Filter, in collection: String) throws -> [Value] {
        try database.read { try $0.distinct(field, filter: filter, in: collection) }
    }
    func update(_ filter: Filter, _ update: Update, in collection: String, many: Bool, upsert: Bool) throws
        -> UpdateResult
    {
        try database.write { try $0.update(filter, update, in: collection, many: many, upsert: upsert) }
    }
    func replace(_ filter: Filter, with document: Document, in collection: String, upsert: Bool) throws
        -> UpdateResult
    {
        try database.write { try $0.replace(filter, with: document, in: collection, upsert: upsert) }
    }
    func delete(_ filter: Filter, in collection: String, many: Bool) throws -> Int {
        try database.write { try $0.delete(filter, in: collection, many: many) }
    }
    func createIndex(_ field: String, in collection: String) throws {
        try database.write { try $0.createIndex(field, in: collection) }
    }
    func dropIndex(_ field: String, in collection: String) throws {
        try database.write { try $0.dropIndex(field, in: collection) }
    }
    func listIndexes(_ collection: String) throws -> [String] {
        try database.read { try $0.listIndexes(collection) }
    }
    func explain(_ query: Query, in collection: String) throws -> Document {
        try database.read { try $0.explain(query, in: collection) }
    }
}
