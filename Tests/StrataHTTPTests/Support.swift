import Foundation
import Hummingbird
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

/// A tiny HTTP/1.1 client: one fresh connection per request (`Connection:
/// close`) on a blocking socket, driven from a thread of its own so that it
/// never occupies a thread of the concurrency pool the server's handlers run
/// on; the response is read until its body is complete (Content-Length,
/// chunked, or the end of the stream). Written here so the tests need no HTTP
/// client package (HummingbirdTesting's would build BoringSSL).
struct HTTP: Sendable {
    let port: Int

    func send(_ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil) async throws -> Reply {
        try await send(method, uri, bytes: body.map { Array($0.utf8) })
    }

    func send(_ method: HTTPRequest.Method, _ uri: String, bytes: [UInt8]?) async throws -> Reply {
        var head = "\(method.rawValue) \(uri) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        if let bytes { head += "Content-Type: application/json\r\nContent-Length: \(bytes.count)\r\n" }
        let request = Array((head + "\r\n").utf8) + (bytes ?? [])
        return try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try exchange(request) }) }.start()
        }
    }

    func get(_ uri: String) async throws -> Reply { try await send(.get, uri) }
    func post(_ uri: String, _ body: String) async throws -> Reply { try await send(.post, uri, body) }

    /// Writes `request` to a new connection and reads the whole response.
    private func exchange(_ request: [UInt8]) throws -> Reply {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure("socket() failed: errno \(errno)") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw Failure("cannot connect to 127.0.0.1:\(port): errno \(errno)") }
        var sent = 0
        while sent < request.count {
            let n = request.withUnsafeBytes { write(fd, $0.baseAddress! + sent, request.count - sent) }
            guard n > 0 else { throw Failure("write failed: errno \(errno)") }
            sent += n
        }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            if let reply = try Self.parse(response, complete: false) { return reply }
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n == 0 { break }
            guard n > 0 else { throw Failure("read failed after \(response.count) bytes: errno \(errno)") }
            response += buffer[0..<n]
        }
        guard let reply = try Self.parse(response, complete: true) else {
            throw Failure("the connection closed after an incomplete response of \(response.count) bytes")
        }
        return reply
    }

    /// Status line, headers, and the body (Content-Length, chunked, or to the
    /// end when `complete`); nil while more bytes are needed.
    static func parse(_ raw: [UInt8], complete: Bool) throws -> Reply? {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = (0..<max(0, raw.count - 3)).first(where: { Array(raw[$0..<$0 + 4]) == separator }) else {
            if complete { throw Failure("no end of headers in \(raw.count) bytes") }
            return nil
        }
        let lines = String(decoding: raw[0..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw Failure("bad status line \(lines[0])") }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(raw[(end + 4)...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" {
            var out: [UInt8] = []
            var i = 0
            var finished = false
            while i < body.count {
                guard let lineEnd = (i..<max(i, body.count - 1)).first(where: { body[$0] == 13 && body[$0 + 1] == 10 })
                else { break }
                guard let size = Int(String(decoding: body[i..<lineEnd], as: UTF8.self).split(separator: ";").first ?? "", radix: 16)
                else { throw Failure("bad chunk header") }
                if size == 0 {
                    finished = true
                    break
                }
                let start = lineEnd + 2
                guard start + size + 2 <= body.count else { break }
                out += body[start..<(start + size)]
                i = start + size + 2
            }
            if !finished {
                if complete { throw Failure("truncated chunked body") }
                return nil
            }
            body = out
        } else if let length = headers["content-length"].flatMap({ Int($0) }) {
            guard length <= body.count else {
                if complete { throw Failure("body of \(body.count) bytes, Content-Length \(length)") }
                return nil
            }
            body = Array(body[0..<length])
        } else if !complete {
            return nil
        }
        return Reply(status: status, contentType: headers["content-type"], text: String(decoding: body, as: UTF8.self))
    }
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
