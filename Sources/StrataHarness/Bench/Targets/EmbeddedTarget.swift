import Foundation
import StrataBackends
import StrataDB
import StrataDocument
import StrataQuery
import StrataSpatial
import StrataStore
import Synchronization

/// The engine in this process: a store opened through the registry, with one
/// document database and one tracker over it, made when first asked for.
/// Sessions are shared by every thread (the store, database and tracker are
/// thread-safe), so a worker costs no connection.
public final class EmbeddedTarget: BenchTarget {
    public let backend: String
    public var mode: BenchMode { .embedded }
    public let dataPath: String
    public var serverPID: Int32? { nil }

    let store: any Store
    /// Guards the lazily made layers.
    private let layers = Mutex<(documents: (any DocumentSession & Sendable)?, spatial: (any ClosableSpatialSession)?)>(
        (nil, nil))

    /// Opens `backend` at `path` with the given sync setting and tuning.
    public init(backend: String, path: String, sync: Bool, tuning: [String: String] = [:]) throws {
        self.backend = backend
        self.dataPath = path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        store = try StoreRegistry.standard.open(backend, options: StoreOptions(path: path, sync: sync, tuning: tuning))
    }

    public func kv(_ cf: String) throws -> any KVSession { try makeEmbeddedKV(store, cf: cf) }

    public func dropKV(_ cf: String) throws {
        guard try store.columnFamilyNames().contains(cf) else { return }
        try store.dropColumnFamily(cf)
    }

    public func documents() throws -> any DocumentSession {
        try layers.withLock { l in
            if let d = l.documents { return d }
            let d = try makeEmbeddedDocuments(store)
            l.documents = d
            return d
        }
    }

    public func spatial() throws -> any SpatialSession {
        try layers.withLock { l in
            if let s = l.spatial { return s }
            let s = try makeEmbeddedSpatial(store)
            l.spatial = s
            return s
        }
    }

    public func close() throws {
        let spatial = layers.withLock { $0.spatial }
        try spatial?.close()
        try store.close()
    }
}

/// Key-value calls straight on the store.
final class EmbeddedKV<S: Store>: KVSession, @unchecked Sendable {
    // Unchecked: the store is Sendable and `cf` is an immutable handle.
    let store: S
    let cf: ColumnFamily

    init(store: S, cf name: String) throws {
        self.store = store
        self.cf = try store.createColumnFamily(name)
    }

    func put(_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws {
        try store.write { try $0.put(key, value, in: cf) }
    }

    func putBatch(_ entries: [(key: [UInt8], value: [UInt8])]) throws {
        try store.write { try $0.putBatch(entries, in: cf) }
    }

    func get(_ key: UnsafeRawBufferPointer) throws -> Bool {
        try store.read { txn in try txn.withValue(forKey: key, in: cf) { $0 != nil } }
    }

    func scan(from start: UnsafeRawBufferPointer, limit: Int) throws -> Int {
        let range = KeyRange(lower: start.isEmpty ? nil : Array(start), upper: nil)
        return try store.read { txn in
            var n = 0
            try txn.forEach(in: cf, range: range) { _, _ in
                n += 1
                return n < limit
            }
            return n
        }
    }

    func delete(_ key: UnsafeRawBufferPointer) throws {
        try store.write { try $0.delete(key, in: cf) }
    }

    func update(_ key: UnsafeRawBufferPointer, _ transform: (UnsafeRawBufferPointer?) -> [UInt8]) throws {
        try store.write { txn in
            let new = try txn.withValue(forKey: key, in: cf, transform)
            try new.withUnsafeBytes { try txn.put(key, $0, in: cf) }
        }
    }
}

/// A session over the store's concrete type, so that it is compiled for
/// each backend (``StoreRegistry/visit(_:with:)``).
func makeEmbeddedKV(_ store: any Store, cf: String) throws -> any KVSession {
    struct Make: StoreVisitor {
        let cf: String
        func visit<S: Store>(_ store: S) throws -> any KVSession { try EmbeddedKV(store: store, cf: cf) }
    }
    return try StoreRegistry.visit(store, with: Make(cf: cf))
}
