import StrataDocument

/// Where a workload's operations go: the same calls, whether they run on the
/// engine in this process (`embedded`) or through the client to a server
/// process on loopback (`tcp`). Workloads are written once against these
/// sessions, so both modes run the identical operation stream.
///
/// A target hands each worker thread its own sessions (a `tcp` session is one
/// connection); sessions are used by that one thread only.
public protocol BenchTarget: AnyObject, Sendable {
    /// The backend's registry name.
    var backend: String { get }
    /// `embedded` or `tcp`.
    var mode: BenchMode { get }
    /// The directory holding the store's files.
    var dataPath: String { get }
    /// The server process in `tcp` mode, whose CPU and memory the results include.
    var serverPID: Int32? { get }

    /// A key-value session over column family `cf` (created when missing).
    func kv(_ cf: String) throws -> any KVSession
    /// Drops column family `cf` with its data; dropping a missing one is not an error.
    func dropKV(_ cf: String) throws
    /// A document-database session.
    func documents() throws -> any DocumentSession
    /// A moving-object session.
    func spatial() throws -> any SpatialSession
    /// Stops the server (in `tcp` mode) and closes the store.
    func close() throws
}

/// How the engine is reached.
public enum BenchMode: String, Sendable, CaseIterable, Codable {
    /// In this process, through the `Store` protocol.
    case embedded
    /// Through `StrataClient` to a `strata serve` child process on loopback.
    case tcp
}

/// Raw key-value operations, each its own auto-committed transaction.
public protocol KVSession: AnyObject {
    func put(_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws
    /// Stores every entry in one transaction.
    func putBatch(_ entries: [(key: [UInt8], value: [UInt8])]) throws
    /// Whether `key` is present (the value is read, not copied where the backend lends it).
    func get(_ key: UnsafeRawBufferPointer) throws -> Bool
    /// Visits up to `limit` entries from `start` (inclusive) in key order; returns how many.
    func scan(from start: UnsafeRawBufferPointer, limit: Int) throws -> Int
    func delete(_ key: UnsafeRawBufferPointer) throws
    /// Reads `key` and writes `transform(old value)` back: one transaction
    /// embedded; a get and a put over the network, as YCSB's clients do.
    func update(_ key: UnsafeRawBufferPointer, _ transform: (UnsafeRawBufferPointer?) -> [UInt8]) throws
}

/// A find as the wire protocol sends it.
public struct FindSpec: Sendable {
    public var filter: Document?
    public var sort: [String]
    public var skip: Int
    public var take: Int?
    public var columns: [String]?
    /// Embedded: whether the find decodes every result to a `Document`
    /// (`find`) rather than returning the raw results (`findRaw`, what the
    /// other queries do). Over the wire results are always decoded.
    public var decoded: Bool

    public init(
        filter: Document? = nil, sort: [String] = [], skip: Int = 0, take: Int? = nil, columns: [String]? = nil,
        decoded: Bool = false
    ) {
        self.filter = filter
        self.sort = sort
        self.skip = skip
        self.take = take
        self.columns = columns
        self.decoded = decoded
    }
}

/// Document-database operations, each its own auto-committed transaction.
public protocol DocumentSession: AnyObject {
    func createCollection(_ name: String, indexes: [String]) throws
    func dropCollection(_ name: String) throws
    func insert(_ documents: [Document], into collection: String) throws
    /// Whether a record with this id exists. It is read, and with `decoded`
    /// decoded to a `Document`; without, embedded sessions return the raw
    /// record (`findRawByID`). Over the wire it is always decoded.
    func findByID(_ id: Value, decoded: Bool, in collection: String) throws -> Bool
    /// The number of documents the find returned.
    func find(_ spec: FindSpec, in collection: String) throws -> Int
    func count(_ filter: Document?, in collection: String) throws -> Int
    /// The number of distinct values.
    func distinct(_ field: String, filter: Document?, in collection: String) throws -> Int
    /// Returns the number of matched records.
    @discardableResult
    func update(_ filter: Document, _ update: Document, many: Bool, upsert: Bool, in collection: String) throws -> Int
    @discardableResult
    func delete(_ filter: Document, many: Bool, in collection: String) throws -> Int
}

/// Moving-object operations.
public protocol SpatialSession: AnyObject {
    func upsert(namespace: String, object: String, lat: Double, lon: Double, time: Int64) throws
    /// Many upserts for loading a fleet: a loop embedded, pipelined requests over `tcp`.
    func upsertMany(namespace: String, _ updates: [(object: String, lat: Double, lon: Double, time: Int64)]) throws
    /// Each query returns how many objects it found.
    func nearby(namespace: String, lat: Double, lon: Double, radiusMeters: Double, limit: Int) throws -> Int
    func bbox(namespace: String, minLat: Double, minLon: Double, maxLat: Double, maxLon: Double, limit: Int) throws
        -> Int
    func knn(namespace: String, lat: Double, lon: Double, k: Int) throws -> Int
    func trajectory(namespace: String, object: String, from: Int64?, to: Int64?, limit: Int) throws -> Int
    /// Makes buffered history durable (the embedded tracker's write buffer);
    /// the server flushes its own.
    func flush() throws
}
