import StrataStore
import StrataWire

/// `kv_put`, `kv_get`, `kv_delete`, `kv_scan`: raw keys and values in a column
/// family, each in its own transaction.
enum KVOps {
    /// `kv_put {cf, key: bin, value: bin}` → `true`; creates the column family if missing.
    @Sendable static func put(_ request: Request, _ context: OpContext) throws -> MessagePackValue {
        let name = try request.string("cf")
        let key = try request.binary("key")
        let value = try request.binary("value")
        try put(key, value, cf: name, in: context.store)
        return .bool(true)
    }

    /// `kv_get {cf, key}` → the value as bin, or nil.
    @Sendable static func get(_ request: Request, _ context: OpContext) throws -> MessagePackValue {
        let name = try request.string("cf")
        let key = try request.binary("key")
        return try get(key, cf: name, in: context.store).map(MessagePackValue.binary) ?? .nil
    }

    /// `kv_delete {cf, key}` → `true`.
    @Sendable static func delete(_ request: Request, _ context: OpContext) throws -> MessagePackValue {
        let name = try request.string("cf")
        let key = try request.binary("key")
        try delete(key, cf: name, in: context.store)
        return .bool(true)
    }

    /// `kv_put_many {cf, entries: [[key, value], …]}` → `true`: every entry in one
    /// transaction (all or none); creates the column family if missing.
    @Sendable static func putMany(_ request: Request, _ context: OpContext) throws -> MessagePackValue {
        let name = try request.string("cf")
        guard let rows = try request.optionalArray("entries") else {
            throw ResponseError.badRequest("missing argument \"entries\" (an array of [key, value] pairs)")
        }
        var entries: [(key: [UInt8], value: [UInt8])] = []
        entries.reserveCapacity(rows.count)
        for (i, row) in rows.enumerated() {
            guard let pair = row.arrayValue, pair.count == 2, let key = pair[0].binaryValue, let value = pair[1].binaryValue
            else { throw ResponseError.badRequest("entries[\(i)] is not a [bin, bin] pair") }
            entries.append((key, value))
        }
        try putMany(entries, cf: name, in: context.store)
        return .bool(true)
    }

    /// `kv_drop_cf {cf}` → `true` when it existed, `false` when there was none.
    @Sendable static func dropColumnFamily(_ request: Request, _ context: OpContext) throws -> MessagePackValue {
        let name = try request.string("cf")
        guard try context.store.columnFamilyNames().contains(name) else { return .bool(false) }
        try context.store.dropColumnFamily(name)
        return .bool(true)
    }

    /// `kv_scan {cf, prefix? | start?/end?, limit?}` → `[[key, value], …]` in key order.
    @Sendable static func scan(_ request: Request, _ context: OpContext) throws -> MessagePackValue {
        let name = try request.string("cf")
        let prefix = try request.optionalBinary("prefix")
        let start = try request.optionalBinary("start")
        let end = try request.optionalBinary("end")
        if prefix != nil && (start != nil || end != nil) {
            throw ResponseError.badRequest("kv_scan takes \"prefix\" or \"start\"/\"end\", not both")
        }
        let limit = try request.optionalInt("limit")
        if let limit, limit < 0 { throw ResponseError.badRequest("argument \"limit\" must not be negative") }
        let range = prefix.map(KeyRange.prefix) ?? KeyRange(lower: start, upper: end)
        let entries = try scan(range, limit: limit.map { Int($0) } ?? .max, cf: name, in: context.store)
        return .array(entries.map { .array([.binary($0.key), .binary($0.value)]) })
    }

    // Generic bodies: the store's transaction types are known inside them.

    private static func put(_ key: [UInt8], _ value: [UInt8], cf name: String, in store: some Store) throws {
        let cf = try store.createColumnFamily(name)
        try store.write { txn in try txn.put(key, value, in: cf) }
    }

    private static func putMany(_ entries: [(key: [UInt8], value: [UInt8])], cf name: String, in store: some Store) throws {
        let cf = try store.createColumnFamily(name)
        try store.write { txn in try txn.putBatch(entries, in: cf) }
    }

    private static func get(_ key: [UInt8], cf name: String, in store: some Store) throws -> [UInt8]? {
        let cf = try store.columnFamily(name)
        return try store.read { txn in try txn.get(key, in: cf) }
    }

    private static func delete(_ key: [UInt8], cf name: String, in store: some Store) throws {
        let cf = try store.columnFamily(name)
        try store.write { txn in try txn.delete(key, in: cf) }
    }

    private static func scan(
        _ range: KeyRange, limit: Int, cf name: String, in store: some Store
    ) throws -> [(key: [UInt8], value: [UInt8])] {
        let cf = try store.columnFamily(name)
        if range.isEmpty { return [] }
        return try store.read { txn in try txn.scan(in: cf, range: range, limit: limit) }
    }
}

/// `stats` → a map of server and store figures.
enum StatsOp {
    @Sendable static func answer(_ request: Request, _ context: OpContext) throws -> MessagePackValue {
        let stats = context.stats
        let families = try context.store.columnFamilyNames()
        let collections = try context.documents.listCollections()
        return .map([
            (.string("uptime_s"), .float64(stats.uptimeSeconds)),
            (.string("connections"), .int(Int64(stats.connections))),
            (.string("connections_accepted"), .int(Int64(stats.accepted))),
            (.string("connections_refused"), .int(Int64(stats.refused))),
            (.string("requests"), .int(Int64(stats.requests))),
            (.string("errors"), .int(Int64(stats.errors))),
            (.string("backend"), .string(context.store.backendName)),
            (.string("sync"), .bool(context.store.options.sync)),
            (.string("column_families"), .array(families.map(MessagePackValue.string))),
            (.string("collections"), .int(Int64(collections.count))),
        ])
    }
}
