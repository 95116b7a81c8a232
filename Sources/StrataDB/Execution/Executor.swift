import StrataDocument
import StrataQuery
import StrataStore

/// Runs a plan inside one transaction, handing each result record (raw BSON,
/// in final order, after skip and limit) to a visitor. Records are read as
/// raw bytes; the filter and sort read only the fields they name.
struct Executor<Txn: ReadTransaction> {
    let session: Session<Txn>
    let collection: CollectionHandle
    let plan: Plan

    private var txn: Txn { session.txn }
    private var cf: ColumnFamily { collection.cf }

    /// Calls `visit` with each result until it returns false.
    func run(_ visit: (RawDocument) throws -> Bool) throws {
        if plan.take == 0 { return }
        try withoutActuallyEscaping(visit) { visit in
            var output = Output(skip: plan.skip, take: plan.take, visit: visit)
            try run(&output)
        }
    }

    private func run(_ output: inout Output) throws {
        if plan.indexOrdered, case .indexScan(let scan) = plan.source {
            try runIndexOrdered(scan, &output)
        } else if plan.sort.keys.isEmpty {
            try forEachMatch { raw in try output.emit(raw) }
        } else {
            var rows = TopK(sort: plan.sort, limit: plan.take.map { plan.skip + $0 })
            try forEachMatch { raw in
                rows.insert(Row(raw: raw, sort: try plan.sort.sortValues(of: raw), id: try id(of: raw)))
                return true
            }
            for row in rows.rows where !(try output.emit(row.raw)) { break }
        }
    }

    /// Each record that passes the filter, in `_id` order, until `body` returns false.
    private func forEachMatch(_ body: (RawDocument) throws -> Bool) throws {
        switch plan.source {
        case .scan:
            try txn.forEach(in: cf, range: .prefix(KeyLayout.recordPrefix)) { _, value in
                let raw = try RawDocument(bytes: Array(value))
                return try plan.filter.matches(raw) ? body(raw) : true
            }
        default:
            for encodedID in try candidateIDs(plan.source).sorted(by: lexicographicallyPrecedes) {
                guard let raw = try load(encodedID) else { continue }
                if try plan.filter.matches(raw), try !body(raw) { return }
            }
        }
    }

    /// The encoded ids a non-scan source yields.
    private func candidateIDs(_ source: PlanSource) throws -> Set<[UInt8]> {
        switch source {
        case .scan:
            var ids = Set<[UInt8]>()
            try txn.forEach(in: cf, range: .prefix(KeyLayout.recordPrefix)) { key, _ in
                ids.insert(Array(key.dropFirst(KeyLayout.recordPrefix.count)))
                return true
            }
            return ids
        case .idLookup(let values):
            return Set(values.map { IndexKey.encode($0) })
        case .indexScan(let scan):
            var ids = Set<[UInt8]>()
            let prefixLength = KeyLayout.indexPrefix(field: scan.field).count
            for range in scan.ranges {
                try txn.forEach(in: cf, range: range) { key, _ in
                    ids.insert(Array(try KeyLayout.splitIndexKey(Array(key), prefixLength: prefixLength).id))
                    return true
                }
            }
            return ids
        case .indexMerge(let and, let inputs):
            var result: Set<[UInt8]>?
            for input in inputs {
                let ids = try candidateIDs(input)
                result = result.map { and ? $0.intersection(ids) : $0.union(ids) } ?? ids
            }
            return result ?? []
        }
    }

    /// Reads index entries in order, grouping entries with equal values;
    /// each record is taken at its first entry (its sort value), and each
    /// group is sorted by the remaining sort fields and `_id`.
    private func runIndexOrdered(_ scan: IndexScan, _ output: inout Output) throws {
        let prefixLength = KeyLayout.indexPrefix(field: scan.field).count
        var seen = Set<[UInt8]>()
        var group: [Row] = []
        var groupValue: [UInt8] = []
        var done = false
        func flush() throws {
            group.sort { plan.sort.compare($0.sort, id: $0.id, $1.sort, id: $1.id) < 0 }
            for row in group where !done {
                if try !output.emit(row.raw) { done = true }
            }
            group.removeAll(keepingCapacity: true)
        }
        for range in scan.reverse ? scan.ranges.reversed() : scan.ranges {
            try txn.forEach(in: cf, range: range, reverse: scan.reverse) { key, _ in
                let (value, encodedID) = try KeyLayout.splitIndexKey(Array(key), prefixLength: prefixLength)
                if !value.elementsEqual(groupValue) {
                    try flush()
                    if done { return false }
                    groupValue = Array(value)
                }
                guard seen.insert(Array(encodedID)).inserted, let raw = try load(Array(encodedID)) else { return true }
                if try plan.filter.matches(raw) {
                    group.append(Row(raw: raw, sort: try plan.sort.sortValues(of: raw), id: try id(of: raw)))
                }
                return true
            }
            if done { return }
        }
        try flush()
    }

    private func load(_ encodedID: [UInt8]) throws -> RawDocument? {
        guard let bytes = try txn.get(KeyLayout.recordKey(encodedID: encodedID), in: cf) else { return nil }
        return try RawDocument(bytes: bytes)
    }

    private func id(of raw: RawDocument) throws -> Value {
        try raw.value(forKey: "_id")?.decode() ?? .null
    }
}

/// One record waiting to be sorted.
struct Row {
    var raw: RawDocument
    var sort: [Value]
    var id: Value
}

/// Applies skip and take and forwards results to the visitor.
struct Output {
    var skip: Int
    var take: Int?
    let visit: (RawDocument) throws -> Bool

    /// Returns false once no more results are wanted.
    mutating func emit(_ raw: RawDocument) throws -> Bool {
        if skip > 0 {
            skip -= 1
            return true
        }
        if let t = take {
            if t == 0 { return false }
            take = t - 1
        }
        guard try visit(raw) else { return false }
        return take != 0
    }
}

/// The rows in sort order; with a limit, only the best `limit` are kept
/// (a bounded sorted buffer: binary search, insert, drop the worst).
struct TopK {
    let sort: Sort
    let limit: Int?
    private(set) var rows: [Row] = []

    init(sort: Sort, limit: Int?) {
        self.sort = sort
        self.limit = limit
    }

    mutating func insert(_ row: Row) {
        if let limit, rows.count == limit {
            guard let last = rows.last, before(row, last) else { return }
            rows.removeLast()
        }
        var lo = 0
        var hi = rows.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if before(rows[mid], row) { lo = mid + 1 } else { hi = mid }
        }
        rows.insert(row, at: lo)
    }

    private func before(_ a: Row, _ b: Row) -> Bool {
        sort.compare(a.sort, id: a.id, b.sort, id: b.id) < 0
    }
}
