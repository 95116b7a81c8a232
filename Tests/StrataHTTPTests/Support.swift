import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import StrataBackends
import StrataDocument
import StrataHTTP
import StrataStore
import Testing

/// Every backend the HTTP API is tested on.
let backends = ["rocksdb", "lmdb", "trie"]

/// A fresh temporary directory; the caller removes it.
func makeTemporaryDirectory(_ name: String) throws -> String {
    let dir = FileManager.default.temporaryDirectory
        .appendingPathComponent("strata-http-\(name)-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

/// Opens backend `name` in a fresh temporary directory, then closes the store
/// and removes the directory after `body`.
func withStore<R>(_ name: String, _ body: (any Store) async throws -> R) async throws -> R {
    let dir = try makeTemporaryDirectory(name)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let store = try StoreRegistry.standard.open(name, options: StoreOptions(path: dir))
    defer { try? store.close() }
    return try await body(store)
}

/// A configuration on port 0 whose logger prints only errors.
func quietConfiguration() -> HTTPConfiguration {
    var logger = Logger(label: "strata.http.test")
    logger.logLevel = .error
    return HTTPConfiguration(port: 0, logger: logger)
}

/// Starts the HTTP server on port 0 over a fresh store of `backend` (the way
/// `strata serve --http-port` does), runs `body` with a connected client, then
/// stops the server and closes the store.
func withServer<R>(_ backend: String, _ body: (HTTP, HTTPServer) async throws -> R) async throws -> R {
    try await withStore(backend) { store in
        let server = try await HTTPServer.start(store: store, configuration: quietConfiguration())
        do {
            let result = try await body(HTTP(port: server.port), server)
            try await server.stop()
            return result
        } catch {
            try? await server.stop()
            throw error
        }
    }
}

/// One answered request, with its body decoded where it is JSON.
struct Reply: CustomStringConvertible {
    let status: Int
    let contentType: String?
    let text: String

    /// The body as relaxed Extended JSON.
    var value: Value {
        get throws { try ExtendedJSON.value(from: JSONValue.parse(text)) }
    }
    /// The body as an array of documents.
    var documents: [Document] {
        get throws {
            guard case .array(let a) = try value else { throw Failure("not an array: \(text)") }
            return try a.map {
                guard case .document(let d) = $0 else { throw Failure("not a document: \($0)") }
                return d
            }
        }
    }
    /// The body as one document.
    var document: Document {
        get throws {
            guard case .document(let d) = try value else { throw Failure("not an object: \(text)") }
            return d
        }
    }
    /// The `error.code` of an error body, or nil.
    var errorCode: String? { (try? document)?["error"]?.documentValue?["code"]?.stringValue }
    /// The `error.message` of an error body, or nil.
    var errorMessage: String? { (try? document)?["error"]?.documentValue?["message"]?.stringValue }

    var description: String { "\(status) \(text)" }
}

struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A tiny HTTP client: one fresh connection per request, over Hummingbird's
/// test client (real sockets, real HTTP/1.1).
struct HTTP: Sendable {
    let port: Int

    func send(_ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil) async throws -> Reply {
        try await send(method, uri, bytes: body.map { Array($0.utf8) })
    }

    func send(_ method: HTTPRequest.Method, _ uri: String, bytes: [UInt8]?) async throws -> Reply {
        try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
            var headers: HTTPFields = [:]
            if bytes != nil { headers[.contentType] = "application/json" }
            let response = try await client.execute(
                TestClient.Request(uri, method: method, headers: headers, body: bytes.map { ByteBuffer(bytes: $0) }))
            let text = response.body.map { String(buffer: $0) } ?? ""
            return Reply(status: response.status.code, contentType: response.headers[.contentType], text: text)
        }
    }

    func get(_ uri: String) async throws -> Reply { try await send(.get, uri) }
    func post(_ uri: String, _ body: String) async throws -> Reply { try await send(.post, uri, body) }
}

/// Parses `text` as a document, for expectations.
func doc(_ text: String) throws -> Document { try Document(extendedJSON: text) }

/// Expects an error reply with `status` and `code` whose message contains every one of `mentions`.
func expectError(
    _ reply: Reply, _ status: Int, _ code: String, mentioning mentions: [String] = [],
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(reply.status == status, "\(reply)", sourceLocation: sourceLocation)
    #expect(reply.errorCode == code, "\(reply)", sourceLocation: sourceLocation)
    #expect(reply.contentType?.hasPrefix("application/json") == true, sourceLocation: sourceLocation)
    for m in mentions {
        #expect(
            reply.errorMessage?.contains(m) == true, "message should mention \(m): \(reply)",
            sourceLocation: sourceLocation)
    }
}
