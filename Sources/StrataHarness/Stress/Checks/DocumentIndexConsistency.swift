import Foundation
import StrataDB
import StrataDocument
import StrataQuery
import StrataStore
import Synchronization

/// `document-index-consistency`: writers insert, update (changing indexed
/// fields, arrays included, so the `tags` index is multikey), replace and
/// delete documents of one collection with three secondary indexes, while
/// readers run each filter twice in one snapshot — planned (index scans and
/// merges) and forced through a full scan (``QueryHint/collectionScan``) —
/// and the two must return the same records. At the end, in one snapshot,
/// the indexes must match the records exactly
/// (``ReadContext/indexProblems(in:)`` decodes the key layout) and the
/// record count must equal the successful inserts minus the deletes the
/// writers were told of.
///
/// The faults it is built to catch (its negative controls):
/// - `drop-writes`: a lost index-entry put or delete leaves a record that an
///   indexed find misses, or an entry that points at a value the record no
///   longer holds; a lost record write breaks the count. The final exact
///   verification sees every one of them.
/// - `non-atomic-commit`: a record write becomes visible before its index
///   entries, which the planned find misses while the scan in the same
///   snapshot sees it; writers also interleave blindly, leaving stray
///   entries and double-counted inserts.
struct DocumentIndexConsistency {
    let options: StressOptions
    let backend: String
    let progress: StressProgress

    static let collection = "stress"
    static let indexes = ["a", "tags", "n.x"]
    /// Values of the indexed fields are drawn from this few, so filters match
    /// many records and updates move records between index values.
    static let values: Int32 = 8

    /// Ids drawn from a space small enough for writers to collide on records.
    var idSpace: Int { max(64, min(2048, options.records / 40)) }
    var writers: Int { max(1, options.threads / 2) }
    var readers: Int { max(1, options.threads - writers) }

    func run(_ store: some Store) throws -> CheckOutcome {
        let db = try Database(store: store)
        let name = Self.collection
        let ids = idSpace
        let seed = options.seed
        try db.createCollection(name, indexes: Self.indexes)
        let findings = Findings()
        let errors = Findings()
        // A catalog entry lost on the way is an acknowledged write lost.
        let listed = try? db.read { try $0.listIndexes(name) }
        if listed != Self.indexes {
            findings.report("the collection's catalog entry reads back as \(listed.map { "\($0)" } ?? "missing")")
            return outcome(findings, errors, operations: 0, finds: 0, rejected: 0, records: "not checked")
        }
        var setupRNG = StressRandom(seed: seed ^ 0xD0C_5EED)
        let initial = try db.write { tx in
            try tx.insert(
                stride(from: 0, to: ids, by: 2).map { Self.document(id: $0, version: 0, using: &setupRNG) },
                into: name
            ).count
        }
        let inserted = Atomic<Int>(initial)
        let deleted = Atomic<Int>(0)
        let operations = Atomic<Int>(0)
        let finds = Atomic<Int>(0)
        let rejected = Atomic<Int>(0)
        let version = Atomic<Int>(0)
        let deadline = now() + options.seconds
        let writerCount = writers
        progress.begin("[\(backend)] document-index-consistency")
        runThreads(writerCount + readers) { index in
            var rng = StressRandom(seed: seed &+ UInt64(index) &* 0x4000_0007)
            while now() < deadline && !findings.stop.load(ordering: .relaxed) && !errors.stop.load(ordering: .relaxed) {
                do {
                    if index < writerCount {
                        // Two operations per commit with a yield between them
                        // widen the window in which a commit is half applied.
                        let (ins, del, ops) = try db.write { tx -> (Int, Int, Int) in
                            var total = (0, 0, 0)
                            for step in 0..<2 {
                                if step == 1 { sched_yield() }
                                let v = version.add(1, ordering: .relaxed).newValue
                                let (i, d) = try Self.writeOperation(tx, ids: ids, version: v, using: &rng)
                                total = (total.0 + i, total.1 + d, total.2 + 1)
                            }
                            return total
                        }
                        inserted.add(ins, ordering: .relaxed)
                        deleted.add(del, ordering: .relaxed)
                        operations.add(ops, ordering: .relaxed)
                    } else {
                        let filter = try Self.randomFilter(using: &rng)
                        let query = try Query(filter: filter)
                        let (planned, scanned) = try db.read { tx in
                            (
                                try tx.find(query, in: name),
                                try tx.find(query, in: name, hint: .collectionScan)
                            )
                        }
                        finds.add(1, ordering: .relaxed)
                        if planned != scanned {
                            findings.report(
                                "find \(ExtendedJSON.text(of: filter.document)) planned returned \(planned.count) records, a full scan of the same snapshot \(scanned.count): \(Self.difference(planned, scanned))"
                            )
                        }
                    }
                    progress.advance()
                } catch DatabaseError.Code.conflict {
                    // Every retry lost to another writer: rolled back, never acknowledged.
                    rejected.add(1, ordering: .relaxed)
                } catch {
                    errors.fail(error)
                }
            }
        }
        progress.end()
        let (problems, count) = try db.read { tx in (try tx.indexProblems(in: name), try tx.count(in: name)) }
        for problem in problems { findings.report(problem) }
        let expected = inserted.load(ordering: .relaxed) - deleted.load(ordering: .relaxed)
        if count != expected {
            findings.report(
                "the collection holds \(count) records; \(inserted.load(ordering: .relaxed)) successful inserts minus \(deleted.load(ordering: .relaxed)) deletes is \(expected)"
            )
        }
        return outcome(
            findings, errors, operations: operations.load(ordering: .relaxed), finds: finds.load(ordering: .relaxed),
            rejected: rejected.load(ordering: .relaxed), records: "\(count) records, \(problems.count) index problems")
    }

