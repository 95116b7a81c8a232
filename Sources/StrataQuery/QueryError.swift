import StrataDocument

/// The one error the query layer throws: a filter, sort, projection or update
/// that cannot be understood, naming the operator and the path at fault.
///
/// ```swift
/// do { _ = try Filter(["age": ["$foo": 1]]) }
/// catch QueryError.Code.unknownOperator { … }
/// ```
public struct QueryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of mistake this is.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// An operator (`$…`) that the query language does not have.
        public static let unknownOperator = Code(rawValue: "unknown_operator")
        /// An operand of the wrong type (`$in` without an array, `$inc` of a string, …).
        public static let badOperand = Code(rawValue: "bad_operand")
        /// A field path that is empty, has an empty component or cannot be walked.
        public static let badPath = Code(rawValue: "bad_path")
        /// A request that is malformed as a whole (mixed operators and fields, negative skip, …).
        public static let badRequest = Code(rawValue: "bad_request")

        /// Matches any `QueryError` with this code, for `catch` patterns.
        public static func ~= (code: Code, error: any Error) -> Bool {
            (error as? QueryError)?.code == code
        }
    }

    /// What kind of mistake this is.
    public var code: Code
    /// A sentence naming the operator and path at fault.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}

/// Checks a dot path: non-empty, no empty component, no NUL, not starting with `$`.
func validatePath(_ path: String, context: String) throws(QueryError) {
    guard !path.isEmpty, !path.utf8.contains(0) else {
        throw QueryError(.badPath, "\(context): field path \(path.debugDescription) is empty or holds NUL")
    }
    guard !path.hasPrefix("$") else {
        throw QueryError(.unknownOperator, "\(context): unknown operator \(path.debugDescription)")
    }
    if path.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) {
        throw QueryError(.badPath, "\(context): field path \(path.debugDescription) has an empty component")
    }
}
