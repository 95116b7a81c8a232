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
}
