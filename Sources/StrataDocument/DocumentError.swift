/// The one error type of the document layer: a machine-readable `code` and a
/// message for people (what went wrong and, for bytes, at which offset).
public struct DocumentError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: String
        /// Creates a code from its name.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// Bytes that are not a valid BSON document (lengths, terminators, UTF-8, types).
        public static let corrupt = Code(rawValue: "corrupt")
        /// A document larger than the size limit (16 MiB by default).
        public static let tooLarge = Code(rawValue: "too_large")
        /// A document nested deeper than the depth limit (100 by default).
        public static let tooDeep = Code(rawValue: "too_deep")
        /// A key or C string that cannot be stored (it contains a NUL byte).
        public static let invalidKey = Code(rawValue: "invalid_key")
        /// Text that is not valid JSON or not valid Extended JSON.
        public static let invalidJSON = Code(rawValue: "invalid_json")
        /// A dot path that cannot be followed or written (empty component,
        /// a step through a scalar, a non-index component on an array).
        public static let invalidPath = Code(rawValue: "invalid_path")
        /// A value or conversion this module does not support.
        public static let unsupported = Code(rawValue: "unsupported")
        public var description: String { rawValue }

        /// Matches an error against a code: `catch DocumentError.Code.corrupt`.
        public static func ~= (code: Code, error: any Error) -> Bool {
            (error as? DocumentError)?.code == code
        }
    }

    /// What kind of failure this is.
    public var code: Code
    /// What went wrong, for people.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    static func corrupt(_ message: String, at offset: Int) -> DocumentError {
        DocumentError(.corrupt, "\(message) at offset \(offset)")
    }
}

/// Runs `body` (typically a `withUnsafeBytes` closure, which only rethrows
/// untyped) and restores the typed `DocumentError`.
func typedThrows<R>(_ body: () throws -> R) throws(DocumentError) -> R {
    do {
        return try body()
    } catch let error as DocumentError {
        throw error
    } catch {
        throw DocumentError(.corrupt, "\(error)")
    }
}
