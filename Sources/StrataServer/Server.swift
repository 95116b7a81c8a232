import Dispatch
import Logging
import NIOCore
import NIOPosix
import StrataSpatial
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
/// `start` on and closes it in ``stop()``. It opens one document database and
/// one moving-object tracker over the store at start and shares them between
/// all connections; ``stop()`` closes the tracker (writing its buffered
/// history) before it closes the store.
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
    /// The moving-object tracker over ``store``.
    public let objectTracker: any ObjectTracker

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
        objectTracker: any ObjectTracker, group: MultiThreadedEventLoopGroup, threadPool: NIOThreadPool,
        listener: any Channel, tracker: ConnectionTracker
    ) {
        self.configuration = configuration
        self.localAddress = localAddress
        self.stats = stats
        self.store = store
        self.objectTracker = objectTracker
        self.group = group
        self.threadPool = threadPool
        self.listener = listener
        self.tracker = tracker
    }

    /// Binds and starts serving `store`; returns once the server is listening.
    ///
    /// Throws when the document database or the tracker cannot be opened over
    /// the store (`DatabaseError`, `SpatialError` or the store's error) or the
    /// address cannot be bound; the store is then left open.
    public static func start(
        store: any Store, configuration: ServerConfiguration = ServerConfiguration(), ops: OpRegistry = .standard
    ) throws -> Server {
        let documents = try openDocumentService(store: store)
        let objectTracker = try openTracker(store: store, options: TrackerOptions(sync: store.options.sync))
        let group = MultiThreadedEventLoopGroup(numberOfThreads: configuration.eventLoopThreads)
        let threadPool = NIOThreadPool(numberOfThreads: configuration.workerThreads)
        threadPool.start()
        let stats = ServerStats()
        let tracker = ConnectionTracker(maxConnections: configuration.maxConnections)
        let services = ConnectionServices(
            ops: ops, context: OpContext(store: store, documents: documents, tracker: objectTracker, stats: stats),
            threadPool: threadPool, tracker: tracker,
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
            try? objectTracker.close()
            throw error
        }
        guard let address = listener.localAddress else {
            preconditionFailure("a bound server channel has a local address")
        }
        let server = Server(
            configuration: configuration, localAddress: address, stats: stats, store: store,
            objectTracker: objectTracker,
            group: group, threadPool: threadPool, listener: listener, tracker: tracker)
        configuration.logger.info(
            "listening",
            metadata: ["address": "\(configuration.host):\(server.port)", "backend": "\(store.backendName)"])
        return server
    }

    /// Stops gracefully: stops accepting, lets every connection finish the
    /// requests it has received (up to ``ServerConfiguration/drainTimeout``),
    /// closes the connections, the worker pool, the tracker (flushing its
    /// buffered history), the store and the event loops.
    ///
    /// Blocks until done; calling it again (from any thread) waits for the first
    /// call. Must not be called on one of the server's event loops. Throws the
    /// tracker's error if flushing it fails (the store is closed all the same),
    /// else the store's error if closing the store fails.
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
        do { try objectTracker.close() } catch {
            logger.error("closing the tracker failed", metadata: ["error": "\(error)"])
            storeError = error
        }
        do { try store.close() } catch { storeError = storeError ?? error }
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
