import StrataDocument
import Testing

@testable import StrataQuery

@Suite struct FilterTests {
    let person: Document = [
        "_id": "p1", "name": "Ada Lovelace", "age": .int32(36), "score": 9.5,
        "tags": ["math", "poetry"], "address": ["city": "London", "zip": nil],
        "pets": [["kind": "cat", "age": 3], ["kind": "dog", "age": .double(7.0)]],
    ]

    func check(_ json: String, _ expected: Bool, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let filter = try Filter(json: json)
        #expect(filter.matches(person) == expected, "\(json)", sourceLocation: sourceLocation)
        let raw = try RawDocument(bytes: person.bson())
        #expect(try filter.matches(raw) == expected, "raw \(json)", sourceLocation: sourceLocation)
    }

    @Test func implicitEqualityAndComparisonsAcrossNumberTypes() throws {
        try check(#"{"age": 36}"#, true)
        try check(#"{"age": 36.0}"#, true)
        try check(#"{"age": {"$gte": 36, "$lt": 36.5}}"#, true)
        try check(#"{"age": {"$gt": 36}}"#, false)
        try check(#"{"age": {"$gt": "1"}}"#, false)
        try check(#"{"age": {"$ne": 35}}"#, true)
        try check(#"{"age": {"$in": [1, 36]}}"#, true)
        try check(#"{"age": {"$nin": [1, 36]}}"#, false)
    }

    @Test func dotPathsArrayElementsAndNull() throws {
        try check(#"{"address.city": "London"}"#, true)
        try check(#"{"tags": "poetry"}"#, true)
        try check(#"{"tags": ["math", "poetry"]}"#, true)
        try check(#"{"pets.kind": "dog"}"#, true)
        try check(#"{"pets.age": {"$gt": 5}}"#, true)
        try check(#"{"pets.1.kind": "dog"}"#, true)
        try check(#"{"pets.0.kind": "dog"}"#, false)
        try check(#"{"missing": null}"#, true)
        try check(#"{"address.zip": null}"#, true)
        try check(#"{"name": null}"#, false)
        try check(#"{"missing": {"$exists": false}}"#, true)
        try check(#"{"address.city": {"$exists": true}}"#, true)
    }

    /// The in-place paths of raw matching (a scalar reached through
    /// documents, a leaf array compared element by element) must agree with
    /// matching the decoded document, symbols and nested arrays included.
    @Test func rawFastPathsAgreeWithDecodedMatching() throws {
        let d: Document = [
            "s": .symbol("sym"), "arr": [.symbol("a"), "b", ["c"], ["k": "d"]], "n": ["m": ["x": "y"]],
            "long": .string(String(repeating: "z", count: 40)), "empty": [],
        ]
        let raw = try RawDocument(bytes: d.bson())
        let cases: [(Document, Bool)] = [
            (["s": "sym"], true), (["arr": "a"], true), (["arr": "b"], true), (["arr": "c"], false),
            (["arr": ["c"]], true), (["arr": "d"], false), (["n.m.x": "y"], true), (["n.m": "y"], false),
            (["long": .string(String(repeating: "z", count: 40))], true), (["long": "z"], false),
            (["empty": "x"], false), (["empty": []], true), (["arr": ["$gte": "b"]], true),
            (["n.m.x.q": "y"], false), (["arr.1": "b"], true),
        ]
        for (json, expected) in cases {
            let filter = try Filter(json)
            #expect(filter.matches(d) == expected, "\(json.extendedJSON)")
            #expect(try filter.matches(raw) == expected, "raw \(json.extendedJSON)")
        }
    }

    /// The in-place string equality must not hide a malformed record: bad
    /// bytes before the field still throw, as on every other path.
    @Test func stringEqualityOnACorruptRecordThrows() throws {
        var bytes = try BSONEncoder().encode(["a": "xx", "status": "active"])
        bytes[7] = 0x40  // the string length of "a": far past the end
        let raw = try RawDocument(bytes: bytes)
        #expect(throws: DocumentError.self) { try Filter(["status": "active"]).matches(raw) }
        #expect(throws: DocumentError.self) { try Filter(["status": "other"]).matches(raw) }
        let good = try RawDocument(bytes: try BSONEncoder().encode(["a": "xx", "status": "active"]))
        #expect(try Filter(["status": "active"]).matches(good))
        #expect(try !Filter(["status": "Active"]).matches(good))
        #expect(try !Filter(["state": "active"]).matches(good))
    }

    @Test func stringOperatorsIgnoreCase() throws {
        try check(#"{"name": {"$icontains": "LOVE"}}"#, true)
        try check(#"{"name": {"$istartswith": "ada"}}"#, true)
        try check(#"{"name": {"$iendswith": "ACE"}}"#, true)
        try check(#"{"name": {"$iendswith": "ada"}}"#, false)
        try check(#"{"tags": {"$istartswith": "PO"}}"#, true)
    }

    @Test func andOr() throws {
        try check(#"{"$or": [{"age": 1}, {"tags": "math"}]}"#, true)
        try check(#"{"$and": [{"age": 36}, {"$or": [{"score": {"$lt": 5}}, {"name": "x"}]}]}"#, false)
        try check(#"{}"#, true)
    }

    @Test func errorsNameTheOperatorAndPath() throws {
        let unknown = #expect(throws: QueryError.self) { try Filter(json: #"{"age": {"$foo": 1}}"#) }
        #expect(unknown?.code == .unknownOperator)
        #expect(unknown?.message.contains("$foo") == true && unknown?.message.contains("age") == true)
        let inNotArray = #expect(throws: QueryError.self) { try Filter(json: #"{"age": {"$in": 3}}"#) }
        #expect(inNotArray?.code == .badOperand)
        #expect(inNotArray?.message.contains("$in on age") == true)
        #expect(throws: QueryError.self) { try Filter(json: #"{"$or": {}}"#) }
        #expect(throws: QueryError.self) { try Filter(json: #"{"$where": "1"}"#) }
        #expect(throws: QueryError.self) { try Filter(json: #"{"a..b": 1}"#) }
        #expect(throws: QueryError.self) { try Filter(json: #"{"name": {"$icontains": 3}}"#) }
        #expect(throws: QueryError.self) { try Filter(json: "[1]") }
    }
}

@Suite struct SortAndProjectionTests {
    @Test func sortUsesLeastArrayElementAscendingAndIdTieBreak() throws {
        let docs: [Document] = [
            ["_id": 1, "a": [5, 1]], ["_id": 2, "a": 3], ["_id": 3], ["_id": 4, "a": 3],
        ]
        let sort = try Sort(fields: ["a"])
        let sorted = docs.sorted {
            sort.compare(sort.sortValues(of: $0), id: $0["_id"]!, sort.sortValues(of: $1), id: $1["_id"]!) < 0
        }
        #expect(sorted.map { $0["_id"]! } == [3, 1, 2, 4])
        let desc = try Sort(fields: ["-a"])
        let sortedDesc = docs.sorted {
            desc.compare(desc.sortValues(of: $0), id: $0["_id"]!, desc.sortValues(of: $1), id: $1["_id"]!) < 0
        }
        #expect(sortedDesc.map { $0["_id"]! } == [1, 2, 4, 3])
    }

    @Test func projectionKeepsIdAndNestedPaths() throws {
        let d: Document = ["_id": "x", "a": ["b": 1, "c": 2], "d": 3]
        let p = Projection.apply([try FieldPath("a.b")], to: d)
        #expect(p == ["_id": "x", "a": ["b": 1]])
        let raw = try Projection.apply([try FieldPath("a.b"), try FieldPath("d")], to: RawDocument(bytes: d.bson()))
        #expect(raw == ["_id": "x", "a": ["b": 1], "d": 3])
    }

    @Test func negativeSkipIsRejected() {
        #expect(throws: QueryError.self) { try Query(filter: nil, skip: -1) }
    }
}

@Suite struct UpdateTests {
    @Test func operatorsOnDotPaths() throws {
        var d: Document = ["_id": 1, "a": ["n": .int32(1)], "list": [1, 2, 3], "old": "v"]
        let u = try Update(
            json:
                #"{"$set": {"a.b": "x"}, "$inc": {"a.n": 2, "c": 1.5}, "$push": {"list": 4, "new": 1}, "$pop": {"list": -1}, "$rename": {"old": "renamed"}, "$unset": {"a.b": ""}}"#
        )
        try u.apply(to: &d)
        #expect(d["a"] == ["n": .int32(3)])
        #expect(d["c"] == 1.5)
        #expect(d["list"] == [2, 3, 4])
        #expect(d["new"] == [1])
        #expect(d["old"] == nil && d["renamed"] == "v")
    }

    @Test func plainDocumentMeansSet() throws {
        var d: Document = ["_id": 1, "a": 1]
        try Update(json: #"{"b": 2, "c.x": 3}"#).apply(to: &d)
        #expect(d == ["_id": 1, "a": 1, "b": 2, "c": ["x": 3]])
        #expect(throws: QueryError.self) { try Update(json: #"{"a.x": 3}"#).apply(to: &d) }
    }

    @Test func badUpdatesAreErrors() throws {
        #expect(throws: QueryError.self) { try Update(json: #"{"$set": {"a": 1}, "b": 2}"#) }
        #expect(throws: QueryError.self) { try Update(json: #"{"$mul": {"a": 2}}"#) }
        #expect(throws: QueryError.self) { try Update(json: #"{"$inc": {"a": "x"}}"#) }
        #expect(throws: QueryError.self) { try Update(json: #"{"$set": {"_id": 2}}"#) }
        #expect(throws: QueryError.self) { try Update(json: #"{}"#) }
        var d: Document = ["_id": 1, "s": "text"]
        #expect(throws: QueryError.self) { try Update(json: #"{"$inc": {"s": 1}}"#).apply(to: &d) }
        #expect(throws: QueryError.self) { try Update(json: #"{"$push": {"s": 1}}"#).apply(to: &d) }
    }
}
