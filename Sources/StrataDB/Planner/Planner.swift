import StrataDocument
import StrataQuery
import StrataStore

/// Chooses a plan for a query from the filter's shape and the collection's
/// indexes. Index scans only narrow the candidates: the whole filter is
/// always applied to every record read, so a plan can read too much but
/// never return too much.
enum Planner {
    static func plan(_ query: Query, for info: CollectionInfo, hint: QueryHint) -> Plan {
        var plan = uncovered(query, for: info, hint: hint)
        plan.covered = covers(plan, info: info)
        return plan
    }

    /// Reading one index candidate's record costs about as much as scanning
    /// this many records. A candidate is an index step and then a
    /// root-to-leaf read of its record; a scan steps to the next leaf, with
    /// the next records' nodes and bytes already hinted into cache. Measured
    /// on the trie at 100k records (docs/perf-documents.md, round 4): about
    /// 1.1 µs a candidate of `status_eq` through the index against about
    /// 0.45 µs a record for a scan with the same filter, so the two break
    /// even near 40 % of the collection.
    static let candidateCost = 2.5

    /// Collections with fewer records keep the plan the filter's shape
    /// suggests: either plan takes microseconds there, and explain stays as
    /// simple as the query.
    static let costChoiceMinimum = 1_000

    /// The plan with its equality index scan replaced by a full scan when the
    /// index would read more than one record in ``candidateCost`` (40 %):
    /// then reading every record costs less. `count` gives the number of keys
    /// with a prefix; call this only where that is cheap
    /// (``StoreCapabilities/countedPrefixes``).
    ///
    /// The results and their order stay the same. Both sources yield records
    /// in `_id` order (an equality's entries are in `_id` order, and several
    /// ranges' ids are sorted), the whole filter is applied to every record
    /// either way, and a sort breaks ties by `_id`. Covered plans (which read
    /// no records) and index-ordered sorts keep their index; range scans are
    /// not weighed, as the store counts prefixes, not ranges.
    static func preferringScan(_ plan: Plan, count: ([UInt8]) throws -> Int) rethrows -> Plan {
        guard !plan.covered, case .indexScan(let scan) = plan.source, !scan.ordered, scan.kind == "eq" else {
            return plan
        }
        var prefixes: [[UInt8]] = []
        for range in scan.ranges {
            guard let lower = range.lower, range.upper == KeyRange.successor(ofPrefix: lower) else { return plan }
            prefixes.append(lower)
        }
        let records = try count(KeyLayout.recordPrefix)
        guard records >= costChoiceMinimum else { return plan }
        var candidates = 0
        for prefix in prefixes { candidates += try count(prefix) }
        guard Double(candidates) * candidateCost > Double(records) else { return plan }
        var chosen = plan
        chosen.source = .scan
        chosen.scanChoice = ScanChoice(rejected: scan, candidates: candidates, records: records)
        return chosen
    }

    /// Whether the plan's index alone answers it: the source is one scan of
    /// a scalar index in the typed-entry format, and the filter, the sort
    /// and the projected columns touch only that field and `_id`. Then each
    /// entry's value is the record's projection onto those fields, and
    /// filtering, sorting and projecting it gives what the record would.
    static func covers(_ plan: Plan, info: CollectionInfo) -> Bool {
        guard let columns = plan.columns, case .indexScan(let scan) = plan.source,
            let index = info.index(scan.field), index.covers,
            scan.field != "_id", !scan.field.hasPrefix("_id.")
        else { return false }
        func allowed(_ path: FieldPath) -> Bool { path.text == "_id" || path.text == scan.field }
        return columns.allSatisfy(allowed) && plan.sort.keys.allSatisfy { allowed($0.path) }
            && plan.filter.paths.allSatisfy(allowed)
    }

    private static func uncovered(_ query: Query, for info: CollectionInfo, hint: QueryHint) -> Plan {
        var plan = Plan(
            source: .scan, filter: query.filter, sort: query.sort, skip: query.skip, take: query.take,
            columns: query.columns)
        guard hint == .automatic else { return plan }
        let narrowed = source(for: query.filter, info: info)
        if let narrowed { plan.source = narrowed }
        if case .idLookup? = narrowed { return plan }
        // Index-ordered sort: the first sort field is indexed, and either
        // nothing else narrows the search, the narrowing is a range on that
        // same field (and the index has one value per record), or a limit
        // makes reading in order worthwhile.
        guard let first = query.sort.keys.first, let index = info.index(first.path.text) else { return plan }
        var ordered = IndexScan(
            field: index.field, ranges: [.prefix(KeyLayout.indexPrefix(field: index.field))], kind: "range",
            bounds: [], ordered: true, reverse: first.descending)
        if case .indexScan(let s)? = narrowed, s.field == index.field, !index.multikey {
            ordered.ranges = s.ranges
            ordered.kind = s.kind
            ordered.bounds = s.bounds
        } else if narrowed != nil && query.take == nil {
            return plan
        }
        plan.source = .indexScan(ordered)
        return plan
    }

