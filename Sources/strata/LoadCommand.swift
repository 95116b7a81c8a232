import ArgumentParser
import Dispatch
import Foundation
import StrataClient
import StrataWire
import Synchronization

/// `strata kv-load` (hidden): a kv_get load driver for a running server, shaped
/// like `redis-benchmark -t get -n N -c C -P D -d 3` so the two can be
/// compared; built with the release `strata` so the driver is not the bottleneck.
struct KVLoad: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kv-load",
        abstract: "Drive kv_get load at a server, like redis-benchmark -t get (for measuring).",
        shouldDisplay: false
    )

    @Option(help: "The server, HOST:PORT.") var server: String
    @Option(help: "Connections, each on its own thread.") var connections = 50
    @Option(help: "Requests in flight per connection (1: one at a time).") var pipeline = 1
    @Option(help: "Requests in all.") var requests = 200_000
    @Option(help: "Distinct keys, written first.") var keys = 1000
    @Option(help: "Value size in bytes.") var valueSize = 3

    func validate() throws {
        guard connections >= 1, pipeline >= 1, requests >= 1, keys >= 1, valueSize >= 0 else {
            throw ValidationError("--connections, --pipeline, --requests and --keys must be at least 1")
        }
    }

    func run() throws {
        guard let colon = server.lastIndex(of: ":"), let port = Int(server[server.index(after: colon)...]) else {
            throw ValidationError("--server must be HOST:PORT")
        }
        let host = String(server[..<colon])
        let keyBytes = (0..<keys).map { MessagePackValue.binary(Array("key:\($0)".utf8)) }
        let setup = try Client.connect(host: host, port: port)
        for key in keyBytes {
            try setup.call(
                op: "kv_put",
                arguments: [("cf", "bench"), ("key", key), ("value", .binary(Array(repeating: 120, count: valueSize)))])
        }
        setup.close()
        let clients = try (0..<connections).map { _ in try Client.connect(host: host, port: port, timeout: .seconds(60))
        }
        let failures = Atomic<Int>(0)
        let done = DispatchGroup()
        let start = ContinuousClock.now
        for (c, client) in clients.enumerated() {
            let share = requests / connections + (c < requests % connections ? 1 : 0)
            let depth = pipeline
            done.enter()
            let thread = Thread {
                defer { done.leave() }
                var sent = 0
                while sent < share {
                    let n = min(depth, share - sent)
                    for j in 0..<n {
                        let key = keyBytes[(c &* 7919 &+ sent &+ j) % keyBytes.count]
                        if (try? client.send(op: "kv_get", arguments: [("cf", "bench"), ("key", key)])) == nil {
                            failures.add(1, ordering: .relaxed)
                        }
                    }
                    for _ in 0..<n where (try? client.receive())?.binaryValue == nil {
                        failures.add(1, ordering: .relaxed)
                    }
                    sent += n
                }
            }
            thread.start()
        }
        done.wait()
        let elapsed = start.duration(to: .now).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        let rate = Int(Double(requests) / seconds)
        print(
            "kv_get: \(requests) requests, \(connections) connections, pipeline \(pipeline): "
                + "\(String(format: "%.2f", seconds)) s, \(rate) requests/s, \(failures.load(ordering: .relaxed)) failures"
        )
        if failures.load(ordering: .relaxed) > 0 { throw CommandFailure(message: "some requests failed") }
    }
}
