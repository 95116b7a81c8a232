import StrataDocument
import StrataQuery
import StrataStore
import Testing

@testable import StrataDB

/// The result bound that `findRaw` and `find` reserve their arrays to
/// (``Session/resultBound(of:in:)``): never below the number of results,
/// exact for an unfiltered scan, and nil where the store cannot count
/// cheaply or the plan does not read every record.
@Suite struct ResultBoundTests {
    @Test(arguments: backends) func theBoundCoversEveryResult(backend: String) throws {
        try withStore(backend) { try check($0) }
    }

    func check(_ store: some Store) throws {
        let counts = store.capabilities.contains(.countedPrefixes)
        let db = try PlanChoiceTests.loaded(store)
        let records = PlanChoiceTests.records
        // (query, whether the bound is exactly the result count)
        let exact: [(Query, Bool)] = [
            (try Query(), true),
            (try Query(skip: 100), true),
            (try Query(skip: records + 5), true),
            (try Query(take: 7), true),
            (try Query(skip: records - 3, take: 10), true),
            (try Query(sort: Sort(fields: ["-n"]), take: 40), true),
            (try Query(columns: [FieldPath("n")]), true),
            // A scan chosen over the index on `s`: its candidates bound the matches.
            (try Query(filter: filter(#"{"s": "common"}"#)), true),
            (try Query(filter: filter(#"{"s": "common", "n": 3}"#)), false),
            (try Query(filter: filter(#"{"s": "common"}"#), skip: 7, take: 30), true),
        ]
        // Plans that do not read every record, or filter with nothing counted.
        let unbounded: [Query] = [
            try Query(filter: filter(#"{"s": "rare"}"#)),
            try Query(filter: filter(#"{"k": "k5"}"#)),
            try Query(filter: filter(#"{"n": 3}"#)),
            try Query(filter: filter(#"{"s": "common"}"#), columns: [FieldPath("s")]),
        ]
        try db.read { tx throws in
            let session = tx.session
            let c = try session.collection("c")
            for (query, isExact) in exact {
                let bound = try session.resultBound(of: session.plan(query, for: c, hint: .automatic), in: c)
                let results = try tx.findRaw(query, in: "c").count
                #expect(try tx.find(query, in: "c").count == results)
                let take = query.take.map(String.init) ?? "none"
                let label = "\(query.filter.document.extendedJSON) skip \(query.skip) take \(take)"
                guard counts else {
                    #expect(bound == nil, "\(label)")
                    continue
                }
                guard let bound else {
                    Issue.record("no bound for \(label)")
                    continue
                }
                #expect(bound >= results, "\(label): bound \(bound), results \(results)")
                if isExact { #expect(bound == results, "\(label): bound \(bound), results \(results)") }
            }
            for query in unbounded {
                let bound = try session.resultBound(of: session.plan(query, for: c, hint: .automatic), in: c)
                #expect(bound == nil, "\(query.filter.document.extendedJSON)")
            }
        }
    }
}
