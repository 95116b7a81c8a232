import Dispatch
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import StrataDB
import StrataSpatial
import StrataStore
import Synchronization

/// Strata's HTTP API (Slate's collection endpoints, moving-object queries,
/// `/healthz`, `/metrics`) on Hummingbird, over one database and one tracker.
///
/// ```swift
/// let http = try await HTTPServer.start(store: store, configuration: HTTPConfiguration(port: 0))
/// print("http listening on \(http.host):\(http.port)")
/// …
/// try await http.stop()   // drains requests in flight; the caller closes the store
/// ```
///
/// Ownership: the server never closes the store. Two ways to start it:
/// - ``start(database:tracker:configuration:)`` takes a `Database` and an
///   `ObjectTracker` that the caller owns (and closes after ``stop()``). This
///   is the one to use once the TCP server owns one Database and one Tracker
///   over its store: both servers must then share those instances, because
///   two trackers over one store would keep two diverging hot states.
/// - ``start(store:configuration:)`` opens its own `Database` and tracker over
///   `any Store` through a small generic helper, and closes (flushes) the
///   tracker in ``stop()``. `strata serve` uses it while the TCP server does
///   not track moving objects yet.
///
/// Store work runs on the server's own thread pool
/// (``HTTPConfiguration/workerThreads``), never on an event loop.
public final class HTTPServer: Sendable {
    /// The configuration the server was started with.
    public let configuration: HTTPConfiguration
    /// The bound port (the real one when 0 was asked for).
    public let port: Int
    /// The server's counters, as `GET /metrics` shows them.
    public let metrics: HTTPMetrics

    private let task: Task<Void, any Error>
    private let listener: any Channel
    private let pool: NIOThreadPool
    private let gate: RequestGate
    private let onStop: @Sendable () throws -> Void
    private let stopped = Mutex(false)

    /// The host as given in the configuration.
    public var host: String { configuration.host }

    private init(
        configuration: HTTPConfiguration, port: Int, metrics: HTTPMetrics, task: Task<Void, any Error>,
        listener: any Channel, pool: NIOThreadPool, gate: RequestGate, onStop: @escaping @Sendable () throws -> Void
    ) {
        self.configuration = configuration
        self.port = port
        self.metrics = metrics
        self.task = task
        self.listener = listener
        self.pool = pool
        self.gate = gate
        self.onStop = onStop
    }

    /// Starts serving `database` and `tracker`, which the caller keeps owning;
    /// returns once the server is listening.
    ///
    /// - Throws: the bind error when the address cannot be bound.
    public static func start<S: Store>(
        database: Database<S>, tracker: any ObjectTracker, configuration: HTTPConfiguration = HTTPConfiguration()
    ) async throws -> HTTPServer {
        try await start(database: database, tracker: tracker, configuration: configuration, onStop: {})
    }

    /// Starts serving `store` through a `Database` and a tracker of its own
    /// (closed by ``stop()``; the store is not); returns once listening.
    ///
    /// - Throws: `DatabaseError` or the store's errors when the database or
    ///   tracker cannot be opened; the bind error when the address cannot be bound.
    public static func start(store: any Store, configuration: HTTPConfiguration = HTTPConfiguration()) async throws
        -> HTTPServer
    {
        func open<S: Store>(_ s: S) async throws -> HTTPServer {
            let database = try Database(store: s)
            let tracker = try Tracker(store: s)
            do {
                return try await start(
                    database: database, tracker: tracker, configuration: configuration, onStop: { try tracker.close() })
            } catch {
                try? tracker.close()
                throw error
            }
        }
        return try await open(store)
    }

