import StrataDocument
import StrataQuery
import StrataStore

/// One collection resolved inside a transaction: its catalog entry and column family.
struct CollectionHandle: Sendable {
    var info: CollectionInfo
    let cf: ColumnFamily
}

/// The operations of one transaction, shared by ``ReadContext`` and
/// ``WriteContext``. Errors pass through unmapped so that the store's
/// conflict retry still sees its own errors.
struct Session<Txn: ReadTransaction> {
    let txn: Txn
    let catalog: ColumnFamily
    let resolve: (String) throws -> ColumnFamily
    /// Decoded catalog entries shared by the database's transactions.
    var cache: CatalogCache? = nil
    /// Whether the store counts prefixes without visiting keys
    /// (``StoreCapabilities/countedPrefixes``), so plans may be weighed.
    var countsPrefixes = false

    /// The named collection. Throws `notFound` when there is none.
    func collection(_ name: String) throws -> CollectionHandle {
        // An unchanged catalog is not read again (see `CatalogCache`).
        let version = cache == nil ? nil : try txn.contentVersion(of: catalog)
        if let version, let hit = cache?.handle(name, version: version) { return hit }
        let key = Catalog.key(name)
        var bytes: [UInt8]?
        if let hit = try txn.withValue(forKey: key, in: catalog, { stored -> CollectionHandle? in
            guard let stored else { return nil }
            if let hit = cache?.handle(name, matching: stored) {
                if version != nil { bytes = Array(stored) }
                return hit
            }
            bytes = Array(stored)
            return nil
        }) {
            // The same bytes under a newer version: remember the version.
            if let version, let bytes { cache?.store(name, bytes: bytes, version: version, handle: hit) }
            return hit
        }
        guard let bytes else { throw DatabaseError(.notFound, "no collection named \(name.debugDescription)") }
        let info = try CollectionInfo(document: Document(bson: bytes))
        let handle = CollectionHandle(info: info, cf: try resolve(info.columnFamily))
        cache?.store(name, bytes: bytes, version: version, handle: handle)
        return handle
    }

    func listCollections() throws -> [String] { try Catalog.names(txn: txn, in: catalog) }

    func listIndexes(_ name: String) throws -> [String] { try collection(name).info.indexes.map(\.field) }

    /// The raw record stored under `id`, or nil.
    func record(id: Value, in c: CollectionHandle) throws -> RawDocument? {
        guard let bytes = try txn.get(KeyLayout.recordKey(id: id), in: c.cf) else { return nil }
        return try RawDocument(storedBytes: bytes)
    }

    /// The plan for `query`: the planner's, weighed against a full scan
    /// where the store's counts are cheap (``Planner/preferringScan(_:count:)``).
    func plan(_ query: Query, for c: CollectionHandle, hint: QueryHint) throws -> Plan {
        let plan = Planner.plan(query, for: c.info, hint: hint)
        guard countsPrefixes else { return plan }
        return try Planner.preferringScan(plan) { try txn.count(withPrefix: $0, in: c.cf) }
    }

    /// At most how many records `plan` returns, where the store counts
    /// without visiting keys and the plan reads every record: all of them
    /// for an unfiltered scan, the rejected index scan's candidates for a
    /// scan chosen by cost (every match is one of them). Nil otherwise. A
    /// result array reserved to it is never regrown.
    func resultBound(of plan: Plan, in c: CollectionHandle) throws -> Int? {
        guard countsPrefixes, !plan.covered, case .scan = plan.source else { return nil }
        var bound: Int
        if let choice = plan.scanChoice {
            bound = choice.candidates
        } else if case .all = plan.filter {
            bound = try txn.count(withPrefix: KeyLayout.recordPrefix, in: c.cf)
        } else {
            return nil
        }
        bound = max(0, bound - plan.skip)
        if let take = plan.take { bound = min(bound, take) }
        return bound
    }

    /// Plans `query` and hands each result record to `body`, in order;
    /// `prepare` first sees the plan's ``resultBound(of:in:)``.
    private func run(
        _ query: Query, in name: String, hint: QueryHint, prepare: (Int?) -> Void = { _ in },
        _ body: (consuming RawDocument) throws -> Void
    ) throws {
        let c = try collection(name)
        let plan = try self.plan(query, for: c, hint: hint)
        prepare(try resultBound(of: plan, in: c))
        try Executor(session: self, collection: c, plan: plan).run { raw in
            try body(raw)
            return true
        }
    }

