import StrataDocument
import StrataWire
import StrataWireDocument

/// What `update_one`, `update_many` and `replace_one` did.
public struct UpdateOutcome: Sendable, Hashable {
    /// Documents the filter matched.
    public var matched: Int
    /// Documents that changed.
    public var modified: Int
    /// The `_id` of the document an upsert inserted, if it did.
    public var upsertedID: Value?

    /// Creates an outcome.
    public init(matched: Int, modified: Int, upsertedID: Value? = nil) {
        self.matched = matched
        self.modified = modified
        self.upsertedID = upsertedID
    }
}

/// The query of `find`, `find_one` and `explain`: filter, order, window, columns.
public struct FindOptions: Sendable, Hashable {
    /// A Mongo-style filter (`["age": ["$gte": 30]]`); nil for every document.
    public var filter: Document?
    /// Field names, `-` prefix for descending.
    public var sort: [String]
    /// Matches to pass over first.
    public var skip: Int?
    /// At most this many.
    public var take: Int?
    /// Fields to return (with `_id`); nil for whole documents.
    public var columns: [String]?

    /// Creates options; every part is optional.
    public init(
        filter: Document? = nil, sort: [String] = [], skip: Int? = nil, take: Int? = nil, columns: [String]? = nil
    ) {
        self.filter = filter
        self.sort = sort
        self.skip = skip
        self.take = take
        self.columns = columns
    }

    var arguments: [(String, MessagePackValue)] {
        var out: [(String, MessagePackValue)] = []
        if let filter { out.append(("filter", DocumentValueMapping.messagePack(filter))) }
        if !sort.isEmpty { out.append(("sort", .array(sort.map(MessagePackValue.string)))) }
        if let skip { out.append(("skip", .int(Int64(skip)))) }
        if let take { out.append(("take", .int(Int64(take)))) }
        if let columns { out.append(("columns", .array(columns.map(MessagePackValue.string)))) }
        return out
    }
}

extension Calls {
    /// `create_collection`.
    public static func createCollection(_ name: String, indexes: [String] = []) -> ClientCall<Void> {
        var arguments: [(String, MessagePackValue)] = [("collection", .string(name))]
        if !indexes.isEmpty { arguments.append(("indexes", .array(indexes.map(MessagePackValue.string)))) }
        return ClientCall(op: "create_collection", arguments: arguments, decode: ResultShape.bool("create_collection"))
    }

    /// `drop_collection`.
    public static func dropCollection(_ name: String) -> ClientCall<Void> {
        ClientCall(
            op: "drop_collection", arguments: [("collection", .string(name))],
            decode: ResultShape.bool("drop_collection"))
    }

    /// `list_collections`.
    public static func listCollections() -> ClientCall<[String]> {
        ClientCall(op: "list_collections", arguments: [], decode: ResultShape.strings("list_collections"))
    }

    /// `insert_one`: the document's `_id`.
    public static func insertOne(_ document: Document, into collection: String) -> ClientCall<Value> {
        ClientCall(
            op: "insert_one",
            arguments: [("collection", .string(collection)), ("doc", DocumentValueMapping.messagePack(document))]
        ) { value throws(ClientError) in
            guard let id = value["id"] else { throw ResultShape.violation("insert_one", "{\"id\"}", value) }
            return try DocumentValueMapping.value(id)
        }
    }

    /// `insert_many`: the `_id`s in order.
    public static func insertMany(_ documents: [Document], into collection: String) -> ClientCall<[Value]> {
        ClientCall(
            op: "insert_many",
            arguments: [
                ("collection", .string(collection)),
                ("docs", .array(documents.map { DocumentValueMapping.messagePack($0) })),
            ]
        ) { value throws(ClientError) in
            guard let ids = value["ids"]?.arrayValue else {
                throw ResultShape.violation("insert_many", "{\"ids\": array}", value)
            }
            var out: [Value] = []
            for id in ids { out.append(try DocumentValueMapping.value(id)) }
            return out
        }
    }

    /// `find`.
    public static func find(in collection: String, _ options: FindOptions = FindOptions()) -> ClientCall<[Document]> {
        ClientCall(
            op: "find", arguments: [("collection", .string(collection))] + options.arguments,
            decode: ResultShape.array("find") { v throws(ClientError) in try DocumentValueMapping.document(v) })
    }

    /// `find_one`.
    public static func findOne(in collection: String, _ options: FindOptions = FindOptions()) -> ClientCall<Document?> {
        ClientCall(
            op: "find_one", arguments: [("collection", .string(collection))] + options.arguments,
            decode: optionalDocument)
    }

