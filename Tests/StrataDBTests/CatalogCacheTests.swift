import StrataDB
import StrataDocument
import StrataQuery
import StrataStore
import Testing

/// A database serves catalog entries from its cache only while the store
/// reports the catalog unchanged. Each test would see a stale entry (an index
/// missing or one that is gone) if the cache were keyed on anything but what
/// the transaction's own snapshot holds.
@Suite struct CatalogCacheTests {
    /// The plan's stages from the top, e.g. ["Filter", "ReadRecord", "IndexScan"].
    static func stages(_ plan: Document) -> [String] {
        var out: [String] = []
        var node: Document? = plan
        while let n = node {
            if case .string(let s)? = n["stage"] { out.append(s) }
            node = n["input"]?.documentValue
        }
        return out
    }

    static func ids(_ docs: [Document]) -> [Value] { docs.compactMap { $0["_id"] } }

    @Test(arguments: backends) func changesThroughAnotherDatabaseAreSeen(backend: String) throws {
        try withStore(backend) { try changesThroughAnotherDatabase($0) }
    }

    func changesThroughAnotherDatabase(_ store: some Store) throws {
        let first = try Database(store: store)
        let second = try Database(store: store)
        try first.createCollection("c", indexes: ["a"])
        try first.write { tx in
            let records: [Document] = (0..<20).map { i in
                ["_id": .int32(Int32(i)), "a": .int32(Int32(i % 3)), "b": .int32(Int32(i % 4))]
            }
            _ = try tx.insert(records, into: "c")
        }
        let aIs1: [Value] = [1, 4, 7, 10, 13, 16, 19]
        let bIs2: [Value] = [2, 6, 10, 14, 18]
        // Warm the first database's cache.
        try first.read { tx throws in
            #expect(try tx.listIndexes("c") == ["a"])
            #expect(Self.ids(try tx.find(Query(filter: filter(#"{"a": 1}"#)), in: "c")) == aIs1)
        }

        // An index created through the other database is listed and used.
        try second.write { tx in try tx.createIndex("b", in: "c") }
        try first.read { tx throws in
            #expect(try tx.listIndexes("c") == ["a", "b"])
            #expect(Self.stages(try tx.explain(Query(filter: filter(#"{"b": 2}"#)), in: "c")).last == "IndexScan")
            #expect(Self.ids(try tx.find(Query(filter: filter(#"{"b": 2}"#)), in: "c")) == bIs2)
        }

        // An index dropped through the other database is not used: its
        // entries are gone, so a stale plan would find nothing.
        try second.write { tx in try tx.dropIndex("a", in: "c") }
        try first.read { tx throws in
            #expect(try tx.listIndexes("c") == ["b"])
            #expect(Self.stages(try tx.explain(Query(filter: filter(#"{"a": 1}"#)), in: "c")).last == "Scan")
            #expect(Self.ids(try tx.find(Query(filter: filter(#"{"a": 1}"#)), in: "c")) == aIs1)
            #expect(Self.ids(try tx.findRaw(Query(filter: filter(#"{"a": 1}"#)), in: "c").documents()) == aIs1)
        }

        // Dropped and created again under the same name, with other records.
        try second.dropCollection("c")
        let gone = #expect(throws: DatabaseError.self) { try first.read { tx in try tx.count(in: "c") } }
        #expect(gone?.code == .notFound)
        try second.createCollection("c", indexes: ["z"])
        try second.write { tx in _ = try tx.insert(["_id": "new", "z": 1], into: "c") }
        try first.read { tx throws in
            #expect(try tx.listIndexes("c") == ["z"])
            #expect(try tx.findByID("new", in: "c")?["z"] == 1)
            #expect(try tx.findRawByID(.int32(1), in: "c") == nil)
            #expect(try tx.count(in: "c") == 1)
        }
    }

    @Test(arguments: backends) func aRolledBackChangeIsNotServed(backend: String) throws {
        try withStore(backend) { try rolledBack($0) }
    }

    struct Rollback: Error {}

    func rolledBack(_ store: some Store) throws {
        let db = try Database(store: store)
        try db.createCollection("c", indexes: ["a"])
        try db.write { tx in _ = try tx.insert([["_id": 1, "a": 1, "b": 1], ["_id": 2, "a": 2, "b": 1]], into: "c") }
        #expect(try db.read { tx in try tx.listIndexes("c") } == ["a"])
        // `write` reports the closure's error as a `DatabaseError`; the check is that it rolled back.
        #expect(throws: DatabaseError.self) {
            try db.write { tx throws in
                try tx.createIndex("b", in: "c")
                // The transaction sees its own catalog change.
                #expect(try tx.listIndexes("c") == ["a", "b"])
                #expect(Self.stages(try tx.explain(Query(filter: filter(#"{"b": 1}"#)), in: "c")).last == "IndexScan")
                try tx.dropIndex("a", in: "c")
                #expect(try tx.listIndexes("c") == ["b"])
                throw Rollback()
            }
        }
        try db.read { tx throws in
            #expect(try tx.listIndexes("c") == ["a"])
            #expect(Self.stages(try tx.explain(Query(filter: filter(#"{"b": 1}"#)), in: "c")).last == "Scan")
            #expect(Self.ids(try tx.find(Query(filter: filter(#"{"a": 2}"#)), in: "c")) == [2])
        }
    }

    /// A read transaction keeps its snapshot's catalog even after a newer one
    /// was cached (the trie lets a write commit while a read is open).
    @Test func anOlderSnapshotKeepsItsCatalog() throws {
        let store = try StoreRegistry.standard.open("trie", options: StoreOptions())
        defer { try? store.close() }
        try olderSnapshot(store)
    }

    func olderSnapshot(_ store: some Store) throws {
        let db = try Database(store: store)
        try db.createCollection("c", indexes: ["a"])
        try db.write { tx in _ = try tx.insert([["_id": 1, "a": 1, "b": 1]], into: "c") }
        try db.read { old throws in
            #expect(try old.listIndexes("c") == ["a"])
            try db.write { tx in try tx.createIndex("b", in: "c") }
            #expect(try db.read { tx in try tx.listIndexes("c") } == ["a", "b"])
            #expect(try old.listIndexes("c") == ["a"])
            #expect(Self.stages(try old.explain(Query(filter: filter(#"{"b": 1}"#)), in: "c")).last == "Scan")
            #expect(try db.read { tx in try tx.listIndexes("c") } == ["a", "b"])
        }
    }
}
