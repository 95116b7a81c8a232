/// The one error of the wire layer: a MessagePack value or a frame that could not
/// be decoded, or a value that cannot be framed.
///
/// `code` says what kind of failure it was; `message` says what was wrong and,
/// where there is one, at which byte offset. Match on the code with `~=`:
///
/// ```swift
/// catch WireError.Code.truncated { … }
/// ```
public struct WireError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of wire failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The short name of the code, e.g. `"malformed"`.
        public let name: String

        private init(_ name: String) { self.name = name }

        /// The bytes are not valid MessagePack (reserved byte 0xC1, invalid UTF-8 in
        /// a string, a bad timestamp, a zero frame length, …).
        public static let malformed = Code("malformed")
        /// The bytes end before the value does.
        public static let truncated = Code("truncated")
        /// A frame or a value is larger than the configured limit.
        public static let tooLarge = Code("tooLarge")
        /// Arrays and maps are nested deeper than the configured limit.
        public static let tooDeep = Code("tooDeep")
        /// A whole buffer held one complete value followed by more bytes.
        public static let trailingBytes = Code("trailingBytes")

        /// The short name of the code.
        public var description: String { name }

        /// Matches a `WireError` of this code, for `catch` clauses and `switch`.
        public static func ~= (code: Code, error: any Error) -> Bool {
            (error as? WireError)?.code == code
        }
    }

    /// The kind of failure.
    public var code: Code
    /// What was wrong, for people: names the offending element and its byte offset.
    public var message: String
    /// The byte offset in the decoded buffer where the failure was found, if any.
    public var offset: Int?
    /// True when the frame boundary in the byte stream is lost (a frame length of
    /// zero or above the maximum): the stream cannot be resynchronised and the
    /// connection must be closed. False when the failure is confined to one value
    /// or one frame, so an error response can still be sent.
    public var boundaryLost: Bool

    /// Creates an error.
    public init(_ code: Code, _ message: String, offset: Int? = nil, boundaryLost: Bool = false) {
        self.code = code
        self.message = message
        self.offset = offset
        self.boundaryLost = boundaryLost
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }
}
