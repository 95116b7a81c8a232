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
    /// The plan's filter, prepared once for every record the plan reads.
    private let filter: RawMatcher

    init(session: Session<Txn>, collection: CollectionHandle, plan: Plan) {
        self.session = session
        self.collection = collection
        self.plan = plan
        self.filter = RawMatcher(plan.filter)
    }

    /// Whether each record `run` hands over is, whole, an array the store
    /// returned (from `get`, `multiGet` or a cursor's `value()`), so that the
    /// store's ``StrataStore/ReadTransaction/valueOwner`` keeps it alive. A
    /// covered plan builds its records from index entries, some of them
    /// copies made here.
    var handsOverStoreArrays: Bool { !plan.covered }

    private var txn: Txn { session.txn }
    private var cf: ColumnFamily { collection.cf }

    /// Calls `visit` with each result until it returns false.
    func run(_ visit: (consuming RawDocument) throws -> Bool) throws {
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
    private func forEachMatch(_ body: (consuming RawDocument) throws -> Bool) throws {
        switch plan.source {
        case .scan:
            // The record arrays are the store's own where it can share them
            // (the trie): a scan then copies no bytes.
            var cursor = try txn.makeCursor(in: cf, range: .prefix(KeyLayout.recordPrefix), reverse: false)
            while try cursor.next() {
                let raw = try RawDocument(storedBytes: cursor.value())
                if try filter.matches(raw), try !body(raw) { return }
            }
        case .indexScan(let scan) where scan.ranges.count == 1 && scan.kind == "eq":
            // One value: its entries are already in `_id` order and distinct,
            // so records are read as the entries stream by, and a limit stops early.
            let prefixLength = KeyLayout.indexPrefix(field: scan.field).count
            var cursor = try txn.makeCursor(in: cf, range: scan.ranges[0], reverse: false)
            if plan.covered {
                while try cursor.next() {
                    // The entry's own array where the store shares it (the trie).
                    let raw = try RawDocument(bytes: cursor.value())
                    if try filter.matches(raw), try !body(raw) { return }
                }
                return
            }
            // The records are read a batch of ids at a time (one multi-get).
            var batch = RecordBatch()
            var more = true
            while more {
                while batch.count < batch.capacity {
                    guard try cursor.next() else {
                        more = false
                        break
                    }
                    try cursor.withEntry { key, _ in
                        batch.append(try KeyLayout.indexEntryID(key, prefixLength: prefixLength))
                    }
                }
                guard try batch.load(txn: txn, cf: cf, { raw in try !filter.matches(raw) || body(raw) }) else {
                    return
                }
            }
        case .indexScan(let scan) where plan.covered:
            // Entry values in `_id` order (a scalar index has one entry per record).
            let prefixLength = KeyLayout.indexPrefix(field: scan.field).count
            var entries: [(id: [UInt8], value: [UInt8])] = []
            for range in scan.ranges {
                try txn.forEach(in: cf, range: range) { key, entry in
                    entries.append((Array(try KeyLayout.indexEntryID(key, prefixLength: prefixLength)), Array(entry)))
                    return true
                }
            }
            entries.sort { lexicographicallyPrecedes($0.id, $1.id) }
            for entry in entries {
                let raw = try RawDocument(bytes: entry.value)
                if try filter.matches(raw), try !body(raw) { return }
            }
        default:
            var batch = RecordBatch()
            for encodedID in try candidateIDs(plan.source) {
                encodedID.withUnsafeBytes { batch.append($0) }
                if batch.count == batch.capacity {
                    guard try batch.load(txn: txn, cf: cf, { raw in try !filter.matches(raw) || body(raw) }) else {
                        return
                    }
                }
            }
            _ = try batch.load(txn: txn, cf: cf) { raw in try !filter.matches(raw) || body(raw) }
        }
    }

    /// The encoded ids a non-scan source yields, ascending and distinct.
    private func candidateIDs(_ source: PlanSource) throws -> [[UInt8]] {
        switch source {
        case .scan:
            var ids: [[UInt8]] = []
            try txn.forEach(in: cf, range: .prefix(KeyLayout.recordPrefix)) { key, _ in
                ids.append(Array(key.dropFirst(KeyLayout.recordPrefix.count)))
                return true
            }
            return ids
        case .idLookup(let values):
            return SortedIDs.normalized(values.map { IndexKey.encode($0) })
        case .indexScan(let scan):
            var ids: [[UInt8]] = []
            let prefixLength = KeyLayout.indexPrefix(field: scan.field).count
            for range in scan.ranges {
                try txn.forEach(in: cf, range: range) { key, _ in
                    ids.append(Array(try KeyLayout.indexEntryID(key, prefixLength: prefixLength)))
                    return true
                }
            }
            // One equality range comes out sorted and distinct already.
            return scan.ranges.count == 1 && scan.kind == "eq" ? ids : SortedIDs.normalized(ids)
        case .indexMerge(let and, let inputs):
            var result: [[UInt8]]?
            for input in inputs {
                let ids = try candidateIDs(input)
                result = result.map { and ? SortedIDs.intersection($0, ids) : SortedIDs.union($0, ids) } ?? ids
            }
            return result ?? []
        }
    }

    /// Reads index entries in order, grouping entries with equal values;
    /// each record is taken at its first entry (its sort value), and each
    /// group is sorted by the remaining sort fields and `_id`.
    private func runIndexOrdered(_ scan: IndexScan, _ output: inout Output) throws {
        let prefixLength = KeyLayout.indexPrefix(field: scan.field).count
        // Only a multikey index can list a record under several values.
        let multikey = collection.info.index(scan.field)?.multikey ?? true
        var seen = Set<[UInt8]>()
        var loader = RecordLoader()
        // A group needs no more rows than the output still wants.
        var group = TopK(sort: plan.sort, limit: output.wanted)
        var groupValue: [UInt8] = []
        var done = false
        func flush() throws {
            for row in group.rows where !done {
                if try !output.emit(row.raw) { done = true }
            }
            group = TopK(sort: plan.sort, limit: output.wanted)
        }
        for range in scan.reverse ? scan.ranges.reversed() : scan.ranges {
            try txn.forEach(in: cf, range: range, reverse: scan.reverse) { key, entry in
                let encodedID = try KeyLayout.indexEntryID(key, prefixLength: prefixLength)
                let value = UnsafeRawBufferPointer(rebasing: key[prefixLength..<(encodedID.baseAddress! - key.baseAddress! - 1)])
                if !value.elementsEqual(groupValue) {
                    try flush()
                    if done { return false }
                    groupValue = Array(value)
                }
                if multikey, !seen.insert(Array(encodedID)).inserted { return true }
                guard
                    let raw = try plan.covered
                        ? RawDocument(bytes: Array(entry)) : loader.load(encodedID, txn: txn, cf: cf)
                else { return true }
                if try filter.matches(raw) {
                    group.insert(Row(raw: raw, sort: try plan.sort.sortValues(of: raw), id: try id(of: raw)))
                }
                return true
            }
            if done { return }
        }
        try flush()
    }

    private func id(of raw: RawDocument) throws -> Value {
        try raw.value(forKey: "_id")?.decode() ?? .null
    }
}

