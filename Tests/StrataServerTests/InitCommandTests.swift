import Foundation
import StrataClient
import Testing

/// `strata init --server --config` against `strata serve` as a process.
@Suite(
    "strata init against a server process", .enabled(if: strataBinary != nil, "build the strata executable first"),
    .serialized)
struct InitCommandTests {
    /// Runs `strata init` with `arguments`; returns the status, stdout and stderr.
    private func strataInit(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = strataBinary
        process.arguments = ["init"] + arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, stdout, stderr)
    }

    private func write(_ text: String, to path: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test("creates what the file lists, then only what is missing; existing ones are not errors")
    func idempotent() throws {
        let directory = try makeTemporaryDirectory("init")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = try ServeProcessTests.ServeProcess(backend: "trie", path: directory + "/db")
        let address = "127.0.0.1:\(server.port)"
        let client = try Client.connect(port: server.port, timeout: .seconds(10))
        try client.createCollection("preexisting", indexes: ["a"])

        let config = directory + "/schema.yaml"
        try write(
            """
            collections:
              - name: users
                indexes: [status, age]
              - name: orders
              - name: preexisting
                indexes: [a, b]
            """, to: config)
        let first = try strataInit(["--server", address, "--config", config])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(
            first.stdout == """
                created collection users (indexes: status, age)
                created collection orders
                exists  collection preexisting
                exists  index preexisting.a
                created index preexisting.b
                5 created, 2 already there

                """)
        #expect(try client.listCollections() == ["orders", "preexisting", "users"])
        #expect(try client.listIndexes(in: "users").sorted() == ["age", "status"])
        #expect(try client.listIndexes(in: "preexisting").sorted() == ["a", "b"])

        try write("collections:\n  - name: users\n    indexes: [status, age, city]\n  - name: orders\n", to: config)
        let second = try strataInit(["--server", address, "--config", config])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(
            second.stdout.hasSuffix(
                "created index users.city\nexists  collection orders\n1 created, 4 already there\n"), "\(second.stdout)"
        )
        #expect(try client.listIndexes(in: "users").sorted() == ["age", "city", "status"])

        let third = try strataInit(["--server", address, "--config", config])
        #expect(third.status == 0)
        #expect(third.stdout.hasSuffix("0 created, 5 already there\n"), "\(third.stdout)")
        #expect(server.stop(signal: SIGTERM).status == 0)
    }

    @Test(
        "a bad file is one line on stderr and exit status 2, and changes nothing",
        arguments: [
            ("collections: [\n", "not valid YAML"),
            ("- users\n", "expected a mapping"),
            ("tables:\n  - name: x\n", "unknown key `tables`"),
            ("collections:\n  - name: x\n    index: [a]\n", "line 3: unknown key `index`"),
            ("collections:\n  - indexes: [a]\n", "has no `name`"),
            ("collections:\n  - name: x\n    indexes: a\n", "must be a list"),
            ("collections:\n  - name: x\n  - name: x\n", "listed twice"),
            ("collections: users\n", "must be a list"),
        ])
    func badFile(yaml: String, expected: String) throws {
        let directory = try makeTemporaryDirectory("init-bad")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = try ServeProcessTests.ServeProcess(backend: "trie", path: directory + "/db")
        let config = directory + "/bad.yaml"
        try write(yaml, to: config)
        let result = try strataInit(["--server", "127.0.0.1:\(server.port)", "--config", config])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("strata: \(config): "), "\(result.stderr)")
        #expect(result.stderr.contains(expected), "\(result.stderr)")
        #expect(result.stderr.filter { $0 == "\n" }.count == 1, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        let client = try Client.connect(port: server.port, timeout: .seconds(10))
        #expect(try client.listCollections() == [])
        #expect(server.stop(signal: SIGTERM).status == 0)
    }

    @Test("a missing file is exit status 2; an unreachable server is exit status 1")
    func missingFileAndServer() throws {
        let directory = try makeTemporaryDirectory("init-missing")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let missing = try strataInit(["--server", "127.0.0.1:1", "--config", directory + "/none.yaml"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("cannot read"))
        let config = directory + "/ok.yaml"
        try write("collections:\n  - name: x\n", to: config)
        let unreachable = try strataInit(["--server", "127.0.0.1:1", "--config", config])
        #expect(unreachable.status == 1)
        #expect(unreachable.stderr.contains("cannot connect to 127.0.0.1:1"))
    }
}
