/// The one error type of the spatial layer: a machine-readable `code` and a
/// message that names the offending value.
///
/// Match on the code with `~=`:
/// ```swift
/// catch let error as SpatialError where error.code == .invalidCoordinate { … }
/// ```
public struct SpatialError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// A latitude, longitude or altitude is out of range, NaN or infinite.
        public static let invalidCoordinate = Code("invalidCoordinate")
        /// A bounding box has its latitudes reversed or out of range.
        public static let invalidBoundingBox = Code("invalidBoundingBox")
        /// A radius is non-positive, NaN, infinite, or larger than half the Earth's circumference.
        public static let invalidRadius = Code("invalidRadius")
        /// A polygon ring has fewer than three distinct points or zero area.
        public static let degeneratePolygon = Code("degeneratePolygon")
        /// An id is already present in the index.
        public static let duplicateID = Code("duplicateID")
        /// Another argument (a negative `k` or `limit`) is unacceptable.
        public static let invalidArgument = Code("invalidArgument")
    }

    public let code: Code
    public let message: String

    /// Creates an error with a code and a message that names the bad value.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}

extension SpatialError.Code {
    /// Matches an error against a code: `catch SpatialError.Code.invalidRadius`.
    public static func ~= (code: SpatialError.Code, error: any Error) -> Bool {
        (error as? SpatialError)?.code == code
    }
}
