import NIOCore
import NIOPosix
import StrataWire
import Synchronization

/// An asynchronous connection to a Strata server, shared by any number of
/// concurrent tasks.
///
/// ```swift
/// let client = try await AsyncClient.connect(host: "127.0.0.1", port: 7070)
/// try await client.kvPut(key: [1], value: [2])
/// async let a = client.kvGet(key: [1])
/// async let b = client.call(Calls.count(in: "users"))
/// print(try await a, try await b)
/// await client.close()
/// ```
///
/// Every call is pipelined on the one connection (SwiftNIO, `TCP_NODELAY`):
/// a caller does not wait for earlier calls to be answered before its request
/// is sent. The server answers in request order, so responses are matched to
/// callers by order, and each response's id is checked against its request's.
///
/// Failures, all as ``ClientError``:
/// - an error response throws the server's code and message; the connection
///   stays usable;
/// - a call not answered within its timeout throws `.timeout`; its response,
///   if it comes later, is read and dropped, and the connection stays usable;
/// - a cancelled task's call throws `.cancelled` at once, the same way;
/// - a broken connection (closed by the server, a network error, or a
///   response that cannot be read) fails every outstanding call and every later
///   call with `.connection` (a response with the wrong id fails its own call
///   with `.protocolViolation`). Connect a new client to carry on.
///
/// The event-loop group must outlive the client; the default, the shared
/// `MultiThreadedEventLoopGroup.singleton`, always does.
public final class AsyncClient: Sendable {
    /// The server's host name or address.
    public let host: String
    /// The server's port.
    public let port: Int
    /// The largest frame sent or accepted.
    public let maxFrameSize: Int
    /// How long a call waits for its answer unless the call gives its own timeout.
    public let timeout: Duration

    private let channel: any Channel
    private let state: ConnectionState
    private let nextID = Atomic<UInt64>(1)

    private init(
        host: String, port: Int, maxFrameSize: Int, timeout: Duration, channel: any Channel, state: ConnectionState
    ) {
        self.host = host
        self.port = port
        self.maxFrameSize = maxFrameSize
        self.timeout = timeout
        self.channel = channel
        self.state = state
    }

    /// Connects to a server. `timeout` bounds connecting and is the default
    /// timeout of every call. When `token` is given, authenticates first.
    ///
    /// Throws `ClientError`: `.connection` when the server cannot be reached,
    /// `.timeout` when connecting takes longer than `timeout`, `.unauthorized`
    /// for a wrong token.
    public static func connect(
        host: String = "127.0.0.1", port: Int, timeout: Duration = .seconds(30), token: String? = nil,
        maxFrameSize: Int = Frame.defaultMaxSize,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws(ClientError) -> AsyncClient {
        let state = ConnectionState()
        let bootstrap = ClientBootstrap(group: eventLoopGroup)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(TimeAmount(timeout))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        AsyncClientHandler(maxFrameSize: maxFrameSize, state: state))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: host, port: port).get()
        } catch ChannelError.connectTimeout {
            throw ClientError(.timeout, "connecting to \(host):\(port) took longer than \(timeout)")
        } catch {
            throw ClientError(.connection, "cannot connect to \(host):\(port): \(error)")
        }
        let client = AsyncClient(
            host: host, port: port, maxFrameSize: maxFrameSize, timeout: timeout, channel: channel, state: state)
        if let token {
            do {
                try await client.call(Calls.authenticate(token: token))
            } catch {
                await client.close()
                throw error
            }
        }
        return client
    }

    /// Whether the connection is still usable (not closed or broken).
    public var isConnected: Bool { state.brokenBy == nil }

    /// Closes the connection; outstanding and later calls fail with `.connection`.
    public func close() async {
        state.breakConnection(ClientError(.connection, "the client is closed"))
        try? await channel.close()
    }

    // MARK: Calls

    /// Sends one request and returns its result. `timeout` (the client's
    /// ``timeout`` when nil) bounds the wait for the answer.
    ///
    /// Throws `ClientError`: the server's code for an error response,
    /// `.tooLarge` for a request above ``maxFrameSize`` (nothing is sent),
    /// `.timeout`, `.cancelled`, or `.connection` once the connection is broken.
    @discardableResult
    public func call(
        op: String, arguments: [(String, MessagePackValue)] = [], timeout: Duration? = nil
    ) async throws(ClientError) -> MessagePackValue {
        try await result(op: op, arguments: arguments, timeout: timeout).get()
    }

    /// Sends `call` and returns its decoded result. Throws as
    /// ``call(op:arguments:timeout:)`` does, and `.protocolViolation` for a
    /// result of the wrong shape.
    @discardableResult
    public func call<R>(_ call: ClientCall<R>, timeout: Duration? = nil) async throws(ClientError) -> R {
        try call.decode(try await self.call(op: call.op, arguments: call.arguments, timeout: timeout))
    }

    /// Sends one request and returns its outcome, an error response as a
    /// `.failure` value. Throws only when the request cannot be framed
    /// (`.tooLarge`); every other failure is a `.failure` too.
    public func result(
        op: String, arguments: [(String, MessagePackValue)] = [], timeout: Duration? = nil
    ) async throws(ClientError) -> Result<MessagePackValue, ClientError> {
        let id = nextID.wrappingAdd(1, ordering: .relaxed).oldValue
        let request = Request(id: id, op: op, arguments: arguments.map { (name: $0.0, value: $0.1) })
        var frame: [UInt8] = []
        do {
            try Frame.encode(into: &frame, maxSize: maxFrameSize) { request.encode(into: &$0) }
        } catch {
            throw ClientError(.tooLarge, "the request exceeds the maximum frame size of \(maxFrameSize) bytes")
        }
        if let failure = state.brokenBy { return .failure(failure) }

        let slot = ResponseSlot()
        let limit = timeout ?? self.timeout
        let timer = channel.eventLoop.scheduleTask(in: TimeAmount(limit)) {
            slot.resolve(.failure(ClientError(.timeout, "no answer to \(op) within \(limit)")))
        }
        defer { timer.cancel() }
        let state = self.state
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                slot.wait(continuation)
                channel.write(PendingRequest(id: id, frame: frame, slot: slot)).whenFailure { error in
                    slot.resolve(.failure(state.brokenBy ?? ClientError(.connection, "cannot send \(op): \(error)")))
                }
            }
        } onCancel: {
            slot.resolve(.failure(ClientError(.cancelled, "the task calling \(op) was cancelled")))
        }
    }
}