    /// An index-backed source covering every record `filter` can match, or nil.
    static func source(for filter: Filter, info: CollectionInfo) -> PlanSource? {
        var perField: [String: IndexScan] = [:]
        var order: [String] = []
        var others: [PlanSource] = []
        for conjunct in filter.conjuncts {
            switch conjunct {
            case .field(let path, let predicate):
                if path.text == "_id", let ids = idValues(predicate) { return .idLookup(ids) }
                guard let index = info.index(path.text), let scan = scan(field: path.text, predicate) else { continue }
                if index.multikey, perField[path.text] != nil {
                    // Different elements of an array may satisfy different
                    // predicates, so their ranges cannot be intersected; the
                    // record ids can.
                    others.append(.indexScan(scan))
                } else if var existing = perField[path.text] {
                    existing.ranges = intersect(existing.ranges, scan.ranges)
                    existing.bounds += scan.bounds
                    if scan.kind == "range" { existing.kind = "range" }
                    perField[path.text] = existing
                } else {
                    perField[path.text] = scan
                    order.append(path.text)
                }
            case .or(let branches):
                var inputs: [PlanSource] = []
                for branch in branches {
                    guard let s = source(for: branch, info: info) else { inputs = []; break }
                    inputs.append(s)
                }
                if !inputs.isEmpty { others.append(.indexMerge(and: false, inputs)) }
            default:
                continue
            }
        }
        let all = order.map { PlanSource.indexScan(perField[$0]!) } + others
        switch all.count {
        case 0: return nil
        case 1: return all[0]
        default: return .indexMerge(and: true, all)
        }
    }

    /// The `_id`s an `_id` predicate names, when it is an equality or `$in` of plain values.
    private static func idValues(_ predicate: Filter.Predicate) -> [Value]? {
        switch predicate {
        case .eq(let v): return indexable(v) ? [v] : nil
        case .in(let vs): return vs.allSatisfy(indexable) ? vs : nil
        default: return nil
        }
    }

    /// Whether an operand can be looked up in an index: a scalar that is not null
    /// (null also matches a missing field; arrays and documents match as wholes).
    static func indexable(_ v: Value) -> Bool {
        switch v {
        case .null, .undefined, .array, .document: false
        default: true
        }
    }

    /// The index ranges holding every record the predicate can match, or nil.
    static func scan(field: String, _ predicate: Filter.Predicate) -> IndexScan? {
        let prefix = KeyLayout.indexPrefix(field: field)
        func at(_ v: Value) -> [UInt8] { KeyLayout.indexValuePrefix(field: field, value: v) }
        func after(_ v: Value) -> [UInt8] { KeyRange.successor(ofPrefix: at(v))! }
        func bracket(_ v: Value) -> (lower: [UInt8], upper: [UInt8]) {
            (prefix + [v.typeBracket], prefix + [v.typeBracket + 1])
        }
        let bound: Document = [predicate.name: predicate.operand]
        switch predicate {
        case .eq(let v):
            guard indexable(v) else { return nil }
            return IndexScan(field: field, ranges: [.prefix(at(v))], kind: "eq", bounds: [bound])
        case .in(let vs):
            guard !vs.isEmpty, vs.allSatisfy(indexable) else { return nil }
            var seen = Set<[UInt8]>()
            let keys = vs.map(at).filter { seen.insert($0).inserted }.sorted { lexicographicallyPrecedes($0, $1) }
            return IndexScan(field: field, ranges: keys.map { .prefix($0) }, kind: "eq", bounds: [bound])
        case .gt(let v), .gte(let v), .lt(let v), .lte(let v):
            guard indexable(v) else { return nil }
            let b = bracket(v)
            let range: KeyRange
            switch predicate {
            case .gt: range = KeyRange(lower: after(v), upper: b.upper)
            case .gte: range = KeyRange(lower: at(v), upper: b.upper)
            case .lt: range = KeyRange(lower: b.lower, upper: at(v))
            default: range = KeyRange(lower: b.lower, upper: after(v))
            }
            return IndexScan(field: field, ranges: range.isEmpty ? [] : [range], kind: "range", bounds: [bound])
        default:
            return nil
        }
    }

    /// The intersection of two sorted lists of disjoint ranges.
    static func intersect(_ a: [KeyRange], _ b: [KeyRange]) -> [KeyRange] {
        var out: [KeyRange] = []
        for x in a {
            for y in b {
                let lower = maxLower(x.lower, y.lower)
                let upper = minUpper(x.upper, y.upper)
                let r = KeyRange(lower: lower, upper: upper)
                if !r.isEmpty { out.append(r) }
            }
        }
        return out
    }

    private static func maxLower(_ a: [UInt8]?, _ b: [UInt8]?) -> [UInt8]? {
        guard let a else { return b }
        guard let b else { return a }
        return lexicographicallyPrecedes(a, b) ? b : a
    }

    private static func minUpper(_ a: [UInt8]?, _ b: [UInt8]?) -> [UInt8]? {
        guard let a else { return b }
        guard let b else { return a }
        return lexicographicallyPrecedes(a, b) ? a : b
    }
}
