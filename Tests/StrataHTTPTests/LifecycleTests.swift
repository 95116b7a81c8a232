import Foundation
import StrataHTTP
import StrataStore
import Testing

/// Starting, stopping and `strata serve --http-port`.
@Suite("lifecycle", .serialized)
struct LifecycleTests {
    @Test("stop closes the port, can be called twice, and leaves the store open")
    func stop() async throws {
        try await withStore("trie") { store in
            let server = try await HTTPServer.start(store: store, configuration: quietConfiguration())
            let http = HTTP(port: server.port)
            #expect(try await http.get("/healthz").text == "ok")
            try await server.stop()
            try await server.stop()
            await #expect(throws: (any Error).self) { _ = try await http.get("/healthz") }
            // The store is still usable by its owner.
            _ = try store.createColumnFamily("after")
            #expect(try store.columnFamilyNames().contains("after"))
        }
    }

    @Test("a port in use is a start error")
    func portInUse() async throws {
        try await withStore("trie") { store in
            let first = try await HTTPServer.start(store: store, configuration: quietConfiguration())
            defer { Task { try? await first.stop() } }
            await #expect(throws: (any Error).self) {
                var taken = quietConfiguration()
                taken.port = first.port
                let second = try await HTTPServer.start(store: store, configuration: taken)
                try await second.stop()
            }
            try await first.stop()
        }
    }

    @Test("what a server wrote is there after a restart over the same directory", arguments: backends)
    func restart(backend: String) async throws {
        let dir = try makeTemporaryDirectory("restart-\(backend)")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for round in 0..<2 {
            let store = try StoreRegistry.standard.open(backend, options: StoreOptions(path: dir))
            let server = try await HTTPServer.start(store: store, configuration: quietConfiguration())
            let http = HTTP(port: server.port)
            if round == 0 {
                #expect(try await http.post("/collections", #"{"name": "kept"}"#).status == 201)
                #expect(try await http.post("/collections/kept/data", #"[{"_id": 1}, {"_id": 2}]"#).status == 201)
                #expect(try await http.send(.put, "/geo/g/objects/o", #"{"lat": 1, "lon": 1}"#).status == 200)
            } else {
                #expect(try await http.post("/collections/kept/query", "{}").documents.count == 2)
                let near = try await http.get("/geo/g/nearby?lat=1&lon=1&radius_m=10")
                #expect(try near.documents.map { $0["object"] } == ["o"])
            }
            try await server.stop()
            try store.close()
        }
    }
}
