import Foundation

/// A `strata serve` child process on loopback for one backend, started for a
/// `tcp` run and stopped (SIGTERM, which drains and closes the store) after it.
final class ServerProcess: @unchecked Sendable {
    // Unchecked: `process` is started in init and only read after; stop() is
    // called from the runner's thread alone.
    let port: Int
    let process: Process
    var pid: Int32 { process.processIdentifier }

    /// Starts `executable serve` and waits up to `timeout` seconds for its ready file.
    ///
    /// - Throws: `HarnessError` when the process cannot start, exits early, or is not ready in time.
    /// The server's standard error goes to `log`.
    init(executable: String, backend: String, path: String, sync: Bool, log: String, timeout: Double = 60) throws {
        let ready = path + ".ready"
        try? FileManager.default.removeItem(atPath: ready)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        var arguments = [
            "serve", "--backend", backend, "--path", path, "--host", "127.0.0.1", "--port", "0", "--ready-file", ready,
            "--max-connections", "4096", "--idle-timeout", "0",
        ]
        if sync { arguments.append("--sync") }
        process.arguments = arguments
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle(forWritingAtPath: log) ?? FileHandle.nullDevice
        do { try process.run() } catch {
            throw HarnessError("cannot start \(executable) serve: \(error)")
        }
        self.process = process
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let text = try? String(contentsOfFile: ready, encoding: .utf8),
                let line = text.split(separator: "\n").first, line.hasPrefix("listening on "),
                let portText = line.split(separator: ":").last, let port = Int(portText)
            {
                self.port = port
                return
            }
            if !process.isRunning {
                let tail = (try? String(contentsOfFile: log, encoding: .utf8))?.split(separator: "\n").last ?? ""
                throw HarnessError(
                    "strata serve --backend \(backend) exited with status \(process.terminationStatus) before it was ready: \(tail)")
            }
            if Date() > deadline {
                process.terminate()
                throw HarnessError("strata serve --backend \(backend) was not ready after \(Int(timeout)) s")
            }
            usleep(10_000)
        }
    }

    /// SIGTERM, then waits for the exit. Throws when the server did not exit cleanly.
    func stop() throws {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
        if process.terminationStatus != 0 {
            throw HarnessError("strata serve exited with status \(process.terminationStatus)")
        }
    }
}
