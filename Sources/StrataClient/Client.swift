import StrataWire

/// A blocking connection to a Strata server, for one thread at a time.
///
/// ```swift
/// let client = try Client.connect(host: "127.0.0.1", port: 7070)
/// try client.kvPut(cf: "default", key: [1], value: [2])
/// let value = try client.kvGet(cf: "default", key: [1])
/// ```
///
/// Pipelining: ``send(op:arguments:)`` several requests, then ``receive()`` as
/// many results, in the same order; or ``pipeline(_:)``. Error responses throw
/// (or are returned as) ``ClientError`` with the server's code and message and
/// leave the connection usable; connection failures close it
/// (``isConnected`` turns false).
///
/// Not for concurrent use: the socket and buffers belong to whichever thread
/// holds the client (``ClientPool`` hands each client to one thread at a time),
/// which is why the class is `@unchecked Sendable`.
public final class Client: @unchecked Sendable {
    /// The server's address.
    public let host: String
    public let port: Int
    /// The largest response frame accepted.
    public let maxFrameSize: Int

    private let socket: Socket
    private var decoder: FrameDecoder
    private var outgoing: [UInt8] = []
    private var nextID: UInt64 = 1
    /// Ids sent and not yet received, oldest first.
    private var awaiting: [UInt64] = []
    private var awaitingHead = 0

    private init(host: String, port: Int, socket: Socket, maxFrameSize: Int) {
        self.host = host
        self.port = port
        self.socket = socket
        self.maxFrameSize = maxFrameSize
        self.decoder = FrameDecoder(maxFrameSize: maxFrameSize)
    }

    /// Connects to a server. `timeout` bounds connecting and each later wait for
    /// bytes. When `token` is given, authenticates first.
    ///
    /// Throws `ClientError` (`.connection`, `.timeout`, or `.unauthorized`).
    public static func connect(
        host: String = "127.0.0.1", port: Int, timeout: Duration = .seconds(30), token: String? = nil,
        maxFrameSize: Int = Frame.defaultMaxSize
    ) throws(ClientError) -> Client {
        let socket = try Socket(host: host, port: port, timeout: timeout)
        let client = Client(host: host, port: port, socket: socket, maxFrameSize: maxFrameSize)
        if let token { try client.authenticate(token: token) }
        return client
    }

    /// Whether the connection is still usable.
    public var isConnected: Bool { socket.isOpen }

    /// Requests sent whose results have not been received.
    public var outstanding: Int { awaiting.count - awaitingHead }

    /// Closes the connection.
    public func close() { socket.close() }

    // MARK: Calls

    /// Sends one request and returns its result. Throws `ClientError`: the
    /// server's code for an error response, or a connection failure.
    @discardableResult
    public func call(op: String, arguments: [(String, MessagePackValue)] = []) throws(ClientError) -> MessagePackValue {
        try send(op: op, arguments: arguments)
        return try receive()
    }

    /// Queues one request (written on the next ``flush()`` or ``receive()``)
    /// and returns its id.
    @discardableResult
    public func send(op: String, arguments: [(String, MessagePackValue)] = []) throws(ClientError) -> UInt64 {
        let id = nextID
        nextID &+= 1
        let request = Request(id: id, op: op, arguments: arguments.map { (name: $0.0, value: $0.1) })
        do {
            try Frame.encode(into: &outgoing, maxSize: maxFrameSize) { request.encode(into: &$0) }
        } catch {
            throw ClientError(.tooLarge, "the request exceeds the maximum frame size of \(maxFrameSize) bytes")
        }
        awaiting.append(id)
        return id
    }

    /// Writes queued requests to the socket.
    public func flush() throws(ClientError) {
        guard !outgoing.isEmpty else { return }
        defer { outgoing.removeAll(keepingCapacity: true) }
        try socket.send(outgoing)
    }

    /// The result of the oldest request sent and not yet received. Throws the
    /// server's error for an error response.
    public func receive() throws(ClientError) -> MessagePackValue {
        try receiveResult().get()
    }

    /// The result of the oldest outstanding request, error responses as values.
    public func receiveResult() throws(ClientError) -> Result<MessagePackValue, ClientError> {
        guard awaitingHead < awaiting.count else {
            throw ClientError(.protocolViolation, "receive() without an outstanding request")
        }
        try flush()
        let response = try nextResponse()
        let expected = awaiting[awaitingHead]
        awaitingHead += 1
        if awaitingHead == awaiting.count {
            awaiting.removeAll(keepingCapacity: true)
            awaitingHead = 0
        }
        switch response {
        case .ok(let id, let result):
            guard id == expected else { throw mismatch(id, expected) }
            return .success(result)
        case .error(let id, let error):
            // A frame the server could not read has no id; it still answers in order.
            if let id, id != expected { throw mismatch(id, expected) }
            return .failure(ClientError(error))
        }
    }

    /// Sends every request, then receives every result, in order.
    public func pipeline(
        _ requests: [(op: String, arguments: [(String, MessagePackValue)])]
    ) throws(ClientError) -> [Result<MessagePackValue, ClientError>] {
        for request in requests { try send(op: request.op, arguments: request.arguments) }
        var results: [Result<MessagePackValue, ClientError>] = []
        results.reserveCapacity(requests.count)
        for _ in requests { results.append(try receiveResult()) }
        return results
    }

    /// Sends `auth {token}`. Throws `.unauthorized` for a wrong token.
    public func authenticate(token: String) throws(ClientError) {
        try call(Calls.authenticate(token: token))
    }

    // MARK: Reading frames

    private func nextResponse() throws(ClientError) -> Response {
        while true {
            let frame: FrameDecoder.DecodedFrame?
            do {
                frame = try decoder.next()
            } catch {
                socket.close()
                throw ClientError(.protocolViolation, "bad frame from the server: \(error)")
            }
            if let frame {
                guard case .value(let value) = frame else {
                    socket.close()
                    throw ClientError(.protocolViolation, "undecodable frame from the server")
                }
                do {
                    return try Response(from: value)
                } catch {
                    socket.close()
                    throw ClientError(.protocolViolation, "not a response: \(error)")
                }
            }
            var bytes: [UInt8] = []
            try socket.receive(into: &bytes)
            decoder.append(bytes)
        }
    }

    private func mismatch(_ got: UInt64, _ expected: UInt64) -> ClientError {
        socket.close()
        return ClientError(.protocolViolation, "response id \(got) does not match request id \(expected)")
    }
}
