import Dispatch
import Logging
import NIOCore
import NIOPosix
import StrataStore
import StrataWire
import Synchronization

/// The Strata TCP server: MessagePack frames over TCP (DESIGN.md, "Wire
/// protocol"), answering from one store.
///
/// ```swift
/// let server = try Server.start(store: store, configuration: ServerConfiguration(port: 0))
/// print("listening on \(server.host):\(server.port)")
/// …
/// try server.stop()      // drains in-flight requests, closes the store
/// ```
///
/// Event loops frame the bytes; store work runs on a worker pool
/// (``ServerConfiguration/workerThreads``). The server owns the store from
/// `start` on and closes it in ``stop()``.
public final class Server: Sendable {
    private enum Phase { case running, stopping, stopped }

    /// The configuration the server was started with.
    public let configuration: ServerConfiguration
    /// The address the server is bound to.
    public let localAddress: SocketAddress
    /// The server's counters.
    public let stats: ServerStats
    /// The store the server answers from.
    public let store: any Store

    private let group: MultiThreadedEventLoopGroup
    private let threadPool: NIOThreadPool
    private let listener: any Channel
    private let tracker: ConnectionTracker
    private let phase = Mutex(Phase.running)
    private let stopped = DispatchSemaphore(value: 0)

    /// The bound host as given in the configuration.
    public var host: String { configuration.host }
    /// The bound port (the real one when 0 was asked for).
    public var port: Int { localAddress.port ?? configuration.port }

    private init(
        configuration: ServerConfiguration, localAddress: SocketAddress, stats: ServerStats, store: any Store,
        group: MultiThreadedEventLoopGroup, threadPool: NIOThreadPool, listener: any Channel,
        tracker: ConnectionTracker
    ) {
        self.configuration = configuration
        self.localAddress = localAddress
        self.stats = stats
        self.store = store
        self.group = group
        self.threadPool = threadPool
        self.listener = listener
        self.tracker = tracker
    }

    /// Binds and starts serving `store`; returns once the server is listening.
    ///
    /// Throws when the address cannot be bound (the store is then left open).
    public static func start(
        store: any Store, configuration: ServerConfiguration = ServerConfiguration(), ops: OpRegistry = .standard
    ) throws -> Server {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: configuration.eventLoopThreads)
        let threadPool = NIOThreadPool(numberOfThreads: configuration.workerThreads)
        threadPool.start()
        let stats = ServerStats()
        let tracker = ConnectionTracker(maxConnections: configuration.maxConnections)
        let services = ConnectionServices(
            ops: ops, context: OpContext(store: store, stats: stats), threadPool: threadPool, tracker: tracker,
            configuration: configuration)
        let idleTimeout = configuration.idleTimeout.map(TimeAmount.init)

        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(ChannelOptions.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let idleTimeout {
                        try channel.pipeline.syncOperations.addHandler(IdleStateHandler(allTimeout: idleTimeout))
                    }
                    try channel.pipeline.syncOperations.addHandler(ConnectionHandler(services: services))
                }
            }
        let listener: any Channel
        do {
            listener = try bootstrap.bind(host: configuration.host, port: configuration.port).wait()
        } catch {
            try? threadPool.syncShutdownGracefully()
            try? group.syncShutdownGracefully()
            throw error
        }
        guard let address = listener.localAddress else {
            preconditionFailure("a bound server channel has a local address")
        }
        let server = Server(
            configuration: configuration, localAddress: address, stats: stats, store: store, group: group,
            threadPool: threadPool, listener: listener, tracker: tracker)
        configuration.logger.info(
            "listening",
            metadata: ["address": "\(configuration.host):\(server.port)", "backend": "\(store.backendName)"])
        return server
    }

    /// Stops gracefully: stops accepting, lets every connection finish the
    /// requests it has received (up to ``ServerConfiguration/drainTimeout``),
    /// closes the connections, the worker pool, the store and the event loops.
    ///
    /// Blocks until done; calling it again (from any thread) waits for the first
    /// call. Must not be called on one of the server's event loops. Throws the
    /// store's error if closing the store fails.
    public func stop() throws {
        let first = phase.withLock { phase in
            guard phase == .running else { return false }
            phase = .stopping
            return true
        }
        guard first else {
            waitUntilStopped()
            return
        }
        defer {
            phase.withLock { $0 = .stopped }
            stopped.signal()
        }
        let logger = configuration.logger
        logger.info("stopping: draining connections")
        try? listener.close().wait()

        let connections = tracker.stopAccepting()
        for channel in connections {
            channel.pipeline.fireUserInboundEventTriggered(DrainEvent())
        }
        let loop = group.next()
        let closed = EventLoopFuture.andAllComplete(connections.map(\.closeFuture), on: loop)
        let forceClose = loop.scheduleTask(in: TimeAmount(configuration.drainTimeout)) {
            for channel in connections { channel.close(promise: nil) }
        }
        try? closed.wait()
        forceClose.cancel()

        try? threadPool.syncShutdownGracefully()
        var storeError: (any Error)?
        do { try store.close() } catch { storeError = error }
        try? group.syncShutdownGracefully()
        logger.info("stopped")
        if let storeError { throw storeError }
    }

    /// Blocks until ``stop()`` has finished (from another thread or a signal handler).
    public func waitUntilStopped() {
        stopped.wait()
        stopped.signal()
    }
}