    /// `find_by_id`, projected to `columns` when given. The document id is sent
    /// as `_id`: `id` is the request envelope's own key.
    public static func findByID(_ id: Value, in collection: String, columns: [String]? = nil) -> ClientCall<Document?> {
        var arguments: [(String, MessagePackValue)] = [
            ("collection", .string(collection)), ("_id", DocumentValueMapping.messagePack(id)),
        ]
        if let columns { arguments.append(("columns", .array(columns.map(MessagePackValue.string)))) }
        return ClientCall(op: "find_by_id", arguments: arguments, decode: optionalDocument)
    }

    /// `update_one`, or `update_many` with `many`.
    public static func update(
        in collection: String, filter: Document, update: Document, many: Bool = false, upsert: Bool = false
    ) -> ClientCall<UpdateOutcome> {
        let op = many ? "update_many" : "update_one"
        var arguments: [(String, MessagePackValue)] = [
            ("collection", .string(collection)), ("filter", DocumentValueMapping.messagePack(filter)),
            ("update", DocumentValueMapping.messagePack(update)),
        ]
        if upsert { arguments.append(("upsert", .bool(true))) }
        return ClientCall(op: op, arguments: arguments) { value throws(ClientError) in try outcome(op, value) }
    }

    /// `replace_one`.
    public static func replaceOne(
        in collection: String, filter: Document, with document: Document, upsert: Bool = false
    ) -> ClientCall<UpdateOutcome> {
        var arguments: [(String, MessagePackValue)] = [
            ("collection", .string(collection)), ("filter", DocumentValueMapping.messagePack(filter)),
            ("doc", DocumentValueMapping.messagePack(document)),
        ]
        if upsert { arguments.append(("upsert", .bool(true))) }
        return ClientCall(op: "replace_one", arguments: arguments) { value throws(ClientError) in
            try outcome("replace_one", value)
        }
    }

    /// `delete_one`, or `delete_many` with `many`: how many were deleted.
    public static func delete(in collection: String, filter: Document, many: Bool = false) -> ClientCall<Int> {
        let op = many ? "delete_many" : "delete_one"
        return ClientCall(
            op: op,
            arguments: [("collection", .string(collection)), ("filter", DocumentValueMapping.messagePack(filter))],
            decode: ResultShape.int(op, key: "deleted"))
    }

    /// `count`.
    public static func count(in collection: String, filter: Document? = nil) -> ClientCall<Int> {
        var arguments: [(String, MessagePackValue)] = [("collection", .string(collection))]
        if let filter { arguments.append(("filter", DocumentValueMapping.messagePack(filter))) }
        return ClientCall(op: "count", arguments: arguments, decode: ResultShape.int("count"))
    }

    /// `distinct`.
    public static func distinct(_ field: String, in collection: String, filter: Document? = nil) -> ClientCall<[Value]>
    {
        var arguments: [(String, MessagePackValue)] = [("collection", .string(collection)), ("field", .string(field))]
        if let filter { arguments.append(("filter", DocumentValueMapping.messagePack(filter))) }
        return ClientCall(
            op: "distinct", arguments: arguments,
            decode: ResultShape.array("distinct") { v throws(ClientError) in try DocumentValueMapping.value(v) })
    }

    /// `create_index`.
    public static func createIndex(_ field: String, in collection: String) -> ClientCall<Void> {
        ClientCall(
            op: "create_index", arguments: [("collection", .string(collection)), ("field", .string(field))],
            decode: ResultShape.bool("create_index"))
    }

    /// `drop_index`.
    public static func dropIndex(_ field: String, in collection: String) -> ClientCall<Void> {
        ClientCall(
            op: "drop_index", arguments: [("collection", .string(collection)), ("field", .string(field))],
            decode: ResultShape.bool("drop_index"))
    }

    /// `list_indexes`.
    public static func listIndexes(in collection: String) -> ClientCall<[String]> {
        ClientCall(
            op: "list_indexes", arguments: [("collection", .string(collection))],
            decode: ResultShape.strings("list_indexes"))
    }

    /// `explain`: the plan as a document.
    public static func explain(in collection: String, _ options: FindOptions = FindOptions()) -> ClientCall<Document> {
        ClientCall(op: "explain", arguments: [("collection", .string(collection))] + options.arguments) {
            value throws(ClientError) in try DocumentValueMapping.document(value)
        }
    }

    @Sendable private static func optionalDocument(_ value: MessagePackValue) throws(ClientError) -> Document? {
        value.isNil ? nil : try DocumentValueMapping.document(value)
    }

