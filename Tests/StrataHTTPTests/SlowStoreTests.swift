import Foundation
import StrataHTTP
import StrataStore
import Synchronization
import Testing

/// A store whose reads sleep first (or throw `io`) as its ``Delay`` says,
/// to hold requests in flight or fail them.
final class SlowStore<Base: Store>: Store {
    typealias ReadTxn = Base.ReadTxn
    typealias WriteTxn = Base.WriteTxn

    let base: Base
    let delay: Delay

    init(_ base: Base, delay: Delay) {
        self.base = base
        self.delay = delay
    }

    var backendName: String { base.backendName }
    var capabilities: StoreCapabilities { base.capabilities }
    var options: StoreOptions { base.options }
    func columnFamily(_ name: String) throws -> ColumnFamily { try base.columnFamily(name) }
    func createColumnFamily(_ name: String) throws -> ColumnFamily { try base.createColumnFamily(name) }
    func dropColumnFamily(_ name: String) throws { try base.dropColumnFamily(name) }
    func columnFamilyNames() throws -> [String] { try base.columnFamilyNames() }
    func read<R>(_ body: (ReadTxn) throws -> R) throws -> R {
        _ = delay.threads.withLock { $0.insert(currentThreadName()) }
        if delay.failing.load(ordering: .relaxed) { throw StoreError(.io, "injected read failure") }
        let ms = delay.milliseconds.load(ordering: .relaxed)
        if ms > 0 { Thread.sleep(forTimeInterval: Double(ms) / 1000) }
        return try base.read(body)
    }
    func writeOnce<R>(_ body: (WriteTxn) throws -> R) throws -> R { try base.writeOnce(body) }
    func close() throws { try base.close() }
}

/// How long each read of a ``SlowStore`` sleeps first, and whether it fails.
final class Delay: Sendable {
    /// Milliseconds; 0 for none.
    let milliseconds = Atomic<Int>(0)
    /// Whether reads throw an `io` error.
    let failing = Atomic<Bool>(false)
    /// The names of the threads reads ran on.
    let threads = Mutex<Set<String>>([])
    func set(_ ms: Int) { milliseconds.store(ms, ordering: .relaxed) }
}

/// The name of the calling thread, as the kernel knows it (NIO names its pool threads `TP-#N`).
func currentThreadName() -> String {
    #if os(Linux)
        let comm = (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? ""
        return comm.trimmingCharacters(in: .newlines)
    #else
        return Thread.current.name ?? ""
    #endif
}

/// Slow store work runs off the event loops, and a stop waits for it.
@Suite("slow store work", .serialized)
struct SlowStoreTests {
    private static func withSlowServer(_ body: (HTTP, HTTPServer, Delay) async throws -> Void)
        async throws
    {
        try await withStore("trie") { base in
            let delay = Delay()
            func wrap<S: Store>(_ s: S) -> any Store { SlowStore(s, delay: delay) }
            let store = wrap(base)
            let server = try await HTTPServer.start(store: store, configuration: quietConfiguration())
            let http = HTTP(port: server.port)
            #expect(try await http.post("/collections", #"{"name": "s"}"#).status == 201)
            #expect(try await http.post("/collections/s/data", #"{"_id": 1}"#).status == 201)
            do { try await body(http, server, delay) } catch {
                try? await server.stop()
                throw error
            }
        }
    }

    @Test("store work runs on the server's thread pool, and /healthz answers while it is busy")
    func offTheEventLoops() async throws {
        try await Self.withSlowServer { http, server, delay in
            // More slow requests than the worker pool has threads.
            delay.threads.withLock { $0.removeAll() }  // opening the tracker read on the caller's thread
            delay.set(500)
            let slow = Task {
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<6 {
                        group.addTask { try await http.post("/collections/s/query", "{}").documents.count }
                    }
                    return try await group.reduce(0, +)
                }
            }
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await http.get("/healthz").text == "ok")
            // The queries are still queued on the two pool threads (6 × 500 ms).
            let healthzFinished = ContinuousClock.now
            #expect(try await slow.value == 6)
            #expect(ContinuousClock.now - healthzFinished > .milliseconds(300), "healthz waited for the store work")
            delay.set(0)
            let names = delay.threads.withLock { $0 }
            #expect(!names.isEmpty && names.allSatisfy { $0.hasPrefix("TP-#") }, "store work ran on \(names)")
            try await server.stop()
        }
    }

    @Test("a store failure is 500 internal with the store's message, counted, and the server keeps serving")
    func storeFailure() async throws {
        try await Self.withSlowServer { http, server, delay in
            delay.failing.store(true, ordering: .relaxed)
            expectError(try await http.post("/collections/s/query", "{}"), 500, "internal", mentioning: ["injected"])
            delay.failing.store(false, ordering: .relaxed)
            #expect(try await http.post("/collections/s/query", "{}").documents.count == 1)
            let metrics = try Sample.parseAll(try await http.get("/metrics").text)
            #expect(
                metrics.contains {
                    $0.name == "strata_http_errors_total" && $0.labels["code"] == "internal" && $0.value == 1
                })
            try await server.stop()
        }
    }

    @Test("stop lets a request in flight finish, turns new ones away with 503, then closes the port")
    func stopDrains() async throws {
        try await Self.withSlowServer { http, server, delay in
            delay.set(1000)
            async let slow = http.post("/collections/s/query", "{}")
            try await Task.sleep(for: .milliseconds(200))
            let start = ContinuousClock.now
            async let stopping: Void = server.stop()
            try await Task.sleep(for: .milliseconds(200))
            expectError(try await http.get("/healthz"), 503, "unavailable", mentioning: ["stopping"])
            let reply = try await slow
            #expect(reply.status == 200, "\(reply)")
            #expect(try reply.documents.count == 1)
            try await stopping
            #expect(ContinuousClock.now - start > .milliseconds(500), "stop did not wait for the request")
            await #expect(throws: (any Error).self) { _ = try await http.get("/healthz") }
        }
    }
}
