/// The error a request ends with, as carried in an error response:
/// `{"code": <string>, "message": <string>}`.
///
/// Thrown by `Request` parsing and its typed argument accessors (always
/// `.badRequest`), and by the layers above to say how a request failed.
public struct ResponseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The protocol's error codes. Unknown codes received from a peer are kept.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The code as sent on the wire, e.g. `"bad_request"`.
        public let rawValue: String

        /// Wraps a wire code.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The request is malformed: not a map, missing or ill-typed fields or arguments.
        public static let badRequest = Code(rawValue: "bad_request")
        /// A collection, namespace, key or index does not exist.
        public static let notFound = Code(rawValue: "not_found")
        /// A write conflicted with another transaction.
        public static let conflict = Code(rawValue: "conflict")
        /// A frame, document or value is larger than allowed.
        public static let tooLarge = Code(rawValue: "too_large")
        /// The operation is unknown or not supported by this server or backend.
        public static let unsupported = Code(rawValue: "unsupported")
        /// What was to be created already exists.
        public static let exists = Code(rawValue: "exists")
        /// The connection has not authenticated.
        public static let unauthorized = Code(rawValue: "unauthorized")
        /// The server failed; not the client's fault.
        public static let `internal` = Code(rawValue: "internal")

        /// Every code the protocol defines.
        public static let all: [Code] = [
            .badRequest, .notFound, .conflict, .tooLarge, .unsupported, .exists, .unauthorized, .internal,
        ]

        /// The wire code.
        public var description: String { rawValue }

        /// Matches a `ResponseError` of this code, for `catch` clauses and `switch`.
        public static func ~= (code: Code, error: any Error) -> Bool {
            (error as? ResponseError)?.code == code
        }
    }

    /// The kind of failure.
    public var code: Code
    /// What went wrong, for people.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// A `.badRequest` error.
    public static func badRequest(_ message: String) -> ResponseError { ResponseError(.badRequest, message) }

    /// The error for a frame whose payload could not be decoded: `.tooLarge` for
    /// `WireError.Code.tooLarge`, otherwise `.badRequest`.
    public init(_ error: WireError) {
        self.init(error.code == .tooLarge ? .tooLarge : .badRequest, error.message)
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }

    /// The error object as sent: `{"code": …, "message": …}`.
    public var value: MessagePackValue {
        .map([(.string("code"), .string(code.rawValue)), (.string("message"), .string(message))])
    }
}