/// Reads records by encoded id, building each key `d:<id>` in one reused buffer.
struct RecordLoader {
    private var key = KeyLayout.recordPrefix

    mutating func load(_ encodedID: UnsafeRawBufferPointer, txn: some ReadTransaction, cf: ColumnFamily) throws
        -> RawDocument?
    {
        key.removeSubrange(KeyLayout.recordPrefix.count...)
        key.append(contentsOf: encodedID)
        guard let bytes = try txn.get(key, in: cf) else { return nil }
        return try RawDocument(storedBytes: bytes)
    }
}

/// Reads records a batch of encoded ids at a time with one
/// ``ReadTransaction/multiGet(_:in:)``, so a backend can overlap the reads
/// (the trie interleaves its walks). The keys `d:<id>` are built in arrays
/// reused from batch to batch. Batches start small and double up to 64, so
/// a query that stops early (a limit) reads few records it does not use.
struct RecordBatch {
    private var keys: [[UInt8]] = []
    private(set) var count = 0
    private(set) var capacity = 8

    /// Adds the record with this encoded id; call ``load(txn:cf:_:)`` when full.
    mutating func append(_ encodedID: UnsafeRawBufferPointer) {
        if count == keys.count {
            keys.append(KeyLayout.recordPrefix + encodedID)
        } else {
            keys[count].removeSubrange(KeyLayout.recordPrefix.count...)
            keys[count].append(contentsOf: encodedID)
        }
        count += 1
    }

    /// Reads the batch's records and hands each present one to `body`, in
    /// order, until it returns false; empties the batch. Returns false when
    /// `body` did.
    mutating func load(
        txn: some ReadTransaction, cf: ColumnFamily, _ body: (consuming RawDocument) throws -> Bool
    ) throws -> Bool {
        guard count > 0 else { return true }
        if count < keys.count { keys.removeSubrange(count...) }
        let values = try txn.multiGet(keys, in: cf)
        count = 0
        capacity = min(capacity * 2, 64)
        for value in values {
            guard let value else { continue }
            if try !body(try RawDocument(storedBytes: value)) { return false }
        }
        return true
    }
}

/// Sorted, distinct lists of encoded ids, merged in one pass.
enum SortedIDs {
    static func normalized(_ ids: [[UInt8]]) -> [[UInt8]] {
        var sorted = ids.sorted(by: lexicographicallyPrecedes)
        var last = 0
        for i in sorted.indices.dropFirst() where sorted[i] != sorted[last] {
            last += 1
            if last != i { sorted.swapAt(last, i) }
        }
        if !sorted.isEmpty { sorted.removeSubrange((last + 1)...) }
        return sorted
    }

    static func intersection(_ a: [[UInt8]], _ b: [[UInt8]]) -> [[UInt8]] {
        var out: [[UInt8]] = []
        var i = 0
        var j = 0
        while i < a.count && j < b.count {
            if lexicographicallyPrecedes(a[i], b[j]) {
                i += 1
            } else if lexicographicallyPrecedes(b[j], a[i]) {
                j += 1
            } else {
                out.append(a[i])
                i += 1
                j += 1
            }
        }
        return out
    }

    static func union(_ a: [[UInt8]], _ b: [[UInt8]]) -> [[UInt8]] {
        var out: [[UInt8]] = []
        out.reserveCapacity(max(a.count, b.count))
        var i = 0
        var j = 0
        while i < a.count || j < b.count {
            if j == b.count || (i < a.count && lexicographicallyPrecedes(a[i], b[j])) {
                out.append(a[i])
                i += 1
            } else if i == a.count || lexicographicallyPrecedes(b[j], a[i]) {
                out.append(b[j])
                j += 1
            } else {
                out.append(a[i])
                i += 1
                j += 1
            }
        }
        return out
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
    let visit: (consuming RawDocument) throws -> Bool

    /// How many more rows the output can use (skipped ones included), or nil for all.
    var wanted: Int? { take.map { skip + $0 } }

    /// Returns false once no more results are wanted.
    mutating func emit(_ raw: consuming RawDocument) throws -> Bool {
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
