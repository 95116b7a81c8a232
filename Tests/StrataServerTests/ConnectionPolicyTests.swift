import Dispatch
import Foundation
import StrataBackends
import StrataClient
import StrataServer
import StrataStore
import StrataWire
import Synchronization
import Testing

@Suite("Auth, limits, idle timeout")
struct ConnectionPolicyTests {
    @Test("with a token, requests before auth are unauthorized; auth unlocks the connection")
    func token() throws {
        try withServer(configure: { $0.token = "s3cret" }) { server in
            let client = try server.connect()
            expectError(.unauthorized) { try client.ping() }
            expectError(.unauthorized) { try client.kvGet(key: [1]) }
            expectError(.unauthorized) { try client.authenticate(token: "wrong") }
            expectError(.unauthorized) { try client.call(op: "auth") }
            try client.authenticate(token: "s3cret")
            #expect(try client.ping())
            try client.kvPut(key: [1], value: [2])

            // Each connection authenticates on its own.
            let other = try server.connect()
            expectError(.unauthorized) { try other.ping() }
            let authenticated = try server.connect(token: "s3cret")
            #expect(try authenticated.kvGet(key: [1]) == [2])
            expectError(.unauthorized) { try server.connect(token: "nope") }
        }
    }

    @Test("without a token, auth is accepted and not needed")
    func noToken() throws {
        try withServer { server in
            let client = try server.connect()
            #expect(try client.ping())
            try client.authenticate(token: "anything")
        }
    }

    @Test("connections beyond the limit are told why and closed; a freed slot is reused")
    func maxConnections() throws {
        try withServer(configure: { $0.maxConnections = 2 }) { server in
            let first = try server.connect()
            let second = try server.connect()
            #expect(try first.ping())
            #expect(try second.ping())

            let refused = try server.raw()
            let answer = try refused.readResponse()
            #expect(answer.errorCode == .unsupported)
            #expect(refused.isClosedByServer())
            #expect(try first.ping())
            #expect(server.stats.refused >= 1)

            first.close()
            // The server notices the close asynchronously; retry briefly.
            var admitted = false
            for _ in 0..<50 where !admitted {
                if let client = try? server.connect(), (try? client.ping()) == true {
                    admitted = true
                } else {
                    Thread.sleep(forTimeInterval: 0.05)
                }
            }
            #expect(admitted)
        }
    }

    @Test("idle connections are closed; busy ones are not")
    func idleTimeout() throws {
        try withServer(configure: { $0.idleTimeout = .milliseconds(300) }) { server in
            let idle = try server.connect()
            let busy = try server.connect()
            #expect(try idle.ping())
            for _ in 0..<10 {
                #expect(try busy.ping())
                Thread.sleep(forTimeInterval: 0.1)
            }
            expectError(.connection) { try idle.ping() }
            #expect(!idle.isConnected)
            #expect(try busy.ping())
        }
    }
}

@Suite("Stopping")
struct StopTests {
    @Test("stop drains pipelined requests, closes the store, and the data is there after reopening", arguments: allBackends)
    func gracefulStop(backend: String) throws {
        let directory = try makeTemporaryDirectory(backend)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try StoreRegistry.standard.open(backend, options: StoreOptions(path: directory))
        var configuration = ServerConfiguration(port: 0, workerThreads: 2, eventLoopThreads: 1)
        configuration.logger.logLevel = .critical
        let server = try Server.start(store: store, configuration: configuration)

        let client = try server.connect()
        for i in 0..<200 {
            try client.send(op: "kv_put", arguments: [("cf", "d"), ("key", .binary([UInt8(i)])), ("value", .binary([UInt8(i), 1]))])
        }
        try client.flush()
        #expect(try client.receive() == .bool(true))  // the server has the requests
        try server.stop()
        // Every request sent before the stop was answered.
        for _ in 1..<200 { #expect(try client.receive() == .bool(true)) }
        #expect(throws: ClientError.self) { try client.ping() }
        expectError(.connection) { try server.connect(timeout: .seconds(1)) }
        try server.stop()  // a second stop is harmless

        let reopened = try StoreRegistry.standard.open(backend, options: StoreOptions(path: directory))
        defer { try? reopened.close() }
        let count = try countEntries(in: reopened, cf: "d")
        #expect(count == 200)
    }

    private func countEntries(in store: some Store, cf name: String) throws -> Int {
        let cf = try store.columnFamily(name)
        return try store.read { txn in try txn.scan(in: cf).count }
    }
}

@Suite("Client pool")
struct ClientPoolTests {
    @Test("threads share a fixed number of connections")
    func sharing() throws {
        try withServer { server in
            let pool = ClientPool(port: server.port, size: 3)
            defer { pool.close() }
            let failures = Mutex<Int>(0)
            DispatchQueue.concurrentPerform(iterations: 12) { i in
                do {
                    for j in 0..<20 {
                        try pool.withClient { client throws(ClientError) in
                            try client.kvPut(cf: "pool", key: [UInt8(i), UInt8(j)], value: [UInt8(j)])
                        }
                    }
                } catch {
                    failures.withLock { $0 += 1 }
                }
            }
            #expect(failures.withLock { $0 } == 0)
            #expect(server.stats.accepted <= 3)
            let count = try pool.withClient { client throws(ClientError) in try client.kvScan(cf: "pool").count }
            #expect(count == 240)
        }
    }

    @Test("a broken connection is replaced on the next checkout")
    func reconnects() throws {
        try withServer { server in
            let pool = ClientPool(port: server.port, size: 1)
            defer { pool.close() }
            let client = try pool.checkOut()
            #expect(try client.ping())
            client.close()
            pool.checkIn(client)
            let replacement = try pool.checkOut()
            #expect(replacement !== client)
            #expect(try replacement.ping())
            pool.checkIn(replacement)
        }
    }
}
