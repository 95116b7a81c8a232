import Logging
import NIOCore
import StrataWire

/// How a ``Server`` listens and what it allows.
public struct ServerConfiguration: Sendable {
    /// The address to bind; loopback unless said otherwise.
    public var host: String
    /// The port to bind; 0 picks a free one (read it back from ``Server/port``).
    public var port: Int
    /// The largest frame payload accepted or sent, in bytes. A request frame above
    /// it closes its connection (the frame boundary is lost).
    public var maxFrameSize: Int
    /// The most connections open at once; a connection beyond it receives one
    /// error response (id nil, code `unsupported`) and is closed.
    public var maxConnections: Int
    /// Connections with no traffic for this long are closed; nil never closes them.
    public var idleTimeout: Duration?
    /// When set, a connection must send `{"op": "auth", "token": …}` before any
    /// other request; until it has, every request gets `unauthorized`.
    public var token: String?
    /// Threads running store work (the event loops never touch the store).
    public var workerThreads: Int
    /// Event loop threads accepting and framing connections.
    public var eventLoopThreads: Int
    /// How long ``Server/stop()`` waits for in-flight requests before closing
    /// the connections anyway.
    public var drainTimeout: Duration
    /// Where the server logs.
    public var logger: Logger

    /// Creates a configuration; every argument has a sensible default.
    public init(
        host: String = "127.0.0.1",
        port: Int = 7070,
        maxFrameSize: Int = Frame.defaultMaxSize,
        maxConnections: Int = 1024,
        idleTimeout: Duration? = nil,
        token: String? = nil,
        workerThreads: Int = System.coreCount,
        eventLoopThreads: Int = System.coreCount,
        drainTimeout: Duration = .seconds(30),
        logger: Logger = Logger(label: "strata.server")
    ) {
        self.host = host
        self.port = port
        self.maxFrameSize = maxFrameSize
        self.maxConnections = maxConnections
        self.idleTimeout = idleTimeout
        self.token = token
        self.workerThreads = max(1, workerThreads)
        self.eventLoopThreads = max(1, eventLoopThreads)
        self.drainTimeout = drainTimeout
        self.logger = logger
    }
}

extension ServerConfiguration {
    /// A logger that writes to standard error at `notice` level, or `debug`
    /// when `verbose` (every connection is logged).
    public static func standardErrorLogger(verbose: Bool = false) -> Logger {
        var logger = Logger(label: "strata.server") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = verbose ? .debug : .notice
        return logger
    }
}

extension TimeAmount {
    /// The same span as a NIO time amount, rounded to nanoseconds.
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
