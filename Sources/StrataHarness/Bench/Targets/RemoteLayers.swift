import StrataClient
import StrataDocument
import StrataWire

/// Document calls as wire requests (DESIGN.md, "Wire protocol").
final class RemoteDocuments: DocumentSession {
    let client: Client

    init(client: Client) { self.client = client }
    deinit { client.close() }

    func createCollection(_ name: String, indexes: [String]) throws {
        try client.call(
            op: "create_collection",
            arguments: [("collection", .string(name)), ("indexes", .array(indexes.map(MessagePackValue.string)))])
    }

    func dropCollection(_ name: String) throws {
        do { try client.call(op: "drop_collection", arguments: [("collection", .string(name))]) } catch ClientError
            .Code.notFound
        {}
    }

    func insert(_ documents: [Document], into collection: String) throws {
        if documents.count == 1 {
            try client.call(op: "insert_one", arguments: [("collection", .string(collection)), ("doc", wireValue(documents[0]))])
        } else {
            try client.call(
                op: "insert_many",
                arguments: [("collection", .string(collection)), ("docs", .array(documents.map(wireValue)))])
        }
    }

    func findByID(_ id: Value, in collection: String) throws -> Bool {
        !(try client.call(op: "find_by_id", arguments: [("collection", .string(collection)), ("id", wireValue(id))])).isNil
    }

    func find(_ spec: FindSpec, in collection: String) throws -> Int {
        var arguments: [(String, MessagePackValue)] = [("collection", .string(collection))]
        if let filter = spec.filter { arguments.append(("filter", wireValue(filter))) }
        if !spec.sort.isEmpty { arguments.append(("sort", .array(spec.sort.map(MessagePackValue.string)))) }
        if spec.skip > 0 { arguments.append(("skip", .int(Int64(spec.skip)))) }
        if let take = spec.take { arguments.append(("take", .int(Int64(take)))) }
        if let columns = spec.columns { arguments.append(("columns", .array(columns.map(MessagePackValue.string)))) }
        return try client.call(op: "find", arguments: arguments).arrayValue?.count ?? 0
    }

    func count(_ filter: Document?, in collection: String) throws -> Int {
        var arguments: [(String, MessagePackValue)] = [("collection", .string(collection))]
        if let filter { arguments.append(("filter", wireValue(filter))) }
        return Int(try client.call(op: "count", arguments: arguments).intValue ?? 0)
    }

    func distinct(_ field: String, filter: Document?, in collection: String) throws -> Int {
        var arguments: [(String, MessagePackValue)] = [("collection", .string(collection)), ("field", .string(field))]
        if let filter { arguments.append(("filter", wireValue(filter))) }
        return try client.call(op: "distinct", arguments: arguments).arrayValue?.count ?? 0
    }

    func update(_ filter: Document, _ update: Document, many: Bool, upsert: Bool, in collection: String) throws -> Int {
        let result = try client.call(
            op: many ? "update_many" : "update_one",
            arguments: [
                ("collection", .string(collection)), ("filter", wireValue(filter)), ("update", wireValue(update)),
                ("upsert", .bool(upsert)),
            ])
        return Int(result["matched"]?.intValue ?? 0)
    }

    func delete(_ filter: Document, many: Bool, in collection: String) throws -> Int {
        let result = try client.call(
            op: many ? "delete_many" : "delete_one",
            arguments: [("collection", .string(collection)), ("filter", wireValue(filter))])
        return Int(result["deleted"]?.intValue ?? 0)
    }
}

/// Moving-object calls as wire requests.
final class RemoteSpatial: SpatialSession {
    let client: Client

    init(client: Client) { self.client = client }
    deinit { client.close() }

    func upsert(namespace: String, object: String, lat: Double, lon: Double, time: Int64) throws {
        try client.call(op: "geo_upsert", arguments: Self.upsertArguments(namespace, object, lat, lon, time))
    }

    func upsertMany(namespace: String, _ updates: [(object: String, lat: Double, lon: Double, time: Int64)]) throws {
        for u in updates {
            try client.send(op: "geo_upsert", arguments: Self.upsertArguments(namespace, u.object, u.lat, u.lon, u.time))
        }
        for _ in updates { try client.receive() }
    }

    static func upsertArguments(_ namespace: String, _ object: String, _ lat: Double, _ lon: Double, _ time: Int64)
        -> [(String, MessagePackValue)]
    {
        [
            ("namespace", .string(namespace)), ("object", .string(object)), ("lat", .float64(lat)), ("lon", .float64(lon)),
            ("time", .int(time)),
        ]
    }

    func nearby(namespace: String, lat: Double, lon: Double, radiusMeters: Double, limit: Int) throws -> Int {
        try client.call(
            op: "geo_nearby",
            arguments: [
                ("namespace", .string(namespace)), ("lat", .float64(lat)), ("lon", .float64(lon)),
                ("radius_m", .float64(radiusMeters)), ("limit", .int(Int64(limit))),
            ]
        ).arrayValue?.count ?? 0
    }

    func bbox(namespace: String, minLat: Double, minLon: Double, maxLat: Double, maxLon: Double, limit: Int) throws
        -> Int
    {
        try client.call(
            op: "geo_bbox",
            arguments: [
                ("namespace", .string(namespace)), ("min_lat", .float64(minLat)), ("min_lon", .float64(minLon)),
                ("max_lat", .float64(maxLat)), ("max_lon", .float64(maxLon)), ("limit", .int(Int64(limit))),
            ]
        ).arrayValue?.count ?? 0
    }

    func knn(namespace: String, lat: Double, lon: Double, k: Int) throws -> Int {
        try client.call(
            op: "geo_knn",
            arguments: [
                ("namespace", .string(namespace)), ("lat", .float64(lat)), ("lon", .float64(lon)), ("k", .int(Int64(k))),
            ]
        ).arrayValue?.count ?? 0
    }

    func trajectory(namespace: String, object: String, from: Int64?, to: Int64?, limit: Int) throws -> Int {
        var arguments: [(String, MessagePackValue)] = [
            ("namespace", .string(namespace)), ("object", .string(object)), ("limit", .int(Int64(limit))),
        ]
        if let from { arguments.append(("from", .int(from))) }
        if let to { arguments.append(("to", .int(to))) }
        return try client.call(op: "geo_trajectory", arguments: arguments).arrayValue?.count ?? 0
    }

    func flush() throws {}
}

/// A document as the wire carries it (DESIGN.md: int → int64, float → double,
/// datetime → timestamp extension −1). The benchmark datasets use only these types.
func wireValue(_ document: Document) -> MessagePackValue {
    .map(document.map { (key: .string($0.key), value: wireValue($0.value)) })
}

func wireValue(_ value: Value) -> MessagePackValue {
    switch value {
    case .null, .undefined: return .nil
    case .bool(let b): return .bool(b)
    case .int32(let i): return .int(Int64(i))
    case .int64(let i): return .int(i)
    case .double(let d): return .float64(d)
    case .string(let s): return .string(s)
    case .datetime(let ms):
        let seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
        return .timestamp(seconds: seconds, nanoseconds: UInt32((ms - seconds * 1000) * 1_000_000))
    case .array(let a): return .array(a.map(wireValue))
    case .document(let d): return wireValue(d)
    default: preconditionFailure("benchmark documents hold no \(value.bsonType) values")
    }
}
