/// The order-preserving byte encoding of values for secondary-index keys:
/// for any values a and b, `memcmp(encode(a), encode(b))` has the sign of
/// `Value.compare(a, b)`. Encodings are prefix-free (no encoding is a proper
/// prefix of another), so concatenating them (`field : value : id`, or the
/// values of a compound index) still sorts by the first differing component.
///
///     key       := tag:uint8 body
///     tag       := the value's type bracket (Value.typeBracket):
///                  01 MinKey  05 null/undefined  10 number  14 string/symbol
///                  18 document  1C array  20 binary  24 ObjectId  28 bool
///                  2C datetime  30 timestamp  34 regex  38 DBPointer
///                  3C JavaScript  40 JavaScript with scope  F0 MaxKey
///
///     number    := sortable:8 tiebreak:2          (int32, int64, double, decimal128)
///       sortable  the value as a double D (int64 rounded to nearest, decimal128
///                 approximated), -0 folded to +0, bit pattern big-endian with
///                 the sign bit set for positives and all bits flipped for
///                 negatives; NaN is 00×8, below -Infinity.
///       tiebreak  int64 only: i - D (exactly, |i - D| <= 512 since an ulp is at
///                 most 1024 below 2^63) as Int16, big-endian, sign bit flipped;
///                 80 00 for everything else. Two int64s beyond 2^53 that
///                 round to the same double, or such an int64 and the double
///                 itself, are ordered by it; equal values of any numeric type
///                 encode identically (int32 5, int64 5, double 5.0 → same bytes).
///
///     string    := UTF-8 with 00 escaped as 00 FF | 00 00
///                  "a" → 61 00 00 sorts before "a\0" → 61 00 FF 00 00 and "ab"
///     document  := ( tag(value) string(key) body(value) )* 00
///     array     := ( tag body )* 00
///     binary    := length:uint32 BE | subtype | bytes
///     ObjectId  := 12 bytes          bool := 00 | 01
///     datetime  := Int64 ms big-endian, sign bit flipped
///     timestamp := seconds:uint32 BE | increment:uint32 BE
///     regex     := string(pattern) string(options)
///     DBPointer := string(namespace) ObjectId
///     JavaScript:= string(code)      with scope := string(code) document(scope)
///     MinKey, null, MaxKey: the tag alone.
///
/// Decoding gives back an equal-comparing value, not always the same type:
/// numbers come back as double (int64 when the tiebreak is not zero),
/// symbols as strings, undefined as null.
public enum IndexKey {
    /// The order-preserving encoding of `value`.
    public static func encode(_ value: Value) -> [UInt8] {
        var out: [UInt8] = []
        encode(value, into: &out)
        return out
    }

    /// Appends the order-preserving encoding of `value` to `out`.
    public static func encode(_ value: Value, into out: inout [UInt8]) {
        out.append(value.typeBracket)
        body(value, into: &out)
    }

    private static func body(_ value: Value, into out: inout [UInt8]) {
        switch value {
        case .minKey, .maxKey, .null, .undefined: break
        case .int32(let v): number(Double(v), tiebreak: 0, into: &out)
        case .int64(let v):
            let d = Double(v)
            number(d, tiebreak: Int16(Int128(v) - Int128(d)), into: &out)
        case .double(let v): number(v, tiebreak: 0, into: &out)
        case .decimal128(let v): number(v.doubleValue, tiebreak: 0, into: &out)
        case .string(let s), .symbol(let s), .javascript(let s): string(s, into: &out)
        case .document(let d): document(d, into: &out)
        case .array(let a):
            for element in a { encode(element, into: &out) }
            out.append(0)
        case .binary(let b):
            bigEndian(UInt64(b.bytes.count), bytes: 4, into: &out)
            out.append(b.subtype)
            out.append(contentsOf: b.bytes)
        case .objectId(let o): out.append(contentsOf: o.bytes)
        case .bool(let b): out.append(b ? 1 : 0)
        case .datetime(let ms): bigEndian(UInt64(bitPattern: ms) ^ (1 << 63), bytes: 8, into: &out)
        case .timestamp(let t): bigEndian(UInt64(t.seconds) << 32 | UInt64(t.increment), bytes: 8, into: &out)
        case .regex(let r):
            string(r.pattern, into: &out)
            string(r.options, into: &out)
        case .dbPointer(let namespace, let id):
            string(namespace, into: &out)
            out.append(contentsOf: id.bytes)
        case .javascriptWithScope(let code, let scope):
            string(code, into: &out)
            document(scope, into: &out)
        }
    }

