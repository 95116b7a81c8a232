import Dispatch
import Foundation
import StrataClient
import StrataServer
import StrataWire
import Synchronization
import Testing

/// Heavier runs for measuring, off by default: `STRATA_SERVER_LOAD=1 swift test
/// --filter LoadTests`. With `STRATA_SERVER_PORT=N` they drive a running
/// `strata serve` (e.g. a release build) instead of an in-process server.
/// They print figures and check only that every response arrived, in order.
@Suite(
    "Load (manual)", .serialized,
    .enabled(if: ProcessInfo.processInfo.environment["STRATA_SERVER_LOAD"] != nil, "set STRATA_SERVER_LOAD=1"))
struct LoadTests {
    private func withTarget(_ body: (Int) throws -> Void) throws {
        if let port = ProcessInfo.processInfo.environment["STRATA_SERVER_PORT"].flatMap(Int.init) {
            try body(port)
        } else {
            try withServer(backend: "lmdb", configure: { $0.eventLoopThreads = 2 }) { try body($0.port) }
        }
    }

    @Test("200 connections each pipelining 100 requests")
    func manyPipelinedConnections() throws {
        try withTarget { port in
            let failures = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 200) { connection in
                do {
                    let client = try Client.connect(port: port, timeout: .seconds(60))
                    let requests = (0..<100).map { i in
                        (op: "kv_put", arguments: [("cf", MessagePackValue.string("load")),
                            ("key", .binary([UInt8(connection & 0xFF), UInt8(connection >> 8), UInt8(i)])),
                            ("value", .binary([UInt8(i)]))])
                    }
                    for result in try client.pipeline(requests) { _ = try result.get() }
                } catch {
                    failures.withLock { $0.append("\(connection): \(error)") }
                }
            }
            #expect(failures.withLock { $0 } == [])
        }
    }

    @Test("kv_get throughput", arguments: [1, 4, 16])
    func getThroughput(connections: Int) throws {
        try withTarget { port in
            let setup = try Client.connect(port: port)
            for i in 0..<1000 { try setup.kvPut(cf: "bench", key: key(i), value: Array(repeating: 7, count: 100)) }
            let perConnection = 40_000 / connections
            let depth = 32
            let start = ContinuousClock.now
            DispatchQueue.concurrentPerform(iterations: connections) { c in
                guard let client = try? Client.connect(port: port, timeout: .seconds(60)) else { return }
                var done = 0
                while done < perConnection {
                    let n = min(depth, perConnection - done)
                    for j in 0..<n {
                        _ = try? client.send(op: "kv_get", arguments: [("cf", "bench"), ("key", .binary(key((c * 7 + done + j) % 1000)))])
                    }
                    for _ in 0..<n { _ = try? client.receive() }
                    done += n
                }
            }
            let elapsed = start.duration(to: .now).components
            let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
            let total = connections * perConnection
            print("kv_get: \(connections) connections, pipeline depth \(depth): \(total) requests in \(String(format: "%.2f", seconds)) s = \(Int(Double(total) / seconds)) requests/s")
        }
    }

    private func key(_ i: Int) -> [UInt8] { Array("key\(i)".utf8) }
}
