import Foundation
import StrataBackends
@testable import StrataClient
import StrataServer
import StrataStore
import StrataWire
import Testing

/// Every backend this build has, for `@Test(arguments:)`.
let allBackends = StoreRegistry.standard.names

/// A fresh temporary directory, removed by `removeTemporaryDirectory`.
func makeTemporaryDirectory(_ tag: String = "server") throws -> String {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("strata-\(tag)-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// A server on 127.0.0.1 with a free port over a fresh store, stopped and
/// removed when `body` returns or throws.
func withServer<R>(
    backend: String = "trie",
    configure: (inout ServerConfiguration) -> Void = { _ in },
    _ body: (Server) throws -> R
) throws -> R {
    let directory = try makeTemporaryDirectory(backend)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let store = try StoreRegistry.standard.open(backend, options: StoreOptions(path: directory))
    var configuration = ServerConfiguration(host: "127.0.0.1", port: 0, workerThreads: 2, eventLoopThreads: 1)
    configuration.logger.logLevel = .critical
    configure(&configuration)
    let server = try Server.start(store: store, configuration: configuration)
    defer { try? server.stop() }
    return try body(server)
}

extension Server {
    /// A client connected to this server.
    func connect(timeout: Duration = .seconds(10), token: String? = nil) throws -> Client {
        try Client.connect(host: "127.0.0.1", port: port, timeout: timeout, token: token)
    }

    /// A raw connection to this server, for sending arbitrary bytes.
    func raw(timeout: Duration = .seconds(10)) throws -> RawConnection {
        try RawConnection(port: port, timeout: timeout)
    }
}

/// A connection that writes any bytes and reads frames back, for malformed input.
final class RawConnection {
    let socket: Socket
    var decoder = FrameDecoder(maxFrameSize: Frame.defaultMaxSize)

    init(port: Int, timeout: Duration) throws {
        socket = try Socket(host: "127.0.0.1", port: port, timeout: timeout)
    }

    /// Writes bytes as they are.
    func write(_ bytes: [UInt8]) throws { try socket.send(bytes) }

    /// Writes one frame holding `payload` (any bytes).
    func writeFrame(payload: [UInt8]) throws {
        let n = UInt32(payload.count)
        try write([UInt8(n >> 24), UInt8(truncatingIfNeeded: n >> 16), UInt8(truncatingIfNeeded: n >> 8), UInt8(truncatingIfNeeded: n)] + payload)
    }

    /// Writes one request frame.
    func writeRequest(_ value: MessagePackValue) throws {
        try writeFrame(payload: MessagePackEncoder.encode(value))
    }

    /// Reads one response; throws `ClientError(.connection)` when the server closed.
    func readResponse() throws -> Response {
        while true {
            if let frame = try decoder.next() {
                guard case .value(let value) = frame else { throw ClientError(.protocolViolation, "bad frame") }
                return try Response(from: value)
            }
            var bytes: [UInt8] = []
            try socket.receive(into: &bytes)
            decoder.append(bytes)
        }
    }

    /// True when the server closed the connection (after any pending responses).
    func isClosedByServer() -> Bool {
        do {
            while true { _ = try readResponse() }
        } catch let error as ClientError {
            return error.code == .connection
        } catch {
            return false
        }
    }
}

/// The error code of a failed response, or nil for a success.
extension Response {
    var errorCode: ResponseError.Code? {
        if case .error(_, let error) = self { return error.code }
        return nil
    }
    var result: MessagePackValue? {
        if case .ok(_, let result) = self { return result }
        return nil
    }
}

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Expects `body` to throw a `ClientError` with `code`.
func expectError<R>(
    _ code: ClientError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> R
) {
    do {
        _ = try body()
        Issue.record("expected a \(code) error, got success", sourceLocation: sourceLocation)
    } catch let error as ClientError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected a \(code) error, got \(error)", sourceLocation: sourceLocation)
    }
}
