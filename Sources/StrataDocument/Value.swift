/// One BSON value. Every BSON 1.1 type round-trips through this enum,
/// including the deprecated ones (undefined, dbPointer, symbol, code with scope)
/// so stored bytes decode and re-encode unchanged.
///
/// Equality and hashing are structural (an `int32(1)` is not equal to a
/// `double(1)`; doubles are equal when their bit patterns are, so a NaN equals
/// itself and `-0.0` differs from `0.0`, as their bytes do); use ``Value/compare(_:_:)`` for the total order that
/// sorting and filters use, where numbers compare by value.
public enum Value: Sendable, Hashable {
    case null
    case undefined
    case minKey
    case maxKey
    case bool(Bool)
    case int32(Int32)
    case int64(Int64)
    case double(Double)
    /// A decimal128, kept as its 16 raw bytes.
    case decimal128(Decimal128)
    case string(String)
    case binary(Binary)
    case objectId(ObjectId)
    /// Milliseconds since the Unix epoch (UTC).
    case datetime(Int64)
    case timestamp(Timestamp)
    case regex(RegularExpression)
    case array([Value])
    case document(Document)
    /// JavaScript code (BSON type 0x0D).
    case javascript(String)
    /// JavaScript code with a scope document (deprecated BSON type 0x0F).
    case javascriptWithScope(code: String, scope: Document)
    /// A symbol (deprecated BSON type 0x0E).
    case symbol(String)
    /// A DBPointer (deprecated BSON type 0x0C).
    case dbPointer(namespace: String, id: ObjectId)

    /// The BSON type byte this value is stored with.
    public var bsonType: BSONType {
        switch self {
        case .double: .double
        case .string: .string
        case .document: .document
        case .array: .array
        case .binary: .binary
        case .undefined: .undefined
        case .objectId: .objectId
        case .bool: .bool
        case .datetime: .datetime
        case .null: .null
        case .regex: .regex
        case .dbPointer: .dbPointer
        case .javascript: .javascript
        case .symbol: .symbol
        case .javascriptWithScope: .javascriptWithScope
        case .int32: .int32
        case .timestamp: .timestamp
        case .int64: .int64
        case .decimal128: .decimal128
        case .minKey: .minKey
        case .maxKey: .maxKey
        }
    }

    /// The embedded document, if this is one.
    public var documentValue: Document? {
        if case .document(let d) = self { return d }
        return nil
    }

    /// The elements, if this is an array.
    public var arrayValue: [Value]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The string, if this is a string.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The value as a double, for any numeric type (decimal128 approximated).
    public var doubleValue: Double? {
        switch self {
        case .int32(let v): Double(v)
        case .int64(let v): Double(v)
        case .double(let v): v
        case .decimal128(let d): d.doubleValue
        default: nil
        }
    }

    /// The value as an Int64 when it is an integer type, or a double holding
    /// an integral value in range.
    public var int64Value: Int64? {
        switch self {
        case .int32(let v): Int64(v)
        case .int64(let v): v
        case .double(let v): Int64(exactly: v)
        default: nil
        }
    }

    /// Whether this is int32, int64, double or decimal128.
    public var isNumber: Bool {
        switch self {
        case .int32, .int64, .double, .decimal128: true
        default: false
        }
    }
}

/// The BSON 1.1 element type bytes.
public enum BSONType: UInt8, Sendable, Hashable, CaseIterable {
    case double = 0x01
    case string = 0x02
    case document = 0x03
    case array = 0x04
    case binary = 0x05
    case undefined = 0x06
    case objectId = 0x07
    case bool = 0x08
    case datetime = 0x09
    case null = 0x0A
    case regex = 0x0B
    case dbPointer = 0x0C
    case javascript = 0x0D
    case symbol = 0x0E
    case javascriptWithScope = 0x0F
    case int32 = 0x10
    case timestamp = 0x11
    case int64 = 0x12
    case decimal128 = 0x13
    case minKey = 0xFF
    case maxKey = 0x7F
}

extension Value: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral,
    ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    /// Integer literals become int32 when they fit, int64 otherwise.
    public init(integerLiteral value: Int64) {
        if let small = Int32(exactly: value) { self = .int32(small) } else { self = .int64(value) }
    }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: Value...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, Value)...) { self = .document(Document(elements)) }
    public init(nilLiteral: ()) { self = .null }
}
