import Foundation
import Testing

/// The `strata` executable built next to the tests, if it is there.
private let strataBinary: URL? = {
    var directory = URL(fileURLWithPath: #filePath)
    while directory.path != "/" {
        directory.deleteLastPathComponent()
        let candidate = directory.appendingPathComponent(".build/debug/strata")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    return nil
}()

/// Everything a pipe has delivered so far, read on a background thread.
private final class PipeReader: @unchecked Sendable {
    // `lock` guards `data`.
    private let lock = NSLock()
    private var data = Data()

    init(_ pipe: Pipe) {
        let handle = pipe.fileHandleForReading
        Thread.detachNewThread { [self] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                lock.withLock { data.append(chunk) }
            }
        }
    }

    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
}

@Suite("strata serve --http-port", .enabled(if: strataBinary != nil, "build the strata executable first"), .serialized)
struct ServeHTTPProcessTests {
    @Test("prints `http listening on HOST:PORT`, serves /healthz and the API, exits 0 on SIGTERM", arguments: backends)
    func serve(backend: String) async throws {
        let dir = try makeTemporaryDirectory("serve-\(backend)")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let process = Process()
        let output = Pipe()
        process.executableURL = strataBinary
        process.arguments = ["serve", "--backend", backend, "--path", dir + "/db", "--port", "0", "--http-port", "0"]
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let reader = PipeReader(output)
        defer { if process.isRunning { process.terminate() } }

        func announcedPort() -> Int? {
            let lines = reader.text.split(separator: "\n")
            guard lines.contains(where: { $0.hasPrefix("listening on ") }),
                let http = lines.first(where: { $0.hasPrefix("http listening on 127.0.0.1:") })
            else { return nil }
            return Int(http.split(separator: ":").last ?? "")
        }
        // Generous: with every suite running in parallel on a small machine
        // the server can take minutes to start. Looked at once more after the
        // loop, since the lines may arrive during its last sleep.
        let deadline = Date().addingTimeInterval(300)
        var port: Int?
        while Date() < deadline && process.isRunning && port == nil {
            port = announcedPort()
            if port == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        port = port ?? announcedPort()
        let httpPort = try #require(port, "no `http listening on` line; got \(reader.text.debugDescription)")
        let http = HTTP(port: httpPort)
        let health = try await http.get("/healthz")
        #expect(health.status == 200 && health.text == "ok")
        #expect(try await http.post("/collections", #"{"name": "c"}"#).status == 201)
        #expect(try await http.post("/collections/c/data", #"{"_id": 1}"#).status == 201)
        #expect(try await http.post("/collections/c/query", "{oops").status == 400)
        #expect(try await http.post("/collections/c/query", "{}").documents.count == 1)
        let metrics = try await http.get("/metrics")
        #expect(metrics.text.contains("strata_store_info{backend=\"\(backend)\"} 1"))

        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let lines = reader.text.split(separator: "\n").map(String.init)
        #expect(lines.count == 2 && lines[0] == "http listening on 127.0.0.1:\(httpPort)", "\(lines)")
    }
}
