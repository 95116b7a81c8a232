import Foundation
import Testing

/// The first Python interpreter that runs `statement` without error:
/// `STRATA_PYTHON` if set, else the first `python3` on `PATH`, else
/// `/usr/bin/python3` (where Debian's `python3-*` packages install modules
/// when `PATH` leads to another Python). Nil when none can.
func python(running statement: String) -> String? {
    var candidates: [String] = []
    if let chosen = ProcessInfo.processInfo.environment["STRATA_PYTHON"] { candidates.append(chosen) }
    for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
        let path = "\(directory)/python3"
        if FileManager.default.isExecutableFile(atPath: path) {
            candidates.append(path)
            break
        }
    }
    candidates.append("/usr/bin/python3")
    return candidates.first { python in
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", statement]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}

/// A Python interpreter that can `import msgpack` (Debian: `python3-msgpack`).
let pythonWithMsgpack = python(running: "import msgpack")

/// `scripts/wire-example.py`, found from this file's path.
let wireExampleScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("scripts/wire-example.py")

/// Runs the msgpack-only Python example against `strata serve` as a process.
///
/// Skipping is not passing: when no Python can `import msgpack` (install
/// `python3-msgpack`) or the `strata` executable is not built, Swift Testing
/// reports this suite as skipped with the reason below, and the wire protocol
/// has then not been checked from outside Swift.
@Suite(
    "Python msgpack client against strata serve", .serialized,
    .enabled(if: strataBinary != nil, "build the strata executable first"),
    .enabled(if: pythonWithMsgpack != nil, "no python3 can `import msgpack`: apt-get install -y python3-msgpack"))
struct WireExampleTests {
    @Test("scripts/wire-example.py passes against every backend", arguments: allBackends)
    func pythonExample(backend: String) throws {
        let python = try #require(pythonWithMsgpack)
        let directory = try makeTemporaryDirectory("wire-example-\(backend)")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = try ServeProcessTests.ServeProcess(backend: backend, path: directory + "/db")

        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [wireExampleScript.path, "127.0.0.1", String(server.port)]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()

        #expect(process.terminationStatus == 0, "wire-example.py failed:\n\(text)")
        #expect(text.contains("100 pipelined requests answered in order"), "\(text)")
        #expect(text.hasSuffix("all checks passed\n"), "\(text)")
        #expect(server.stop(signal: SIGTERM).status == 0)
    }
}
