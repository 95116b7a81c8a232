import Foundation
import StrataBackends
import StrataDB
import StrataDocument
import StrataQuery
import StrataStore

/// Every backend the document database is tested on.
let backends = ["rocksdb", "lmdb", "trie"]

/// Opens backend `name` in a fresh temporary directory, runs `body`, then
/// closes the store and removes the directory.
func withStore(_ name: String, _ body: (any Store) throws -> Void) throws {
    let dir = FileManager.default.temporaryDirectory
        .appendingPathComponent("strata-db-\(name)-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let store = try StoreRegistry.standard.open(name, options: StoreOptions(path: dir))
    defer { try? store.close() }
    try body(store)
}

func filter(_ json: String) throws -> Filter { try Filter(json: json) }

func doc(_ json: String) throws -> Document { try Document(extendedJSON: json) }

/// A small seeded generator (SplitMix64) so failures can be replayed from the printed seed.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
