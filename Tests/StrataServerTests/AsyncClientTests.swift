import Foundation
import StrataBackends
import StrataClient
import StrataDocument
import StrataServer
import StrataStore
import StrataWire
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `AsyncClient` against a real server on every backend, and against a silent
/// listener for timeouts, cancellation and dropped connections.
@Suite("AsyncClient")
struct AsyncClientTests {
    @Test("kv through the typed API", arguments: allBackends)
    func kvRoundTrip(backend: String) async throws {
        try await withAsyncServer(backend: backend) { server in
            let client = try await AsyncClient.connect(port: server.port, timeout: .seconds(30))
            #expect(try await client.ping())
            try await client.kvPut(cf: "a", key: bytes("k1"), value: bytes("v1"))
            try await client.kvPut(cf: "a", key: bytes("k2"), value: bytes("v2"))
            try await client.kvPut(cf: "a", key: bytes("x"), value: bytes("v3"))
            #expect(try await client.kvGet(cf: "a", key: bytes("k1")) == bytes("v1"))
            #expect(try await client.kvGet(cf: "a", key: bytes("none")) == nil)
            let scanned = try await client.kvScan(cf: "a", prefix: bytes("k"))
            #expect(scanned.map(\.key) == [bytes("k1"), bytes("k2")])
            #expect(scanned.map(\.value) == [bytes("v1"), bytes("v2")])
            try await client.kvDelete(cf: "a", key: bytes("k1"))
            #expect(try await client.kvGet(cf: "a", key: bytes("k1")) == nil)
            #expect(try await client.stats().mapValue != nil)
            await client.close()
        }
    }

    @Test("a document round trip through the typed API", arguments: allBackends)
    func documentRoundTrip(backend: String) async throws {
        try await withAsyncServer(backend: backend) { server in
            let client = try await AsyncClient.connect(port: server.port)
            try await client.createCollection("users", indexes: ["age"])
            #expect(try await client.listCollections() == ["users"])
            let ids = try await client.insertMany(
                [["_id": "u1", "name": "Ada", "age": 36], ["_id": "u2", "name": "Bob", "age": 25]], into: "users")
            #expect(ids == ["u1", "u2"])
            #expect(try await client.insertOne(["_id": "u3", "name": "Cy", "age": 41], into: "users") == "u3")
            #expect(try await client.findByID("u1", in: "users") == ["_id": "u1", "name": "Ada", "age": .int64(36)])
            let older = try await client.find(
                in: "users", FindOptions(filter: ["age": ["$gte": 30]], sort: ["-age"], columns: ["name"]))
            #expect(older == [["_id": "u3", "name": "Cy"], ["_id": "u1", "name": "Ada"]])
            let outcome = try await client.update(in: "users", filter: ["_id": "u2"], update: ["$set": ["age": 26]])
            #expect(outcome == UpdateOutcome(matched: 1, modified: 1))
            #expect(try await client.findOne(in: "users", FindOptions(filter: ["name": "Bob"]))?["age"] == .int64(26))
            #expect(try await client.count(in: "users") == 3)
            #expect(try await client.delete(in: "users", filter: ["age": ["$lt": 40]], many: true) == 2)
            #expect(try await client.distinct("name", in: "users") == ["Cy"])
            try await client.dropCollection("users")
            #expect(try await client.listCollections() == [])
            await client.close()
        }
    }

    @Test("a geo round trip through the typed API", arguments: allBackends)
    func geoRoundTrip(backend: String) async throws {
        try await withAsyncServer(backend: backend) { server in
            let client = try await AsyncClient.connect(port: server.port)
            try await client.geoUpsert(
                namespace: "fleet", object: "bus", latitude: 48.8566, longitude: 2.3522, time: 1000,
                data: ["line": "24"])
            try await client.geoUpsert(
                namespace: "fleet", object: "bus", latitude: 48.8606, longitude: 2.3376, time: 2000)
            try await client.geoUpsert(
                namespace: "fleet", object: "far", latitude: -33.8688, longitude: 151.2093, time: 1000)
            let bus = try await client.geoGet(namespace: "fleet", object: "bus")
            #expect(bus?.latitude == 48.8606 && bus?.longitude == 2.3376 && bus?.time == 2000)
            let near = try await client.geoNearby(
                namespace: "fleet", latitude: 48.8566, longitude: 2.3522, radiusMeters: 5000)
            #expect(near.map(\.object) == ["bus"])
            #expect(near.first?.distanceMeters != nil)
            let nearest = try await client.geoNearest(namespace: "fleet", latitude: -33.9, longitude: 151.2, k: 2)
            #expect(nearest.map(\.object) == ["far", "bus"])
            let path = try await client.geoTrajectory(namespace: "fleet", object: "bus")
            #expect(path.map(\.time) == [1000, 2000])
            try await client.geoDelete(namespace: "fleet", object: "bus")
            #expect(try await client.geoGet(namespace: "fleet", object: "bus") == nil)
            await client.close()
        }
    }

