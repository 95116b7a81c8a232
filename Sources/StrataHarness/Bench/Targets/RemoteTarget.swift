import Foundation
import StrataClient
import StrataDocument
import StrataWire

/// The engine behind a `strata serve` child process on loopback. Every session
/// is its own connection, so each worker thread drives the server as one
/// client would.
public final class RemoteTarget: BenchTarget {
    public let backend: String
    public var mode: BenchMode { .tcp }
    public let dataPath: String
    public var serverPID: Int32? { server.pid }

    let server: ServerProcess

    /// Starts `executable serve` for `backend` over `path`, its standard error in `log`.
    public init(executable: String, backend: String, path: String, sync: Bool, log: String) throws {
        self.backend = backend
        self.dataPath = path
        server = try ServerProcess(executable: executable, backend: backend, path: path, sync: sync, log: log)
    }

    func connect() throws -> Client {
        try Client.connect(host: "127.0.0.1", port: server.port, timeout: .seconds(120))
    }

    public func kv(_ cf: String) throws -> any KVSession { RemoteKV(client: try connect(), cf: cf) }

    public func dropKV(_ cf: String) throws {
        let client = try connect()
        defer { client.close() }
        try client.call(op: "kv_drop_cf", arguments: [("cf", .string(cf))])
    }

    public func documents() throws -> any DocumentSession { RemoteDocuments(client: try connect()) }

    public func spatial() throws -> any SpatialSession { RemoteSpatial(client: try connect()) }

    public func close() throws { try server.stop() }
}

/// Key-value calls as requests on one connection.
final class RemoteKV: KVSession {
    let client: Client
    let cf: MessagePackValue

    init(client: Client, cf: String) {
        self.client = client
        self.cf = .string(cf)
    }

    deinit { client.close() }

    func put(_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws {
        try client.call(op: "kv_put", arguments: [("cf", cf), ("key", .binary(Array(key))), ("value", .binary(Array(value)))])
    }

    func putBatch(_ entries: [(key: [UInt8], value: [UInt8])]) throws {
        try client.call(
            op: "kv_put_many",
            arguments: [("cf", cf), ("entries", .array(entries.map { .array([.binary($0.key), .binary($0.value)]) }))])
    }

    func get(_ key: UnsafeRawBufferPointer) throws -> Bool {
        !(try client.call(op: "kv_get", arguments: [("cf", cf), ("key", .binary(Array(key)))])).isNil
    }

    func scan(from start: UnsafeRawBufferPointer, limit: Int) throws -> Int {
        var arguments: [(String, MessagePackValue)] = [("cf", cf), ("limit", .int(Int64(min(limit, Int(Int64.max)))))]
        if !start.isEmpty { arguments.append(("start", .binary(Array(start)))) }
        return try client.call(op: "kv_scan", arguments: arguments).arrayValue?.count ?? 0
    }

    func delete(_ key: UnsafeRawBufferPointer) throws {
        try client.call(op: "kv_delete", arguments: [("cf", cf), ("key", .binary(Array(key)))])
    }

    func update(_ key: UnsafeRawBufferPointer, _ transform: (UnsafeRawBufferPointer?) -> [UInt8]) throws {
        let k = MessagePackValue.binary(Array(key))
        let old = try client.call(op: "kv_get", arguments: [("cf", cf), ("key", k)])
        let new: [UInt8]
        if let bytes = old.binaryValue { new = bytes.withUnsafeBytes { transform($0) } } else { new = transform(nil) }
        try client.call(op: "kv_put", arguments: [("cf", cf), ("key", k), ("value", .binary(new))])
    }
}
