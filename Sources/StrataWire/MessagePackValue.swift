/// One MessagePack value.
///
/// Integers that fit in `Int64` compare and hash equal whether they are held as
/// `.int` or `.uint` (`.int(5) == .uint(5)`); the decoder always produces `.int`
/// for them and `.uint` only above `Int64.max`. Floating-point values compare by
/// bit pattern, so equality is reflexive (a NaN equals the same NaN) and round
/// trips are exact; `0.0` and `-0.0` differ.
public enum MessagePackValue: Sendable {
    /// `nil` (0xC0).
    case `nil`
    /// `false` / `true` (0xC2 / 0xC3).
    case bool(Bool)
    /// A signed integer.
    case int(Int64)
    /// An unsigned integer (only needed above `Int64.max`).
    case uint(UInt64)
    /// A 32-bit float (0xCA); encoded as given, never narrowed or widened.
    case float32(Float)
    /// A 64-bit float (0xCB).
    case float64(Double)
    /// A UTF-8 string.
    case string(String)
    /// A byte string (bin 8/16/32).
    case binary([UInt8])
    /// An array.
    case array([MessagePackValue])
    /// A map, as its ordered key/value pairs. Keys may be any value.
    case map([(key: MessagePackValue, value: MessagePackValue)])
    /// An extension value with an application-defined type. Type −1 is the
    /// timestamp; decoded timestamps are `.timestamp`, never `.ext(-1, …)`.
    case ext(type: Int8, data: [UInt8])
    /// The timestamp extension (type −1): seconds since the Unix epoch and
    /// nanoseconds (0…999,999,999).
    case timestamp(seconds: Int64, nanoseconds: UInt32)
}

// MARK: - Equality and hashing

extension MessagePackValue: Hashable {
    /// Structural equality; see the type's documentation for integers and floats.
    public static func == (lhs: MessagePackValue, rhs: MessagePackValue) -> Bool {
        switch (lhs, rhs) {
        case (.nil, .nil): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.int(a), .int(b)): return a == b
        case let (.uint(a), .uint(b)): return a == b
        case let (.int(a), .uint(b)), let (.uint(b), .int(a)): return a >= 0 && UInt64(a) == b
        case let (.float32(a), .float32(b)): return a.bitPattern == b.bitPattern
        case let (.float64(a), .float64(b)): return a.bitPattern == b.bitPattern
        case let (.string(a), .string(b)): return a == b
        case let (.binary(a), .binary(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.map(a), .map(b)):
            guard a.count == b.count else { return false }
            for (x, y) in zip(a, b) where x.key != y.key || x.value != y.value { return false }
            return true
        case let (.ext(t1, d1), .ext(t2, d2)): return t1 == t2 && d1 == d2
        case let (.timestamp(s1, n1), .timestamp(s2, n2)): return s1 == s2 && n1 == n2
        default: return false
        }
    }

    /// Hashes consistently with `==`.
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .nil: hasher.combine(0 as UInt8)
        case .bool(let b): hasher.combine(1 as UInt8); hasher.combine(b)
        case .int(let i):
            if i >= 0 {
                hasher.combine(3 as UInt8); hasher.combine(UInt64(i))
            } else {
                hasher.combine(2 as UInt8); hasher.combine(i)
            }
        case .uint(let u): hasher.combine(3 as UInt8); hasher.combine(u)
        case .float32(let f): hasher.combine(4 as UInt8); hasher.combine(f.bitPattern)
        case .float64(let d): hasher.combine(5 as UInt8); hasher.combine(d.bitPattern)
        case .string(let s): hasher.combine(6 as UInt8); hasher.combine(s)
        case .binary(let b): hasher.combine(7 as UInt8); hasher.combine(b)
        case .array(let a): hasher.combine(8 as UInt8); hasher.combine(a)
        case .map(let m):
            hasher.combine(9 as UInt8)
            hasher.combine(m.count)
            for (k, v) in m {
                hasher.combine(k)
                hasher.combine(v)
            }
        case .ext(let t, let d): hasher.combine(10 as UInt8); hasher.combine(t); hasher.combine(d)
        case .timestamp(let s, let n): hasher.combine(11 as UInt8); hasher.combine(s); hasher.combine(n)
        }
    }
}

