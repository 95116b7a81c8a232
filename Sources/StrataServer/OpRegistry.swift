import StrataSpatial
import StrataStore
import StrataWire

/// What an operation handler may use: the store, the document database and
/// the moving-object tracker over it, and the server's counters.
///
/// Handlers run on the server's worker threads, never on an event loop, so they
/// may block on the store. Each opens its own transaction (`store.read` or
/// `store.write`), which makes every request auto-committed.
public struct OpContext: Sendable {
    /// The store the server serves.
    public let store: any Store
    /// The document database kept in ``store``, opened once at server start.
    public let documents: any DocumentService
    /// The moving-object tracker kept in ``store``, opened once at server
    /// start and closed (flushed) when the server stops.
    public let tracker: any ObjectTracker
    /// The server's counters, for `stats`.
    public let stats: ServerStats

    /// Creates a context over an opened database and tracker.
    public init(store: any Store, documents: any DocumentService, tracker: any ObjectTracker, stats: ServerStats) {
        self.store = store
        self.documents = documents
        self.tracker = tracker
        self.stats = stats
    }
}

/// The table from operation names to the code that answers them.
///
/// The server looks every request's `op` up here; a name that is not in the
/// table is answered with `unsupported`. Layers that are not in this build yet
/// are registered with ``registerUnavailable(_:feature:)`` so that clients get
/// a clear message rather than "unknown op"; replacing them is one
/// ``register(_:_:)`` call per op.
///
/// ```swift
/// var ops = OpRegistry.standard
/// ops.register("insert_one") { request, context in … }
/// ```
public struct OpRegistry: Sendable {
    /// Answers one request; throws to send an error response (see
    /// ``ResponseError/init(mapping:)`` for how errors become wire codes).
    public typealias Handler = @Sendable (Request, OpContext) throws -> MessagePackValue

    private var handlers: [String: Handler] = [:]

    /// An empty table.
    public init() {}

    /// The operation names in the table, sorted.
    public var ops: [String] { handlers.keys.sorted() }

    /// Adds or replaces the handler for `op`.
    public mutating func register(_ op: String, _ handler: @escaping Handler) {
        handlers[op] = handler
    }

    /// Registers `ops` as known but not available in this build: each answers
    /// `unsupported` with a message naming `feature`.
    public mutating func registerUnavailable(_ ops: [String], feature: String) {
        for op in ops {
            register(op) { _, _ in
                throw ResponseError(
                    .unsupported, "op \"\(op)\" (\(feature)) is not available in this build yet")
            }
        }
    }

    /// The handler for `op`, if any.
    public func handler(for op: String) -> Handler? { handlers[op] }

    /// Runs the handler for `request.op`, or throws `unsupported` for an unknown op.
    public func answer(_ request: Request, context: OpContext) throws -> MessagePackValue {
        guard let handler = handlers[request.op] else {
            throw ResponseError(.unsupported, "unknown op \"\(request.op)\"")
        }
        return try handler(request, context)
    }
}

extension OpRegistry {
    /// The document operations of DESIGN.md ("Wire protocol").
    public static let documentOps = [
        "create_collection", "drop_collection", "list_collections", "insert_one", "insert_many", "find",
        "find_one", "find_by_id", "update_one", "update_many", "replace_one", "delete_one", "delete_many",
        "count", "distinct", "create_index", "drop_index", "list_indexes", "explain",
    ]

    /// The moving-object operations of DESIGN.md ("Wire protocol").
    public static let geoOps = [
        "geo_upsert", "geo_get", "geo_delete", "geo_nearby", "geo_bbox", "geo_knn", "geo_polygon",
        "geo_trajectory",
    ]

    /// Every operation of DESIGN.md ("Wire protocol"): `ping`, the document
    /// ops, the kv ops, the geo ops and `stats`.
    public static var standard: OpRegistry {
        var registry = OpRegistry()
        DocumentOps.register(in: &registry)
        GeoOps.register(in: &registry)
        registry.register("ping") { _, _ in .string("pong") }
        registry.register("stats", StatsOp.answer)
        registry.register("kv_put", KVOps.put)
        registry.register("kv_get", KVOps.get)
        registry.register("kv_delete", KVOps.delete)
        registry.register("kv_scan", KVOps.scan)
        registry.register("kv_put_many", KVOps.putMany)
        registry.register("kv_drop_cf", KVOps.dropColumnFamily)
        return registry
    }
}
