import Foundation
import StrataDocument
import StrataQuery
import StrataStore
import Synchronization
import Testing

@testable import StrataDB

/// Writers on several threads: every write lands exactly once and the
/// indexes agree with the records afterwards (optimistic backends retry).
@Suite struct ConcurrencyTests {
    @Test(arguments: backends) func concurrentWritersKeepIndexesExact(backend: String) throws {
        try withStore(backend) { try run($0) }
    }

    func run(_ store: some Store) throws {
        let db = try Database(store: store)
        try db.createCollection("c", indexes: ["n", "tags"])
        let threads = 4
        let perThread = 40
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            for i in 0..<perThread {
                do {
                    try db.write { tx in
                        _ = try tx.insert(
                            [
                                "_id": .int32(Int32(t * 1000 + i)), "n": .int32(Int32(i % 7)),
                                "tags": [.int32(Int32(t))],
                            ], into: "c")
                        _ = try tx.update(
                            Filter(["n": .int32(Int32(i % 7))]), Update(["$push": ["tags": .int32(Int32(i))]]), in: "c",
                            many: true)
                    }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
        }
        #expect(failures.withLock { $0 } == [])
        #expect(try db.read { try $0.count(in: "c") } == threads * perThread)
        #expect(try IndexConsistencyTests.problems(db).isEmpty)
    }
}
