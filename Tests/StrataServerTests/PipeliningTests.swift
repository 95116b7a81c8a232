import Dispatch
import StrataClient
import StrataServer
import StrataWire
import Synchronization
import Testing

@Suite("Pipelining")
struct PipeliningTests {
    @Test("responses come back in request order on one connection, writes visible to later reads")
    func orderOnOneConnection() throws {
        try withServer { server in
            let client = try server.connect()
            var requests: [(op: String, arguments: [(String, MessagePackValue)])] = []
            for i in 0..<500 {
                let key: MessagePackValue = .binary([UInt8(i >> 8), UInt8(i & 0xFF)])
                requests.append(("kv_put", [("cf", "p"), ("key", key), ("value", key)]))
                requests.append(("kv_get", [("cf", "p"), ("key", key)]))
            }
            let results = try client.pipeline(requests)
            #expect(results.count == 1000)
            for i in 0..<500 {
                #expect(try results[2 * i].get() == .bool(true))
                #expect(try results[2 * i + 1].get() == .binary([UInt8(i >> 8), UInt8(i & 0xFF)]))
            }
        }
    }

    @Test("ids are echoed in order over a raw connection")
    func idsEchoed() throws {
        try withServer { server in
            let raw = try server.raw()
            var stream: [UInt8] = []
            let ids: [UInt64] = (0..<300).map { UInt64($0) * 7919 + 3 }
            for id in ids { try Frame.encode(["id": .uint(id), "op": "ping"], into: &stream) }
            try raw.write(stream)
            for id in ids { #expect(try raw.readResponse() == .ok(id: id, result: "pong")) }
        }
    }

    @Test("50 connections each pipelining 100 requests", arguments: ["trie", "lmdb"])
    func manyConnections(backend: String) throws {
        try withServer(backend: backend, configure: { $0.workerThreads = 2; $0.eventLoopThreads = 2 }) { server in
            let failures = Mutex<[String]>([])
            let port = server.port
            DispatchQueue.concurrentPerform(iterations: 50) { connection in
                do {
                    let client = try Client.connect(port: port, timeout: .seconds(30))
                    var requests: [(op: String, arguments: [(String, MessagePackValue)])] = []
                    for i in 0..<50 {
                        let key: MessagePackValue = .binary([UInt8(connection), UInt8(i)])
                        requests.append(("kv_put", [("cf", "m"), ("key", key), ("value", .binary([UInt8(i)]))]))
                        requests.append(("kv_get", [("cf", "m"), ("key", key)]))
                    }
                    let results = try client.pipeline(requests)
                    guard results.count == 100 else { throw ClientError(.protocolViolation, "\(results.count) results") }
                    for i in 0..<50 {
                        guard try results[2 * i].get() == .bool(true), try results[2 * i + 1].get() == .binary([UInt8(i)])
                        else { throw ClientError(.protocolViolation, "wrong result at \(i)") }
                    }
                } catch {
                    failures.withLock { $0.append("connection \(connection): \(error)") }
                }
            }
            #expect(failures.withLock { $0 } == [])
            #expect(server.stats.requests >= 5000)
        }
    }
    /// 200 connections open at once, each with 100 requests in flight before any
    /// answer is read: every connection gets all of its answers, in its order.
    @Test("200 concurrent connections each pipelining 100 requests", arguments: ["trie", "rocksdb"])
    func twoHundredConcurrentConnections(backend: String) throws {
        try withServer(backend: backend, configure: { $0.eventLoopThreads = 2 }) { server in
            let clients = try (0..<200).map { _ in try Client.connect(port: server.port, timeout: .seconds(60)) }
            defer { for c in clients { c.close() } }
            for (n, client) in clients.enumerated() {
                for i in 0..<50 {
                    let key: MessagePackValue = .binary([UInt8(n & 0xFF), UInt8(n >> 8), UInt8(i)])
                    try client.send(op: "kv_put", arguments: [("cf", "c200"), ("key", key), ("value", .binary([UInt8(n & 0xFF), UInt8(i)]))])
                    try client.send(op: "kv_get", arguments: [("cf", "c200"), ("key", key)])
                }
                try client.flush()
            }
            #expect(clients.allSatisfy { $0.outstanding == 100 })
            var wrong: [String] = []
            for (n, client) in clients.enumerated() {
                for i in 0..<50 {
                    let put = try client.receive()
                    let got = try client.receive()
                    if put != .bool(true) || got != .binary([UInt8(n & 0xFF), UInt8(i)]) {
                        wrong.append("connection \(n) request \(i): \(put), \(got)")
                    }
                }
            }
            #expect(wrong.isEmpty, "\(wrong.prefix(3))")
            #expect(server.stats.requests >= 20_000)
        }
    }
}