// MARK: - Accessors

extension MessagePackValue {
    /// True for `.nil`.
    public var isNil: Bool {
        if case .nil = self { return true }
        return false
    }

    /// The Boolean, for `.bool`.
    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The integer as `Int64`, for `.int` and for `.uint` up to `Int64.max`.
    public var intValue: Int64? {
        switch self {
        case .int(let i): return i
        case .uint(let u): return u <= UInt64(Int64.max) ? Int64(u) : nil
        default: return nil
        }
    }

    /// The integer as `UInt64`, for `.uint` and for non-negative `.int`.
    public var uintValue: UInt64? {
        switch self {
        case .uint(let u): return u
        case .int(let i): return i >= 0 ? UInt64(i) : nil
        default: return nil
        }
    }

    /// The number as `Double`, for both float widths and for integers (which may
    /// round above 2^53).
    public var doubleValue: Double? {
        switch self {
        case .float64(let d): return d
        case .float32(let f): return Double(f)
        case .int(let i): return Double(i)
        case .uint(let u): return Double(u)
        default: return nil
        }
    }

    /// The string, for `.string`.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The bytes, for `.binary`.
    public var binaryValue: [UInt8]? {
        if case .binary(let b) = self { return b }
        return nil
    }

    /// The elements, for `.array`.
    public var arrayValue: [MessagePackValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The ordered pairs, for `.map`.
    public var mapValue: [(key: MessagePackValue, value: MessagePackValue)]? {
        if case .map(let m) = self { return m }
        return nil
    }

    /// The seconds and nanoseconds, for `.timestamp`.
    public var timestampValue: (seconds: Int64, nanoseconds: UInt32)? {
        if case .timestamp(let s, let n) = self { return (s, n) }
        return nil
    }

    /// The value of the first entry whose key is the string `key`, when this is a
    /// map; `nil` when it is not a map or has no such key.
    public subscript(key: String) -> MessagePackValue? {
        guard case .map(let pairs) = self else { return nil }
        for pair in pairs {
            if case .string(let k) = pair.key, k == key { return pair.value }
        }
        return nil
    }

    /// The element at `index`, when this is an array and the index is in range.
    public subscript(index: Int) -> MessagePackValue? {
        guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
        return elements[index]
    }
}

// MARK: - Literals

extension MessagePackValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    /// `.nil`.
    public init(nilLiteral: ()) { self = .nil }
    /// `.bool`.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// `.int`.
    public init(integerLiteral value: Int64) { self = .int(value) }
    /// `.float64`.
    public init(floatLiteral value: Double) { self = .float64(value) }
    /// `.string`.
    public init(stringLiteral value: String) { self = .string(value) }
    /// `.array`.
    public init(arrayLiteral elements: MessagePackValue...) { self = .array(elements) }
    /// `.map`, keeping the literal's order.
    public init(dictionaryLiteral elements: (MessagePackValue, MessagePackValue)...) {
        self = .map(elements.map { (key: $0.0, value: $0.1) })
    }
}

// MARK: - Description

extension MessagePackValue: CustomStringConvertible {
    /// A compact, JSON-like rendering for logs and test failures.
    public var description: String {
        switch self {
        case .nil: return "nil"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .uint(let u): return String(u)
        case .float32(let f): return "\(f)f"
        case .float64(let d): return "\(d)"
        case .string(let s): return "\"\(s)\""
        case .binary(let b): return "bin(\(b.count) bytes)"
        case .array(let a): return "[" + a.map(\.description).joined(separator: ", ") + "]"
        case .map(let m): return "{" + m.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        case .ext(let t, let d): return "ext(\(t), \(d.count) bytes)"
        case .timestamp(let s, let n): return "timestamp(\(s)s, \(n)ns)"
        }
    }
}
