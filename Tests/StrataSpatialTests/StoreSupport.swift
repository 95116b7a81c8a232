import Foundation
import StrataBackends
import StrataStore

/// The backends every store-backed spatial test runs on.
let allBackends = ["rocksdb", "lmdb", "trie"]

/// A fresh temporary directory for one test, removed by `remove()`.
struct TempDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "strata-spatial-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Opens backend `name` in `directory`.
func openStore(_ name: String, at directory: String) throws -> any Store {
    try StoreRegistry.standard.open(name, options: StoreOptions(path: directory))
}

/// Runs `body` with a store of backend `name` in a temporary directory, then
/// closes the store and removes the directory.
func withTempStore<R>(_ name: String, _ body: (any Store, TempDirectory) throws -> R) throws -> R {
    let dir = try TempDirectory()
    defer { dir.remove() }
    let store = try openStore(name, at: dir.path)
    defer { try? store.close() }
    return try body(store, dir)
}
