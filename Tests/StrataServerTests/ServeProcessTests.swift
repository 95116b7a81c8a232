import Foundation
import StrataClient
import Testing

/// The `strata` executable built next to the tests, if it is there.
let strataBinary: URL? = {
    var directory = URL(fileURLWithPath: #filePath)
    while directory.path != "/" {
        directory.deleteLastPathComponent()
        let candidate = directory.appendingPathComponent(".build/debug/strata")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    return nil
}()

/// Runs `strata serve` as its own process, waits for its ready line, and
/// stops it with a signal.
@Suite("strata serve as a process", .enabled(if: strataBinary != nil, "build the strata executable first"), .serialized)
struct ServeProcessTests {
    final class ServeProcess {
        let process = Process()
        let output = Pipe()
        let port: Int
        let readyLine: String

        init(backend: String, path: String, extra: [String] = []) throws {
            let readyFile = path + ".ready"
            try? FileManager.default.removeItem(atPath: readyFile)
            process.executableURL = strataBinary
            process.arguments =
                ["serve", "--backend", backend, "--path", path, "--port", "0", "--ready-file", readyFile] + extra
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            let deadline = Date().addingTimeInterval(300)
            var line: String?
            while Date() < deadline && process.isRunning {
                if let text = try? String(contentsOfFile: readyFile, encoding: .utf8), text.hasSuffix("\n") {
                    line = text.trimmingCharacters(in: .newlines)
                    break
                }
                Thread.sleep(forTimeInterval: 0.05)
            }
            guard let line, let port = line.split(separator: ":").last.flatMap({ Int($0) }) else {
                process.terminate()
                throw ClientError(.connection, "strata serve did not become ready")
            }
            readyLine = line
            self.port = port
        }

        /// Sends `signal`, waits for the exit, returns the status and everything printed.
        func stop(signal: Int32) -> (status: Int32, stdout: String) {
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            return (process.terminationStatus, String(decoding: data, as: UTF8.self))
        }
    }

    @Test("serves, drains on SIGTERM with exit status 0, keeps the data across a restart", arguments: ["trie", "lmdb", "rocksdb"])
    func serveStopRestart(backend: String) throws {
        let directory = try makeTemporaryDirectory("serve-\(backend)")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/db"

        let first = try ServeProcess(backend: backend, path: path)
        #expect(first.readyLine == "listening on 127.0.0.1:\(first.port)")
        let client = try Client.connect(port: first.port, timeout: .seconds(10))
        for i in 0..<100 { try client.kvPut(cf: "kept", key: [UInt8(i)], value: [UInt8(i), 42]) }
        #expect(try client.ping())
        let stopped = first.stop(signal: SIGTERM)
        #expect(stopped.status == 0)
        #expect(stopped.stdout == first.readyLine + "\n")

        let second = try ServeProcess(backend: backend, path: path)
        let again = try Client.connect(port: second.port, timeout: .seconds(10))
        #expect(try again.kvScan(cf: "kept").count == 100)
        #expect(try again.kvGet(cf: "kept", key: [7]) == [7, 42])
        #expect(second.stop(signal: SIGINT).status == 0)
    }

    @Test("--token is enforced")
    func token() throws {
        let directory = try makeTemporaryDirectory("serve-token")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = try ServeProcess(backend: "trie", path: directory + "/db", extra: ["--token", "t0k"])
        let anonymous = try Client.connect(port: server.port, timeout: .seconds(10))
        expectError(.unauthorized) { try anonymous.ping() }
        let client = try Client.connect(port: server.port, timeout: .seconds(10), token: "t0k")
        #expect(try client.ping())
        #expect(server.stop(signal: SIGTERM).status == 0)
    }
}
