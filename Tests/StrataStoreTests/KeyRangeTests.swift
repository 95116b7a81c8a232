import StrataStore
import StrataStoreTesting
import Testing

@Suite("Key ranges and byte order")
struct KeyRangeTests {
    @Test func prefixSuccessorIncrementsTheLastByteBelow0xFF() {
        #expect(KeyRange.successor(ofPrefix: [0x61]) == [0x62])
        #expect(KeyRange.successor(ofPrefix: [0x61, 0xFF]) == [0x62])
        #expect(KeyRange.successor(ofPrefix: [0xFF, 0xFF]) == nil)
        #expect(KeyRange.successor(ofPrefix: []) == nil)
    }

    @Test func prefixRangeContainsExactlyTheKeysWithThePrefix() {
        let range = KeyRange.prefix([0x61, 0xFF])
        #expect(range.contains([0x61, 0xFF]))
        #expect(range.contains([0x61, 0xFF, 0xFF, 0x00]))
        #expect(!range.contains([0x62]))
        #expect(!range.contains([0x61, 0xFE, 0xFF]))
    }

    @Test func compareBytesIsUnsignedLexicographic() {
        #expect(lexicographicallyPrecedes([0x7F], [0x80]))
        #expect(lexicographicallyPrecedes([0x61], [0x61, 0x00]))
        #expect(!lexicographicallyPrecedes([0xFF], [0x00, 0x00]))
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<2000 {
            let a = (0..<Int.random(in: 0...4, using: &rng)).map { _ in UInt8.random(in: 0...3, using: &rng) * 85 }
            let b = (0..<Int.random(in: 0...4, using: &rng)).map { _ in UInt8.random(in: 0...3, using: &rng) * 85 }
            #expect(lexicographicallyPrecedes(a, b) == a.lexicographicallyPrecedes(b))
        }
    }

    @Test func emptyRanges() {
        #expect(KeyRange(lower: [2], upper: [1]).isEmpty)
        #expect(KeyRange(lower: [1], upper: [1]).isEmpty)
        #expect(!KeyRange(lower: [1], upper: [1, 0]).isEmpty)
        #expect(!KeyRange.all.isEmpty)
    }

    @Test func errorCodesMatchInCatchPatterns() {
        do {
            throw StoreError(.conflict, "lost")
        } catch StoreError.Code.conflict {
            return
        } catch {
            Issue.record("a conflict did not match .conflict: \(error)")
        }
    }

    @Test func registryRejectsUnknownNamesListingTheKnownOnes() throws {
        let registry = StoreRegistry([
            BackendDescriptor(name: "reference", summary: "test", capabilities: [.inMemory], version: { "1" }) { options in
                ReferenceStore(options: options)
            }
        ])
        #expect(throws: StoreError(.invalidArgument, "unknown backend 'nope'; available: reference")) {
            try registry.open("nope", options: StoreOptions())
        }
        let store = try registry.open("reference", options: StoreOptions())
        #expect(store.backendName == "reference")
    }
}
