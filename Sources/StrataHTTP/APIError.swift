import Hummingbird
import NIOCore
import StrataDB
import StrataDocument
import StrataQuery
import StrataSpatial
import StrataStore

/// The one error the HTTP layer answers with: an HTTP status and the body
/// `{"error": {"code": …, "message": …}}`.
///
/// ```swift
/// throw APIError(.badRequest, "body: \"take\" must be an integer")
/// ```
///
/// Every error a handler throws is mapped to one (``init(mapping:)``), so a
/// client always gets a JSON error body and the process keeps serving.
public struct APIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is: the `code` of the error body and its HTTP status.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The code as it appears in the error body (`bad_request`, …).
        public var rawValue: String
        /// The HTTP status this code is answered with.
        public var status: HTTPResponse.Status

        /// A code with an explicit status.
        public init(_ rawValue: String, status: HTTPResponse.Status) {
            self.rawValue = rawValue
            self.status = status
        }

        /// A code by name, answered with 500 unless it is one of the known ones.
        public init(rawValue: String) {
            let known: [Code] = [.badRequest, .notFound, .exists, .conflict, .tooLarge, .unavailable, .internal]
            self = known.first { $0.rawValue == rawValue } ?? Code(rawValue, status: .internalServerError)
        }

        /// The code's name.
        public var description: String { rawValue }

        /// Malformed JSON, a bad filter, update, query field or coordinate (400).
        public static let badRequest = Code("bad_request", status: .badRequest)
        /// No such collection or route (404).
        public static let notFound = Code("not_found", status: .notFound)
        /// A collection, index or `_id` that already exists (409).
        public static let exists = Code("exists", status: .conflict)
        /// A write that lost to concurrent writers too many times (409).
        public static let conflict = Code("conflict", status: .conflict)
        /// A body or document over the size limit (413).
        public static let tooLarge = Code("too_large", status: .contentTooLarge)
        /// The server is stopping (503).
        public static let unavailable = Code("unavailable", status: .serviceUnavailable)
        /// Anything else: the store failed or the data is corrupt (500).
        public static let `internal` = Code("internal", status: .internalServerError)

        /// Matches any `APIError` with this code, for `catch` patterns.
        public static func ~= (code: Code, error: any Error) -> Bool {
            (error as? APIError)?.code == code
        }
    }

    /// What kind of failure this is.
    public var code: Code
    /// A sentence naming what was wrong.
    public var message: String

    /// An error with a code and a message.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }

    /// Maps an error of the layers below (database, query, document, spatial,
    /// store, Hummingbird) to the error the client sees.
    public init(mapping error: any Error) {
        switch error {
        case let e as APIError: self = e
        case let e as DatabaseError: self.init(database: e)
        case is QueryError, is DocumentError, is StoreError:
            self.init(database: DatabaseError(mapping: error))
        case let e as SpatialError:
            switch e.code {
            case .invalidCoordinate, .invalidBoundingBox, .invalidRadius, .degeneratePolygon, .invalidArgument:
                self.init(.badRequest, e.message)
            default: self.init(.internal, "\(e.code): \(e.message)")
            }
        case is NIOTooManyBytesError: self.init(.tooLarge, "the request body is over the size limit")
        case let e as HTTPError:
            switch e.status {
            case .notFound: self.init(.notFound, e.body ?? "no such route")
            case .contentTooLarge: self.init(.tooLarge, e.body ?? "the request body is too large")
            case .methodNotAllowed: self.init(Code("method_not_allowed", status: .methodNotAllowed), e.body ?? "")
            default:
                let code = e.status.code < 500 ? Code("bad_request", status: e.status) : .internal
                self.init(code, e.body ?? e.status.reasonPhrase)
            }
        default: self.init(.internal, "\(error)")
        }
    }

    private init(database e: DatabaseError) {
        switch e.code {
        case .badRequest: self.init(.badRequest, e.message)
        case .notFound: self.init(.notFound, e.message)
        case .exists: self.init(.exists, e.message)
        case .conflict: self.init(.conflict, e.message)
        case .tooLarge: self.init(.tooLarge, e.message)
        default: self.init(.internal, "\(e.code): \(e.message)")
        }
    }

    /// The JSON error body: `{"error": {"code": …, "message": …}}`.
    public var body: JSONValue {
        .object([
            JSONMember(
                "error",
                .object([JSONMember("code", .string(code.rawValue)), JSONMember("message", .string(message))]))
        ])
    }
}
