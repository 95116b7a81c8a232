import StrataDocument
import StrataQuery
import StrataStore

/// The one error the document database throws, with a portable code the
/// server maps to its wire codes.
///
/// ```swift
/// do { try db.insert(["_id": 1], into: "users") }
/// catch DatabaseError.Code.exists { … }
/// ```
public struct DatabaseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// A collection, index or document does not exist.
        public static let notFound = Code(rawValue: "notFound")
        /// A collection, index or `_id` already exists.
        public static let exists = Code(rawValue: "exists")
        /// The request is malformed: a bad filter, update, name or document.
        public static let badRequest = Code(rawValue: "badRequest")
        /// A document is over the size limit.
        public static let tooLarge = Code(rawValue: "tooLarge")
        /// Stored bytes could not be decoded.
        public static let corrupt = Code(rawValue: "corrupt")
        /// A write lost to concurrent writers too many times.
        public static let conflict = Code(rawValue: "conflict")
        /// The store failed (I/O, full, closed, …); the message says how.
        public static let storage = Code(rawValue: "storage")

        /// Matches any `DatabaseError` with this code, for `catch` patterns.
        public static func ~= (code: Code, error: any Error) -> Bool {
            (error as? DatabaseError)?.code == code
        }
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    /// Maps any error of the layers below to a `DatabaseError`.
    public init(mapping error: any Error) {
        switch error {
        case let e as DatabaseError: self = e
        case let e as QueryError: self.init(.badRequest, e.message)
        case let e as DocumentError:
            switch e.code {
            case .tooLarge: self.init(.tooLarge, e.message)
            case .corrupt: self.init(.corrupt, e.message)
            default: self.init(.badRequest, e.message)
            }
        case let e as StoreError:
            switch e.code {
            case .notFound: self.init(.notFound, e.message)
            case .exists: self.init(.exists, e.message)
            case .corrupt: self.init(.corrupt, e.message)
            case .conflict: self.init(.conflict, e.message)
            case .invalidArgument: self.init(.badRequest, e.message)
            default: self.init(.storage, "\(e.code): \(e.message)")
            }
        default: self.init(.storage, "\(error)")
        }
    }
}