    private static func document(_ d: Document, into out: inout [UInt8]) {
        for (key, value) in d {
            out.append(value.typeBracket)
            string(key, into: &out)
            body(value, into: &out)
        }
        out.append(0)
    }

    private static func number(_ d: Double, tiebreak: Int16, into out: inout [UInt8]) {
        let sortable: UInt64
        if d.isNaN {
            sortable = 0
        } else {
            let bits = (d == 0 ? 0.0 : d).bitPattern
            sortable = bits >> 63 == 1 ? ~bits : bits | (1 << 63)
        }
        bigEndian(sortable, bytes: 8, into: &out)
        bigEndian(UInt64(UInt16(bitPattern: tiebreak) ^ 0x8000), bytes: 2, into: &out)
    }

    private static func string(_ s: String, into out: inout [UInt8]) {
        for byte in s.utf8 {
            out.append(byte)
            if byte == 0 { out.append(0xFF) }
        }
        out.append(0)
        out.append(0)
    }

    private static func bigEndian(_ v: UInt64, bytes: Int, into out: inout [UInt8]) {
        for i in (0..<bytes).reversed() { out.append(UInt8(truncatingIfNeeded: v >> (8 * i))) }
    }

    /// Decodes one encoded value that spans all of `bytes`.
    /// - Throws: `DocumentError` `.corrupt` for bytes that are not an encoding.
    public static func decode(_ bytes: [UInt8]) throws(DocumentError) -> Value {
        var at = 0
        let value = try decode(bytes, at: &at)
        guard at == bytes.count else { throw .corrupt("index key has trailing bytes", at: at) }
        return value
    }

    /// Decodes the encoded value starting at `at` and moves `at` past it
    /// (for keys that hold several components).
    /// - Throws: `DocumentError` `.corrupt` for bytes that are not an encoding.
    public static func decode(_ bytes: [UInt8], at: inout Int) throws(DocumentError) -> Value {
        var reader = KeyReader(bytes: bytes, at: at)
        let value = try reader.value(depth: 0)
        at = reader.at
        return value
    }

    /// Moves `at` past the encoded value starting there, without decoding
    /// or allocating (to find the id after the value in an index key).
    /// - Throws: `DocumentError` `.corrupt` for bytes that are not an encoding.
    public static func skip(_ bytes: UnsafeRawBufferPointer, at: inout Int) throws(DocumentError) {
        var skipper = KeySkipper(bytes: bytes, at: at)
        try skipper.value(depth: 0)
        at = skipper.at
    }

    /// The walk of ``KeyReader`` without building values.
    struct KeySkipper {
        let bytes: UnsafeRawBufferPointer
        var at: Int

        mutating func byte() throws(DocumentError) -> UInt8 {
            guard at < bytes.count else { throw .corrupt("truncated index key", at: at) }
            at += 1
            return bytes[at - 1]
        }

        mutating func advance(_ n: Int) throws(DocumentError) {
            guard bytes.count - at >= n else { throw .corrupt("truncated index key", at: at) }
            at += n
        }

        mutating func string() throws(DocumentError) {
            while true {
                if try byte() != 0 { continue }
                switch try byte() {
                case 0: return
                case 0xFF: continue
                default: throw .corrupt("bad escape in index key string", at: at - 1)
                }
            }
        }

        mutating func value(depth: Int) throws(DocumentError) {
            try body(tag: try byte(), depth: depth)
        }

        mutating func body(tag: UInt8, depth: Int) throws(DocumentError) {
            guard depth <= BSONLimits.default.maxDepth else { throw .corrupt("index key nested too deeply", at: at) }
            switch tag {
            case 0x01, 0x05, 0xF0: return
            case 0x10: try advance(10)
            case 0x14, 0x3C: try string()
            case 0x18: try document(depth: depth + 1)
            case 0x1C:
                while true {
                    let t = try byte()
                    if t == 0 { return }
                    try body(tag: t, depth: depth + 1)
                }
            case 0x20:
                try advance(4)
                let n = Int(bytes[at - 4]) << 24 | Int(bytes[at - 3]) << 16 | Int(bytes[at - 2]) << 8 | Int(bytes[at - 1])
                try advance(1 + n)
            case 0x24: try advance(12)
            case 0x28: try advance(1)
            case 0x2C, 0x30: try advance(8)
            case 0x34:
                try string()
                try string()
            case 0x38:
                try string()
                try advance(12)
            case 0x40:
                try string()
                try document(depth: depth + 1)
            default:
                throw .corrupt("unknown index key tag 0x\(Hex.encode([tag]))", at: at - 1)
            }
        }

