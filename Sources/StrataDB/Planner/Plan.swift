import StrataDocument
import StrataQuery
import StrataStore

/// How a find may be planned.
public enum QueryHint: Sendable, Hashable {
    /// Let the planner choose among id lookups, index scans and merges.
    case automatic
    /// Read every record and filter: the reference every other plan must agree with.
    case collectionScan
}

/// Where candidate records come from: the leaves of the plan tree.
indirect enum PlanSource: Sendable {
    /// Every record, in `_id` order.
    case scan
    /// The records with these `_id`s.
    case idLookup([Value])
    /// Records whose index entries fall in some key ranges.
    case indexScan(IndexScan)
    /// The intersection (`and`) or union of several sources.
    case indexMerge(and: Bool, [PlanSource])
}

/// A scan over one index's entries.
struct IndexScan: Sendable {
    /// The indexed path.
    var field: String
    /// Sorted, disjoint ranges of whole index keys.
    var ranges: [KeyRange]
    /// `eq` (every range is one value) or `range`.
    var kind: String
    /// The predicates that produced the ranges, for explain.
    var bounds: [Document]
    /// Whether records come out in index order (an index-ordered sort), and which way.
    var ordered = false
    var reverse = false
}

/// Why a plan reads every record although an index could narrow the
/// candidates: its equality scan would have read too large a share of the
/// collection (``Planner/preferringScan(_:count:)``). Explain shows it on the
/// `Scan` stage.
struct ScanChoice: Sendable {
    /// The index scan the filter's shape suggested.
    var rejected: IndexScan
    /// The index entries in its ranges: what it would have read (the store's counts).
    var candidates: Int
    /// The records in the collection.
    var records: Int
}

/// A chosen plan:
///
///     Projection ← Limit ← Skip ← Sort (top-k when limited) ← Filter ← ReadRecord ← source
///
/// A stage that does nothing (no projection, no sort, …) is left out. A
/// covered plan reads no records: `Covered` (the index entries' typed
/// values) replaces `ReadRecord`.
struct Plan: Sendable {
    var source: PlanSource
    var filter: Filter
    /// The in-memory sort; with an index-ordered source only records whose
    /// first sort value ties are sorted, group by group.
    var sort: Sort
    var skip: Int
    var take: Int?
    var columns: [FieldPath]?
    /// Whether index entries stand in for the records (``Planner/covers(_:info:)``):
    /// the source's entry values are filtered, sorted and projected instead.
    var covered = false
    /// Set when the source is a scan the planner chose over an index by cost.
    var scanChoice: ScanChoice? = nil

    /// Whether the source delivers records in the sort's order (group by group).
    var indexOrdered: Bool {
        if case .indexScan(let s) = source { return s.ordered }
        return false
    }

    /// The plan tree as a document: `{"stage": "Limit", "take": 5, "input": {…}}`.
    func explain() -> Document {
        var node = Self.explain(source)
        if case .scan = source, let choice = scanChoice {
            node.append("insteadOf", .document(Self.explain(.indexScan(choice.rejected))))
            node.append("candidates", .int64(Int64(choice.candidates)))
            node.append("records", .int64(Int64(choice.records)))
            let share = Int(100 / Planner.candidateCost)
            let reason = "the index would read more than \(share) % of the records; a scan costs less"
            node.append("reason", .string(reason))
        }
        if covered, case .indexScan(let s) = source {
            node = ["stage": "Covered", "index": .string(s.field), "input": .document(node)]
        } else {
            node = ["stage": "ReadRecord", "input": .document(node)]
        }
        if filter != .all {
            node = ["stage": "Filter", "filter": .document(filter.document), "input": .document(node)]
        }
        if !sort.keys.isEmpty {
            var stage: Document = ["stage": "Sort", "by": .array(sort.fields.map { .string($0) })]
            if indexOrdered {
                stage.append("method", "index order, ties sorted in memory")
            } else if let take {
                stage.append("method", "top-k"); stage.append("k", .int64(Int64(skip + take)))
            } else {
                stage.append("method", "in memory")
            }
            stage.append("input", .document(node))
            node = stage
        }
        if skip > 0 { node = ["stage": "Skip", "skip": .int64(Int64(skip)), "input": .document(node)] }
        if let take { node = ["stage": "Limit", "take": .int64(Int64(take)), "input": .document(node)] }
        if let columns {
            node = [
                "stage": "Projection", "columns": .array(columns.map { .string($0.text) }), "input": .document(node),
            ]
        }
        return node
    }

    private static func explain(_ source: PlanSource) -> Document {
        switch source {
        case .scan: return ["stage": "Scan"]
        case .idLookup(let ids): return ["stage": "IdLookup", "ids": .array(ids)]
        case .indexScan(let s):
            var d: Document = ["stage": "IndexScan", "field": .string(s.field), "kind": .string(s.kind)]
            d.append("bounds", .array(s.bounds.map { .document($0) }))
            if s.ordered { d.append("order", s.reverse ? "desc" : "asc") }
            return d
        case .indexMerge(let and, let inputs):
            return [
                "stage": "IndexMerge", "op": and ? "and" : "or",
                "inputs": .array(inputs.map { .document(explain($0)) }),
            ]
        }
    }
}