    private static func outcome(_ op: String, _ value: MessagePackValue) throws(ClientError) -> UpdateOutcome {
        guard let matched = value["matched"]?.intValue, let modified = value["modified"]?.intValue else {
            throw ResultShape.violation(op, "{\"matched\", \"modified\"}", value)
        }
        let upserted = try value["upserted_id"].map { v throws(ClientError) in try DocumentValueMapping.value(v) }
        return UpdateOutcome(matched: Int(matched), modified: Int(modified), upsertedID: upserted)
    }
}

/// Typed document operations; each throws `ClientError` as ``Client/call(op:arguments:)`` does.
extension Client {
    /// Creates a collection with indexes on `indexes`. Throws `.exists` when there is one.
    public func createCollection(_ name: String, indexes: [String] = []) throws(ClientError) {
        try call(Calls.createCollection(name, indexes: indexes))
    }
    /// Drops a collection. Throws `.notFound` when there is none.
    public func dropCollection(_ name: String) throws(ClientError) { try call(Calls.dropCollection(name)) }
    /// The collection names, sorted.
    public func listCollections() throws(ClientError) -> [String] { try call(Calls.listCollections()) }
    /// Inserts a document; returns its `_id`. Throws `.exists` for a duplicate `_id`.
    @discardableResult
    public func insertOne(_ document: Document, into collection: String) throws(ClientError) -> Value {
        try call(Calls.insertOne(document, into: collection))
    }
    /// Inserts documents, all or none; returns their `_id`s.
    @discardableResult
    public func insertMany(_ documents: [Document], into collection: String) throws(ClientError) -> [Value] {
        try call(Calls.insertMany(documents, into: collection))
    }
    /// The matching documents.
    public func find(in collection: String, _ options: FindOptions = FindOptions()) throws(ClientError) -> [Document] {
        try call(Calls.find(in: collection, options))
    }
    /// The first matching document, or nil.
    public func findOne(in collection: String, _ options: FindOptions = FindOptions()) throws(ClientError)
        -> Document?
    {
        try call(Calls.findOne(in: collection, options))
    }
    /// The document with `_id` `id`, or nil.
    public func findByID(_ id: Value, in collection: String, columns: [String]? = nil) throws(ClientError)
        -> Document?
    {
        try call(Calls.findByID(id, in: collection, columns: columns))
    }
    /// Applies `update` to the first (or every, with `many`) match.
    @discardableResult
    public func update(
        in collection: String, filter: Document, update: Document, many: Bool = false, upsert: Bool = false
    ) throws(ClientError) -> UpdateOutcome {
        try call(Calls.update(in: collection, filter: filter, update: update, many: many, upsert: upsert))
    }
    /// Replaces the first match's fields with `document`'s.
    @discardableResult
    public func replaceOne(in collection: String, filter: Document, with document: Document, upsert: Bool = false)
        throws(ClientError) -> UpdateOutcome
    {
        try call(Calls.replaceOne(in: collection, filter: filter, with: document, upsert: upsert))
    }
    /// Deletes the first (or every, with `many`) match; returns how many.
    @discardableResult
    public func delete(in collection: String, filter: Document, many: Bool = false) throws(ClientError) -> Int {
        try call(Calls.delete(in: collection, filter: filter, many: many))
    }
    /// How many documents match.
    public func count(in collection: String, filter: Document? = nil) throws(ClientError) -> Int {
        try call(Calls.count(in: collection, filter: filter))
    }
    /// The distinct values of `field` among the matches, sorted.
    public func distinct(_ field: String, in collection: String, filter: Document? = nil) throws(ClientError)
        -> [Value]
    {
        try call(Calls.distinct(field, in: collection, filter: filter))
    }
    /// Creates an index on `field`. Throws `.exists` when there is one.
    public func createIndex(_ field: String, in collection: String) throws(ClientError) {
        try call(Calls.createIndex(field, in: collection))
    }
    /// Drops the index on `field`. Throws `.notFound` when there is none.
    public func dropIndex(_ field: String, in collection: String) throws(ClientError) {
        try call(Calls.dropIndex(field, in: collection))
    }
    /// The indexed fields of a collection.
    public func listIndexes(in collection: String) throws(ClientError) -> [String] {
        try call(Calls.listIndexes(in: collection))
    }
    /// The plan the server would run for the query.
    public func explain(in collection: String, _ options: FindOptions = FindOptions()) throws(ClientError) -> Document {
        try call(Calls.explain(in: collection, options))
    }
}
