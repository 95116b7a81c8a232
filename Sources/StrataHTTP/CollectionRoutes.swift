import Hummingbird
import StrataDB
import StrataDocument
import StrataQuery
import StrataStore

/// The collection endpoints (Slate's collection API) over one database:
///
/// | method | path | body | answer |
/// |---|---|---|---|
/// | GET | `/collections` | — | names |
/// | POST | `/collections` | `{"name", "indexes"?}` | 201 `{"name", "indexes"}` |
/// | POST | `/collections/{c}/query` | `{"filter"?, "sort"?, "skip"?, "take"?, "columns"?}` | documents |
/// | POST | `/collections/{c}/query/distinct` | `{"field", "filter"?}` | values |
/// | POST | `/collections/{c}/data` | a document or an array of them | 201 `{"ids"}` |
/// | PUT | `/collections/{c}/data` | `{"filter", "doc"}` (upsert) | `{"matched", "modified", "upserted_id"?}` |
/// | PATCH | `/collections/{c}/data` | `{"filter", "update"}` (every match) | `{"matched", "modified"}` |
/// | DELETE | `/collections/{c}/data` | `{"filter"}` | `{"deleted"}` |
///
/// Each request is one auto-committed transaction, run on the worker pool.
struct CollectionRoutes<S: Store>: Sendable {
    let database: Database<S>
    let worker: Worker

    func register(on router: Router<some RequestContext>) {
        router.get("/collections") { _, _ in try await self.listCollections() }
        router.post("/collections") { request, context in
            try await self.createCollection(try await self.body(request, context))
        }
        router.post("/collections/:c/query") { request, context in
            try await self.query(try collection(context), try await self.body(request, context))
        }
        router.post("/collections/:c/query/distinct") { request, context in
            try await self.distinct(try collection(context), try await self.body(request, context))
        }
        router.post("/collections/:c/data") { request, context in
            try await self.insert(try collection(context), try await self.body(request, context))
        }
        router.put("/collections/:c/data") { request, context in
            try await self.upsert(try collection(context), try await self.body(request, context))
        }
        router.patch("/collections/:c/data") { request, context in
            try await self.merge(try collection(context), try await self.body(request, context))
        }
        router.delete("/collections/:c/data") { request, context in
            try await self.delete(try collection(context), try await self.body(request, context))
        }
    }

    private func body(_ request: Request, _ context: some RequestContext) async throws -> ByteBuffer {
        try await RequestBody.collect(request, context)
    }

    func listCollections() async throws -> Response {
        let names = try await worker.run { [database] in try database.listCollections() }
        return JSONResponse.json(.array(names.map { .string($0) }))
    }

    func createCollection(_ body: ByteBuffer) async throws -> Response {
        let fields = try RequestBody.object(of: body, allowed: ["name", "indexes"])
        guard let name = try fields.string("name") else {
            throw APIError(.badRequest, "body field \"name\" is required (a string)")
        }
        let indexes = try fields.strings("indexes") ?? []
        try await worker.run { [database] in try database.createCollection(name, indexes: indexes) }
        return JSONResponse.json(
            JSONResponse.object([("name", .string(name)), ("indexes", .array(indexes.map { .string($0) }))]),
            status: .created)
    }

    func query(_ collection: String, _ body: ByteBuffer) async throws -> Response {
        let fields = try RequestBody.object(
            of: body, allowed: ["filter", "sort", "skip", "take", "columns"], emptyAllowed: true)
        var query = try Query(
            filter: try fields.document("filter"), skip: try fields.int("skip") ?? 0, take: try fields.int("take"),
            columns: try fields.strings("columns"))
        query.sort = try sort(fields)
        let documents = try await worker.run { [database, query] in
            try database.read { try $0.find(query, in: collection) }
        }
        return JSONResponse.json(JSONResponse.documents(documents))
    }

    /// `sort` as an array of field names (`-` prefix: descending) or a document `{"field": 1 | -1}`.
    private func sort(_ fields: BodyFields) throws -> Sort {
        switch fields.document["sort"] {
        case nil, .null?: return Sort()
        case .array?: return try Sort(fields: try fields.strings("sort") ?? [])
        case .document(let d)?: return try Sort(document: d)
        case let other?:
            throw APIError(
                .badRequest,
                "body field \"sort\" must be an array of field names or an object, found \(typeName(other))")
        }
    }

    func distinct(_ collection: String, _ body: ByteBuffer) async throws -> Response {
        let fields = try RequestBody.object(of: body, allowed: ["field", "filter"])
        guard let field = try fields.string("field") else {
            throw APIError(.badRequest, "body field \"field\" is required (a string)")
        }
        let filter = try fields.document("filter").map { try Filter($0) } ?? .all
        let values = try await worker.run { [database] in
            try database.read { try $0.distinct(field, filter: filter, in: collection) }
        }
        return JSONResponse.json(.array(values.map { ExtendedJSON.json(of: $0) }))
    }

    func insert(_ collection: String, _ body: ByteBuffer) async throws -> Response {
        let documents: [Document]
        switch try RequestBody.value(of: body) {
        case .document(let d)?: documents = [d]
        case .array(let a)?:
            documents = try a.enumerated().map { i, element in
                guard case .document(let d) = element else {
                    throw APIError(.badRequest, "body element [\(i)] must be a JSON object, found \(typeName(element))")
                }
                return d
            }
        case nil: throw APIError(.badRequest, "the request body is empty; expected a document or an array of them")
        case let other?:
            throw APIError(
                .badRequest, "the request body must be a document or an array of them, found \(typeName(other))")
        }
        let ids = try await worker.run { [database] in try database.write { try $0.insert(documents, into: collection) }
        }
        return JSONResponse.json(
            JSONResponse.object([("ids", .array(ids.map { ExtendedJSON.json(of: $0) }))]), status: .created)
    }

    func upsert(_ collection: String, _ body: ByteBuffer) async throws -> Response {
        let fields = try RequestBody.object(of: body, allowed: ["filter", "doc"])
        let filter = try Filter(try fields.requiredDocument("filter"))
        let document = try fields.requiredDocument("doc")
        let result = try await worker.run { [database] in
            try database.write { try $0.replace(filter, with: document, in: collection, upsert: true) }
        }
        return JSONResponse.json(Self.json(result))
    }

    func merge(_ collection: String, _ body: ByteBuffer) async throws -> Response {
        let fields = try RequestBody.object(of: body, allowed: ["filter", "update"])
        let filter = try Filter(try fields.requiredDocument("filter"))
        let update = try Update(try fields.requiredDocument("update"))
        let result = try await worker.run { [database] in
            try database.write { try $0.update(filter, update, in: collection, many: true) }
        }
        return JSONResponse.json(Self.json(result))
    }

    func delete(_ collection: String, _ body: ByteBuffer) async throws -> Response {
        let fields = try RequestBody.object(of: body, allowed: ["filter"])
        let filter = try Filter(try fields.requiredDocument("filter"))
        let deleted = try await worker.run { [database] in
            try database.write { try $0.delete(filter, in: collection, many: true) }
        }
        return JSONResponse.json(JSONResponse.object([("deleted", JSONResponse.number(deleted))]))
    }

    private static func json(_ result: UpdateResult) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("matched", JSONResponse.number(result.matched)), ("modified", JSONResponse.number(result.modified)),
        ]
        if let id = result.upsertedID { members.append(("upserted_id", ExtendedJSON.json(of: id))) }
        return JSONResponse.object(members)
    }
}

/// The `{c}` path parameter.
private func collection(_ context: some RequestContext) throws -> String {
    try context.parameters.require("c")
}
