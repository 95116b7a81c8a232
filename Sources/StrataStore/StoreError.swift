/// The one error type every backend throws.
///
/// A `StoreError` carries a portable ``Code`` that callers match on and the
/// backend's own message (RocksDB's `errptr` text, LMDB's `mdb_strerror`, …).
///
/// ```swift
/// do { try store.dropColumnFamily("users") }
/// catch StoreError.Code.notFound { … }
/// ```
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is, independent of the backend.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// A column family (or another named thing) does not exist.
        public static let notFound = Code("notFound")
        /// An optimistic transaction lost to a concurrent writer; `write` retries these.
        public static let conflict = Code("conflict")
        /// A write was attempted where only reads are allowed.
        public static let readOnly = Code("readOnly")
        /// A transaction or cursor was used after its closure returned, or after an error.
        public static let transactionFinished = Code("transactionFinished")
        /// Stored bytes failed a checksum or could not be decoded.
        public static let corrupt = Code("corrupt")
        /// The store ran out of space (map size, disk).
        public static let full = Code("full")
        /// The operating system or the library reported an I/O failure.
        public static let io = Code("io")
        /// The caller passed something the store cannot accept.
        public static let invalidArgument = Code("invalidArgument")
        /// The store was closed.
        public static let closed = Code("closed")
        /// A column family (or another named thing) already exists.
        public static let exists = Code("exists")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}

extension StoreError.Code {
    /// Matches any error that is a `StoreError` with this code, for `catch` patterns.
    public static func ~= (code: StoreError.Code, error: any Error) -> Bool {
        (error as? StoreError)?.code == code
    }
}