    @Test("100 tasks × 50 calls share one client; every answer is its own request's", arguments: allBackends)
    func concurrentCallers(backend: String) async throws {
        try await withAsyncServer(backend: backend) { server in
            let client = try await AsyncClient.connect(port: server.port)
            let wrong = try await withThrowingTaskGroup(of: Int.self) { group in
                for task in 0..<100 {
                    group.addTask {
                        var wrong = 0
                        for call in 0..<25 {
                            let key: [UInt8] = [UInt8(task), UInt8(call)]
                            let value: [UInt8] = [UInt8(call), UInt8(task), 0xA5]
                            try await client.kvPut(cf: "c", key: key, value: value)
                            if try await client.kvGet(cf: "c", key: key) != value { wrong += 1 }
                        }
                        return wrong
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(wrong == 0)
            // Every put landed where it was meant to.
            let entries = try await client.kvScan(cf: "c")
            #expect(entries.count == 100 * 25)
            #expect(entries.allSatisfy { $0.value == [$0.key[1], $0.key[0], 0xA5] })
            await client.close()
        }
    }

    @Test("error responses throw the server's code; the connection stays usable", arguments: allBackends)
    func errorResponses(backend: String) async throws {
        try await withAsyncServer(backend: backend) { server in
            let client = try await AsyncClient.connect(port: server.port)
            try await client.createCollection("c")
            await expectAsyncError(.exists, mentioning: "c") { try await client.createCollection("c") }
            await expectAsyncError(.notFound, mentioning: "nope") { try await client.count(in: "nope") }
            await expectAsyncError(.badRequest, mentioning: "\"collection\"") {
                try await client.call(op: "find", arguments: [("collection", 5)])
            }
            await expectAsyncError(.badRequest, mentioning: "lat") {
                try await client.geoUpsert(namespace: "n", object: "o", latitude: 200, longitude: 0)
            }
            #expect(client.isConnected)
            #expect(try await client.ping())
            // Failures and successes interleaved across tasks each reach their own caller.
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for i in 0..<40 {
                    group.addTask {
                        if i.isMultiple(of: 2) { return try await client.count(in: "c") == 0 }
                        do throws(ClientError) {
                            _ = try await client.count(in: "missing\(i)")
                            return false
                        } catch {
                            return error.code == .notFound && error.message.contains("missing\(i)")
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.count == 40 && outcomes.allSatisfy { $0 })
            #expect(try await client.ping())
            await client.close()
        }
    }

    @Test("a wrong token is unauthorized; the right one connects")
    func token() async throws {
        try await withAsyncServer(configure: { $0.token = "s3cret" }) { server in
            await expectAsyncError(.unauthorized) {
                try await AsyncClient.connect(port: server.port, token: "wrong")
            }
            let client = try await AsyncClient.connect(port: server.port, token: "s3cret")
            #expect(try await client.ping())
            await client.close()
        }
    }

    @Test("a request above the frame limit is not sent; the connection stays usable")
    func tooLarge() async throws {
        try await withAsyncServer { server in
            let client = try await AsyncClient.connect(port: server.port, maxFrameSize: 256)
            await expectAsyncError(.tooLarge) {
                try await client.kvPut(key: [1], value: [UInt8](repeating: 7, count: 1000))
            }
            #expect(try await client.ping())
            await client.close()
        }
    }

    @Test("a server stopped mid-flight fails outstanding and later calls with .connection", arguments: allBackends)
    func serverStoppedMidFlight(backend: String) async throws {
        try await withAsyncServer(backend: backend) { server in
            let client = try await AsyncClient.connect(port: server.port, timeout: .seconds(60))
            let answered = Counter()
            let stopper = Task.detached {
                while answered.value.load(ordering: .relaxed) < 500 { try await Task.sleep(for: .milliseconds(5)) }
                try server.stop()
            }
            let failures = try await withThrowingTaskGroup(of: ClientError?.self) { group in
                for task in 0..<20 {
                    group.addTask {
                        for call in 0..<100_000 {
                            do throws(ClientError) {
                                try await client.kvPut(cf: "s", key: [UInt8(task), UInt8(call & 0xFF)], value: [1])
                                answered.value.add(1, ordering: .relaxed)
                            } catch {
                                return error
                            }
                        }
                        return nil
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            try await stopper.value
            #expect(failures.count == 20)
            for failure in failures {
                #expect(failure?.code == .connection, "\(String(describing: failure))")
            }
            #expect(!client.isConnected)
            await expectAsyncError(.connection) { try await client.ping() }
            await client.close()
        }
    }

    @Test("a call the server never answers times out; the connection stays usable")
    func timeout() async throws {
        let silent = try SilentServer()
        defer { silent.stop() }
        let client = try await AsyncClient.connect(port: silent.port, timeout: .seconds(30))
        await expectAsyncError(.timeout) { try await client.ping(timeout: .milliseconds(100)) }
        // Several at once, each with its own timeout.
        await withTaskGroup(of: Void.self) { group in
            for i in 0..<5 {
                group.addTask {
                    await expectAsyncError(.timeout) {
                        try await client.call(
                            op: "ping", arguments: [("n", .int(Int64(i)))], timeout: .milliseconds(50))
                    }
                }
            }
        }
        #expect(client.isConnected)
        await client.close()
        #expect(!client.isConnected)
        await expectAsyncError(.connection) { try await client.ping() }
    }

    @Test("a connection dropped with calls outstanding fails them with .connection, not a hang")
    func droppedConnection() async throws {
        let silent = try SilentServer()
        defer { silent.stop() }
        let client = try await AsyncClient.connect(port: silent.port, timeout: .seconds(60))
        let calls = (0..<10).map { i in
            Task { try await client.result(op: "ping", arguments: [("n", .int(Int64(i)))]) }
        }
        try await silent.waitForBytes(10 * 20)
        silent.dropConnections()
        for call in calls {
            await expectAsyncError(.connection) { try await call.value.get() }
        }
        #expect(!client.isConnected)
        await expectAsyncError(.connection) { try await client.ping() }
        await client.close()
    }

    @Test("cancelling the calling task ends its call with .cancelled")
    func cancellation() async throws {
        let silent = try SilentServer()
        defer { silent.stop() }
        let client = try await AsyncClient.connect(port: silent.port, timeout: .seconds(60))
        let call = Task { try await client.result(op: "ping") }
        try await silent.waitForBytes(1)
        call.cancel()
        await expectAsyncError(.cancelled) { try await call.value.get() }
        #expect(client.isConnected)
        await client.close()
    }

    @Test("connecting to a closed port fails with .connection")
    func connectFailure() async throws {
        let silent = try SilentServer()
        let port = silent.port
        silent.stop()
        await expectAsyncError(.connection) { try await AsyncClient.connect(port: port, timeout: .seconds(10)) }
    }
}

/// A counter the tasks of a test share.
private final class Counter: Sendable {
    let value = Atomic<Int>(0)
}

extension AsyncClient {
    /// `ping` with its own timeout, for the timeout tests.
    fileprivate func ping(timeout: Duration) async throws(ClientError) -> Bool {
        try await call(Calls.ping(), timeout: timeout)
    }
}

/// A server as `withServer` makes one, for async bodies.
func withAsyncServer<R>(
    backend: String = "trie",
    configure: (inout ServerConfiguration) -> Void = { _ in },
    _ body: (Server) async throws -> R
) async throws -> R {
    let directory = try makeTemporaryDirectory(backend)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let store = try StoreRegistry.standard.open(backend, options: StoreOptions(path: directory))
    var configuration = ServerConfiguration(host: "127.0.0.1", port: 0, workerThreads: 2, eventLoopThreads: 1)
    configuration.logger.logLevel = .critical
    configure(&configuration)
    let server = try Server.start(store: store, configuration: configuration)
    defer { try? server.stop() }
    return try await body(server)
}

/// Expects `body` to throw a `ClientError` with `code` (and `text` in its message).
func expectAsyncError<R>(
    _ code: ClientError.Code, mentioning text: String = "", sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> R
) async {
    do {
        _ = try await body()
        Issue.record("expected a \(code) error, got success", sourceLocation: sourceLocation)
    } catch let error as ClientError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        #expect(text.isEmpty || error.message.contains(text), "\(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected a \(code) error, got \(error)", sourceLocation: sourceLocation)
    }
}
