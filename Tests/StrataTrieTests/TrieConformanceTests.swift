import StrataStore
import StrataStoreTesting
import Testing

@testable import StrataTrie

/// The shared Store contract, run unchanged against TrieStore in memory and on disk.
@Suite("Conformance suite on TrieStore")
struct TrieConformanceTests {
    static let inMemory = StoreFactory(name: "trie (in memory)", persistent: false) { _ in
        try TrieStore(options: StoreOptions())
    }

    static let onDisk = StoreFactory(name: "trie (on disk)") { dir in
        try TrieStore(options: StoreOptions(path: dir + "/db", sync: true))
    }

    @Test(arguments: StoreConformance.checks)
    func inMemoryConforms(_ check: ConformanceCheck) throws {
        try check.run(on: Self.inMemory)
    }

    @Test(arguments: StoreConformance.checks)
    func onDiskConforms(_ check: ConformanceCheck) throws {
        try check.run(on: Self.onDisk)
    }
}
