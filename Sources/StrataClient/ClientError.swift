import StrataWire

/// The one error of the client: an error response from the server (its code and
/// message as sent), or a failure of the connection itself.
///
/// ```swift
/// do { try client.call(op: "find", arguments: […]) }
/// catch ClientError.Code.unsupported { … }
/// ```
public struct ClientError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure this is: the server's wire codes plus the client's own.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        // Codes the server sends (DESIGN.md, "Wire protocol").
        public static let badRequest = Code(rawValue: ResponseError.Code.badRequest.rawValue)
        public static let notFound = Code(rawValue: ResponseError.Code.notFound.rawValue)
        public static let conflict = Code(rawValue: ResponseError.Code.conflict.rawValue)
        public static let tooLarge = Code(rawValue: ResponseError.Code.tooLarge.rawValue)
        public static let unsupported = Code(rawValue: ResponseError.Code.unsupported.rawValue)
        public static let exists = Code(rawValue: ResponseError.Code.exists.rawValue)
        public static let unauthorized = Code(rawValue: ResponseError.Code.unauthorized.rawValue)
        public static let `internal` = Code(rawValue: ResponseError.Code.internal.rawValue)

        // Codes of the client side.
        /// Connecting, sending or receiving failed, or the server closed the connection.
        public static let connection = Code(rawValue: "connection")
        /// The server did not answer within the timeout.
        public static let timeout = Code(rawValue: "timeout")
        /// The server sent something that is not a valid response.
        public static let protocolViolation = Code(rawValue: "protocol")
        /// The calling task was cancelled before the answer came (``AsyncClient``).
        public static let cancelled = Code(rawValue: "cancelled")

        /// Matches a `ClientError` of this code, for `catch` clauses.
        public static func ~= (code: Code, error: any Error) -> Bool {
            (error as? ClientError)?.code == code
        }
    }

    /// The kind of failure.
    public var code: Code
    /// What went wrong (the server's message for server errors).
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The error for a server's error response.
    public init(_ error: ResponseError) {
        self.init(Code(rawValue: error.code.rawValue), error.message)
    }

    /// True for failures of the connection (after which it is unusable), false
    /// for error responses (the connection is fine).
    public var isConnectionFailure: Bool {
        code == .connection || code == .timeout || code == .protocolViolation
    }

    public var description: String { "\(code): \(message)" }
}
