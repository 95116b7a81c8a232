import StrataDocument

/// The document suite (Slate's benchmark) over ``DocumentDataset``.
///
/// - `insert`: bulk insert into a new collection, one `insert_many` of 100 per operation;
/// - `find_by_id`: random ids, one lookup per operation, alternately returning the
///   raw record (`find_by_id`) and the decoded one (`find_by_id_decoded`);
/// - `queries`: the finds of ``DocumentQueries`` in turn, each its own operation type
///   (results raw, except the `_decoded` ones);
/// - `distinct`: the 7 distinct queries in turn;
/// - `count`: indexed and unindexed counts in turn;
/// - `mixed`: 2 writers (`$inc` by id) and 4 readers (find by id, indexed find) at once;
/// - `merge`: a plain-document update (a `$set` merge) of a random record;
/// - `upsert`: update-or-insert of ids drawn from twice the dataset's range;
/// - `delete`: delete one random id.
public struct DocumentWorkload: Workload {
    public enum Kind: String, CaseIterable, Sendable {
        case insert, findByID = "find_by_id", queries, distinct, count, mixed, merge, upsert, delete
    }

    public let kind: Kind
    let documents: Int

    public init(_ kind: Kind, options: BenchOptions) {
        self.kind = kind
        documents = options.documents
    }

    public var suite: Suite { .document }
    public var name: String { kind.rawValue }

    static let counts: [(name: String, filter: Document?)] = [
        ("count_all", nil), ("count_status", ["status": "active"]),
        ("count_range", ["contacts_count": ["$gte": 25, "$lt": 75]]), ("count_tag", ["tags": "beta"]),
    ]

    public var operations: [String] {
        switch kind {
        case .insert: return ["insert_many"]
        case .findByID: return ["find_by_id", "find_by_id_decoded"]
        case .queries: return DocumentQueries.finds.map(\.name)
        case .distinct: return DocumentQueries.distincts.map(\.name)
        case .count: return Self.counts.map(\.name)
        case .mixed: return ["write", "read_by_id", "read_indexed"]
        case .merge: return ["merge"]
        case .upsert: return ["upsert"]
        case .delete: return ["delete_one"]
        }
    }

    public var dataset: (any Dataset)? { kind == .insert ? nil : DocumentDataset(count: documents) }
    public var consumesDataset: Bool { [.merge, .upsert, .delete].contains(kind) }
    public var producesDataset: (any Dataset)? { kind == .insert ? DocumentDataset(count: documents) : nil }
    public var runsToCompletion: Bool { kind == .insert }
    public var fixedThreads: Int? { kind == .mixed ? 6 : nil }

    public func plannedOps(_ run: RunContext) -> Int {
        switch kind {
        case .insert: return (documents + DocumentDataset.batch - 1) / DocumentDataset.batch
        case .queries: return DocumentQueries.finds.count * 10
        case .distinct: return DocumentQueries.distincts.count * 10
        case .count: return Self.counts.count * 25
        case .findByID: return 2000
        case .mixed, .merge, .upsert, .delete: return max(1000, documents / 10)
        }
    }

    public func makeWorker(_ run: RunContext, thread: Int) throws -> any BenchWorker {
        let session = try run.target.documents()
        if kind == .insert && thread == 0 {
            try session.createCollection(run.namespace, indexes: DocumentDataset.indexes)
        }
        return DocumentWorker(
            kind: kind, session: session, collection: run.namespace, documents: documents,
            random: run.random(thread: thread), thread: thread, range: run.share(of: run.ops, thread: thread),
            seed: kind == .insert ? DocumentDataset(count: documents).seed(run.options) : run.seed)
    }
}

struct DocumentWorker: BenchWorker {
    let kind: DocumentWorkload.Kind
    let session: any DocumentSession
    let collection: String
    let documents: Int
    var random: StressRandom
    let thread: Int
    let range: Range<Int>
    let seed: UInt64

    mutating func choose(_ i: Int) -> Int {
        switch kind {
        case .queries: return (i + thread) % DocumentQueries.finds.count
        case .distinct: return (i + thread) % DocumentQueries.distincts.count
        case .count: return (i + thread) % DocumentWorkload.counts.count
        case .findByID: return (i + thread) % 2
        case .mixed: return thread < 2 ? 0 : (i % 2 == 0 ? 1 : 2)
        default: return 0
        }
    }

    mutating func randomID(_ bound: Int? = nil) -> Value {
        DocumentDataset.id(Int(random.next() % UInt64(bound ?? documents)))
    }

    mutating func perform(_ op: Int, _ i: Int) throws {
        switch kind {
        case .insert:
            // Each thread inserts its own share of the records, in batches.
            let first = (range.lowerBound + i) * DocumentDataset.batch
            let end = min(documents, first + DocumentDataset.batch)
            guard first < end else { return }
            try session.insert((first..<end).map { DocumentDataset.document($0, seed: seed) }, into: collection)
        case .findByID:
            let id = randomID()
            guard try session.findByID(id, decoded: op == 1, in: collection) else { throw HarnessError("find_by_id: \(id) is missing") }
        case .queries:
            _ = try session.find(DocumentQueries.finds[op].spec, in: collection)
        case .distinct:
            let d = DocumentQueries.distincts[op]
            _ = try session.distinct(d.field, filter: d.filter, in: collection)
        case .count:
            _ = try session.count(DocumentWorkload.counts[op].filter, in: collection)
        case .mixed:
            switch op {
            case 0: try session.update(["_id": randomID()], ["$inc": ["contacts_count": 1]], many: false, upsert: false, in: collection)
            case 1: _ = try session.findByID(randomID(), decoded: true, in: collection)
            default:
                _ = try session.find(FindSpec(filter: ["contacts_count": .int64(Int64(random.next() % 101))], take: 20), in: collection)
            }
        case .merge:
            try session.update(
                ["_id": randomID()], ["notes": .string("merged at \(i)"), "status": random.next() % 2 == 0 ? "active" : "rejected"],
                many: false, upsert: false, in: collection)
        case .upsert:
            try session.update(
                ["_id": randomID(documents * 2)], ["$set": ["last_contacted_at": .datetime(1_800_000_000_000 + Int64(i))]],
                many: false, upsert: true, in: collection)
        case .delete:
            try session.delete(["_id": randomID()], many: false, in: collection)
        }
    }
}
