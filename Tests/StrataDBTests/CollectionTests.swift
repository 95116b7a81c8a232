import StrataDB
import StrataDocument
import StrataQuery
import StrataStore
import Testing

@Suite struct CollectionTests {
    @Test(arguments: backends) func crudWithIndexes(backend: String) throws {
        try withStore(backend) { try crud($0) }
    }

    func crud(_ store: some Store) throws {
        let db = try Database(store: store)
        try db.createCollection("people", indexes: ["age", "tags"])
        #expect(try db.listCollections() == ["people"])
        #expect(throws: DatabaseError.self) { try db.createCollection("people") }

        let ids = try db.write { tx throws in
            try tx.insert(
                [
                    doc(#"{"_id": "ada", "name": "Ada", "age": 36, "tags": ["math", "poetry"]}"#),
                    doc(#"{"_id": "bob", "name": "Bob", "age": 25.0, "tags": ["chess"]}"#),
                    doc(#"{"name": "Cy", "age": 41, "city": {"name": "Oslo"}}"#),
                ], into: "people")
        }
        #expect(ids[0] == "ada" && ids[1] == "bob")
        guard case .string(let generated) = ids[2] else { Issue.record("generated _id is not a string"); return }
        #expect(generated.count == 36)

        let duplicate = #expect(throws: DatabaseError.self) {
            try db.write { tx in try tx.insert(doc(#"{"_id": "ada"}"#), into: "people") }
        }
        #expect(duplicate?.code == .exists)

        try db.read { tx throws in
            #expect(try tx.count(in: "people") == 3)
            #expect(try tx.count(filter(#"{"age": {"$gte": 30}}"#), in: "people") == 2)
            #expect(
                try tx.findByID("ada", columns: [FieldPath("name")], in: "people") == ["_id": "ada", "name": "Ada"])
            #expect(try tx.findByID("nobody", in: "people") == nil)
            let sorted = try tx.find(Query(filter: nil, sort: ["-age"], take: 2, columns: ["age"]), in: "people")
            #expect(sorted.map { $0["age"] } == [41, 36])
            #expect(try tx.distinct("tags", in: "people") == ["chess", "math", "poetry"])
            #expect(
                try tx.find(Query(filter: filter(#"{"tags": "chess"}"#)), in: "people").map { $0["_id"] } == ["bob"])
            #expect(try tx.findOne(Query(filter: filter(#"{"city.name": "Oslo"}"#)), in: "people")?["name"] == "Cy")
            #expect(try tx.listIndexes("people") == ["age", "tags"])
        }

        let result = try db.write { tx throws in
            try tx.update(
                filter(#"{"age": {"$lt": 40}}"#), Update(json: #"{"$inc": {"age": 1}, "$push": {"tags": "new"}}"#),
                in: "people", many: true)
        }
        #expect(result.matched == 2 && result.modified == 2)
        try db.read { tx throws in
            #expect(try tx.count(filter(#"{"tags": "new"}"#), in: "people") == 2)
            #expect(try tx.count(filter(#"{"age": 37}"#), in: "people") == 1)
            #expect(try tx.count(filter(#"{"age": 36}"#), in: "people") == 0)
        }

        let upserted = try db.write { tx throws in
            try tx.update(
                filter(#"{"name": "Dee"}"#), Update(json: #"{"$set": {"age": 50}}"#), in: "people", upsert: true)
        }
        #expect(upserted.matched == 0 && upserted.upsertedID != nil)
        try db.write { tx throws in
            _ = try tx.replace(filter(#"{"_id": "bob"}"#), with: doc(#"{"name": "Robert"}"#), in: "people")
        }
        try db.read { tx throws in
            #expect(try tx.findByID("bob", in: "people") == ["_id": "bob", "name": "Robert"])
            #expect(try tx.count(filter(#"{"name": "Dee", "age": 50}"#), in: "people") == 1)
            #expect(try tx.count(filter(#"{"tags": "chess"}"#), in: "people") == 0)
        }

        #expect(try db.write { tx in try tx.delete(filter(#"{"age": {"$gte": 40}}"#), in: "people", many: true) } == 2)
        #expect(try db.read { try $0.count(in: "people") } == 2)

        // A transaction that throws leaves nothing behind.
        #expect(throws: DatabaseError.self) {
            try db.write { tx throws in
                _ = try tx.insert(doc(#"{"_id": "ghost"}"#), into: "people")
                throw DatabaseError(.badRequest, "abort")
            }
        }
        #expect(try db.read { try $0.findByID("ghost", in: "people") } == nil)

        try db.write { tx throws in
            try tx.dropIndex("tags", in: "people")
            try tx.createIndex("name", in: "people")
        }
        #expect(try db.read { try $0.listIndexes("people") } == ["age", "name"])
        try db.dropCollection("people")
        #expect(try db.listCollections() == [])
        let missing = #expect(throws: DatabaseError.self) { try db.read { try $0.count(in: "people") } }
        #expect(missing?.code == .notFound)
        try db.createCollection("people")
        #expect(try db.read { try $0.count(in: "people") } == 0)
    }

    @Test(arguments: backends) func explainShowsThePlanTree(backend: String) throws {
        try withStore(backend) { try explain($0) }
    }

    func explain(_ store: some Store) throws {
        let db = try Database(store: store)
        try db.createCollection("c", indexes: ["a", "b"])
        func stages(_ d: Document) -> [String] {
            var out: [String] = []
            var node: Document? = d
            while let n = node {
                if case .string(let s)? = n["stage"] { out.append(s) }
                node = n["input"]?.documentValue
            }
            return out
        }
        try db.read { tx throws in
            let byID = try tx.explain(Query(filter: filter(#"{"_id": 3}"#)), in: "c")
            #expect(stages(byID) == ["Filter", "ReadRecord", "IdLookup"])
            let eq = try tx.explain(Query(filter: filter(#"{"a": 3, "z": 1}"#), take: 5), in: "c")
            #expect(stages(eq) == ["Limit", "Filter", "ReadRecord", "IndexScan"])
            let merge = try tx.explain(Query(filter: filter(#"{"$or": [{"a": 1}, {"b": {"$gt": 2}}]}"#)), in: "c")
            #expect(stages(merge).last == "IndexMerge")
            let ordered = try tx.explain(Query(filter: nil, sort: ["-a"], take: 3, columns: ["a"]), in: "c")
            #expect(stages(ordered) == ["Projection", "Limit", "Sort", "Covered", "IndexScan"])
            let scan = try tx.explain(Query(filter: filter(#"{"z": 1}"#), sort: Sort(fields: ["z"]), take: 3), in: "c")
            #expect(stages(scan) == ["Limit", "Sort", "Filter", "ReadRecord", "Scan"])
        }
    }
}