    private func outcome(
        _ findings: Findings, _ errors: Findings, operations: Int, finds: Int, rejected: Int, records: String
    ) -> CheckOutcome {
        var outcome = CheckOutcome(
            passed: findings.count == 0 && errors.count == 0,
            detail:
                "\(writers) writers, \(readers) readers, \(idSpace) ids, indexes \(Self.indexes.joined(separator: ", ")); \(operations) operations, \(finds) planned finds compared with full scans; at the end \(records)",
            figures: [
                "operations": Double(operations), "operations_per_s": Double(operations) / options.seconds,
                "finds": Double(finds), "violations": Double(findings.count), "errors": Double(errors.count),
                "rejected_after_retries": Double(rejected),
            ]
        )
        outcome.add(findings.summary("violations"))
        outcome.add(errors.summary("errors"))
        return outcome
    }

    /// One random write; returns how many records it inserted and deleted.
    static func writeOperation<S: Store>(
        _ tx: WriteContext<S>, ids: Int, version: Int, using rng: inout StressRandom
    ) throws -> (inserted: Int, deleted: Int) {
        let name = collection
        let n = Int.random(in: 0..<ids, using: &rng)
        let id = try Filter(["_id": .int64(Int64(n))])
        let v = Value.int32(Int32.random(in: 0..<values, using: &rng))
        let w = Value.int32(Int32.random(in: 0..<values, using: &rng))
        switch Int.random(in: 0..<10, using: &rng) {
        case 0, 1:
            guard try tx.findByID(.int64(Int64(n)), in: name) == nil else { return (0, 0) }
            _ = try tx.insert(document(id: n, version: version, using: &rng), into: name)
            return (1, 0)
        case 2, 3:
            _ = try tx.update(
                id, try Update(["$set": ["a": v, "tags": tags(using: &rng), "v": .int64(Int64(version))]]),
                in: name)
        case 4:
            _ = try tx.update(id, try Update(["$push": ["tags": v], "$inc": ["n.x": 1]]), in: name)
        case 5:
            // Found through the indexes, moved to another value of one of them.
            _ = try tx.update(try Filter(["a": v, "tags": w]), try Update(["$set": ["a": w]]), in: name, many: true)
        case 6:
            var replacement = document(id: n, version: version, using: &rng)
            replacement["_id"] = nil
            let result = try tx.replace(id, with: replacement, in: name, upsert: true)
            return (result.upsertedID == nil ? 0 : 1, 0)
        case 7:
            _ = try tx.update(id, try Update(["$unset": ["tags": ""], "$set": ["n.x": v]]), in: name)
        case 8:
            return (0, try tx.delete(id, in: name))
        default:
            return (0, try tx.delete(try Filter(["tags": v]), in: name))
        }
        return (0, 0)
    }

    /// A document with the indexed fields in varied shapes: `tags` an array
    /// of 0 to 3 values or missing, `n` a subdocument or missing.
    static func document(id: Int, version: Int, using rng: inout StressRandom) -> Document {
        var doc: Document = ["_id": .int64(Int64(id))]
        doc.append("a", .int32(Int32.random(in: 0..<values, using: &rng)))
        if Int.random(in: 0..<5, using: &rng) > 0 { doc.append("tags", tags(using: &rng)) }
        if Int.random(in: 0..<4, using: &rng) > 0 {
            doc.append("n", .document(["x": .int32(Int32.random(in: 0..<values, using: &rng))]))
        }
        doc.append("v", .int64(Int64(version)))
        return doc
    }

    static func tags(using rng: inout StressRandom) -> Value {
        .array((0..<Int.random(in: 0...3, using: &rng)).map { _ in .int32(Int32.random(in: 0..<values, using: &rng)) })
    }

    /// A filter the planner answers from the indexes: equality, ranges, `$in`
    /// over the multikey index, and intersections of two indexes.
    static func randomFilter(using rng: inout StressRandom) throws -> Filter {
        let v = Value.int32(Int32.random(in: 0..<values, using: &rng))
        let w = Value.int32(Int32.random(in: 0..<values, using: &rng))
        switch Int.random(in: 0..<6, using: &rng) {
        case 0: return try Filter(["a": v])
        case 1: return try Filter(["tags": v])
        case 2: return try Filter(["n.x": ["$gte": v]])
        case 3: return try Filter(["a": ["$lt": v], "tags": w])
        case 4: return try Filter(["tags": ["$in": [v, w]]])
        default: return try Filter(["a": v, "n.x": w])
        }
    }

    /// What the planned result lacks and adds, by `_id`, or that they differ in content.
    static func difference(_ planned: [Document], _ scanned: [Document]) -> String {
        func ids(_ docs: [Document]) -> [String: Document] {
            Dictionary(docs.map { ($0["_id"].map { ExtendedJSON.json(of: $0).text() } ?? "?", $0) }) { a, _ in a }
        }
        let p = ids(planned)
        let s = ids(scanned)
        let missed = s.keys.filter { p[$0] == nil }.sorted()
        let extra = p.keys.filter { s[$0] == nil }.sorted()
        let changed = p.keys.filter { s[$0] != nil && s[$0] != p[$0] }.sorted()
        return "missed _id [\(missed.joined(separator: ", "))], extra [\(extra.joined(separator: ", "))]"
            + (changed.isEmpty ? "" : ", different content of [\(changed.joined(separator: ", "))]")
    }
}