    /// The results as raw records (projected to the columns byte for byte
    /// where they are top-level), decoded by no one.
    func findRaw(_ query: Query, in name: String, hint: QueryHint = .automatic) throws -> ResultSet {
        let c = try collection(name)
        let plan = try self.plan(query, for: c, hint: hint)
        let bound = try resultBound(of: plan, in: c)
        let executor = Executor(session: self, collection: c, plan: plan)
        // Whole records the store keeps alive are held through its owner, not
        // one by one (``SharedRecords``), when there may be enough of them.
        if query.columns == nil, executor.handsOverStoreArrays, let owner = txn.valueOwner,
            (bound ?? .max) >= SharedRecords.minimumCount
        {
            var shared = SharedRecords(owner: owner, capacity: bound)
            try executor.run { raw in
                shared.append(raw.storage)
                return true
            }
            return shared.count >= SharedRecords.minimumCount
                ? ResultSet(shared: shared) : ResultSet(records: shared.owned())
        }
        var out: [RawDocument] = []
        if let bound { out.reserveCapacity(bound) }
        try executor.run { raw in
            // Each record is handed over, not copied: no reference count moves.
            if let cols = query.columns { out.append(try Projection.applyRaw(cols, to: raw)) } else { out.append(raw) }
            return true
        }
        return ResultSet(records: out)
    }

    /// The results decoded: the same records as ``findRaw(_:in:hint:)``,
    /// each decoded (a projection decodes only its columns).
    func find(_ query: Query, in name: String, hint: QueryHint = .automatic) throws -> [Document] {
        var out: [Document] = []
        try run(query, in: name, hint: hint, prepare: { if let n = $0 { out.reserveCapacity(n) } }) { raw in
            out.append(try query.columns.map { cols throws in try Projection.apply(cols, to: raw) } ?? raw.decode())
        }
        return out
    }

    func findRawByID(_ id: Value, columns: [FieldPath]?, in name: String) throws -> RawDocument? {
        let c = try collection(name)
        guard let raw = try record(id: id, in: c) else { return nil }
        return try columns.map { cols throws in try Projection.applyRaw(cols, to: raw) } ?? raw
    }

    func findByID(_ id: Value, columns: [FieldPath]?, in name: String) throws -> Document? {
        let c = try collection(name)
        guard let raw = try record(id: id, in: c) else { return nil }
        return try columns.map { cols throws in try Projection.apply(cols, to: raw) } ?? raw.decode()
    }

    func count(_ filter: Filter, in name: String) throws -> Int {
        let c = try collection(name)
        // Every record: the store counts the `d:` keys (the trie from its
        // subtree counts, without visiting them).
        if case .all = filter { return try txn.count(withPrefix: KeyLayout.recordPrefix, in: c.cf) }
        // No columns: a filter on one indexed field is counted from the index alone.
        let plan = try self.plan(try Query(filter: filter, columns: []), for: c, hint: .automatic)
        var n = 0
        try Executor(session: self, collection: c, plan: plan).run { _ in
            n += 1
            return true
        }
        return n
    }

    func distinct(_ field: String, filter: Filter, in name: String) throws -> [Value] {
        let path = try FieldPath(field)
        let c = try collection(name)
        let plan = try self.plan(try Query(filter: filter, columns: [path]), for: c, hint: .automatic)
        var seen = Set<[UInt8]>()
        var out: [Value] = []
        try Executor(session: self, collection: c, plan: plan).run { raw in
            let values = try FieldValues(path: path, in: raw)
            for (v, expanded) in values.entries where !expanded {
                if seen.insert(IndexKey.encode(v)).inserted { out.append(v) }
            }
            return true
        }
        return out.sorted { Value.compare($0, $1) < 0 }
    }

    func explain(_ query: Query, in name: String, hint: QueryHint = .automatic) throws -> Document {
        try self.plan(query, for: try collection(name), hint: hint).explain()
    }
}
