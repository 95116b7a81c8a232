import StrataDB
import StrataDocument
import StrataQuery
import StrataWire
import StrataWireDocument

/// The document operations of DESIGN.md ("Wire protocol"), each one
/// auto-committed transaction of the server's ``DocumentService``.
///
/// Arguments are checked here (a bad one is `bad_request` naming it); what the
/// engine rejects (a bad filter, update, name or document) is `bad_request`
/// with the engine's message; `exists` and `not_found` come from the engine.
enum DocumentOps {
    /// The name `find_by_id` reads the document id from (see ``findByID(_:_:)``).
    static let documentIDArgument = "_id"

    /// Registers every document op in `registry`.
    static func register(in registry: inout OpRegistry) {
        registry.register("create_collection", createCollection)
        registry.register("drop_collection", dropCollection)
        registry.register("list_collections", listCollections)
        registry.register("insert_one", insertOne)
        registry.register("insert_many", insertMany)
        registry.register("find", find)
        registry.register("find_one", findOne)
        registry.register("find_by_id", findByID)
        registry.register("update_one") { try update($0, $1, many: false) }
        registry.register("update_many") { try update($0, $1, many: true) }
        registry.register("replace_one", replaceOne)
        registry.register("delete_one") { try delete($0, $1, many: false) }
        registry.register("delete_many") { try delete($0, $1, many: true) }
        registry.register("count", count)
        registry.register("distinct", distinct)
        registry.register("create_index", createIndex)
        registry.register("drop_index", dropIndex)
        registry.register("list_indexes", listIndexes)
        registry.register("explain", explain)
    }

    // MARK: Collections and indexes

    /// `create_collection {collection, indexes?}` → `true`.
    @Sendable static func createCollection(_ request: Request, _ context: OpContext) throws -> MessagePackValue {
        let name = try request.string("collection")
        let indexes = try request.optionalStrings("indexes") ?? []
        try context.documents.createCollection(name, indexes: indexes)
        return .bool(true)
    }

    /// `drop_collection {collection}` → `true`.
    @Sendable static func dropCollection(_ request: Request, _ context: OpContext) throws -> MessagePackValue {
        try context.documents.dropCollection(try request.string("collection"))
        return .bool(true)
    }

    /// `list_collections` → the names, sorted.
    @Sendable static func listCollections(_ request: Request, _ context: OpContext) throws -> MessagePackValue {
        .array(try context.documents.listCollections().map(MessagePackValue.string))
    }

    /// `create_index {collection, field}` → `true`.
    @Sendable static func createIndex(_ request: Request, _ context: OpContext) throws -> MessagePackValue {
        let name = try request.string("collection")
        try context.documents.createIndex(try request.string("field"), in: name)
        return .bool(true)
    }

    /// `drop_index {collection, field}` → `true`.
    @Sendable static func dropIndex(_ request: Request, _ context: OpContext) throws -> MessagePackValue {
        let name = try request.string("collection")
        try context.documents.dropIndex(try request.string("field"), in: name)
        return .bool(true)
    }

    /// `list_indexes {collection}` → the indexed fields.
    @Sendable static func listIndexes(_ request: Request, _ context: OpContext) throws -> MessagePackValue {
        .array(try context.documents.listIndexes(try request.string("collection")).map(MessagePackValue.string))
    }

    // MARK: Inserts

    /// `insert_one {collection, doc}` → `{"id"}`.
    @Sendable static func insertOne(_ request: Request, _ context: OpContext) throws -> MessagePackValue {
        let name = try request.string("collection")
        let document = try DocumentValueMapping.document(try request.map("doc"), argument: "doc")
        let ids = try context.documents.insert([document], into: name)
        return .map([(.string("id"), DocumentValueMapping.messagePack(ids[0]))])
    }

    /// `insert_many {collection, docs}` → `{"ids"}`, all or none.
    @Sendable static func insertMany(_ request: Request, _ context: OpContext) throws -> MessagePackValue {
        let name = try request.string("collection")
        let documents = try request.array("docs").enumerated().map { index, element in
            try DocumentValueMapping.document(element, argument: "docs", path: "[\(index)]")
        }
        let ids = try context.documents.insert(documents, into: name)
        return .map([(.string("ids"), .array(ids.map(DocumentValueMapping.messagePack)))])
    }

    // MARK: Reads

    /// `find {collection, filter?, sort?, skip?, take?, columns?}` → the documents.
    @Sendable static func find(_ request: Request, _ context: OpContext) throws -> MessagePackValue {
        let name = try request.string("collection")
        let documents = try context.documents.find(try query(request), in: name)
        return .array(documents.map(DocumentValueMapping.messagePack))
    }

    /// `find_one` (as `find`) → the first document or nil.
    @Sendable static func findOne(_ request: Request, _ context: OpContext) throws -> MessagePackValue {
        let name = try request.string("collection")
        var query = try query(request)
        query.take = 1
        return try context.documents.find(query, in: name).first.map(DocumentValueMapping.messagePack) ?? .nil
    }