    private static func start<S: Store>(
        database: Database<S>, tracker: any ObjectTracker, configuration: HTTPConfiguration,
        onStop: @escaping @Sendable () throws -> Void
    ) async throws -> HTTPServer {
        let pool = NIOThreadPool(numberOfThreads: configuration.workerThreads)
        pool.start()
        let worker = Worker(pool: pool)
        let metrics = HTTPMetrics()
        let gate = RequestGate()

        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: APIMiddleware(metrics: metrics, gate: gate))
        router.get("/healthz") { _, _ in JSONResponse.text("ok") }
        let store = database.store
        router.get("/metrics") { _, _ in
            let families = try? await worker.run { try store.columnFamilyNames().count }
            return JSONResponse.text(
                metrics.exposition(backend: store.backendName, columnFamilies: families),
                contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        CollectionRoutes(database: database, worker: worker).register(on: router)
        GeoRoutes(tracker: tracker, worker: worker).register(on: router)

        let (listeners, continuation) = AsyncStream.makeStream(of: (any Channel).self)
        let app = Application(
            router: router,
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port), serverName: "strata"),
            onServerRunning: { channel in
                continuation.yield(channel)
                continuation.finish()
            },
            logger: configuration.logger)
        let task = Task {
            defer { continuation.finish() }
            try await app.run()
        }
        var running: (any Channel)?
        for await channel in listeners {
            running = channel
            break
        }
        guard let listener = running else {
            // The server ended before it was running: report why.
            let result = await task.result
            try? await pool.shutdownGracefully()
            try result.get()
            throw APIError(.internal, "the HTTP server stopped before it was listening")
        }
        let bound = listener.localAddress?.port ?? configuration.port
        configuration.logger.info(
            "http listening",
            metadata: ["address": "\(configuration.host):\(bound)", "backend": "\(store.backendName)"])
        return HTTPServer(
            configuration: configuration, port: bound, metrics: metrics, task: task, listener: listener, pool: pool,
            gate: gate,
            onStop: onStop)
    }

    /// Stops: turns new requests away (503), waits up to
    /// ``HTTPConfiguration/drainTimeout`` for those in flight, closes the
    /// listener and the connections, the worker pool, and the tracker when the
    /// server opened it. Calling it again does nothing.
    ///
    /// - Throws: the tracker's error when closing it fails.
    public func stop() async throws {
        let first = stopped.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        gate.close()
        if !(await gate.drain(timeout: configuration.drainTimeout)) {
            configuration.logger.warning("http stop: requests still in flight after the drain timeout")
        }
        // Closing the listener ends Hummingbird's accept loop without an error;
        // the application then finishes once its connections have closed.
        // Connections still open (idle keep-alive ones) are cancelled.
        try? await listener.close()
        let finished = Task {
            _ = await task.result
        }
        let grace = Task {
            try await Task.sleep(for: .milliseconds(500))
            task.cancel()
        }
        await finished.value
        grace.cancel()
        try? await pool.shutdownGracefully()
        try onStop()
        configuration.logger.info("http stopped")
    }
}

extension HTTPServer {
    /// ``start(store:configuration:)`` for synchronous callers (the CLI): blocks
    /// until listening. Must not be called from a Swift concurrency task.
    ///
    /// - Throws: what ``start(store:configuration:)`` throws.
    public static func syncStart(store: any Store, configuration: HTTPConfiguration = HTTPConfiguration()) throws
        -> HTTPServer
    {
        try blocking { try await start(store: store, configuration: configuration) }
    }

    /// ``start(database:tracker:configuration:)`` for synchronous callers: blocks
    /// until listening. Must not be called from a Swift concurrency task.
    ///
    /// - Throws: what ``start(database:tracker:configuration:)`` throws.
    public static func syncStart<S: Store>(
        database: Database<S>, tracker: any ObjectTracker, configuration: HTTPConfiguration = HTTPConfiguration()
    ) throws -> HTTPServer {
        try blocking { try await start(database: database, tracker: tracker, configuration: configuration) }
    }

    /// ``stop()`` for synchronous callers: blocks until stopped. Must not be
    /// called from a Swift concurrency task.
    ///
    /// - Throws: what ``stop()`` throws.
    public func syncStop() throws {
        try Self.blocking { try await self.stop() }
    }

    private static func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let result = Mutex<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            let r: Result<T, any Error>
            do { r = .success(try await body()) } catch { r = .failure(error) }
            result.withLock { $0 = r }
            done.signal()
        }
        done.wait()
        return try result.withLock { $0! }.get()
    }
}
