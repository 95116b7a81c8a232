import StrataWire

/// One typed request: the op, its arguments, and how to read its result.
///
/// The typed methods (`client.findByID(…)`) are `call`s of these; to pipeline,
/// send several and receive them in the same order:
///
/// ```swift
/// let get = Calls.findByID(collection: "users", id: "u1")
/// for _ in 0..<16 { try client.send(get) }
/// for _ in 0..<16 { let user = try client.receive(get) }
/// ```
public struct ClientCall<Result>: Sendable {
    /// The operation name.
    public let op: String
    /// The arguments, in order.
    public let arguments: [(String, MessagePackValue)]
    /// Reads the result; throws `ClientError(.protocolViolation)` for a value of the wrong shape.
    public let decode: @Sendable (MessagePackValue) throws(ClientError) -> Result

    /// Creates a call.
    public init(
        op: String, arguments: [(String, MessagePackValue)],
        decode: @escaping @Sendable (MessagePackValue) throws(ClientError) -> Result
    ) {
        self.op = op
        self.arguments = arguments
        self.decode = decode
    }
}

/// The typed calls of the document and geo ops (see `Client+Documents.swift`
/// and `Client+Geo.swift`), for pipelining with ``Client/send(_:)`` and
/// ``Client/receive(_:)``.
public enum Calls {}

extension Client {
    /// Sends `call` and returns its decoded result. Throws `ClientError`: the
    /// server's code for an error response, a connection failure, or
    /// `.protocolViolation` for a result of the wrong shape.
    public func call<R>(_ call: ClientCall<R>) throws(ClientError) -> R {
        try send(call)
        return try receive(call)
    }

    /// Queues `call` (see ``send(op:arguments:)``) and returns its request id.
    @discardableResult
    public func send<R>(_ call: ClientCall<R>) throws(ClientError) -> UInt64 {
        try send(op: call.op, arguments: call.arguments)
    }

    /// Receives the oldest outstanding result and decodes it as `call`'s
    /// result; it must be the answer to a request sent as `call`'s op.
    /// Throws the server's error for an error response.
    public func receive<R>(_ call: ClientCall<R>) throws(ClientError) -> R {
        try call.decode(try receive())
    }
}

// MARK: Result readers shared by the typed calls

enum ResultShape {
    static func violation(_ op: String, _ expected: String, _ value: MessagePackValue) -> ClientError {
        ClientError(.protocolViolation, "\(op) returned \(value.typeName), not \(expected)")
    }

    static func bool(_ op: String) -> @Sendable (MessagePackValue) throws(ClientError) -> Void {
        { value throws(ClientError) in
            guard value.boolValue == true else { throw violation(op, "true", value) }
        }
    }

    static func int(_ op: String, key: String? = nil) -> @Sendable (MessagePackValue) throws(ClientError) -> Int {
        { value throws(ClientError) in
            let inner = key.flatMap { value[$0] } ?? (key == nil ? value : .nil)
            guard let n = inner.intValue else { throw violation(op, key.map { "{\"\($0)\": int}" } ?? "int", value) }
            return Int(n)
        }
    }

    static func strings(_ op: String) -> @Sendable (MessagePackValue) throws(ClientError) -> [String] {
        { value throws(ClientError) in
            guard let elements = value.arrayValue else { throw violation(op, "an array", value) }
            var out: [String] = []
            for element in elements {
                guard let s = element.stringValue else { throw violation(op, "an array of strings", value) }
                out.append(s)
            }
            return out
        }
    }

    static func array<T>(
        _ op: String, _ element: @escaping @Sendable (MessagePackValue) throws(ClientError) -> T
    ) -> @Sendable (MessagePackValue) throws(ClientError) -> [T] {
        { value throws(ClientError) in
            guard let elements = value.arrayValue else { throw violation(op, "an array", value) }
            var out: [T] = []
            out.reserveCapacity(elements.count)
            for e in elements { out.append(try element(e)) }
            return out
        }
    }
}
