import Logging

/// How the HTTP server listens and runs.
public struct HTTPConfiguration: Sendable {
    /// The address to listen on.
    public var host: String
    /// The port to listen on; 0 picks a free one (see ``HTTPServer/port``).
    public var port: Int
    /// Threads running store work, so that the event loops never block on the store.
    public var workerThreads: Int
    /// How long ``HTTPServer/stop()`` waits for requests in flight before closing connections.
    public var drainTimeout: Duration
    /// Where the server logs.
    public var logger: Logger

    /// A configuration; every value has a default.
    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        workerThreads: Int = 2,
        drainTimeout: Duration = .seconds(10),
        logger: Logger = Logger(label: "strata.http")
    ) {
        self.host = host
        self.port = port
        self.workerThreads = max(1, workerThreads)
        self.drainTimeout = drainTimeout
        self.logger = logger
    }
}
