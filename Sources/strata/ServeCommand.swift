import ArgumentParser
import Dispatch
import Foundation
import StrataDB
import StrataHTTP
import StrataServer
import StrataStore

/// `strata serve`: the TCP server over one store, until SIGINT or SIGTERM.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve a store over TCP (MessagePack frames; see DESIGN.md, \"Wire protocol\").",
        discussion: """
            Prints one line `listening on HOST:PORT` when ready. SIGINT or SIGTERM \
            finishes the requests in flight, closes the store and exits 0.
            """
    )

    @OptionGroup var location: StoreLocation

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on; 0 picks a free one.")
    var port = 7070

    @Option(help: "Also serve the HTTP API on this port (0 picks a free one); prints `http listening on HOST:PORT`.")
    var httpPort: Int?

    @Option(name: .customLong("max-frame"), help: "The largest frame payload in bytes.")
    var maxFrame = 16 * 1024 * 1024

    @Option(help: "The most connections open at once.")
    var maxConnections = 1024

    @Option(help: "Close connections idle for this many seconds (0: never).")
    var idleTimeout: Double = 0

    @Option(help: "Require {\"op\": \"auth\", \"token\": T} before any other request.")
    var token: String?

    @Option(help: "Write the `listening on HOST:PORT` line to this file too.")
    var readyFile: String?

    @Flag(help: "Log every connection (debug level).")
    var verbose = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be in 0…65535") }
        if let httpPort, !(0...65535).contains(httpPort) {
            throw ValidationError("--http-port must be in 0…65535")
        }
        guard maxFrame >= 1 && maxFrame <= Int(UInt32.max) else {
            throw ValidationError("--max-frame must be in 1…\(UInt32.max)")
        }
        guard maxConnections >= 1 else { throw ValidationError("--max-connections must be at least 1") }
        guard idleTimeout >= 0 else { throw ValidationError("--idle-timeout must not be negative") }
    }

    func run() throws {
        let logger = ServerConfiguration.standardErrorLogger(verbose: verbose)
        let configuration = ServerConfiguration(
            host: host,
            port: port,
            maxFrameSize: maxFrame,
            maxConnections: maxConnections,
            idleTimeout: idleTimeout > 0 ? .nanoseconds(Int64(idleTimeout * 1e9)) : nil,
            token: token,
            logger: logger
        )
        let store = try location.open()
        let server: Server
        do {
            server = try Server.start(store: store, configuration: configuration)
        } catch {
            try? store.close()
            throw CommandFailure(message: "cannot listen on \(host):\(port): \(error)")
        }
        // The HTTP API over the same store and the TCP server's own tracker (one hot
        // state for both; a Database holds no state beyond the store, so it gets its
        // own). Stopped before the TCP server closes the tracker and the store.
        var http: HTTPServer?
        if let httpPort {
            do {
                var httpLogger = logger
                httpLogger[metadataKey: "api"] = "http"
                let httpConfiguration = HTTPConfiguration(host: host, port: httpPort, logger: httpLogger)
                func startHTTP<S: Store>(_ s: S) throws -> HTTPServer {
                    try HTTPServer.syncStart(
                        database: try Database(store: s), tracker: server.objectTracker, configuration: httpConfiguration)
                }
                http = try startHTTP(store)
            } catch {
                try? server.stop()
                throw CommandFailure(message: "cannot serve HTTP on \(host):\(httpPort): \(error)")
            }
        }
        let stopAll: @Sendable () throws -> Void = { [http] in
            do { try http?.syncStop() } catch { standardError("strata: stopping the HTTP server failed: \(error)\n") }
            try server.stop()
        }

        // Signals: ignore the default action, handle them on a queue.
        let queue = DispatchQueue(label: "strata.serve.signals")
        var sources: [any DispatchSourceSignal] = []
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            source.setEventHandler {
                standardError("strata: signal \(signalNumber): stopping\n")
                DispatchQueue.global().async {
                    do { try stopAll() } catch { standardError("strata: closing the store failed: \(error)\n") }
                }
            }
            source.resume()
            sources.append(source)
        }

        let line = "listening on \(host):\(server.port)"
        if let readyFile {
            do {
                try (line + "\n").write(toFile: readyFile, atomically: true, encoding: .utf8)
            } catch {
                try? stopAll()
                throw CommandFailure(message: "cannot write the ready file \(readyFile): \(error)")
            }
        }
        // Unbuffered, so a parent reading the pipe sees the line at once.
        if let http { FileHandle.standardOutput.write(Data("http listening on \(http.host):\(http.port)\n".utf8)) }
        FileHandle.standardOutput.write(Data((line + "\n").utf8))

        server.waitUntilStopped()
        for source in sources { source.cancel() }
    }
}