        mutating func document(depth: Int) throws(DocumentError) {
            while true {
                let t = try byte()
                if t == 0 { return }
                try string()
                try body(tag: t, depth: depth)
            }
        }
    }

    struct KeyReader {
        let bytes: [UInt8]
        var at: Int

        mutating func byte() throws(DocumentError) -> UInt8 {
            guard at < bytes.count else { throw .corrupt("truncated index key", at: at) }
            at += 1
            return bytes[at - 1]
        }

        mutating func take(_ n: Int) throws(DocumentError) -> [UInt8] {
            guard n >= 0, bytes.count - at >= n else { throw .corrupt("truncated index key", at: at) }
            at += n
            return Array(bytes[at - n..<at])
        }

        mutating func bigEndian(_ n: Int) throws(DocumentError) -> UInt64 {
            var v: UInt64 = 0
            for b in try take(n) { v = v << 8 | UInt64(b) }
            return v
        }

        mutating func string() throws(DocumentError) -> String {
            var out: [UInt8] = []
            while true {
                let b = try byte()
                if b != 0 {
                    out.append(b)
                    continue
                }
                switch try byte() {
                case 0:
                    guard let s = String(validating: out, as: UTF8.self) else {
                        throw .corrupt("invalid UTF-8 in index key string", at: at)
                    }
                    return s
                case 0xFF: out.append(0)
                default: throw .corrupt("bad escape in index key string", at: at - 1)
                }
            }
        }

        mutating func value(depth: Int) throws(DocumentError) -> Value {
            let tag = try byte()
            return try body(tag: tag, depth: depth)
        }

        mutating func body(tag: UInt8, depth: Int) throws(DocumentError) -> Value {
            guard depth <= BSONLimits.default.maxDepth else { throw .corrupt("index key nested too deeply", at: at) }
            switch tag {
            case 0x01: return .minKey
            case 0x05: return .null
            case 0xF0: return .maxKey
            case 0x10:
                let sortable = try bigEndian(8)
                let tiebreak = Int16(bitPattern: UInt16(try bigEndian(2)) ^ 0x8000)
                if sortable == 0 { return .double(.nan) }
                let bits = sortable >> 63 == 1 ? sortable & ~(1 << 63) : ~sortable
                let d = Double(bitPattern: bits)
                if tiebreak == 0 { return .double(d) }
                guard let base = Int128(exactly: d), let v = Int64(exactly: base + Int128(tiebreak)) else {
                    throw .corrupt("bad number tiebreak in index key", at: at - 2)
                }
                return .int64(v)
            case 0x14: return .string(try string())
            case 0x3C: return .javascript(try string())
            case 0x18: return .document(try document(depth: depth + 1))
            case 0x1C:
                var elements: [Value] = []
                while true {
                    let t = try byte()
                    if t == 0 { return .array(elements) }
                    elements.append(try body(tag: t, depth: depth + 1))
                }
            case 0x20:
                let n = Int(try bigEndian(4))
                let subtype = try byte()
                return .binary(Binary(subtype: subtype, bytes: try take(n)))
            case 0x24: return .objectId(ObjectId(bytes: try take(12)))
            case 0x28:
                switch try byte() {
                case 0: return .bool(false)
                case 1: return .bool(true)
                default: throw .corrupt("bad boolean in index key", at: at - 1)
                }
            case 0x2C: return .datetime(Int64(bitPattern: try bigEndian(8) ^ (1 << 63)))
            case 0x30:
                let v = try bigEndian(8)
                return .timestamp(Timestamp(seconds: UInt32(v >> 32), increment: UInt32(truncatingIfNeeded: v)))
            case 0x34:
                let pattern = try string()
                return .regex(RegularExpression(pattern: pattern, options: try string()))
            case 0x38:
                let namespace = try string()
                return .dbPointer(namespace: namespace, id: ObjectId(bytes: try take(12)))
            case 0x40:
                let code = try string()
                return .javascriptWithScope(code: code, scope: try document(depth: depth + 1))
            default:
                throw .corrupt("unknown index key tag 0x\(Hex.encode([tag]))", at: at - 1)
            }
        }

        mutating func document(depth: Int) throws(DocumentError) -> Document {
            var d = Document()
            while true {
                let t = try byte()
                if t == 0 { return d }
                let key = try string()
                d.append(key, try body(tag: t, depth: depth))
            }
        }
    }
}