    /// `find_by_id {collection, _id, columns?}` → the document or nil.
    ///
    /// DESIGN.md names the document id argument `id`, but `id` is already the
    /// request envelope's key and a request map holds each key once (a
    /// repeated key is `bad_request`), so the document id travels as `_id`,
    /// the name of the field it is matched against.
    @Sendable static func findByID(_ request: Request, _ context: OpContext) throws -> MessagePackValue {
        let name = try request.string("collection")
        guard let raw = request.optionalValue(documentIDArgument) else {
            throw ResponseError.badRequest(
                "missing argument \"\(documentIDArgument)\" for \"find_by_id\" (the document id; \"id\" is the request's own id)"
            )
        }
        let id = try DocumentValueMapping.value(raw, argument: documentIDArgument)
        let columns = try request.optionalStrings("columns").map { try $0.map { try FieldPath($0) } }
        let document = try context.documents.findByID(id, columns: columns, in: name)
        return document.map(DocumentValueMapping.messagePack) ?? .nil
    }

    /// `count {collection, filter?}` → the number of matches.
    @Sendable static func count(_ request: Request, _ context: OpContext) throws -> MessagePackValue {
        let name = try request.string("collection")
        return .int(Int64(try context.documents.count(try filter(request, required: false), in: name)))
    }

    /// `distinct {collection, field, filter?}` → the distinct values, sorted.
    @Sendable static func distinct(_ request: Request, _ context: OpContext) throws -> MessagePackValue {
        let name = try request.string("collection")
        let field = try request.string("field")
        let values = try context.documents.distinct(field, filter: try filter(request, required: false), in: name)
        return .array(values.map(DocumentValueMapping.messagePack))
    }

    /// `explain` (as `find`) → the plan as a map.
    @Sendable static func explain(_ request: Request, _ context: OpContext) throws -> MessagePackValue {
        let name = try request.string("collection")
        return DocumentValueMapping.messagePack(try context.documents.explain(try query(request), in: name))
    }

    // MARK: Writes

    /// `update_one` / `update_many {collection, filter, update, upsert?}` →
    /// `{"matched", "modified", "upserted_id"?}`.
    static func update(_ request: Request, _ context: OpContext, many: Bool) throws -> MessagePackValue {
        let name = try request.string("collection")
        let filter = try filter(request, required: true)
        let update = try Update(try DocumentValueMapping.document(try request.map("update"), argument: "update"))
        let upsert = try request.optionalBool("upsert") ?? false
        let result = try context.documents.update(filter, update, in: name, many: many, upsert: upsert)
        return value(of: result)
    }

    /// `replace_one {collection, filter, doc, upsert?}` → as `update_one`.
    @Sendable static func replaceOne(_ request: Request, _ context: OpContext) throws -> MessagePackValue {
        let name = try request.string("collection")
        let filter = try filter(request, required: true)
        let document = try DocumentValueMapping.document(try request.map("doc"), argument: "doc")
        let upsert = try request.optionalBool("upsert") ?? false
        return value(of: try context.documents.replace(filter, with: document, in: name, upsert: upsert))
    }

    /// `delete_one` / `delete_many {collection, filter}` → `{"deleted"}`.
    static func delete(_ request: Request, _ context: OpContext, many: Bool) throws -> MessagePackValue {
        let name = try request.string("collection")
        let deleted = try context.documents.delete(try filter(request, required: true), in: name, many: many)
        return .map([(.string("deleted"), .int(Int64(deleted)))])
    }

    // MARK: Arguments

    /// The `filter` argument: required (a map, `{}` for all) or optional (absent means all).
    private static func filter(_ request: Request, required: Bool) throws -> Filter {
        let value = required ? try request.map("filter") : try request.optionalMap("filter")
        guard let value else { return .all }
        return try Filter(DocumentValueMapping.document(value, argument: "filter"))
    }

    /// The query of `find`, `find_one` and `explain`: `filter?`, `sort?`, `skip?`, `take?`, `columns?`.
    private static func query(_ request: Request) throws -> Query {
        let filter = try request.optionalMap("filter").map {
            try DocumentValueMapping.document($0, argument: "filter")
        }
        let sort = try request.optionalStrings("sort") ?? []
        let skip = try request.optionalUInt("skip").map { Int(clamping: $0) } ?? 0
        let take = try request.optionalUInt("take").map { Int(clamping: $0) }
        let columns = try request.optionalStrings("columns")
        return try Query(filter: filter, sort: sort, skip: skip, take: take, columns: columns)
    }

    private static func value(of result: UpdateResult) -> MessagePackValue {
        var pairs: [(key: MessagePackValue, value: MessagePackValue)] = [
            (.string("matched"), .int(Int64(result.matched))), (.string("modified"), .int(Int64(result.modified))),
        ]
        if let id = result.upsertedID { pairs.append((.string("upserted_id"), DocumentValueMapping.messagePack(id))) }
        return .map(pairs)
    }
}
